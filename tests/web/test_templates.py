"""Pages from Jinja2 templates: autoescaped, and restyled by a steward's folder of templates."""

import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from helpers import DATA, RELEASE, as_it_stands
from werkzeug.test import Client

from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.sources.settings import load_settings
from pipeline.web.limits import Limits
from pipeline.web.pages import Site
from pipeline.web.served import make_app
from pipeline.web.templating import Templates

FOOTER = '<footer class="council">Pohjois-Savon liitto · <a href="https://example.org/">example.org</a></footer>\n'
BASE = "https://w3id.org/koko-lod/"



def publish(data_dir, out, *extra):
    return CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out),
                                     "--release-date", RELEASE, *extra])


def test_a_footer_from_the_command_line_is_on_every_kind_of_page(data_dir, tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "footer.html").write_text(FOOTER)
    result = publish(data_dir, tmp_path / "out", "--templates", str(own))
    assert result.exit_code == 0, result.output
    site = tmp_path / "out" / "site"
    for page in ("index.html", "id/area/kuopio.html", "id/municipality/297.html", "query.html", "def/koko.html"):
        text = (site / page).read_text()
        assert FOOTER.strip() in text, page
        assert text.index(FOOTER.strip()) > text.index("</main>")


def test_a_templates_setting_in_dataset_yaml_and_a_block_override(data_dir, tmp_path):
    own = data_dir / "look"
    own.mkdir()
    (own / "base.html").write_text('{% extends "koko/base.html" %}\n'
                                   '{% block brand %}<a class="brand" href="/"><img src="/logo.svg" alt="Savo"></a>{% endblock %}\n')
    (own / "style.css").write_text("body{background:#fffbe6}\n")
    dataset = data_dir / "dataset.yaml"
    dataset.write_text(dataset.read_text() + "templates: look\n")
    result = publish(data_dir, tmp_path / "out")
    assert result.exit_code == 0, result.output
    for page in ("index.html", "id/area/kuopio.html"):
        text = (tmp_path / "out" / "site" / page).read_text()
        assert '<img src="/logo.svg" alt="Savo">' in text and "body{background:#fffbe6}" in text
        assert "header .brand{" not in text  # the shipped style is replaced, not added to


def test_koko_serve_renders_with_the_stewards_templates(published, tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "footer.html").write_text(FOOTER)
    settings = load_settings(DATA).with_templates(own)
    # these pages are the site's own: the store is never asked, so none is started
    client = Client(make_app(settings, published, "http://store.invalid", Limits(), tmp_path))
    for path in ("/", "/id/area/kuopio", "/query"):
        answer = client.get(path, headers={"Accept": "text/html"})
        assert answer.status_code == 200 and FOOTER.strip().encode() in answer.data, path


def test_values_from_the_graph_are_escaped(settings):
    thing = ox.NamedNode(BASE + "id/area/x")
    nasty = '<script>alert("x")</script> & \'quoted\''
    triples = [ox.Triple(thing, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal(nasty, language="fi")),
               ox.Triple(thing, ox.NamedNode("https://schema.org/url"), ox.NamedNode("https://example.org/a?x=1&y='2'"))]
    page = Site.from_triples(triples, [], settings).page(thing.value)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quoted&#39;" in page
    assert 'href="https://example.org/a?x=1&amp;y=&#39;2&#39;"' in page


@pytest.mark.parametrize("name,text,line,message", [
    ("footer.html", "<footer>\n{% if %}\n</footer>\n", 2, "template error"),
    ("footer.html", "<footer>\n\n{{ publisher.name }}</footer>\n", 3, "'publisher' is undefined"),
    ("page.html", '{% extends "base.html" %}\n{% block main %}{% include "missing.html" %}{% endblock %}\n', 2,
     "'missing.html' not found"),
])
def test_a_broken_template_is_exit_2_naming_file_and_line(data_dir, tmp_path, published, name, text, line, message):
    out = tmp_path / "out"
    shutil.copytree(published, out)
    before = as_it_stands(out)
    own = tmp_path / "templates"
    own.mkdir()
    (own / name).write_text(text)
    result = publish(data_dir, out, "--templates", str(own))
    assert result.exit_code == 2, result.output
    assert f"{name}:{line}" in result.output and message in result.output, result.output
    assert "internal error" not in result.output
    assert as_it_stands(out) == before


def test_a_missing_templates_folder_is_exit_2(data_dir, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Templates(tmp_path / "nowhere")
    dataset = data_dir / "dataset.yaml"
    dataset.write_text(dataset.read_text() + "templates: nowhere\n")
    result = publish(data_dir, tmp_path / "out")
    assert result.exit_code == 2 and "dataset.yaml" in result.output and "'nowhere' not found" in result.output


def test_compiled_templates_come_from_the_cache_and_an_edit_is_compiled_again(settings, tmp_path, monkeypatch):
    """A run reads the templates compiled by the one before (none is compiled again), renders
    the same text from them, and still names a steward's file and line for an error; a
    template edited since is compiled again."""
    import jinja2

    monkeypatch.setenv("KOKO_CACHE", str(tmp_path / "cache"))
    own = tmp_path / "templates"
    own.mkdir()
    (own / "footer.html").write_text("<footer>one</footer>\n")
    (own / "error.html").write_text("<p>\n{{ nope.x }}\n</p>\n")
    first = Templates(own)
    context = {"lang": "fi", "fixed": False, "endpoint": "/sparql", "title": "t", "status": 404, "message": "m"}
    with pytest.raises(InputError, match="error.html:2"):
        first.render("error.html", **context)
    thing = ox.NamedNode(BASE + "id/area/x")
    triples = [ox.Triple(thing, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("X", language="fi"))]
    page = Site.from_triples(triples, [], settings, templates=first).page(thing.value)
    assert "<footer>one</footer>" in page

    def never(*args, **kwargs):
        raise AssertionError("compiled again")

    with monkeypatch.context() as m:
        m.setattr(jinja2.Environment, "compile", never)
        cached = Templates(own)
    assert Site.from_triples(triples, [], settings, templates=cached).page(thing.value) == page
    with pytest.raises(InputError, match="error.html:2"):
        cached.render("error.html", **context)
    (own / "footer.html").write_text("<footer>two</footer>\n")
    assert "<footer>two</footer>" in Templates(own).env.get_template("footer.html").render()


def test_a_stewards_template_writes_texts_and_values_by_call_or_by_filter(tmp_path):
    """The shipped templates use the filters (names|t, v|value); a steward's template from an
    earlier release calls the same functions, t(names) and value(v), with the same result."""
    own = tmp_path / "templates"
    own.mkdir()
    (own / "footer.html").write_text('<p id="a">{{ t(ui.map_note) }}|{{ value({"kind": "link", "href": "https://x/?a&b"}) }}</p>\n'
                                     '<p id="b">{{ ui.map_note|t }}|{{ {"kind": "link", "href": "https://x/?a&b"}|value }}</p>\n')
    html = Templates(own).render("error.html", lang="fi", fixed=False, title={"fi": "x", "sv": "x", "en": "x"},
                                 heading={"fi": "x", "sv": "x", "en": "x"}, text={"fi": "x", "sv": "x", "en": "x"},
                                 path="")
    by_call = html.split('<p id="a">')[1].split("</p>")[0]
    by_filter = html.split('<p id="b">')[1].split("</p>")[0]
    assert by_call == by_filter and 'lang="sv"' in by_call and "https://x/?a&amp;b" in by_call
