"""Compile the catalogues: each locale/<lang>/LC_MESSAGES/koko.po to its koko.mo (Babel).

`python -m pipeline.i18n.compile` writes them beside the .po files (make does it for a
checkout); the wheel's build writes them into the wheel (build.py). The .mo files are never
committed.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

from . import DOMAIN, LOCALE_DIR, SOURCE_ID


def catalogues(root: Path = LOCALE_DIR) -> list[Path]:
    return sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def source_digest(po: Path) -> str:
    """What a compiled catalogue records of the .po it came from (the text of SOURCE_ID)."""
    return hashlib.sha256(po.read_bytes()).hexdigest()


def mo_bytes(po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as f:
        catalog = read_po(f, abort_invalid=True)
    catalog.add(SOURCE_ID, source_digest(po))
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all(source: Path = LOCALE_DIR, target: Path | None = None) -> list[Path]:
    """Write each catalogue's .mo under `target` (by default beside its .po); the paths written."""
    written = []
    for po in catalogues(source):
        mo = (target or source) / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")  # two runs compiling at once each write their own
        tmp.write_bytes(mo_bytes(po))
        os.replace(tmp, mo)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all(Path(sys.argv[1]) if len(sys.argv) > 1 else LOCALE_DIR):
        print(path)
