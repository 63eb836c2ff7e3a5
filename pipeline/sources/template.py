"""`koko template`: a workbook per source table, for a steward to fill and publish.

Each `<table>.xlsx` has the table's header on its first sheet, a note on every header cell
(what the column holds, its format, an example from the current sources) and, where the
sources allow only a closed list (yes/no, the listed choices, the codes of the reference
classification), a drop-down on the column; the long lists live on a hidden sheet. A
filled workbook placed in data/ instead of the CSV is read as that table.
"""

from __future__ import annotations

from pathlib import Path

from .. import i18n
from ..errors import KokoError, Problems
from ..i18n import N_, _
from .readers import read_csv
from .reference import LEVEL_OF, load_reference
from .schema import TABLES, Field
from .settings import load_settings

ROWS = 2000  # rows the drop-downs cover
_FORMATS = {
    "key": N_("a key: lower-case letters, digits and hyphens"), "text": N_("text"), "date": N_("a date (2011-12-31)"),
    "month": N_("a month (2009-07)"), "year": N_("a year (2011)"), "int": N_("a whole number"),
    "decimal": N_("a number (0.5, 11000000)"), "bool": N_("yes or no"), "email": N_("an e-mail address"),
    "phone": N_("a phone number"), "iri": N_("a web address"), "code": N_("a municipality code (3 digits)"),
    "municipality": N_("a municipality code of the reference date"),
    "subregion": N_("a sub-region code of the reference date"), "region": N_("a region code of the reference date"),
    "nuts": N_("a NUTS code (FI1D2)"), "language": N_("a language code (fi, sv, en)"),
}


def describe(f: Field) -> str:
    """What a column holds, in the language of the moment (a header note, a drop-down's error)."""
    if f.type == "choice":
        what = _("one of: {choices}").format(choices=", ".join(f.choices))
    elif f.target and not f.is_list:
        what = _("a key of the {table} table").format(table=f.target)
    else:
        what = _(_FORMATS[f.type]) if f.type in _FORMATS else f.type
    return (_("{what}; required") if f.required else _("{what}; may be empty")).format(what=what)


def write_templates(data_dir: Path, out_dir: Path) -> list:
    """Write the workbooks into out_dir; return their paths."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    settings = load_settings(data_dir)
    ref = load_reference(data_dir, settings.reference_date)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in (t for t in TABLES if t.file.endswith(".csv")):
        book = Workbook()
        sheet = book.active
        sheet.title = table.name
        lists = book.create_sheet("lists")
        lists.sheet_state = "hidden"
        examples = _examples(data_dir / table.file)
        list_column = 0
        for i, f in enumerate(table.fields, start=1):
            cell = sheet.cell(row=1, column=i, value=f.name)
            cell.font = Font(bold=True)
            note = f"{f.name}: {describe(f)}." + (" " + _("Example: {value}").format(value=examples[f.name])
                                                  if examples.get(f.name) else "")
            cell.comment = Comment(note, "koko")
            sheet.column_dimensions[get_column_letter(i)].width = max(12, len(f.name) + 4)
            values = _closed_list(f, ref)
            if values is None:
                continue
            list_column += 1
            letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=f.name)
            for r, v in enumerate(values, start=2):
                lists.cell(row=r, column=list_column, value=v).number_format = "@"
            rule = DataValidation(type="list", formula1=f"=lists!${letter}$2:${letter}${len(values) + 1}", allow_blank=True,
                                  showErrorMessage=True, errorTitle=f.name, error=describe(f),
                                  showInputMessage=True, promptTitle=f.name, prompt=describe(f))
            column = get_column_letter(i)
            rule.add(f"{column}2:{column}{ROWS}")
            sheet.add_data_validation(rule)
            for r in range(2, ROWS + 1):  # codes such as 005 stay text, not the number 5
                sheet.cell(row=r, column=i).number_format = "@"
        sheet.freeze_panes = "A2"
        path = out_dir / (Path(table.file).stem + ".xlsx")
        book.save(path)
        written.append(path)
    return written


def _closed_list(f: Field, ref) -> list | None:
    if f.type == "bool":  # the words of the language, all of which the loader reads (values.TRUE_WORDS)
        return {"fi": ["kyllä", "ei"], "sv": ["ja", "nej"]}.get(i18n.current(), ["yes", "no"])
    if f.type == "choice":
        return list(f.choices)
    if f.type in LEVEL_OF:
        return sorted(ref.units[LEVEL_OF[f.type]])
    return None


def _examples(path: Path) -> dict:
    """The first value of each column in the current CSV, if there is one: read as the loader
    reads it (Excel's dialects and encodings too); a table it cannot read gives no examples."""
    try:
        table = read_csv(path, Problems())
    except (OSError, KokoError):
        return {}
    if table is None:
        return {}
    return {name: next((fields[i] for _, fields in table.rows if fields[i].strip()), "")
            for i, name in enumerate(table.header)}
