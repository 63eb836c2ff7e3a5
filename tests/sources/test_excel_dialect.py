"""The same facts saved by Excel in a Finnish locale publish the same graph, byte for byte."""

import csv
import io
import re

from helpers import RELEASE

from pipeline.release.publish import publish
from pipeline.sources.settings import load_settings

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def finnish_cell(column: str, value: str) -> str:
    m = ISO.match(value)
    if m:
        return f"{int(m.group(3))}.{int(m.group(2))}.{m.group(1)}"
    if column == "amount" and value:
        whole = f"{int(value):,}".replace(",", "\u00a0")
        return f"{whole},00"
    if column.endswith("rate") and value:
        return value.replace(".", ",")
    return value


def to_excel(path):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows[1:]:
        writer.writerow([finnish_cell(col, val) for col, val in zip(header, row)])
    path.write_bytes(out.getvalue().encode("cp1252"))


def test_excel_dialect_publishes_the_same_bytes(data_dir, tmp_path, published):
    for path in data_dir.glob("*.csv"):
        to_excel(path)
    assert b";" in (data_dir / "funding.csv").read_bytes()
    assert "11\u00a0000\u00a0000,00".encode("cp1252") in (data_dir / "funding.csv").read_bytes()
    assert b"1.1.2010" in (data_dir / "memberships.csv").read_bytes()
    out = tmp_path / "out"
    settings = load_settings(data_dir).with_release_date(__import__("datetime").date.fromisoformat(RELEASE))
    publish(settings, out)
    assert (out / "koko.nt").read_bytes() == (published / "koko.nt").read_bytes()
    assert (out / "koko.ttl").read_bytes() == (published / "koko.ttl").read_bytes()
