import json

from click.testing import CliRunner
from helpers import RELEASE

from pipeline.cli import main


def test_publish_prints_summary(data_dir, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out), "--release-date", RELEASE])
    assert result.exit_code == 0, result.output
    assert "Published" in result.output and "triples" in result.output
    assert "koko#Municipality" in result.output
    assert "Validation: conforms" in result.output
    assert "koko.jsonld" in result.output
    assert (out / "koko.ttl").exists()


def test_validate_json(data_dir):
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["conforms"] is True and doc["violations"] == 0


def test_validate_nonconforming_exit_1(data_dir):
    funding = data_dir / "funding.csv"
    funding.write_text(funding.read_text().replace(",EUR,yes,0.5,", ",EUR,yes,1.5,"))
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir)])
    assert result.exit_code == 1
    assert "funding.csv:2: co-financing rate must be between 0 and 1" in result.output
    assert isinstance(result.exception, SystemExit), result.exception  # an exit code, not an escaped error


def test_bad_release_date_exit_2(data_dir, tmp_path):
    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(tmp_path / "o"), "--release-date", "28.11.2026x"])
    assert result.exit_code == 2
    assert "--release-date" in result.output


def test_missing_data_folder_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["publish", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "dataset.yaml" in result.output and "not found" in result.output


def test_help_ends_with_example():
    for args in [["--help"]] + [[name, "--help"] for name in main.commands]:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0
        assert result.output.strip().split("\n\n")[-1].strip().startswith("Example: koko"), args


def test_validate_json_for_sources_that_cannot_be_read(data_dir):
    contacts = data_dir / "contacts.csv"
    contacts.write_text(contacts.read_text().replace("olli.kokander(at)suonenjoki.fi", "olli.kokander(at)suonenjoki"))
    (data_dir / "programme.yaml").write_text("name: [unclosed\n")
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir), "--format", "json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)  # JSON on standard output, the progress on standard error
    assert doc["exit_code"] == 2 and doc["conforms"] is False and doc["results"] == []
    by_code = {p["code"]: p for p in doc["problems"]}
    assert by_code["yaml-syntax"]["file"].endswith("programme.yaml") and by_code["yaml-syntax"]["line"] >= 1
    email = by_code["not-an-email"]
    assert email["file"].endswith("contacts.csv") and email["field"] == "email" and email["line"] == 2
    assert email["hint"] == "write it as name@example.fi"


def test_validate_json_for_a_missing_folder_and_a_bug(tmp_path, monkeypatch):
    result = CliRunner().invoke(main, ["validate", "--data", str(tmp_path / "nope"), "--format", "json"])
    assert result.exit_code == 2 and json.loads(result.stdout)["problems"][0]["code"] == "file-not-found"

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("pipeline.release.publish.check", broken)
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 4
    assert json.loads(result.stdout)["problems"][0]["code"] == "internal-error"


def test_no_problem_without_its_kind():
    """A problem is of one kind of errors.Code: a string, even a known code, or a message raised
    without its kind is a bug at once."""
    import pytest

    from pipeline.errors import Code, InputError, Place, Problem

    for code in ("input-error", "bad-option"):
        with pytest.raises(TypeError, match="not a problem code"):
            Problem(Place("data/x.csv"), "something", code=code)
    with pytest.raises(TypeError, match="needs its code"):
        InputError("something went wrong")
    assert InputError("x", code=Code.BAD_OPTION).problems[0].code == "bad-option"


def test_a_value_problem_says_its_kind_in_its_template():
    from pipeline.errors import Code

    problem = Code.NOT_A_YEAR.invalid("2O11")
    assert (str(problem.message), str(problem.hint), problem.code) == ("'2O11' is not a year", "write four digits, e.g. 2011",
                                                                       Code.NOT_A_YEAR)
    assert str(Code.NOT_A_CODE.invalid("1234", digits=3).message) == "'1234' is not a code of 3 digits"
    assert Code.NOT_A_NUMBER.invalid("1,2.3", hint="no separators").hint == "no separators"


def test_the_readme_lists_every_problem_code():
    import re

    from helpers import ROOT

    from pipeline.errors import Code

    listed = dict(re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M))
    assert listed == {code.value: code.meaning for code in Code}


def test_a_bad_date_option_names_the_option_once():
    for args in (["publish", "--release-date", "28.11.2026"], ["fetch-reference", "--date", "2013-13-01"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert "is not a date; write it as YYYY-MM-DD" in result.output and ": :" not in result.output


def test_shared_options_are_declared_once():
    """--data, --out, --engine and --templates mean the same in every command that takes them."""
    seen: dict = {}
    for name, command in main.commands.items():
        for param in command.params:
            for opt in param.opts:
                if opt in ("--data", "--out", "--engine", "--templates"):
                    shape = (param.name, param.help, str(param.type), param.default)
                    assert seen.setdefault(opt, shape) == shape, (name, opt)
    assert set(seen) == {"--data", "--out", "--engine", "--templates"}
