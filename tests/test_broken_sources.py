"""The corpus in tests/broken/: each case is a source file broken as a steward might break it.

A case folder holds the broken file(s), laid over a copy of data/, and case.yaml with the exit
code, the file and line the message must name, and a fragment of the message. Every case must
end with that exit code, no traceback, and the previous output folder byte-for-byte as it was.
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import BROKEN, as_it_stands

from pipeline.cli import main
from pipeline.errors import Code

CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir())



def lay_over(case: Path, data_dir: Path) -> dict:
    """Put a case's broken files over the copy of data/; return its case.yaml."""
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    for path in case.iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, data_dir / path.name)
    if spec.get("delete"):
        (data_dir / spec["delete"]).unlink()
    return spec


def test_every_case_is_complete():
    """A case that lays nothing over data/, or says nothing to look for, would pass on any build."""
    assert CASES, f"no cases in {BROKEN}"
    for case in CASES:
        spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
        assert spec["exit"] in (1, 2) and spec["message"] and spec["file"].startswith("data/"), case
        assert spec.get("delete") or [p for p in case.iterdir() if p.name != "case.yaml"], case


@pytest.mark.slow  # a publish a case, with its output folder; the fast tier reads the same cases below
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_broken_source(case: Path, data_dir: Path, tmp_path: Path, published: Path):
    spec = lay_over(case, data_dir)
    out = tmp_path / "output"
    # linked, not copied: a publish replaces files and never writes into one, and a write into
    # a file (its modification time) or a replaced file (its inode) fails the case
    shutil.copytree(published, out, copy_function=os.link)
    before = as_it_stands(out)

    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out)])

    assert result.exit_code == spec["exit"], result.output
    assert isinstance(result.exception, SystemExit), result.exception
    where = spec["file"].split("/", 1)[1]
    pattern = re.escape(where) + (f":{spec['line']}:" if "line" in spec else r"(:\d+)*:")
    if "column" in spec:
        pattern = re.escape(where) + f":{spec['line']}:{spec['column']}:"
    assert re.search(pattern, result.output), result.output
    assert spec["message"] in result.output, result.output
    assert as_it_stands(out) == before


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_broken_source_as_json(case: Path, data_dir: Path):
    """`koko validate --format json` gives one JSON document on standard output for every
    case, with the exit code, and each problem or result placed and coded."""
    spec = lay_over(case, data_dir)

    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir), "--format", "json"])

    assert result.exit_code == spec["exit"], result.output
    doc = json.loads(result.stdout)
    assert doc["exit_code"] == spec["exit"] and doc["conforms"] is False
    found = doc["problems"] if spec["exit"] == 2 else [r for r in doc["results"] if r["severity"] == "violation"]
    assert found, doc
    where = spec["file"].split("/", 1)[1]

    def said(p):  # as the text output says it
        column = (f" (line {p['line']}, column {p['field']})" if p.get("line") else f" (column {p['field']})") if p.get("field") else ""
        return p["message"] + column + (f"; {p['hint']}" if p.get("hint") else "")

    matching = [p for p in found if p["file"] and p["file"].endswith(where) and spec["message"] in said(p)
                and p.get("line") == spec.get("line", p.get("line")) and p.get("column") == spec.get("column", p.get("column"))]
    assert matching, found
    if "line" in spec:
        assert any(p["line"] == spec["line"] for p in matching), matching
    for p in doc["problems"]:
        assert p["code"] in set(Code) and p["code"] not in ("input-error", "internal-error"), p
        assert set(p) == {"file", "line", "column", "field", "sheet", "code", "message", "hint"}
