"""Statistics Finland's classification API as JSON on 127.0.0.1, for the fetch-reference tests.

It serves /classifications/{id}/classificationItems (an array of items with `code` and
`classificationItemNames[].name` in the `lang` asked) and /correspondenceTables/{a}#{b}/maps
(an array of rows with `sourceItem` and `targetItem`), with ETags and 304 answers, from
a snapshot folder in the project's form.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from servers import LocalHTTPServer, QuietHandler

SERIES = {"municipalities": "kunta_1", "subregions": "seutukunta_1", "regions": "maakunta_1"}


def classifications_from(folder: Path, stamp: str) -> dict:
    """id -> {code: (names, parent)} from municipalities.csv, subregions.csv and regions.csv."""
    out = {}
    for level, series in SERIES.items():
        rows = list(csv.DictReader((folder / f"{level}.csv").open(encoding="utf-8")))
        out[f"{series}_{stamp}"] = {
            r["code"].lstrip("0") or "0": ({lang: r[f"name_{lang}"] for lang in ("fi", "sv", "en")},
                                            (r.get("subregion") or r.get("region") or "").lstrip("0"))
            for r in rows}
    return out


class FakeStatFi(LocalHTTPServer):
    def __init__(self, classifications: dict):
        self.classifications = classifications
        self.requests: list = []  # (path, If-None-Match)
        self.fail: list = []
        super().__init__(self._handler())

    def _handler(self):
        fake = self

        class Handler(QuietHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append((parts.path, self.headers.get("If-None-Match")))
                if fake.fail:
                    return self._send(fake.fail.pop(0), b'{"message": "failure"}')
                bits = unquote(parts.path).strip("/").split("/")
                if len(bits) == 3 and bits[0] == "classifications" and bits[2] == "classificationItems":
                    items = fake.classifications.get(bits[1])
                    if items is None:
                        return self._send(404, b"[]")
                    lang = query.get("lang", "fi")
                    body = [{"code": code, "level": 1, "classificationItemNames": [{"lang": lang, "name": names[lang]}]}
                            for code, (names, _) in items.items()]
                elif len(bits) == 3 and bits[0] == "correspondenceTables" and bits[2] == "maps":
                    source, _, target = bits[1].partition("#")
                    if source not in fake.classifications or target not in fake.classifications:
                        return self._send(404, b"[]")
                    targets = fake.classifications[target]
                    body = [{"sourceItem": {"code": code, "classificationItemNames": [{"name": names["fi"]}]},
                             "targetItem": {"code": parent, "classificationItemNames": [{"name": targets[parent][0]["fi"]}]}}
                            for code, (names, parent) in fake.classifications[source].items()]
                else:
                    return self._send(404, b"[]")
                data = json.dumps(body, ensure_ascii=False).encode()
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", etag)
                self._send(200, data, etag)

            def _send(self, status, data, etag=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
