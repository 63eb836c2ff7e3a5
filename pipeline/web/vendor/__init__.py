"""Third-party front-end files that ship inside the package (see update.py and VENDOR.json):
YASGUI, the SPARQL editor of /query. koko serve answers them under /vendor/; the static site
carries a copy under site/vendor/."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENDOR_PATH = "/vendor/"
#: The files the pages load, by name, with their media types.
SERVED = {"yasgui.min.js": "text/javascript; charset=utf-8", "yasgui.min.css": "text/css; charset=utf-8",
          "LICENSE": "text/plain; charset=utf-8", "VENDOR.json": "application/json"}


def manifest() -> dict:
    return json.loads((HERE / "VENDOR.json").read_text(encoding="utf-8"))


def read(name: str) -> bytes:
    return (HERE / name).read_bytes()
