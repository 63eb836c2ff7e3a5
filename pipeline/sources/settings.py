"""`data/dataset.yaml`: the settings of a run, read and checked like any other source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..config import DEFAULT_BASE_IRI, Settings
from ..errors import Code, InputError, Place, Problem, ValueProblem
from ..i18n import Msg
from .readers import YMap, read_yaml, to_plain
from .values import email, iri


def parse_iso_date(text: str, place: Place) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError([Problem(place, Msg('{text!r} is not a date', text=text), Msg('write it as YYYY-MM-DD'), code=Code.NOT_A_DATE)]) from None


def load_settings(data_dir: Path, base_iri: str | None = None) -> Settings:
    """Read `data/dataset.yaml`, the one place for the base IRI and release settings."""
    path = data_dir / "dataset.yaml"
    doc = read_yaml(path)
    values = {key: cell.text for key, cell in doc.items() if hasattr(cell, "text")}
    known = {"base_iri", "download_base", "release_date", "reference_date", "sparql_endpoint", "templates", "shapes",
             "catalogue"}
    for key in doc:
        if key not in known:
            raise InputError([Problem(doc.key_place(key), Msg('unknown setting {key!r}', key=key), Msg('known: {known}', known=', '.join(sorted(known))), code=Code.UNKNOWN_FIELD)])
    base = base_iri or values.get("base_iri", DEFAULT_BASE_IRI)
    for name, value in (("base_iri", base), ("download_base", values.get("download_base", base + "download/"))):
        place = doc.key_place(name) if name in doc else Place(str(path))
        if not (value.startswith(("http://", "https://")) and value.endswith(("/", "#"))):
            raise InputError([Problem(place, Msg('{name} {value!r} must be an http(s) IRI ending in / or #', name=name, value=value), code=Code.NOT_AN_IRI)])
        _checked(iri, value, place, name)
    return Settings(
        data_dir=data_dir,
        base_iri=base,
        download_base=values.get("download_base", base + "download/"),
        release_date=parse_iso_date(values["release_date"], doc.key_place("release_date"))
        if "release_date" in values else Settings.release_date,
        reference_date=parse_iso_date(values["reference_date"], doc.key_place("reference_date"))
        if "reference_date" in values else Settings.reference_date,
        sparql_endpoint=values.get("sparql_endpoint", ""),
        templates=_folder("templates", values.get("templates"), data_dir, doc, "that holds .html templates"),
        shapes=_folder("shapes", values.get("shapes"), data_dir, doc, "that holds SHACL shapes in .ttl files"),
        catalogue=_catalogue(doc),
    )


def _folder(key: str, value: str | None, data_dir: Path, doc, holds: str) -> Path | None:
    """A steward's folder (page templates, shapes); a relative path is taken from the data folder."""
    if not value:
        return None
    folder = data_dir / value
    if not folder.is_dir():
        raise InputError([Problem(doc.key_place(key), Msg('{key} folder {value!r} not found in {data_dir}', key=key, value=value, data_dir=data_dir),
                                  Msg('give a folder, relative to the data folder, {holds}', holds=holds), code=Code.FILE_NOT_FOUND)])
    return folder


def _checked(check, value, place: Place, what: str):
    try:
        return check(value)
    except ValueProblem as exc:
        raise InputError([Problem(place, Msg('{what}: {message}', what=what, message=exc.message), exc.hint, code=exc.code)]) from None


CATALOGUE_KEYS = {"title", "description", "keywords", "publisher", "contact", "temporal", "frequency"}


def _catalogue(doc) -> dict:
    node = doc.get("catalogue")
    if node is None:
        raise InputError([Problem(doc.place, Msg('dataset.yaml needs a catalogue section'), Msg('see README.md'), code=Code.MISSING_FIELD)])
    if not isinstance(node, YMap):
        raise InputError([Problem(doc.key_place("catalogue"), Msg('catalogue must be a mapping'), code=Code.WRONG_STRUCTURE)])
    for key in CATALOGUE_KEYS:
        if key not in node:
            raise InputError([Problem(node.place, Msg('catalogue needs {key!r}', key=key), code=Code.MISSING_FIELD)])
    for key in node:
        if key not in CATALOGUE_KEYS:
            raise InputError([Problem(node.key_place(key), Msg('unknown catalogue setting {key!r}', key=key), code=Code.UNKNOWN_FIELD)])
    plain = to_plain(node)
    for key, need in (("publisher", ("homepage",)), ("contact", ("url",))):
        for field_name in need:
            if isinstance(plain.get(key), dict) and field_name in plain[key]:
                _checked(iri, plain[key][field_name], node.key_place(key), f"catalogue {key} {field_name}")
    if isinstance(plain.get("contact"), dict) and "email" in plain["contact"]:
        _checked(email, plain["contact"]["email"], node.key_place("contact"), "catalogue contact email")
    for key, need in (("publisher", ("name", "homepage")), ("contact", ("name", "email", "url")), ("temporal", ("start", "end"))):
        if not isinstance(plain[key], dict) or any(k not in plain[key] for k in need):
            raise InputError([Problem(node.key_place(key), Msg('catalogue {key} needs {needed}', key=key, needed=', '.join(need)), code=Code.MISSING_FIELD)])
    return plain
