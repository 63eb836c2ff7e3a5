"""Publish the catalogue record and files to a CKAN portal (the Finnish portal is CKAN).

`push` creates the dataset or updates it (package_show -> package_create / package_patch)
with the fi/sv/en fields the Finnish portal uses, and creates or updates one resource per
distribution, uploading the file. A second push with nothing changed sends no write at all:
fields are compared with what CKAN holds, and files by their SHA-256 (the resource's `hash`).

A create is never sent twice: when its answer is lost (a 502 from a proxy, a time-out), the
portal is asked whether the dataset or resource now exists, and it is patched if it does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import Code, InputError, RemoteError
from ..graph import releases
from ..i18n import Msg
from ..progress import Counted, bar
from ..release.outputs import DISTRIBUTIONS
from .http import Retry, UncertainWrite, request, session
from .published import PARSERS, count_triples

TOKEN_VARIABLE = "KOKO_CKAN_API_KEY"
FORMAT_NAMES = {"text/turtle": "Turtle", "application/ld+json": "JSON-LD", "application/n-triples": "N-Triples",
           "application/trig": "TriG", "text/csv": "CSV", "application/csvm+json": "JSON"}


@dataclass
class PushResult:
    dataset: str = ""  # created, updated or unchanged
    resources: dict = field(default_factory=dict)  # file name -> created, updated or unchanged
    sent: list = field(default_factory=list)  # (action, payload) of every write, for --dry-run


def dataset_fields(settings: Settings, name: str, organization: str | None) -> dict:
    cat = settings.catalogue
    fields = {
        "name": name,
        "title": cat["title"].get("fi") or next(iter(cat["title"].values())),
        "title_translated": cat["title"],
        "notes": cat["description"].get("fi") or next(iter(cat["description"].values())),
        "notes_translated": cat["description"],
        "keywords": cat["keywords"],
        "license_id": "CC-BY-4.0",
        "url": cat["publisher"]["homepage"],
        "maintainer": cat["contact"]["name"],
        "maintainer_email": [cat["contact"]["email"]],
        "maintainer_website": cat["contact"]["url"],
        "collection_type": "Open Data",
        "version": settings.release_version,
    }
    if organization:
        fields["owner_org"] = organization
    return fields


def resource_fields(settings: Settings, out_dir: Path, name: str) -> dict:
    out = DISTRIBUTIONS[name]
    media, title, description = out.media, out.title, out.description
    data = (out_dir / name).read_bytes()
    return {
        "name": name,
        "name_translated": {"en": title},
        "description": description,
        "description_translated": {"en": description},
        "format": FORMAT_NAMES[media],
        "mimetype": media,
        "size": len(data),
        "hash": hashlib.sha256(data).hexdigest(),
    }


class Ckan:
    def __init__(self, url: str, token: str | None, retry: Retry = Retry(), progress=None):
        self.base = url.rstrip("/") + "/api/3/action/"
        self.progress = progress
        self.session = session(retry)
        if token:
            self.session.headers["Authorization"] = token

    def call(self, action: str, payload: dict | None = None, upload: Path | None = None):
        """Call an action; return its result, or None for 'Not Found'; raise on other errors."""
        what = f"CKAN {action}"
        if upload is not None:
            size = upload.stat().st_size
            with open(upload, "rb") as fh, bar(self.progress, Msg("sending {file}", file=upload.name), size, "bytes") as sent:
                form = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in (payload or {}).items()}
                response = request(self.session, "POST", self.base + action, what,
                                   data=form, files={"upload": (upload.name, Counted(fh, size, sent))})
        elif action.endswith("_show"):
            response = request(self.session, "GET", self.base + action, what, params=payload)
        else:
            response = request(self.session, "POST", self.base + action, what, json=payload)
        return _answer(action, response)

    def create(self, action: str, payload: dict, find, upload: Path | None = None):
        """Send a create once. When its outcome is unknown, `find()` asks the portal whether
        the thing exists now: return it if it does, so the caller patches it rather than
        creating a second one."""
        try:
            return self.call(action, payload, upload)
        except UncertainWrite as exc:
            found = find()
            if found is None:
                raise RemoteError(Msg('{exc}; the portal does not have it, so nothing was created: run again', exc=exc)) from None
            return found

    def resource(self, package_id: str, name: str) -> dict | None:
        package = self.call("package_show", {"id": package_id}) or {}
        return next((r for r in package.get("resources", []) if r.get("name") == name), None)


def _answer(action: str, response):
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 200 and body.get("success"):
        return body.get("result")
    error = body.get("error") or {}
    kind = error.get("__type", "")
    if response.status_code == 404 or kind == "Not Found Error":
        if action.endswith("_show"):
            return None
        raise RemoteError(Msg('CKAN {action}: not found: {reason} (check --url, --organization and the dataset name)', action=action, reason=error.get('message', 'the portal has no such thing')))
    if response.status_code in (401, 403) or kind == "Authorization Error":
        reason = error.get("message", "")
        raise RemoteError(Msg("CKAN {action}: not allowed ({status}){reason}; check the API token in {variable} and its "
                              "rights in the organisation", action=action, status=response.status_code,
                              reason=(": " + reason) if reason else "", variable=TOKEN_VARIABLE))
    if response.status_code == 409 or kind == "Validation Error":
        details = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                            for k, v in sorted(error.items()) if k not in ("__type", "message"))
        raise RemoteError(Msg('CKAN {action}: the portal rejected the data: {reason}', action=action, reason=details or error.get('message', response.status_code)))
    raise RemoteError(Msg('CKAN {action}: unexpected answer {status}: {reason}', action=action, status=response.status_code, reason=error.get('message', response.reason)))


def _differs(wanted: dict, current: dict) -> dict:
    return {k: v for k, v in wanted.items() if _norm(current.get(k)) != _norm(v)}


def _norm(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if value is not None else None


def push(settings: Settings, out_dir: Path, url: str, name: str, organization: str | None,
         token: str | None, dry_run: bool = False, retry: Retry = Retry(), progress=None) -> PushResult:
    present = [n for n, o in DISTRIBUTIONS.items() if not o.optional or (out_dir / n).is_file()]  # the change set, from B on
    missing = [n for n in present if not (out_dir / n).is_file()]
    if missing:
        raise InputError(Msg('{out_dir}: {columns} missing; run `koko publish` first', out_dir=out_dir, columns=', '.join(missing)), code=Code.RELEASE_MISSING)
    for n in present:  # an RDF file that does not parse is not sent to the portal
        if Path(n).suffix in PARSERS:
            count_triples(out_dir / n)
    release = releases.read_release(out_dir)  # the version is the published release's, not the sources'
    settings = settings.with_version(release.version if release else None)
    wanted = dataset_fields(settings, name, organization)
    resources = {n: resource_fields(settings, out_dir, n) for n in present}
    result = PushResult()
    if dry_run:
        result.dataset = "dry run"
        result.sent.append(("package_create or package_patch", wanted))
        for n, fields in resources.items():
            result.sent.append((f"resource_create or resource_patch ({n})", fields))
        return result
    if not token:
        raise InputError(Msg('set the CKAN API token in the environment variable {variable}', variable=TOKEN_VARIABLE), code=Code.SETTING_MISSING)
    if cat_email_is_placeholder(settings):
        raise InputError(Msg('data/dataset.yaml: catalogue contact email is a placeholder (.invalid); set the real address first'), code=Code.SETTING_MISSING)
    ckan = Ckan(url, token, retry, progress)
    current = ckan.call("package_show", {"id": name})
    if current is None:
        current = ckan.create("package_create", wanted, lambda: ckan.call("package_show", {"id": name}))
        result.sent.append(("package_create", wanted))
        result.dataset = "created"
        changes = _differs(wanted, current)  # a create whose answer was lost may hold less
        if changes:
            current = ckan.call("package_patch", {"id": current["id"], **changes})
            result.sent.append(("package_patch", changes))
    else:
        changes = _differs(wanted, current)
        if changes:
            current = ckan.call("package_patch", {"id": current["id"], **changes})
            result.sent.append(("package_patch", changes))
            result.dataset = "updated"
        else:
            result.dataset = "unchanged"
    existing = {r.get("name"): r for r in current.get("resources", [])}
    for n, fields in resources.items():
        have = existing.get(n)
        if have is None:
            have = ckan.create("resource_create", {"package_id": current["id"], **fields},
                               lambda: ckan.resource(current["id"], n), upload=out_dir / n)
            result.sent.append(("resource_create", fields))
            result.resources[n] = "created"
            if _differs(fields, have):  # found after a lost answer, but not as it was sent
                ckan.call("resource_patch", {"id": have["id"], **fields}, upload=out_dir / n)
                result.sent.append(("resource_patch", fields))
        elif _differs(fields, have):
            ckan.call("resource_patch", {"id": have["id"], **fields}, upload=out_dir / n)
            result.sent.append(("resource_patch", fields))
            result.resources[n] = "updated"
        else:
            result.resources[n] = "unchanged"
    return result


def cat_email_is_placeholder(settings: Settings) -> bool:
    return settings.catalogue["contact"]["email"].lower().endswith(".invalid")
