import pytest
from helpers import BROKEN, DATA

from pipeline.errors import InputError, Problems
from pipeline.sources.readers import read_csv, read_yaml


def test_csv_utf8_and_cp1252_read_the_same(tmp_path):
    text = "key,name_fi\nsisa,Sisä-Savon Seutuyhtymä\n"
    (tmp_path / "a.csv").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "b.csv").write_bytes(text.replace(",", ";").encode("cp1252"))
    a = read_csv(tmp_path / "a.csv", Problems())
    b = read_csv(tmp_path / "b.csv", Problems())
    assert b.delimiter == ";"
    assert [row[1] for _, row in a.rows] == [row[1] for _, row in b.rows] == ["Sisä-Savon Seutuyhtymä"]


def test_csv_broken_utf8_names_the_line(tmp_path):
    (tmp_path / "c.csv").write_bytes("key,name\na,Sisä\nb,".encode() + b"\xff\xfe" + b"\n")
    with pytest.raises(InputError) as err:
        read_csv(tmp_path / "c.csv", Problems())
    assert ":3:" in str(err.value)


def test_csv_row_places_count_multiline_fields(tmp_path):
    (tmp_path / "d.csv").write_text('key,text\na,"two\nlines"\nb,x\n', encoding="utf-8")
    table = read_csv(tmp_path / "d.csv", Problems())
    assert [line for line, _ in table.rows] == [2, 4]


def test_yaml_keeps_text_and_places(tmp_path):
    (tmp_path / "a.yaml").write_text("a:\n  b: no\n  c: 2011-12-31\n", encoding="utf-8")
    doc = read_yaml(tmp_path / "a.yaml")
    assert doc["a"]["b"].text == "no"
    assert doc["a"]["c"].text == "2011-12-31"
    assert (doc["a"]["c"].place.line, doc["a"]["c"].place.column) == (3, 6)


def test_yaml_broken_names_line_and_column(tmp_path):
    (tmp_path / "a.yaml").write_text("a:\n  b: [1, 2\n  c: 3\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_yaml(tmp_path / "a.yaml")
    assert "a.yaml:" in str(err.value) and "broken YAML" in str(err.value)


def _tree(value):
    """A read YAML value with every place in it, for comparing two reads."""
    if isinstance(value, dict):
        return ("map", value.place, [(k, value.key_places[k], _tree(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", value.place, [_tree(v) for v in value])
    return ("cell", tuple(value))


def _read_both(path, monkeypatch):
    import pipeline.sources.readers as readers

    def read():
        try:
            return _tree(read_yaml(path))
        except InputError as err:
            return ("error", str(err))

    fast = read()
    with monkeypatch.context() as m:
        m.setattr(readers, "_FAST_LOADER", None)
        reference = read()
    return fast, reference


YAML_CASES = sorted(DATA.glob("*.yaml")) + sorted(BROKEN.glob("*/*.yaml"))


@pytest.mark.parametrize("path", YAML_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_libyaml_reads_what_pyyaml_reads(path, monkeypatch):
    """libyaml composes the sources' YAML; PyYAML's own parser is the reference: the same
    values, the same places, and for broken YAML the same message (PyYAML's, read again)."""
    fast, reference = _read_both(path, monkeypatch)
    assert fast == reference


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a:\n\t- b\n", "a: 'x\n", "a: b: c\n", "a: &x 1\nb: *x\n",
                                  "a: ~\nb: null\nc:\nd: ''\ne: \"~\"\n", "- x\n", "a: !!binary aGk=\n"])
def test_libyaml_and_pyyaml_agree_on_the_edges(text, tmp_path, monkeypatch):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    fast, reference = _read_both(path, monkeypatch)
    assert fast == reference
