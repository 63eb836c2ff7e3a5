"""koko in Finnish, Swedish and English: the catalogues, the choice of language, and every
broken-source case said in each of the three."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from helpers import DATA, ROOT
from test_broken_sources import CASES, lay_over

from pipeline import i18n
from pipeline.cli import main
from pipeline.config import LANGS
from pipeline.i18n.catalogues import extracted, places

CATALOGUES = {lang: i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "koko.po" for lang in LANGS}


def entries(lang: str) -> dict:
    with open(CATALOGUES[lang], "rb") as f:
        return {(m.context or "", m.id): m.string for m in read_po(f) if m.id}


def forms(text) -> tuple:
    return text if isinstance(text, tuple) else (text,)


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_has_a_translation_with_the_same_places(lang):
    """Each text the package marks for people (and Click's, and the shapes' messages) is in the
    catalogue with a translation whose {places} are the English ones; nothing else is there."""
    catalogue = entries(lang)
    assert set(catalogue) == set(extracted()), "run python -m pipeline.i18n.catalogues"
    for (_context, msgid), string in catalogue.items():
        assert all(forms(string)), f"{lang}: no translation of {msgid!r}"
        for english, said in zip(forms(msgid), forms(string)):
            assert places(said) == places(english), f"{lang}: {english!r} -> {said!r}"


def test_a_missing_translation_or_a_changed_place_is_caught(tmp_path, monkeypatch):
    """The check above on a catalogue broken twice: it fails."""
    broken = tmp_path / "fi.po"
    text = CATALOGUES["fi"].read_text(encoding="utf-8")
    text = text.replace('msgstr "{value!r} ei ole vuosiluku"', 'msgstr "{arvo!r} ei ole vuosiluku"')
    text = text.replace('msgstr "tiedosto on tyhjä"', 'msgstr ""')
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setitem(CATALOGUES, "fi", broken)
    with pytest.raises(AssertionError, match="no translation|->"):
        test_every_text_has_a_translation_with_the_same_places("fi")


def test_the_language_comes_from_the_option_the_variable_or_the_locale():
    choose = i18n.choose
    assert choose("sv", {"KOKO_LANG": "fi", "LANG": "en_GB.UTF-8"}) == "sv"
    assert choose(None, {"KOKO_LANG": "fi", "LANG": "sv_FI.UTF-8"}) == "fi"
    assert choose(None, {"LANG": "fi_FI.UTF-8"}) == "fi"
    assert choose(None, {"LANG": "sv_SE.UTF-8"}) == choose(None, {"LANG": "sv_FI"}) == "sv"
    assert choose(None, {"LC_ALL": "sv_FI.UTF-8", "LANG": "fi_FI.UTF-8"}) == "sv"
    assert choose(None, {"LC_MESSAGES": "fi_FI", "LANG": "sv_FI"}) == "fi"
    assert choose(None, {"LC_ALL": "C.UTF-8", "LANG": "fi_FI.UTF-8"}) == "en"  # LC_ALL decides
    assert choose(None, {"LANG": "de_DE.UTF-8"}) == choose(None, {}) == "en"


def said_in(lang: str, data_dir) -> dict:
    result = CliRunner().invoke(main, ["--lang", lang, "validate", "--data", str(data_dir), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["lang"] == lang
    return {"exit": result.exit_code, "problems": doc["problems"],
            "results": [r for r in doc["results"] if r["severity"] == "violation"]}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_broken_case_is_said_in_each_language(case, data_dir):
    """The same problems in fi, sv and en: the same exit, file, line, column and code; a
    message (and hint) in each language, and different in each."""
    lay_over(case, data_dir)
    said = {lang: said_in(lang, data_dir) for lang in LANGS}
    assert len({s["exit"] for s in said.values()}) == 1
    kind = "problems" if said["en"]["problems"] else "results"
    keys = ("file", "line", "column", "field", "sheet", "code") if kind == "problems" else (
        "file", "line", "column", "focus", "path", "component")
    places_of = {lang: [tuple(p[k] for k in keys) for p in s[kind]] for lang, s in said.items()}
    assert places_of["fi"] == places_of["sv"] == places_of["en"] and places_of["en"]
    for i, english in enumerate(said["en"][kind]):
        messages = [said[lang][kind][i]["message"] for lang in LANGS]
        assert all(messages) and len(set(messages)) == 3, messages
        hints = [said[lang][kind][i].get("hint") for lang in LANGS]
        assert all(hints) == any(hints) and (not any(hints) or len(set(hints)) == 3), hints


def koko(*args, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("KOKO_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=120,
                          env={**environ, **env}, cwd=ROOT)


def test_a_swedish_locale_gets_swedish(data_dir):
    (data_dir / "contacts.csv").write_text((ROOT / "tests" / "broken" / "12-email-without-domain" / "contacts.csv")
                                           .read_text(encoding="utf-8"), encoding="utf-8")
    run = koko("validate", "--data", str(data_dir), LANG="sv_FI.UTF-8")
    assert run.returncode == 2 and "är ingen e-postadress (rad 2, kolumn email); skriv det som namn@example.fi" in run.stderr
    assert run.stderr.startswith("… läsning") and "fel: " in run.stderr, run.stderr


def test_help_in_finnish():
    run = koko("--lang", "fi", "publish", "--help")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Käyttö: ") and "Valitsimet:" in run.stdout
    assert "Lähdetiedostojen kansio." in run.stdout and "[oletus: data]" in run.stdout
    assert "Näytä tämä ohje ja lopeta." in run.stdout and "Folder of the source files" not in run.stdout
    swedish = koko("--help", KOKO_LANG="sv").stdout
    assert "Användning: " in swedish and "Kommandon:" in swedish and "Publicera KOKO-programmets" in swedish
    wrong = koko("--lang", "sv", "publish", "--no-such-option")
    assert wrong.returncode == 2 and "Alternativet '--no-such-option' finns inte." in wrong.stderr, wrong.stderr


def test_the_template_notes_in_finnish(tmp_path):
    from openpyxl import load_workbook

    result = CliRunner().invoke(main, ["--lang", "fi", "template", "--data", str(DATA), "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "contacts.xlsx")
    notes = {c.value: c.comment.text for c in book.worksheets[0][1] if c.comment}
    assert notes["email"].startswith("email: sähköpostiosoite; ") and "Esimerkki: " in notes["email"]
    funding = load_workbook(tmp_path / "funding.xlsx").worksheets[0]
    rules = funding.data_validations.dataValidation
    assert rules and all(r.prompt and "yksi näistä" in r.prompt or "pakollinen" in r.prompt or "tyhjäksi" in r.prompt
                         for r in rules)


def test_numbers_are_written_as_each_language_writes_them():
    assert i18n.number(6340, lang="fi") == "6\xa0340" and i18n.number(6340, lang="en") == "6,340"
    assert i18n.number(1.5, "0.00", lang="sv") == "1,50"
    assert i18n.money(11000000, lang="fi") == "11\xa0000\xa0000\xa0€" and i18n.money("480000.5", lang="en") == "€480,000.50"
