"""Personal fields of a contact are published only with consent; the run says what it withheld."""

import pyoxigraph as ox
from click.testing import CliRunner
from helpers import RELEASE

from pipeline.cli import main


def test_contact_without_consent_keeps_only_the_organisation(data_dir, tmp_path):
    contacts = data_dir / "contacts.csv"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace(",yes,programme-page", ",no,programme-page"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out), "--release-date", RELEASE])
    assert result.exit_code == 0, result.output
    assert "contacts.csv:2: contact 'olli-kokander': name, title_fi, phone, email withheld" in result.output
    text = (out / "koko.nt").read_text(encoding="utf-8")
    for personal in ("Olli Kokander", "tel:+358207464645", "mailto:olli.kokander@suonenjoki.fi", "Seutukehittäjä"):
        assert personal not in text
    store = ox.Store()
    store.load(path=str(out / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert store.query("""ASK { ?area <https://w3id.org/koko-lod/def/koko#contact> ?c .
        ?c a <http://www.w3.org/2006/vcard/ns#Organization> ; <http://www.w3.org/2006/vcard/ns#fn> "Sisä-Savon Seutuyhtymä" ;
           <https://w3id.org/koko-lod/def/koko#personalDataPublished> false }""")


def test_the_page_contact_is_public_and_marked(store):
    assert store.query("""ASK { <https://w3id.org/koko-lod/id/contact/olli-kokander>
        <https://w3id.org/koko-lod/def/koko#personalDataPublished> true }""")
