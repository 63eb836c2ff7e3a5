"""A publish as one release in a series: what it changes against the release before, the
change set it publishes, the archive it carries over, and the IRIs it withdraws.

The release a publish is compared with is the current one in output/ when the version is
new (that release then moves into output/releases/), or, when the same version is published
again, the release that one followed (from the archive).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import i18n
from ..config import Settings
from ..errors import Code, InputError, Place, Problem, Problems
from ..graph import releases as archive
from ..graph.serialize import compact_iri, split_lines
from ..graph.vocab import prefixes
from ..i18n import Msg, _
from ..sources.readers import read_csv
from .changes import (Change, Summary, change_set, diff, main_class, main_class_counts, main_class_counts_after, summarize,
                      type_lines)
from .staging import Staging

WITHDRAWN_SOURCE = "withdrawn.csv"  # in data/: what replaced a withdrawn IRI, and why
_BIG = 64 * 1024 * 1024


@dataclass
class History:
    release: archive.Release
    summary: Summary | None = None
    change: Change | None = None
    withdrawn: dict = field(default_factory=dict)  # IRI -> {"last", "withdrawn", "replaced_by", "reason"}
    releases: list = field(default_factory=list)  # the archived releases, oldest first
    mains: Counter | None = None  # main class IRI -> its things (changes.main_class); None: not counted yet

    @property
    def previous(self) -> str | None:
        return self.release.previous


def _check_lines(lines: list, out_dir: Path, version: str) -> None:
    """The lines of the release before that a publish reads must be N-Triples: a damaged
    graph is said to be one (exit 2), not a bug."""
    try:
        for _ in split_lines(b"\n".join(lines)):
            pass
    except ValueError:
        raise InputError(Msg('{out_dir}: the graph of release {version} is damaged (a line that is not N-Triples); restore it from a backup, or publish into another --out', out_dir=out_dir, version=version), code=Code.ARCHIVE_DAMAGED) from None


def prepare(settings: Settings, out_dir: Path, nt: bytes, staging: Staging, built=None, since=None) -> History:
    """Compare with the release before, write the change set, the withdrawn IRIs and the
    archive into `staging`; return what the catalogue and the pages need. `since`: (the class
    counts of the graph in the output folder, the change from it to `nt`), when they are
    known, spares counting every thing again. Where neither that nor the change summary gives
    the class counts, `history.mains` is None: the pass that counts the graph's lines counts
    them too (catalog.Counting), and write_release takes them from it."""
    version = settings.release_version
    current = archive.read_release(out_dir) if out_dir.is_dir() else None
    base = _base(out_dir, current, version)
    _carry_archive(out_dir, current, version, staging)
    classes = type_lines(nt) if base is not None else None  # every subject's: the change summary reads them
    if classes is not None:
        mains = Counter(main_class(c) for c in classes.values())
    else:
        mains = main_class_counts_after(since[0], nt, since[1]) if since is not None else None
    release = archive.Release(version, settings.release_date.isoformat(), nt.count(b"\n"))
    history = History(release, mains=mains)
    if base is not None:
        base_version, base_nt, base_withdrawn = base
        history.change = diff(base_nt, nt)
        _check_lines(history.change.removed, out_dir, base_version)
        history.summary = summarize(history.change, classes, settings.base_iri, base_version, version, built)
        release.previous = base_version
        release.changes = {"added": history.summary.added_triples, "removed": history.summary.removed_triples,
                           "classes": history.summary.class_lines(),
                           "notable": history.summary.item_lines(settings.base_iri)[:20]}
        staging.write(archive.CHANGES_FILE, change_set(history.change, settings.base_iri, base_version, version))
        history.withdrawn = _withdrawn(settings, nt, history.change, base_version, version, base_withdrawn)
    _replacements(settings, nt, history.withdrawn)
    staging.write(archive.WITHDRAWN_FILE, _json(history.withdrawn))
    history.releases = archive.archived(staging.tmp)
    return history


def write_release(settings: Settings, history: History, nt: bytes, staging: Staging, counted: Counter | None) -> None:
    """The release's description, with its class counts: those `prepare` found, else those
    the graph's lines were counted to (`counted`), else counted here."""
    if history.mains is None:
        history.mains = counted if counted is not None else main_class_counts(nt)
    history.release.classes = _classes(history.mains, settings.base_iri)
    staging.write(archive.RELEASE_FILE, history.release.to_bytes())


def _base(out_dir: Path, current, version: str):
    """(version, N-Triples, withdrawn IRIs) of the release to compare with, or None."""
    if current is None:
        return None
    if current.version != version:
        return current.version, archive.graph_of(out_dir), archive.withdrawn_of(out_dir)
    if current.previous:
        return (current.previous, archive.graph_of(out_dir, current.previous),
                archive.withdrawn_of(out_dir / archive.ARCHIVE / current.previous))
    return None


def _carry_archive(out_dir: Path, current, version: str, staging: Staging) -> None:
    root = out_dir / archive.ARCHIVE
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                staging.link(path.relative_to(out_dir).as_posix(), path)
    if current is None or current.version == version:
        return
    folder = f"{archive.ARCHIVE}/{current.version}/"
    graph = (out_dir / "koko.nt").read_bytes()
    staging.write(folder + "koko.nt.gz", gzip.compress(graph, compresslevel=1 if len(graph) > _BIG else 6, mtime=0))
    for name in archive.KEPT[1:]:
        if (out_dir / name).is_file():
            staging.link(folder + name, out_dir / name)
    if not (out_dir / archive.RELEASE_FILE).is_file():  # published before releases had versions
        staging.write(folder + archive.RELEASE_FILE, current.to_bytes())


def _classes(mains: Counter, base_iri: str) -> dict:
    """compact class name -> things whose main class it is (`mains`: by class IRI)."""
    pfx = prefixes(base_iri)
    counted: Counter = Counter()
    for iri, n in mains.items():
        counted[compact_iri(iri, pfx)] += n
    return dict(sorted(counted.items()))


def _withdrawn(settings: Settings, nt: bytes, change: Change, base_version: str, version: str, before: dict) -> dict:
    """The IRIs of things that earlier releases had and this one has not."""
    ids = settings.id_base
    candidates = {line[1:line.index(b"> ")].decode() for line in change.removed if line.startswith(b"<" + ids.encode())}
    present = _subjects(nt, ids) if candidates or before else set()
    found = {iri: {**info, "replaced_by": None, "reason": None} for iri, info in before.items() if iri not in present}
    for iri in sorted(candidates - present):
        found[iri] = {"last": base_version, "withdrawn": version, "replaced_by": None, "reason": None}
    return dict(sorted(found.items()))


def _subjects(nt: bytes, ids: str) -> set:
    return {m.group(1).decode() for m in re.finditer(rb"^<(" + re.escape(ids.encode()) + rb"[^>]*)> ", nt, re.M)}


def _replacements(settings: Settings, nt: bytes, withdrawn: dict) -> None:
    """data/withdrawn.csv: key (the IRI after the base, e.g. id/network/x), replaced_by
    (likewise, or empty), reason."""
    path = settings.data_dir / WITHDRAWN_SOURCE
    if not path.is_file():
        return
    problems = Problems()
    table = read_csv(path, problems)
    problems.raise_if_any()
    missing = [c for c in ("key", "replaced_by", "reason") if c not in table.header]
    if missing:
        raise InputError([Problem(Place(table.name, 1), Msg('missing column {columns}', columns=', '.join(missing)),
                                  Msg('the header is key,replaced_by,reason'), code=Code.MISSING_COLUMN)])
    col = {name: table.header.index(name) for name in ("key", "replaced_by", "reason")}
    present = _subjects(nt, settings.id_base)
    for line, fields in table.rows:
        key, new, reason = (fields[col[c]].strip() for c in ("key", "replaced_by", "reason"))
        iri = settings.base_iri + key.lstrip("/")
        place = Place(table.name, line)
        if iri not in withdrawn:
            problems.add(place._replace(field="key"), Msg('{key} is not withdrawn: only an IRI that an earlier release had and this one has not can be', key=key), Msg('remove the row, or check the key'), code=Code.NOT_WITHDRAWN)
            continue
        if new and settings.base_iri + new.lstrip("/") not in present:
            problems.add(place._replace(field="replaced_by"), Msg('{new} is not in this release', new=new),
                         Msg('give the key of a thing the sources publish'), code=Code.UNKNOWN_REFERENCE)
            continue
        withdrawn[iri]["replaced_by"] = settings.base_iri + new.lstrip("/") if new else None
        withdrawn[iri]["reason"] = reason or None
    problems.raise_if_any()


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def compare(out_dir: Path, base_iri: str, old: str | None, new: str | None, new_nt: bytes | None = None,
            built=None) -> Summary:
    """The change from release `old` (None: the current one) to release `new`, or to the
    graph `new_nt` built from the sources."""
    current = archive.read_release(out_dir) if out_dir.is_dir() else None
    old_nt = archive.graph_of(out_dir, old)
    old_name = old or (current.version if current else "current")
    if new_nt is None:
        new_nt = archive.graph_of(out_dir, new)
    new_name = new or "the sources"
    return summarize(diff(old_nt, new_nt), type_lines(new_nt), base_iri, old_name, new_name, built)


def text(summary: Summary, base_iri: str) -> str:
    """The change as a steward reads it."""
    versions = {"old": summary.old_version, "new": summary.new_version}
    if summary.empty:
        return _("No changes from release {old} to {new}.").format(**versions) + "\n"
    lines = [_("Changes from release {old} to {new}:").format(**versions)]
    lines += ["  " + line for line in summary.class_lines()]
    lines += ["  " + line for line in summary.item_lines(base_iri)]
    lines.append(_("Triples added: {added}, removed: {removed}.").format(added=i18n.number(summary.added_triples),
                                                                        removed=i18n.number(summary.removed_triples)))
    return "\n".join(lines) + "\n"


def listing(out_dir: Path) -> str:
    """The releases of an output folder, newest first, with their counts and dates."""
    current = archive.read_release(out_dir) if out_dir.is_dir() else None
    if current is None:
        return _("No release in {folder} yet.").format(folder=out_dir) + "\n"
    rows = [(current, _("current"))] + [(r, f"{archive.ARCHIVE}/{r.version}/") for r in archive.archived(out_dir)[::-1]]
    head = _("version"), _("date"), _("triples"), _("where")
    lines = [f"{head[0]:<24}{head[1]:<12}{head[2]:>12}  {head[3]}"]
    lines += [f"{r.version:<24}{i18n.day(r.date):<12}{i18n.number(r.triples):>12}  {where}" for r, where in rows]
    return "\n".join(lines) + "\n"


def drop(out_dir: Path, version: str) -> None:
    """Remove an archived release (not the current one); the next publish leaves it out of
    the catalogue and the pages."""
    import shutil

    current = archive.read_release(out_dir) if out_dir.is_dir() else None
    if current is not None and current.version == version:
        raise InputError(Msg('{version} is the current release; only archived releases can be dropped', version=version), code=Code.BAD_OPTION)
    folder = out_dir / archive.ARCHIVE / version
    if not archive.VERSION.fullmatch(version) or not folder.is_dir():
        known = ", ".join(r.version for r in archive.archived(out_dir)) or "none"
        raise InputError(Msg('{folder}: no such archived release (archived: {known})', folder=folder, known=known), code=Code.RELEASE_MISSING)
    shutil.rmtree(folder)
