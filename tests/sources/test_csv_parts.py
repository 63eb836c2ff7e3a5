"""read_csv's parts (row_cuts): the rows of a CSV read in parts are the rows of the whole
file, each at its line, with the problems of the whole; or, where a cut falls inside a quoted
value after all, the part before it cannot be read, and the whole file is read instead
(release/shares.py). Held to reading the whole file on random texts built to put quoted line
ends, doubled quotes and stray quotes near the cuts."""

from __future__ import annotations

import random

import pytest

from pipeline.errors import InputError, Problems
from pipeline.sources.readers import read_csv, row_cuts

CELLS = ["a", "b c", "", "  ", '"q,1"', '"two\nlines"', '"x ""y"" z"', 'st"ray', '"\r\n"', "ä", "1,5", '"a;b"']


def random_text(pick: random.Random, delimiter: str) -> str:
    columns = pick.randint(1, 4)
    rows = ["h" + delimiter.join(str(i) for i in range(columns))]
    for _ in range(pick.randint(0, 60)):
        width = columns if pick.random() < 0.9 else pick.randint(1, columns + 1)  # some rows of the wrong width
        rows.append(delimiter.join(pick.choice(CELLS) for _ in range(width)))
        if pick.random() < 0.05:
            rows.append("")  # a blank line
    end = pick.choice(["\n", "\r\n"])
    return end.join(rows) + (end if pick.random() < 0.7 else "")


def read(path, part=None):
    problems = Problems(limit=100_000)
    table = read_csv(path, problems, part=part)
    return table.header, table.rows, [str(p) for p in problems.items]


@pytest.mark.parametrize("seed", range(60))
def test_the_parts_read_as_the_whole_or_one_cannot_be_read(tmp_path, seed):
    pick = random.Random(seed)
    path = tmp_path / "t.csv"
    # as Excel saves them too: with a byte order mark, or in Windows-1252 with semicolons
    path.write_text(random_text(pick, pick.choice([",", ";"])), encoding=pick.choice(["utf-8", "utf-8-sig", "cp1252"]),
                    newline="")
    try:
        header, rows, problems = read(path)
    except InputError:
        whole_fails = True
    else:
        whole_fails = False
    for parts in (2, 3):
        got, failed = [], False
        for index in range(parts):
            try:
                got.append(read(path, (index, parts)))
            except InputError:
                failed = True
        if failed:
            continue  # the caller reads the whole file then
        assert not whole_fails
        assert all(h == header for h, _, _ in got)
        assert [row for _, r, _ in got for row in r] == rows
        assert [p for _, _, ps in got for p in ps] == problems


def test_a_cut_inside_a_quoted_value_leaves_the_part_before_it_unreadable(tmp_path):
    """A stray quote in an unquoted value before the middle makes the quotes before a line end
    inside a later quoted value look even: the cut lands there, and part 0 says so."""
    lines = ["k,v", 'st"ray,1'] + [f"r{i},2" for i in range(40)] + ['x,"one', 'two"'] + [f"s{i},3" for i in range(40)]
    text = "\n".join(lines) + "\n"
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    cuts = row_cuts(text, 2)
    assert text[:cuts[1]].endswith('x,"one\n')  # inside the quoted value
    with pytest.raises(InputError):
        read(path, (0, 2))
    header, rows, problems = read(path)
    assert len(rows) == 82 and not problems


def test_parts_are_read_at_their_lines(tmp_path):
    text = "k,v\n" + "".join(f"r{i},{i}\n" for i in range(10)) + '"a\nb",x\n' + "".join(f"s{i},{i}\n" for i in range(10))
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    first, second = read(path, (0, 2))[1], read(path, (1, 2))[1]
    assert first and second
    assert first + second == read(path)[1]
    assert second[-1] == (23, ["s9", "9"])


def test_a_cut_passes_the_line_ends_inside_a_quoted_value(tmp_path):
    """The middle falls inside a value of many lines: the cut is after its row, and both
    parts read."""
    inner = "\n".join(f"line {i}" for i in range(60))
    text = "k,v\n" + "".join(f"r{i},{i}\n" for i in range(5)) + f'long,"{inner}"\n' + "".join(f"s{i},{i}\n" for i in range(5))
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    cut = row_cuts(text, 2)[1]
    assert text[:cut].endswith('line 59"\n')
    assert read(path, (0, 2))[1] + read(path, (1, 2))[1] == read(path)[1]
