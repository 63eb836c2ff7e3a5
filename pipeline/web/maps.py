"""Maps drawn at publish time from the boundary snapshot: one shared SVG of Finland's 2013
municipalities (`/map.svg`, each a path `#m<code>`), and small inline SVGs on the pages that
reuse its paths (`<use href="/map.svg#m297">`) and colour them, so no page carries a copy of
Finland and nothing comes from another site."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from ..config import LANGS, cache_dir
from ..files import write_atomic
from ..graph.vocab import DCT, SCHEMA, SKOS
from ..sources.boundaries import polygons
from .labels import UI

#: The drawing's projection: longitude scaled by the cosine of 64° N, 100 units a degree.
_LAT0, _LON0, _TOP, _K = 64.0, 19.0, 70.2, 100.0
WIDTH, HEIGHT = 560, 1060
#: Colours for the areas on the landing map (colour-blind safe, with a legend).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
           "#7f3c8d", "#11a579", "#3969ac", "#f2b701", "#e73f74", "#80ba5a", "#e68310")


def _xy(lon: float, lat: float) -> str:
    x = (lon - _LON0) * math.cos(math.radians(_LAT0)) * _K
    y = (_TOP - lat) * _K
    return f"{x:.0f} {y:.0f}"


def path_data(wkt: str) -> str:
    out = []
    for poly in polygons(wkt):
        for ring in poly:
            points = [_xy(lon, lat) for lon, lat in ring]
            kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            out.append("M" + " L".join(kept) + "Z")
    return "".join(out)


def cached_svg(boundaries: dict, names: dict) -> bytes:
    """shared_svg, kept in the cache folder under a hash of what it is drawn from and how."""
    key = hashlib.sha256(Path(__file__).read_bytes() + repr(sorted(boundaries.items())).encode()
                         + repr(sorted(names.items())).encode()).hexdigest()
    path = cache_dir("maps") / f"{key}.svg"
    try:
        return path.read_bytes()
    except OSError:
        pass
    svg = shared_svg(boundaries, names)
    try:
        write_atomic(path, svg)
    except OSError:
        pass  # no cache here: drawn again next time
    return svg


def shared_svg(boundaries: dict, names: dict) -> bytes:
    """The drawing every map reuses: a group #all of every municipality, each path #m<code>."""
    paths = "\n".join(f'<path id="m{code}" d="{path_data(text)}"><title>{names.get(code, code)}</title></path>'
                      for code, text in sorted(boundaries.items()))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}">\n'
            f'<g id="all">\n{paths}\n</g>\n</svg>\n').encode("utf-8")


def municipality_codes(index, iri: str, reference: str) -> list:
    """The 2013 municipalities a place is drawn as: itself, the one it merged into, or the
    members of a sub-region (on the reference date) or of an area."""
    k = index.vocab
    types = index.types(iri)
    if k + "Municipality" in types:
        merged = [o.value for p, o in index.out.get(iri, []) if p == DCT + "isReplacedBy"]
        if merged:
            return municipality_codes(index, merged[0], reference)
        return [o.value for p, o in index.out.get(iri, []) if p == SKOS + "notation"][:1]
    if k + "SubRegion" in types:
        return [c for member in index.members_on(iri, reference) for c in municipality_codes(index, member, reference)]
    if k + "KokoArea" in types:
        return sorted({c for p, o in index.out.get(iri, []) if p == SCHEMA + "containsPlace"
                       for c in municipality_codes(index, o.value, reference)})
    return []


def page_map(index, summaries, boundaries: dict, reference: str, iri: str) -> dict | None:
    """The inline map of a municipality's or an area's page: its municipalities highlighted,
    and for a municipality the rest of its KOKO area shaded."""
    if not boundaries:
        return None
    codes = [c for c in municipality_codes(index, iri, reference) if c in boundaries]
    if not codes:
        return None
    soft = set()
    for area in summaries.areas_of(iri) if index.vocab + "Municipality" in index.types(iri) else []:
        soft |= set(municipality_codes(index, area, reference))
    names = index.names(iri)
    return {"hl": codes, "soft": sorted(c for c in soft - set(codes) if c in boundaries),
            "title": {lang: f"{UI['map'][lang]}: {names[lang]}" for lang in LANGS}}


def landing_map(index, boundaries: dict, reference: str) -> list:
    """[{href, names, colour, codes}] of every KOKO area with a drawn member."""
    if not boundaries:
        return []
    out = []
    for area in sorted(index.of_class("KokoArea"), key=lambda a: index.names(a)["fi"]):
        codes = [c for c in municipality_codes(index, area, reference) if c in boundaries]
        if codes:
            out.append({**index.link(area), "codes": codes, "colour": PALETTE[len(out) % len(PALETTE)]})
    return out
