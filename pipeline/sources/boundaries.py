"""The project's snapshot of simplified municipal boundaries (2013 division), and their
reading: `data/reference/2013-01-01/boundaries.csv` holds one row per municipality, its code
and its boundary as WKT (WGS 84 longitude latitude, 4 decimals), with `boundaries.yaml` naming
the origin and the licence.

`python -m pipeline.sources.boundaries GEOJSON FOLDER` writes the snapshot from the GeoJSON
the project took it from.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import yaml

from ..errors import Code, InputError, Place, Problem, Problems
from ..i18n import Msg
from .readers import read_csv

FILE, ABOUT, LICENCE = "boundaries.csv", "boundaries.yaml", "LICENSE-boundaries"
#: What a release carries of the snapshot to draw its maps on its own: the boundaries with
#: their origin and licence.
CARRIED = (FILE, ABOUT, LICENCE)


def _ring(points) -> str:
    out, last = [], None
    for lon, lat in points:
        p = f"{lon:.4f} {lat:.4f}"
        if p != last:
            out.append(p)
        last = p
    if out[0] != out[-1]:
        out.append(out[0])
    return "(" + ", ".join(out) + ")"


def wkt(geometry: dict) -> str:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else \
        [g["coordinates"] for g in geometry.get("geometries", []) if g["type"] == "Polygon"]
    parts = ["(" + ", ".join(_ring(r) for r in poly) + ")" for poly in polygons]
    return ("POLYGON" + parts[0]) if len(parts) == 1 else "MULTIPOLYGON(" + ", ".join(parts) + ")"


def snapshot_from_geojson(geojson: Path) -> str:
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name_fi", "wkt"])
    for f in sorted(features, key=lambda f: f["properties"]["code"]):
        writer.writerow([f["properties"]["code"].removeprefix("area"), f["properties"]["name"], wkt(f["geometry"])])
    return out.getvalue()


def read_boundaries(folder: Path) -> dict:
    """code -> WKT; empty when the snapshot has no boundaries."""
    path = folder / FILE
    if not path.is_file():
        return {}
    problems = Problems()
    table = read_csv(path, problems)
    problems.raise_if_any()
    columns = {name: i for i, name in enumerate(table.header)}
    if not {"code", "wkt"} <= set(columns):
        raise InputError([Problem(Place(table.name, 1), Msg('needs the columns code and wkt'), code=Code.MISSING_COLUMN)])
    return {fields[columns["code"]]: fields[columns["wkt"]] for _, fields in table.rows}


def about(folder: Path) -> dict:
    path = folder / ABOUT
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def polygons(text: str) -> list:
    """[[ring of (lon, lat)]] of a POLYGON or MULTIPOLYGON written by `wkt`."""
    body = text[text.index("("):]
    out = []
    for poly in body.strip("()").split(")), (("):
        rings = []
        for ring in poly.strip("()").split("), ("):
            rings.append([tuple(float(v) for v in p.split()) for p in ring.strip("()").split(", ")])
        out.append(rings)
    return out


if __name__ == "__main__":
    Path(sys.argv[2], FILE).write_text(snapshot_from_geojson(Path(sys.argv[1])), encoding="utf-8")
