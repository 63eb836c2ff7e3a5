"""The site's files of things carried over from the previous release when nothing they are
made from changed.

A thing's page and RDF files are made from the part of the graph the site holds (all but the
kinds too large for static pages, whose things are only counted: graph_index.held), the
ontology, the settings, the steward's templates, the boundaries and koko's code. Their digest
(`inputs_digest`) goes into the release's record (records.py) with a digest of every thing's
file name and SHA-256. A publish whose inputs have the same digest (an edit of a large kind,
such as one funding decision among 100,000; a shape change; a new release version of the same
graph) links the previous release's files instead of rendering them again, once it has read
them and found the bytes that release wrote. Anything else renders them, as before; so do the
pages that are not about one thing (the landing page names the downloads' sizes).
tests/release/test_site_reuse.py holds this to a publish into a new folder.
"""

from __future__ import annotations

import hashlib
import json

from ..config import Settings
from . import records


def inputs_digest(part: tuple, settings: Settings, ontology: str, boundaries: dict) -> str:
    """The digest of what a thing's files are made from (see the module): `part` is what the
    site holds of the graph, graph_index.held's answer."""
    kept, bulk = part
    own = settings.templates
    templates = sorted((p.relative_to(own).as_posix(), p.read_bytes()) for p in own.rglob("*") if p.is_file()) \
        if own is not None and own.is_dir() else []
    digest = hashlib.sha256()
    for part in (records.code_digest().encode(), repr(settings).encode(), ontology.encode(),
                 json.dumps(bulk, sort_keys=True).encode(), json.dumps(sorted(boundaries.items())).encode(),
                 repr(templates).encode(), kept):
        digest.update(b"%d\0" % len(part) + part)
    return digest.hexdigest()


def _listing(names: list, entries: dict) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\0{entries[name][1]}\n".encode())
    return digest.hexdigest()


class Reuse:
    """The previous release's files of things, usable when its record has these inputs."""

    def __init__(self, previous: records.Recorded, inputs: str):
        self.out_dir, self.inputs = previous.out_dir, inputs
        entry = previous.record.get("site")
        self.expected = entry.get("things") if isinstance(entry, dict) and entry.get("inputs") == inputs else None
        self.names: list | None = None  # this release's files of things, once its site knows them

    @property
    def planned(self) -> bool:
        """The record says the files can be carried over (carry reads them to be sure)."""
        return self.expected is not None

    def carry(self, staging, names: list) -> bool:
        """Link the previous release's files `names` into `staging` when they hold the bytes
        that release wrote; else link none and answer False."""
        if not self.planned:
            return False
        entries = {}
        for name in names:
            try:
                data = (self.out_dir / name).read_bytes()
            except OSError:
                return False
            entries[name] = (len(data), hashlib.sha256(data).hexdigest())
        if _listing(names, entries) != self.expected:
            return False
        for name in names:
            staging.link(name, self.out_dir / name, entries[name])
        return True

    def entry(self, files: dict) -> dict:
        """This part's entry in the release's record (`files`: name -> (size, SHA-256))."""
        if self.names is None or not all(name in files for name in self.names):
            return {}
        return {"site": {"inputs": self.inputs, "things": _listing(self.names, files)}}
