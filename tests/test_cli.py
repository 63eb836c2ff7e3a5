import json

from click.testing import CliRunner
from conftest import RELEASE

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
    assert "Traceback" not in result.output


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
