"""What changed between two releases of the graph (graph/nt_diff.py finds the lines added
and removed), told in a steward's terms (things added and removed by class with their names,
values changed with the source line of the new value, counts per class), as data for
`--format json`, and as a change set for consumers: TriG with an `added` and a `removed`
graph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import i18n
from ..graph.nt_diff import Change, diff  # noqa: F401 - the releases' diff, told here
from ..graph.serialize import compact_iri, literal_parts, split_lines, stretch_span
from ..graph.vocab import RDF, SKOS, prefixes
from ..i18n import _

_TYPE = RDF + "type"
_NAME = SKOS + "prefLabel"


_TYPE_LINE = re.compile(rb"^<([^>]*)> <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> <([^>]*)> \.$", re.M)


_TYPE_NEEDLE = b"> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <"


def _typings(nt: bytes):
    """(subject IRI as bytes, class IRI) of each typing line of the N-Triples `nt` (as koko
    writes them), in order: the lines `_TYPE_LINE` matches. Found by the C search of bytes for
    the predicate with the `>` before it: a hit is a typing line exactly when that `>` is the
    first of its line, i.e. it closes the subject IRI; the object is then an IRI that ends the
    line. At 100,000 generated rows 0.85 s against 1.76 s for the pattern tried at every line
    (tests/release/test_versions.py holds the two to the same answer)."""
    find, skip = nt.find, len(_TYPE_NEEDLE)
    at = find(_TYPE_NEEDLE)
    while at >= 0:
        start = nt.rfind(b"\n", 0, at) + 1
        end = find(b"\n", at)
        end = len(nt) if end < 0 else end
        if find(b">", start, at) < 0:
            yield nt[start + 1:at], nt[at + skip:end - 3].decode()
        at = find(_TYPE_NEEDLE, end)


def type_lines(nt: bytes) -> dict:
    """subject IRI -> its classes, in the order of their lines (see _typings)."""
    found: dict = {}
    for subject, cls in _typings(nt):
        found.setdefault(subject.decode(), []).append(cls)
    return found


def main_class_counts(nt: bytes) -> Counter:
    """main class IRI (`main_class`) -> the things it is the main class of, in canonical
    N-Triples `nt`. Sorted, a subject's lines come together, so only one subject's classes are
    held at a time, where `type_lines` holds every subject's (at 100,000 generated rows
    254,090 of them). Held to Counter(main_class(c) for c in type_lines(nt).values()) by
    tests/release/test_versions.py."""
    counted: Counter = Counter()
    last, classes = None, []
    for subject, cls in _typings(nt):
        if subject != last:
            if classes:
                counted[main_class(classes)] += 1
            last, classes = subject, []
        classes.append(cls)
    if classes:
        counted[main_class(classes)] += 1
    return counted


def main_class_counts_after(before: Counter, nt: bytes, change: Change) -> Counter | None:
    """main_class_counts of `nt` from those of the graph before `change` (`before`): only the
    subjects whose typing lines changed are counted again, from their lines in `nt` and the
    change; None where a changed typing line's subject is a blank node."""
    counted = Counter(before)
    added, removed = {}, {}
    for lines, into in ((change.added, added), (change.removed, removed)):
        for subject, cls in _typings(b"".join(line + b"\n" for line in lines)):
            into.setdefault(subject, set()).add(cls)
    for subject in added.keys() | removed.keys():
        if subject.startswith(b"_:") or not subject:
            return None
        start, end = stretch_span(nt, subject + b"> ")
        now = [cls for s, cls in _typings(nt[start:end]) if s == subject]
        then = sorted((set(now) - added.get(subject, set())) | removed.get(subject, set()),
                      key=lambda cls: (cls + ">").encode())  # the order of their lines
        for classes, sign in ((then, -1), (now, 1)):
            if classes:
                counted[main_class(classes)] += sign
    return +counted  # without the classes no thing has any more


def type_lines_by_pattern(nt: bytes) -> dict:
    """The reference for `type_lines`: `_TYPE_LINE` tried at every line."""
    found: dict = {}
    for m in _TYPE_LINE.finditer(nt):
        found.setdefault(m.group(1).decode(), []).append(m.group(2).decode())
    return found


def before_change(types: dict, change: Change) -> dict:
    """The classes of each subject in the graph before `change`, from those after it."""
    old = dict(types)
    for lines, undo in ((change.added, False), (change.removed, True)):
        for line in lines:
            m = _TYPE_LINE.match(line)
            if m:
                s, c = m.group(1).decode(), m.group(2).decode()
                classes = [x for x in old.get(s, []) if x != c] + ([c] if undo else [])
                if classes:
                    old[s] = sorted(classes)
                else:
                    old.pop(s, None)
    return old


OWN_CLASS = "/def/koko#"  # in the IRIs of the project's own classes


def main_class(classes: list) -> str:
    """The class a thing is told by: the project's own where it has one (a municipality is
    koko:Municipality more than schema:AdministrativeArea)."""
    own = [c for c in classes if OWN_CLASS in c]
    return (own or classes)[0]


@dataclass
class Item:
    kind: str  # added, removed or changed
    iri: str
    cls: str = ""
    name: str = ""
    property: str = ""
    old: list = field(default_factory=list)
    new: list = field(default_factory=list)
    place: object = None  # where the new value comes from (errors.Place), when known


@dataclass
class Summary:
    old_version: str
    new_version: str
    items: list
    classes: dict  # compact class -> {"before", "after", "added", "removed", "changed"}
    added_triples: int
    removed_triples: int

    @property
    def empty(self) -> bool:
        return not self.added_triples and not self.removed_triples

    def class_lines(self) -> list:
        """One line per class that changed."""
        lines = []
        for cls, c in sorted(self.classes.items()):
            if c["added"] or c["removed"] or c["changed"]:
                lines.append(_("{cls}: {before} → {after} (+{added} added, −{removed} removed, {changed} changed)").format(
                    cls=cls, before=i18n.number(c["before"]), after=i18n.number(c["after"]), added=i18n.number(c["added"]),
                    removed=i18n.number(c["removed"]), changed=i18n.number(c["changed"])))
        return lines

    def item_lines(self, base_iri: str) -> list:
        out = []
        for it in self.items:
            where = f"  ({it.place})" if it.place is not None else ""
            who = _short(it.iri, base_iri) + (f" “{it.name}”" if it.name else "")
            if it.kind == "changed":
                old = ", ".join(_shown(v, base_iri) for v in it.old) or "—"
                new = ", ".join(_shown(v, base_iri) for v in it.new) or "—"
                out.append(_("changed {thing}: {property} {old} → {new}").format(thing=who, property=it.property, old=old,
                                                                               new=new) + where)
            else:
                kind = _("added {cls} {thing}") if it.kind == "added" else _("removed {cls} {thing}")
                out.append(kind.format(cls=it.cls, thing=who) + where)
        return out

    def as_json(self, base_iri: str) -> dict:
        def place(p):
            return None if p is None else {"file": p.file, "line": p.line or None, "column": p.column or None,
                                           "field": p.field or None}
        return {
            "from": self.old_version, "to": self.new_version, "changed": not self.empty,
            "triples": {"added": self.added_triples, "removed": self.removed_triples},
            "classes": self.classes,
            "changes": [{"kind": it.kind, "iri": it.iri, "class": it.cls or None, "name": it.name or None,
                         "property": it.property or None, "old": [_shown(v, base_iri) for v in it.old],
                         "new": [_shown(v, base_iri) for v in it.new], "source": place(it.place)} for it in self.items],
        }


def summarize(change: Change, new_classes: dict, base_iri: str, old_version: str, new_version: str,
              built=None) -> Summary:
    """The change told by thing. `new_classes` are the type lines of the graph after it
    (type_lines); `built` (the graph built from the sources) places the new values."""
    pfx = prefixes(base_iri)
    added = list(split_lines(b"\n".join(change.added)))
    removed = list(split_lines(b"\n".join(change.removed)))
    new_types = {s: main_class(c) for s, c in new_classes.items()}
    old_types = {s: main_class(c) for s, c in before_change(new_classes, change).items()} if not change.empty \
        else new_types

    def cls_of(s: str) -> str:
        t = new_types.get(s) or old_types.get(s)
        return compact_iri(t, pfx) if t else ""

    born = {s for s, p, o in added if p == _TYPE and s not in old_types}
    gone = {s for s, p, o in removed if p == _TYPE and s not in new_types}
    names: dict = {}
    for s, p, o in added + removed:
        if p == _NAME and (s not in names or o.endswith("@fi")):
            names[s] = literal_parts(o)[0]
    items = [Item("added", s, cls_of(s), names.get(s, ""), place=built.place(s) if built is not None else None)
             for s in sorted(born)]
    items += [Item("removed", s, cls_of(s), names.get(s, "")) for s in sorted(gone)]
    values: dict = {}
    for side, rows in (("old", removed), ("new", added)):
        for s, p, o in rows:
            if s not in born and s not in gone:
                values.setdefault((s, p), {"old": [], "new": []})[side].append(o)
    for (s, p), v in sorted(values.items()):
        if all(o[1:-1] in gone for o in v["old"]) and all(o[1:-1] in born for o in v["new"]):
            continue  # only a link to a thing added or removed: told by that thing's line
        place = built.place(s, p, v["new"][0]) if built is not None and v["new"] else None
        items.append(Item("changed", s, cls_of(s), property=compact_iri(p, pfx), old=v["old"], new=v["new"],
                          place=place))
    before, after = Counter(old_types.values()), Counter(new_types.values())
    counts = {}
    for cls in sorted(set(before) | set(after), key=lambda c: compact_iri(c, pfx)):
        c = compact_iri(cls, pfx)
        mine = [it for it in items if it.cls == c]
        counts[c] = {"before": before.get(cls, 0), "after": after.get(cls, 0),
                     "added": sum(1 for it in mine if it.kind == "added"),
                     "removed": sum(1 for it in mine if it.kind == "removed"),
                     "changed": len({it.iri for it in mine if it.kind == "changed"})}
    return Summary(old_version, new_version, items, counts, len(added), len(removed))


def _short(iri: str, base_iri: str) -> str:
    return iri[len(base_iri) + 3:] if iri.startswith(base_iri + "id/") else iri


def _shown(term: str, base_iri: str) -> str:
    if term.startswith("<"):
        return _short(term[1:-1], base_iri)
    return literal_parts(term)[0]


def change_set(change: Change, base_iri: str, old_version: str, new_version: str) -> bytes:
    """The change as TriG: the triples removed and added, each in a named graph."""
    graph = f"{base_iri}id/changeset/{old_version}--{new_version}"
    quads = []
    for part, lines in (("removed", change.removed), ("added", change.added)):
        g = ox.NamedNode(f"{graph}/{part}")
        for t in ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_TRIPLES) if lines else ():
            quads.append(ox.Quad(t.subject, t.predicate, t.object, g))
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes(base_iri)) if quads else \
        f"# no change from release {old_version} to release {new_version}\n".encode()
