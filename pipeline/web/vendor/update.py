"""Fetch the pinned YASGUI (the SPARQL editor of /query) from the npm registry into this folder.

    python -m pipeline.web.vendor.update

The tarball is checked against its SHA-256 below before anything is written; the build files
the pages use, the package's package.json (its version and licence) and VENDOR.json (the
SHA-256 of each file, which tests/web/test_vendor.py holds the shipped copy to) land here.
Nothing is fetched when koko runs: the files ship in the wheel. To move to a new version,
change YASGUI_VERSION and SHA256 (from `npm view @zazuko/yasgui@X dist.tarball`, then sha256sum).
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile

from . import HERE

PACKAGE = "@zazuko/yasgui"
YASGUI_VERSION = "4.6.2"
SHA256 = "6520cdd256a4003e8d45865e0d631b6456b88a0e6b65f4f3e56d78a25d74c9a7"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/yasgui-{YASGUI_VERSION}.tgz"
TARBALL_FILES = {"package/build/yasgui.min.js": "yasgui.min.js", "package/build/yasgui.min.css": "yasgui.min.css",
         "package/package.json": "package.json"}
MANIFEST = "VENDOR.json"


def main() -> int:
    import requests

    data = requests.get(TARBALL, timeout=120).content
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        print(f"{TARBALL}: SHA-256 {digest}, expected {SHA256}; nothing written", file=sys.stderr)
        return 3
    written = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in TARBALL_FILES.items():
            body = tar.extractfile(member).read()
            (HERE / name).write_bytes(body)
            written[name] = hashlib.sha256(body).hexdigest()
    manifest = {"package": PACKAGE, "version": YASGUI_VERSION, "tarball": TARBALL, "tarball_sha256": SHA256,
                "licence": json.loads((HERE / "package.json").read_text(encoding="utf-8"))["license"], "files": written}
    (HERE / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"{PACKAGE} {YASGUI_VERSION}: {', '.join(written)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
