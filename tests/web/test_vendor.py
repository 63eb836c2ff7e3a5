"""The query editor's library ships inside the package, pinned and checked, and nothing of it
is fetched when koko runs."""

import hashlib
import re

from pipeline.web import vendor
from pipeline.web.vendor import update


def test_the_shipped_files_are_the_pinned_release():
    manifest = vendor.manifest()
    assert (manifest["package"], manifest["version"], manifest["tarball_sha256"]) == (update.PACKAGE, update.YASGUI_VERSION,
                                                                                       update.SHA256)
    assert manifest["licence"] == "MIT" and "MIT License" in vendor.read("LICENSE").decode()
    assert set(manifest["files"]) == set(update.TARBALL_FILES.values())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(vendor.read(name)).hexdigest() == digest, name


def test_the_pages_load_it_from_the_package_and_the_site_carries_it(published):
    for name in vendor.SERVED:
        assert (published / "site" / "vendor" / name).read_bytes() == vendor.read(name)
    page = (published / "site" / "query.html").read_text(encoding="utf-8")
    assert re.findall(r'<script src="([^"]+)"', page) == ["/vendor/yasgui.min.js"]
    assert 'href="/vendor/yasgui.min.css"' in page and "https://" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', page))
    assert 'data-endpoint=""' in page and "This site has no SPARQL endpoint" in page  # no public endpoint configured


def test_koko_serve_answers_the_library(published, tmp_path):
    from werkzeug.test import Client

    from pipeline.sources.release_settings import release_settings
    from pipeline.web.limits import Limits
    from pipeline.web.served import make_app

    client = Client(make_app(release_settings(published), published, "http://127.0.0.1:9", Limits(), tmp_path))
    js = client.get("/vendor/yasgui.min.js")
    assert js.status_code == 200 and js.mimetype == "text/javascript" and js.data == vendor.read("yasgui.min.js")
    assert client.get("/vendor/update.py").status_code == 404
    assert client.get("/vendor/../app.py").status_code == 404
    page = client.get("/query?lang=en").get_data(as_text=True)
    assert 'data-endpoint="/sparql"' in page and page.count('class="example"') == 9
    assert "Which municipalities belong to the Kuopio-area KOKO?" in page
