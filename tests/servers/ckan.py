"""A small CKAN Action API on 127.0.0.1 for the push-ckan tests.

It answers package_show, package_create, package_patch, resource_create and resource_patch
with CKAN's documented shapes ({"success": true, "result": ...} and the error objects with
"__type"), checks the Authorization header, keeps what it was sent, and can be told to fail.
A real CKAN needs Solr and PostgreSQL, which these machines do not run.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

from servers import LocalHTTPServer, QuietHandler


class FakeCkan(LocalHTTPServer):
    def __init__(self, token: str):
        self.token = token
        self.packages: dict = {}
        self.requests: list = []  # (action, payload, has upload)
        self.fail: list = []  # statuses to answer with, one per coming request
        self.retry_after: str | None = None  # a Retry-After header sent with those failures
        self.lose: dict = {}  # action -> how many times to carry it out and then answer 502
        self.times: list = []  # when each request arrived (time.monotonic())
        self.delay = 0.0
        super().__init__(self._handler())

    def writes(self) -> list:
        return [r for r in self.requests if not r[0].endswith("_show")]

    def _handler(self):
        fake = self

        class Handler(QuietHandler):
            def do_GET(self):
                self._serve(parse_qs(urlsplit(self.path).query))

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                ctype = self.headers.get("Content-Type", "")
                if ctype.startswith("multipart/form-data"):
                    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                        f"Content-Type: {ctype}\r\n\r\n".encode() + body)
                    payload, upload = {}, None
                    for part in msg.iter_parts():
                        name = part.get_param("name", header="content-disposition")
                        if name == "upload":
                            upload = part.get_payload(decode=True)
                        else:
                            text = part.get_content()
                            try:
                                payload[name] = json.loads(text)
                            except ValueError:
                                payload[name] = text
                    self._serve(payload, upload)
                else:
                    self._serve(json.loads(body or b"{}"))

            def _send(self, status: int, body: dict, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _serve(self, payload, upload=None):
                if fake.delay:
                    time.sleep(fake.delay)
                action = urlsplit(self.path).path.rsplit("/", 1)[-1]
                if isinstance(payload, dict) and all(isinstance(v, list) and len(v) == 1 for v in payload.values()) and action.endswith("_show"):
                    payload = {k: v[0] for k, v in payload.items()}
                fake.requests.append((action, payload, upload))
                fake.times.append(time.monotonic())
                if fake.fail:
                    status = fake.fail.pop(0)
                    errors = {409: {"__type": "Validation Error", "name": ["That URL is already in use."]},
                              403: {"__type": "Authorization Error", "message": "Access denied"},
                              404: {"__type": "Not Found Error", "message": "Not found"}}
                    extra = [("Retry-After", fake.retry_after)] if fake.retry_after else []
                    return self._send(status, {"success": False, "error": errors.get(status, {"message": "Internal Server Error"})},
                                      extra)
                if self.headers.get("Authorization") != fake.token:
                    return self._send(403, {"success": False, "error": {"__type": "Authorization Error",
                                                                        "message": "Access denied: invalid token"}})
                handler = getattr(self, "action_" + action, None)
                if handler is None:
                    return self._send(400, {"success": False, "error": {"message": f"Bad request - Action name not known: {action}"}})
                try:
                    result = handler(payload, upload)
                except KeyError:
                    return self._send(404, {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}})
                if fake.lose.get(action):  # done, but the answer is lost on its way (a proxy's 502)
                    fake.lose[action] -= 1
                    return self._send(502, {"success": False, "error": {"message": "Bad Gateway"}})
                self._send(200, {"success": True, "result": result})

            def action_package_show(self, payload, upload):
                key = payload["id"]
                for pkg in fake.packages.values():
                    if key in (pkg["id"], pkg["name"]):
                        return pkg
                raise KeyError(key)

            def action_package_create(self, payload, upload):
                pkg = {**payload, "id": str(uuid.uuid4()), "resources": []}
                fake.packages[pkg["id"]] = pkg
                return pkg

            def action_package_patch(self, payload, upload):
                pkg = fake.packages[payload["id"]]
                pkg.update({k: v for k, v in payload.items() if k != "id"})
                return pkg

            def action_resource_create(self, payload, upload):
                pkg = fake.packages[payload["package_id"]]
                res = {**payload, "id": str(uuid.uuid4()), "url_type": "upload" if upload else "", "uploaded_bytes": len(upload or b"")}
                pkg["resources"].append(res)
                return res

            def action_resource_patch(self, payload, upload):
                for pkg in fake.packages.values():
                    for res in pkg["resources"]:
                        if res["id"] == payload["id"]:
                            res.update(payload)
                            res["uploaded_bytes"] = len(upload or b"")
                            return res
                raise KeyError(payload["id"])

        return Handler
