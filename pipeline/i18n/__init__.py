"""What koko says to people, in Finnish, Swedish or English.

Every text for a person is a catalogue id: the English text, with `{named}` places for its
values. `Msg(id, **values)` is such a text, said in the language chosen when it is shown
(`str()`), so that a problem found in a worker process is said in the steward's language by the
process that prints it. `_()` says a text at once; `N_()` only marks one for the catalogues.

The catalogues are gettext's: `locale/<lang>/LC_MESSAGES/koko.po`, compiled to `.mo` by the
build (`pipeline/i18n/build.py`, and `make`); a checkout without the `.mo` files reads the `.po`
files. Click's own texts (Usage, Options, its errors) come from the same catalogues through the
gettext domain that `use()` sets up. See README.md, "Language".
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
import re
from pathlib import Path

from ..config import LANGS

DOMAIN = "koko"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT = "en"
#: The id under which a compiled catalogue keeps the SHA-256 of the .po it was compiled from.
SOURCE_ID = "koko: compiled from"

_lang = DEFAULT
_loaded: dict = {}


def from_locale(environ=os.environ) -> str | None:
    """The language of the POSIX locale: LC_ALL, else LC_MESSAGES, else LANG (the first that
    is set decides: fi_FI.UTF-8 -> fi, sv_FI or sv_SE -> sv); None when none is set or it is
    a language koko does not speak."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            code = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].lower()
            return code if code in LANGS else None
    return None


def choose(option: str | None = None, environ=os.environ) -> str:
    """The language to speak: --lang, else KOKO_LANG, else the locale, else English."""
    for value in (option, environ.get("KOKO_LANG")):
        if value and value.strip().lower() in LANGS:
            return value.strip().lower()
    return from_locale(environ) or DEFAULT


def _fresh(root: Path, lang: str) -> Path | None:
    """The compiled catalogue of a language under root, if it was compiled from the .po as it
    is now (the digest it keeps under SOURCE_ID; mtimes say nothing once a wheel is unpacked)."""
    mo, po = root / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with open(mo, "rb") as f:
            compiled = gettext.GNUTranslations(f)
    except (OSError, ValueError):
        return None
    if po.is_file():
        from .compile import source_digest

        if compiled.gettext(SOURCE_ID) != source_digest(po):
            return None
    return mo


@functools.lru_cache(maxsize=1)
def compiled_root() -> Path:
    """The folder of compiled catalogues: the package's own (the wheel's build and make write
    them); in a checkout whose .po files are newer, ones compiled from them into koko's cache."""
    if all(_fresh(LOCALE_DIR, lang) for lang in LANGS):
        return LOCALE_DIR
    from ..config import cache_dir
    from .compile import compile_all

    root = cache_dir("locale")
    if not all(_fresh(root, lang) for lang in LANGS):
        compile_all(LOCALE_DIR, root)
    return root


def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language."""
    if lang not in _loaded:
        mo = compiled_root() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            with open(mo, "rb") as f:
                _loaded[lang] = gettext.GNUTranslations(f)
        except OSError:
            _loaded[lang] = gettext.NullTranslations()
    return _loaded[lang]


def use(lang: str) -> None:
    """Speak `lang` from now on, Click's own texts included."""
    global _lang
    if lang not in LANGS:
        raise ValueError(f"{lang!r} is not one of {', '.join(LANGS)}")
    _lang = lang
    # Click says its texts through the standard gettext functions, in the global domain
    gettext.bindtextdomain(DOMAIN, str(compiled_root()))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang


def current() -> str:
    return _lang


@contextlib.contextmanager
def speaking(lang: str):
    """Speak `lang` within the block (a command's run), and what was spoken before after it."""
    before, variable = _lang, os.environ.get("LANGUAGE")
    use(lang)
    try:
        yield
    finally:
        use(before)
        if variable is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = variable


def number(value, pattern: str | None = None, lang: str | None = None) -> str:
    """A number as people of the language write it (Babel): 6 340 in fi and sv, 6,340 in en."""
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=lang or _lang)


def money(value, currency: str = "EUR", lang: str | None = None) -> str:
    """An amount of money as the language writes it (Babel): 11 000 000 € in fi and sv,
    €11,000,000 in en; cents only when the amount has them (480 000,50 €)."""
    from decimal import Decimal

    from babel import Locale
    from babel.numbers import format_currency

    lang = lang or _lang
    number = Decimal(str(value))
    pattern = Locale.parse(lang).currency_formats["standard"].pattern.split(";")[0]
    if number == number.to_integral_value():
        pattern = pattern.replace(".00", "")
    return format_currency(number, currency, format=pattern, locale=lang, currency_digits=False)


def day(value, lang: str | None = None) -> str:
    """A date (or an ISO date's text) as the language writes it, in its medium form (Babel):
    28.11.2026 in fi, 28 nov. 2026 in sv, Nov 28, 2026 in en."""
    import datetime as dt

    from babel.dates import format_date

    return format_date(dt.date.fromisoformat(value) if isinstance(value, str) else value, format="medium",
                       locale=lang or _lang)


def _(text: str) -> str:
    """A text in the current language."""
    return catalogue(_lang).gettext(text) if _lang != DEFAULT or text else text


def N_(text: str) -> str:
    """Mark a text for the catalogues; it is said later, by `_` or `Msg`."""
    return text


def say(text: str, values: dict, lang: str | None = None) -> str:
    """A catalogue text in a language, with its places filled (a Msg value said in it too)."""
    lang = lang or _lang
    filled = {k: v.said(lang) if isinstance(v, Msg) else v for k, v in values.items()}
    return catalogue(lang).gettext(text).format(**filled)


class Msg:
    """A text for people with the values of its places, said in the language of the moment."""

    __slots__ = ("id", "values")

    def __init__(self, id: str, /, **values):
        self.id = id
        self.values = values

    def said(self, lang: str | None = None) -> str:
        return say(self.id, self.values, lang)

    def __str__(self) -> str:
        return self.said()

    def __repr__(self) -> str:
        return f"Msg({self.id!r}, {self.values!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Msg) and (self.id, self.values) == (other.id, other.values)

    def __hash__(self) -> int:
        return hash((self.id, repr(sorted(self.values.items()))))

    def __getstate__(self):
        return (self.id, self.values)

    def __setstate__(self, state):
        self.id, self.values = state

    def __contains__(self, part: str) -> bool:
        return part in str(self)


def catalogue_id(template: str) -> str:
    """A shape's sh:message as the catalogues hold it: {?start} (or {$start}) becomes {start},
    any other brace is doubled (SHACL fills the variables; str.format the places)."""
    escaped = template.replace("{", "{{").replace("}", "}}")
    return re.sub(r"\{\{[?$](\w+)\}\}", r"{\1}", escaped)
