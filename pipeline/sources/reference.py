"""The project's own snapshot of Statistics Finland's regional classification.

`data/reference/<date>/` holds municipalities, sub-regions and regions valid on that date,
with names in Finnish, Swedish and English. Codes in the sources are checked against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Code, InputError, Place, Problem, Problems
from ..i18n import Msg
from .readers import read_csv, read_yaml

LEVELS = ("municipalities", "subregions", "regions")
COLUMNS = {
    "municipalities": ["code", "name_fi", "name_sv", "name_en", "subregion"],
    "subregions": ["code", "name_fi", "name_sv", "name_en", "region"],
    "regions": ["code", "name_fi", "name_sv", "name_en"],
}
DIGITS = {"municipalities": 3, "subregions": 3, "regions": 2}
PARENT = {"municipalities": "subregion", "subregions": "region"}
#: The level of the classification that a code of each kind (a field type of the sources) is of.
LEVEL_OF = {"municipality": "municipalities", "subregion": "subregions", "region": "regions"}


@dataclass(frozen=True)
class Unit:
    code: str
    names: dict  # language -> name
    parent: str  # code of the containing unit, "" for regions
    place: Place


@dataclass
class Reference:
    date: dt.date
    source: str
    derived_via: str
    folder: Path
    units: dict = field(default_factory=dict)  # level -> {code: Unit}

    def has(self, level: str, code: str) -> bool:
        return code in self.units[level]

    def name(self, level: str, code: str) -> str:
        unit = self.units[level].get(code)
        return unit.names.get("fi", "") if unit else ""

    def suggest(self, level: str, code: str) -> Msg | str:
        """'did you mean 297 Kuopio?' for a code that is not in the classification.

        Codes go wrong by two swapped digits or one wrong digit; swaps are offered first, then
        one-digit changes, nearest first.
        """
        def swapped(a: str, b: str) -> bool:
            diff = [i for i in range(len(a)) if a[i] != b[i]]
            return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]

        def one_digit(a: str, b: str) -> bool:
            return sum(x != y for x, y in zip(a, b)) == 1

        known = [c for c in self.units[level] if len(c) == len(code)]
        if not code.isdigit() or not known:
            return ""
        close = sorted((c for c in known if swapped(c, code)), key=lambda c: abs(int(c) - int(code)))
        close += sorted((c for c in known if one_digit(c, code)), key=lambda c: abs(int(c) - int(code)))
        if not close:
            return ""
        named = [c + " " + self.name(level, c) for c in close[:2]]
        if len(named) == 1:
            return Msg("did you mean {code}?", code=named[0])
        return Msg("did you mean {code} or {other}?", code=named[0], other=named[1])


def reference_folder(data_dir: Path, date: dt.date) -> Path:
    return data_dir / "reference" / date.isoformat()


def load_reference(data_dir: Path, date: dt.date) -> Reference:
    folder = reference_folder(data_dir, date)
    if not folder.is_dir():
        raise InputError([Problem(Place(str(folder)), Msg('no reference classification for {date}', date=date.isoformat()),
                                  Msg('run `koko fetch-reference --date {date}` or set reference_date in dataset.yaml', date=date.isoformat()), code=Code.REFERENCE_MISSING)])
    meta = read_yaml(folder / "snapshot.yaml")
    via = meta.get("derived_via")
    ref = Reference(date=date, source=_text(meta, "source"), derived_via=via.text.strip() if via is not None and hasattr(via, "text") else "",
                    folder=folder)
    problems = Problems()
    for level in LEVELS:
        table = read_csv(folder / f"{level}.csv", problems)
        if table.header != COLUMNS[level]:
            problems.add(Place(table.name, 1), Msg('header must be {columns}', columns=','.join(COLUMNS[level])), code=Code.MISSING_COLUMN)
            continue
        units = {}
        col = {name: i for i, name in enumerate(table.header)}
        for line, row in table.rows:
            place = Place(table.name, line)
            code = row[col["code"]].strip()
            if not code.isdigit() or len(code) != DIGITS[level]:
                problems.add(Place(table.name, line, 0, "code"), Msg('{code!r} is not a code of {digits} digits', code=code, digits=DIGITS[level]), code=Code.NOT_A_CODE)
                continue
            if code in units:
                problems.add(place, Msg('code {code} appears twice', code=code), code=Code.DUPLICATE_KEY)
                continue
            names = {lang: row[col[f"name_{lang}"]].strip() for lang in ("fi", "sv", "en") if row[col[f"name_{lang}"]].strip()}
            parent = row[col[PARENT[level]]].strip() if level in PARENT else ""
            units[code] = Unit(code, names, parent, place)
        ref.units[level] = units
    problems.raise_if_any()
    for level, parent_level in (("municipalities", "subregions"), ("subregions", "regions")):
        for unit in ref.units[level].values():
            if unit.parent not in ref.units[parent_level]:
                problems.add(unit.place, Msg('{kind} {parent} is not in {parent_level}.csv', kind=PARENT[level], parent=unit.parent, parent_level=parent_level), code=Code.UNKNOWN_REFERENCE)
    problems.raise_if_any()
    return ref


def _text(meta, key: str) -> str:
    cell = meta.get(key)
    if cell is None or not hasattr(cell, "text") or not cell.text.strip():
        raise InputError([Problem(meta.place, Msg('snapshot.yaml needs {key!r}', key=key), code=Code.MISSING_FIELD)])
    return cell.text.strip()
