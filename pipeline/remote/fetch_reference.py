"""Fetch Statistics Finland's regional classification valid on a date into a reference snapshot.

Municipalities (kunta), sub-regions (seutukunta) and regions (maakunta) with their names in
Finnish, Swedish and English, and the correspondences municipality -> sub-region -> region,
from the classification API; written as `data/reference/<date>/` in the same form as the
shipped snapshot. Answers are cached with their ETag / Last-Modified and asked for again
conditionally; `offline` uses the cache alone. The snapshot folder is replaced only when
everything was fetched and checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import requests

from ..config import LANGS
from ..errors import RemoteError
from ..files import swap_folder, write_atomic
from ..i18n import Msg
from ..sources.reference import COLUMNS, DIGITS, load_reference, reference_folder
from .http import Retry, request, session

API = "https://data.stat.fi/api/classifications/v2"
SERIES = {"municipalities": "kunta_1", "subregions": "seutukunta_1", "regions": "maakunta_1"}


class Cache:
    """Answers on disk by URL, with the validators to ask for them again conditionally."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode()).hexdigest() + ".json")

    def get(self, url: str) -> dict | None:
        path = self._path(url)
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def put(self, url: str, body: str, etag: str | None, modified: str | None) -> None:
        entry = {"url": url, "etag": etag, "last_modified": modified, "body": body}
        write_atomic(self._path(url), json.dumps(entry, ensure_ascii=False).encode("utf-8"))


class Client:
    def __init__(self, api: str, cache: Cache, offline: bool, retry: Retry):
        self.api = api.rstrip("/")
        self.cache = cache
        self.offline = offline
        self.session = session(retry)
        self.fetched = self.revalidated = self.from_cache = 0

    def get_json(self, path: str, params: dict):
        url = requests.Request("GET", f"{self.api}/{path}", params=params).prepare().url
        cached = self.cache.get(url)
        if self.offline:
            if cached is None:
                raise RemoteError(Msg('offline, and {url} is not in the cache; run once online', url=url))
            self.from_cache += 1
            return _parse(cached["body"], url)
        headers = {"Accept": "application/json"}
        if cached and cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        if cached and cached.get("last_modified"):
            headers["If-Modified-Since"] = cached["last_modified"]
        response = request(self.session, "GET", url, "classification API", headers=headers)
        if response.status_code == 304 and cached:
            self.revalidated += 1
            return _parse(cached["body"], url)
        if response.status_code == 404:
            raise RemoteError(Msg('classification API: {url} not found (is there a classification for that date?)', url=url))
        if response.status_code != 200:
            raise RemoteError(Msg('classification API: {url} answered {status}: {answer}', url=url, status=response.status_code, answer=response.text[:200]))
        response.encoding = "utf-8"
        body = response.text
        data = _parse(body, url)
        self.cache.put(url, body, response.headers.get("ETag"), response.headers.get("Last-Modified"))
        self.fetched += 1
        return data


def _parse(body: str, url: str):
    try:
        data = json.loads(body)
    except ValueError:
        raise RemoteError(Msg('classification API: the answer from {url} is not JSON', url=url)) from None
    if not isinstance(data, list):
        raise RemoteError(Msg('classification API: the answer from {url} is not a list of items', url=url))
    return data


def _name(item: dict, lang: str) -> str:
    names = item.get("classificationItemNames") or []
    for entry in names:
        if entry.get("lang") in (lang, None) and entry.get("name"):
            return entry["name"].strip()
    return ""


def _code(item: dict, level: str, url: str) -> str:
    code = str((item or {}).get("code", "")).strip()
    if not code.isdigit() or len(code) > DIGITS[level]:
        raise RemoteError(Msg('classification API: {code!r} is not a {kind} code ({url})', code=code, kind=level[:-1], url=url))
    return code.zfill(DIGITS[level])


def fetch_reference(data_dir: Path, date: dt.date, api: str = API, offline: bool = False,
                    retry: Retry = Retry()) -> tuple:
    """Fetch, check and write the snapshot for `date`; return (folder, client statistics)."""
    stamp = date.strftime("%Y%m%d")
    client = Client(api, Cache(data_dir / "reference" / ".cache"), offline, retry)
    names: dict = {level: {} for level in SERIES}
    for level, series in SERIES.items():
        for lang in LANGS:
            path = f"classifications/{series}_{stamp}/classificationItems"
            for item in client.get_json(path, {"content": "data", "format": "json", "lang": lang, "meta": "max"}):
                code = _code(item, level, path)
                names[level].setdefault(code, {})[lang] = _name(item, lang)
    parents: dict = {}
    for child, parent in (("municipalities", "subregions"), ("subregions", "regions")):
        path = f"correspondenceTables/{SERIES[child]}_{stamp}%23{SERIES[parent]}_{stamp}/maps"
        for row in client.get_json(path, {"content": "data", "meta": "min"}):
            parents[(child, _code(row.get("sourceItem"), child, path))] = _code(row.get("targetItem"), parent, path)
    rows = {}
    for level in SERIES:
        out = []
        for code in sorted(names[level]):
            n = names[level][code]
            row = [code, n.get("fi", ""), n.get("sv", ""), n.get("en", "")]
            if level != "regions":
                parent = parents.get((level, code))
                if parent is None:
                    raise RemoteError(Msg('classification API: {kind} {code} has no parent in the correspondence table', kind=level[:-1], code=code))
                row.append(parent)
            out.append(row)
        if not out:
            raise RemoteError(Msg('classification API: no {level} for {date}', level=level, date=date.isoformat()))
        rows[level] = out
    return _write(data_dir, date, rows), client


def _write(data_dir: Path, date: dt.date, rows: dict) -> Path:
    target = reference_folder(data_dir, date)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{date.isoformat()}.new-", dir=target.parent))
    try:
        for level, data in rows.items():
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS[level])
            writer.writerows(data)
            (tmp / f"{level}.csv").write_text(out.getvalue(), encoding="utf-8")
        (tmp / "snapshot.yaml").write_text(SNAPSHOT_YAML.format(date=date.isoformat()), encoding="utf-8")
        load_reference_from(tmp, date)  # the new snapshot must read back before it replaces anything
        old = swap_folder(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def load_reference_from(folder: Path, date: dt.date):
    """Read a snapshot folder wherever it is (the loader finds it by date under data/)."""
    staging = Path(tempfile.mkdtemp(prefix="koko-ref-check-"))
    try:
        (staging / "reference").mkdir()
        os.symlink(folder.resolve(), staging / "reference" / date.isoformat())
        return load_reference(staging, date)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


SNAPSHOT_YAML = """\
# The project's snapshot of Statistics Finland's regional classification,
# municipality -> sub-region (seutukunta) -> region (maakunta), valid on the date below.
# Written by `koko fetch-reference` from the classification API. Codes are zero-padded:
# municipality and sub-region 3 digits, region 2 digits.
classification_date: {date}
source: statfi-classifications
files:
  municipalities: municipalities.csv
  subregions: subregions.csv
  regions: regions.csv
"""
