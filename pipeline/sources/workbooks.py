"""Source tables kept as spreadsheets: `data/<table>.xlsx` (or `.ods`) instead of the CSV.

The table is the workbook's first sheet: its first row the header, each later row a record.
Cells keep their types and are handed on as the text the CSV reader would have read: a date
cell as 2011-12-31, a number as its shortest decimal form (0.1 stays 0.1, 11000000 has no
.0), TRUE/FALSE as yes/no. Read with python-calamine (xlsx, ods, and old xls).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Code, InputError, Place, Problem
from ..i18n import Msg
from .readers import ReadTable, display_path

EXTENSIONS = (".xlsx", ".ods", ".xls")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_workbook(path: Path) -> ReadTable:
    from python_calamine import CalamineError, CalamineWorkbook

    name = display_path(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet_name = book.sheet_names[0]
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise InputError([Problem(Place(name), Msg('cannot be read as a workbook: {exc}', exc=exc),
                                  Msg('save it from Excel as .xlsx'), code=Code.FILE_UNREADABLE)]) from None
    if not rows or not any(cell_text(v).strip() for v in rows[0]):
        raise InputError([Problem(Place(name, 1, 0, "", sheet_name), Msg('the first sheet is empty'),
                                  Msg('it needs at least the header row'), code=Code.EMPTY_FILE)])
    header = [cell_text(v).strip() for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    body = []
    for number, row in enumerate(rows[1:], start=2):
        fields = [cell_text(v) for v in row[: len(header)]]
        fields += [""] * (len(header) - len(fields))
        if any(f.strip() for f in fields):
            body.append((number, fields))
    return ReadTable(name, header, body, "", sheet=sheet_name)
