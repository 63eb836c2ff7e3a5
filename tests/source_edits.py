"""One-value edits of each source the real data can take one in, as a steward makes them:
for the tests that hold a publish after an edit to a publish of the edited sources into a
new folder."""

from __future__ import annotations

import csv
import io


def _edit_csv(path, key_value, column, value):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == key_value)
    row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


EDITS = {
    "a value in funding.csv": lambda d: _edit_csv(d / "funding.csv", "total-2010-2011", "note", "muutettu"),
    "a name in organisations.csv": lambda d: _edit_csv(d / "organisations.csv", *_first(d / "organisations.csv", "name_fi")),
    "a text in programme.yaml": lambda d: _replace(d / "programme.yaml", "Koheesio", "Koheesio-"),
    "a row dropped from nuts.csv": lambda d: _drop_last(d / "nuts.csv"),
    "a title in contacts.csv": lambda d: _edit_csv(d / "contacts.csv", *_first(d / "contacts.csv", "title_fi")),
    "a source in memberships.csv": lambda d: _edit_csv(d / "memberships.csv", "112", "source", "programme-page"),
    "a name in former-municipalities.csv": lambda d: _edit_csv(d / "former-municipalities.csv",
                                                               *_first(d / "former-municipalities.csv", "name_fi")),
    "a name in funding-sources.csv": lambda d: _edit_csv(d / "funding-sources.csv",
                                                         *_first(d / "funding-sources.csv", "name_en")),
    "a note in areas.yaml": lambda d: _replace(d / "areas.yaml", "Nimetty asiakirjan otsikossa", "Nimetty otsikossa"),
    "a title in sources.yaml": lambda d: _replace(d / "sources.yaml", "title: KOKO-ohjelma", "title: KOKO-ohjelman sivu"),
    "the catalogue's title in dataset.yaml": lambda d: _replace(d / "dataset.yaml", "fi: KOKO – koheesio-", "fi: KOKO – Koheesio-"),
}


OUTSIDE_THE_GRAPH = {"the catalogue's title in dataset.yaml"}  # the catalogue changes, the graph does not


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first(path, column):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[1][0], column, rows[1][rows[0].index(column)] + " (muutettu)"


def _drop_last(path):
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
