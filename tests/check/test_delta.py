"""SHACL Core after a change of the real graph (check/delta.py): the earlier results and
the changed nodes judged on their reach are the results of the whole graph, for edits of
each kind a steward's sources make, and for the ones that must go to the whole graph."""

from __future__ import annotations

import re
from dataclasses import astuple

import pytest
from helpers import RELEASE
from source_edits import EDITS as EDITS_OF_SOURCES

from pipeline.check import delta
from pipeline.check.validate import project_shapes, raw_results
from pipeline.config import DEFAULT_BASE_IRI, cache_dir
from pipeline.graph.nt_diff import diff
from pipeline.graph.serialize import canonical_nt

XSD = "http://www.w3.org/2001/XMLSchema#"


class Before:
    """A release's graph and its record's entry: the earlier results of any graph after it."""

    def __init__(self, old: bytes, entry: dict):
        self.old, self.entry, self.rules = old, entry, entry["rules"]

    def since(self, nt: bytes) -> delta.Earlier:
        return delta.Earlier.of(self.entry, diff(self.old, nt))


def _run(nt: bytes, earlier=None) -> tuple:
    if isinstance(earlier, Before):
        earlier = earlier.since(nt)
    told: dict = {}
    raw, notes = raw_results(nt, project_shapes(DEFAULT_BASE_IRI), "fast", earlier=earlier, told=told)
    return sorted(map(astuple, raw), key=repr), notes, told


@pytest.fixture(scope="module")
def earlier(published):
    old = (published / "koko.nt").read_bytes()
    _, _, told = _run(old)
    return old, Before(old, told["validation"])


def _edited(nt: bytes, pattern: str, replace=None) -> bytes:
    """`nt` with each line matching `pattern` replaced by `replace(line)` (None: taken away)."""
    out = []
    for line in nt.decode("utf-8").split("\n"):
        if line and re.search(pattern, line):
            line = replace(line) if replace is not None else None
        if line:
            out.extend(line if isinstance(line, list) else [line])
    return canonical_nt(line.encode("utf-8") for line in out)


def _a_year_later(line: str) -> str:
    return re.sub(r'"(\d{4})"', lambda m: f'"{int(m.group(1)) + 1}"', line)


EDITS = {
    # a value on one decision's amount, as edit_loop.py makes it
    "an amount": (r"^<[^>]*/amount/[^>]*> <https://schema.org/value>", lambda line: line.replace('"', '"9', 1), True),
    "the start years of the fundings": (r"#startYear>", _a_year_later, True),
    "the fundings' types taken away": (r"/funding/[^>]*> <[^>]*rdf-syntax-ns#type>", None, True),
    "a region's name taken away (a class of another node's value)": (
        r"^<[^>]*/region/11> <[^>]*#prefLabel>", None, True),
    "a link to NUTS (an object target) taken away": (r"#closeMatch> <http://data.europa.eu/nuts/code/FI132>", None, True),
    "every area's programme taken away": (r"/area/[^>]*> <[^>]*#programme>", None, True),
    # the SPARQL rule on a total's shares reads them against the links (shareOf) from $this
    "a share's link to its total taken away": (r"total-2010-2011-tem> <[^>]*#shareOf>", None, True),
    "a share's rate changed": (r"total-2010-2011-tem> <[^>]*#shareRate>", lambda line: line.replace('"0.5"', '"0.25"'),
                               True),
    # a value outside its range's family: the shape goes to pySHACL, and SHACL Core no longer
    # has the shapes of the earlier results
    "an area's inhabitants as text": (r"#inhabitants>", lambda line: re.sub(r'"(\d+)"\^\^<[^>]*>', r'"\1"', line),
                                      False),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_after_an_edit_the_results_are_the_whole_graphs(earlier, name):
    old, before = earlier
    pattern, replace, bounded = EDITS[name]
    new = _edited(old, pattern, replace)
    assert new != old, "the edit changed nothing"
    whole = _run(new)
    after = _run(new, before)
    assert after[:2] == whole[:2]
    assert (after[2].get("judged_again") is not None) == bounded, after[2].get("judged_again")
    assert _kept(after[2]) == _kept(whole[2])


def _kept(told: dict):
    """The results a publish records for the next one, each list in one order."""
    entry = told.get("validation")
    if entry is None:
        return None
    return (entry["core"]["shapes"], sorted(map(repr, entry["core"]["results"])),
            {key: sorted(map(repr, found)) for key, found in entry["rules"].items()})


def test_an_edit_no_rule_can_match_keeps_those_rules_results_and_runs_the_others(earlier):
    old, before = earlier
    rules = len(before.rules)
    amount = _run(_edited(old, EDITS["an amount"][0], EDITS["an amount"][1]), before)[2]
    assert 0 < amount["rules_kept"] < rules  # schema:value is in the rules on shares and co-financing
    label = _run(_edited(old, EDITS["a region's name taken away (a class of another node's value)"][0]), before)[2]
    assert label["rules_kept"] == rules  # no rule reads a name
    rate = _run(_edited(old, EDITS["a share's rate changed"][0], EDITS["a share's rate changed"][1]), before)
    assert rate[2]["rules_bounded"] > 0 and any("add up to" in r[5] for r in rate[0])


def test_too_many_nodes_to_judge_again_take_the_whole_graph(earlier, monkeypatch):
    old, before = earlier
    new = _edited(old, EDITS["every area's programme taken away"][0])
    monkeypatch.setattr(delta, "MAX_NODES", 10)
    after, whole = _run(new, before), _run(new)
    assert after[:2] == whole[:2] and "judged_again" not in after[2]


def test_earlier_results_of_other_shapes_or_no_file_are_not_used(earlier):
    old, before = earlier
    new = _edited(old, EDITS["an amount"][0], EDITS["an amount"][1])
    known = before.since(new)
    other_shapes = delta.Earlier("another digest", known.core, known.rules, known.change)
    assert "judged_again" not in _run(new, other_shapes)[2]
    gone = delta.Earlier(known.core_shapes, known.core, known.rules, None)  # the old file could not be read
    told = _run(new, gone)[2]
    assert "judged_again" not in told and "rules_kept" not in told


def test_a_blank_node_or_a_subclass_in_the_data_takes_the_whole_graph(earlier):
    old, before = earlier
    for line in (b"_:b <urn:p> <urn:o> .", b"<urn:a> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <urn:b> ."):
        new = canonical_nt([*old.split(b"\n")[:-1], line])
        told = _run(new, before)[2]
        assert "judged_again" not in told and "rules_kept" not in told


def _settings(data_dir):
    import datetime

    from pipeline.sources.settings import load_settings

    return load_settings(data_dir).with_release_date(datetime.date.fromisoformat(RELEASE))


@pytest.mark.parametrize("edit", sorted(EDITS_OF_SOURCES))
def test_a_publish_after_an_edit_judges_what_a_whole_validation_does(data_dir, tmp_path, edit):
    """Each table's edit, published over the release before: SHACL Core judged only the
    changed nodes' reach, and the report is the one of a publish into a new folder."""
    from pipeline.release.publish import publish

    out, whole = tmp_path / "out", tmp_path / "whole"
    assert publish(_settings(data_dir), out, site=False).report.judged_again is None  # nothing before it
    for plan in cache_dir("shapes").glob("*.pickle"):  # made again, its blank nodes named afresh
        plan.unlink(missing_ok=True)
    EDITS_OF_SOURCES[edit](data_dir)
    after = publish(_settings(data_dir), out, site=False)
    fresh = publish(_settings(data_dir), whole, site=False)
    assert after.report.judged_again is not None and fresh.report.judged_again is None
    assert after.report.rules_kept > 0 and fresh.report.rules_kept == 0
    assert after.report.results == fresh.report.results and after.report.results
    assert (out / "validation.ttl").read_bytes() == (whole / "validation.ttl").read_bytes()


@pytest.mark.parametrize("mapped_graph", [False, True])
def test_a_plain_graph_holds_no_blank_node_bytes_and_no_subclass_line(tmp_path, monkeypatch, mapped_graph):
    """`plain` is a test of the bytes, read or mapped (by pieces of a few dozen bytes here)."""
    import random

    from pipeline.graph import mapped

    monkeypatch.setattr(mapped, "MAP_BYTES", 0)
    monkeypatch.setattr(mapped, "BEHIND", 40)
    rng = random.Random(7)
    parts = [b"<urn:a> <urn:p> <urn:b> .\n", b'<urn:a> <urn:p> "x_y:z" .\n', b"<urn:a> <urn:p> _:b1 .\n",
             b'<urn:a> <urn:p> "_:" .\n', b"_:b2 <urn:p> <urn:b> .\n", b"<urn:a> " + delta.SUBCLASS + b" <urn:c> .\n",
             b"<urn:a> <urn:p> <urn:b_> .\n", b"<urn:a> <urn:p> <urn::b> .\n"]
    for n in range(200):
        text = b"".join(rng.choice(parts) for _ in range(rng.randrange(1, 12)))
        path = tmp_path / f"{n}.nt"
        path.write_bytes(text)
        graph = mapped.read(path) if mapped_graph else text
        assert delta.plain(graph) == (b"_:" not in text and delta.SUBCLASS not in text), text
