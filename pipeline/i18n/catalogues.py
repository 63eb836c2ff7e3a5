"""Keep the catalogues in step with the package: `python -m pipeline.i18n.catalogues`.

Extracts every text marked for people (`Msg(...)`, `_(...)`, `N_(...)`) from the package with
Babel, adds Click's own texts (CLICK_TEXTS), and updates each locale/<lang>/LC_MESSAGES/koko.po:
new ids come in untranslated (English gets its own text), ids no longer used go. A translator
then fills the msgstr lines of fi and sv; the tests refuse an id without a translation, or one
whose {places} differ from the English.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from . import DOMAIN, LOCALE_DIR, catalogue_id

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the package's folder
KEYWORDS = {"Msg": None, "_": None, "N_": None}
#: Click's texts that koko's commands show (its --help, usage and usage errors); Click says
#: them through gettext, so they are translated in koko's catalogues too.
CLICK_TEXTS = (
    "Usage:", "Options", "Commands", "Show this message and exit.", "Show the version and exit.",
    "%(prog)s, version %(version)s", "default: {default}", "env var: {var}", "Error: {message}",
    "Try '{command} {option}' for help.", "Invalid value: {message}", "Invalid value for {param_hint}: {message}",
    "Missing argument", "Missing option", "Missing parameter: {param_name}", "Missing command.",
    "No such option {name!r}.", "No such command {name!r}.", "Option {name!r} does not take a value.",
    "{value!r} is not a valid {number_type}.", "{value} is not in the range {range}.", "Choose from:\n\t{choices}",
    "{name} {filename!r} does not exist.", "{name} {filename!r} is a file.", "{name} {filename!r} is a directory.",
    "file", "directory", "path", "Aborted!",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
)
FIXED = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)  # the headers do not change with each update
NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
PLACE = re.compile(r"\{[^{}]*\}")


def places(text: str) -> list:
    """The {places} of a text, sorted (the same in every language)."""
    return sorted(PLACE.findall(text))


def extracted() -> dict:
    """Each text for people -> where it is: (context, id) keys, the context "" but for the
    pages' own texts ("page"); an id is a text, or (singular, plural) for Click's plurals."""
    from babel.messages.extract import extract_from_dir

    from .pages import CONTEXT, TEXTS

    found: dict = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(PACKAGE_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.setdefault(("", message), f"pipeline/{filename}:{line}")
    for text in shape_messages():
        found.setdefault(("", text), "shapes")
    for text in CLICK_TEXTS:
        found.setdefault(("", text), "click")
    for text in TEXTS.values():
        found.setdefault((CONTEXT, text), "pipeline/i18n/pages.py")
    return found


def shape_messages() -> list:
    """The sh:message texts of koko's shapes, as the report says them (check.validate.catalogue_id)."""
    import json

    out = []
    for path in sorted((PACKAGE_DIR / "resources" / "shapes").glob("*.ttl")):
        for raw in re.findall(r'sh:message\s+("(?:[^"\\]|\\.)*")', path.read_text(encoding="utf-8")):
            out.append(catalogue_id(json.loads(raw)))
    return out


def _key(key) -> tuple:
    context, text = key
    return context, (text[0] if isinstance(text, tuple) else text).casefold()


def update(root: Path = LOCALE_DIR) -> dict:
    """Bring every catalogue in step with the package; the number of ids each has untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    ids = extracted()
    missing = {}
    for po in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = po.parent.parent.name
        with open(po, "rb") as f:
            old = read_po(f)
        new = Catalog(locale=lang, domain=DOMAIN, project="koko", version="", fuzzy=False, creation_date=FIXED,
                      revision_date=FIXED, header_comment=f"# koko's texts for people, in {NAMES[lang]}. Ids not used any more are removed\n"
                      "# and new ones added by `python -m pipeline.i18n.catalogues`.", msgid_bugs_address="",
                      last_translator="koko", language_team=NAMES[lang])
        for context, text in sorted(ids, key=_key):
            before = old.get(text[0] if isinstance(text, tuple) else text, context=context or None)
            empty = ("", "") if isinstance(text, tuple) else ""
            kept = before is not None and isinstance(before.string, tuple) == isinstance(text, tuple) and any(
                before.string if isinstance(text, tuple) else [before.string])
            string = before.string if kept else (text if lang == "en" else empty)
            new.add(text, string, context=context or None)
        with open(po, "wb") as f:
            write_po(f, new, width=100, omit_header=False, sort_output=False, include_previous=False,
                     no_location=True)
        missing[lang] = sum(1 for m in new if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string]))
    return missing


if __name__ == "__main__":
    for lang, count in update().items():
        print(f"{lang}: {count} without a translation")
