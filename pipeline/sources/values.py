"""Turn the text of one source value into a typed value, or say what is wrong with it.

Finnish spreadsheets write `11 000 000,00` and `31.12.2011`; plain files write `11000000`
and `2011-12-31`. Both give the same value, so both dialects publish the same graph.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from ..errors import Code, ValueProblem
from ..i18n import Msg

_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IRI_BAD = re.compile(r"[\s<>\"{}|\\^`]")

TRUE_WORDS = {"yes", "true", "1", "kyllä", "k", "x", "ja"}
FALSE_WORDS = {"no", "false", "0", "ei", "e", "nej"}


def text(value: str) -> str:
    value = value.strip()
    if not value:
        raise Code.REQUIRED_EMPTY.invalid(value)
    return value


def key(value: str) -> str:
    value = value.strip()
    if not _KEY.match(value):
        raise Code.NOT_A_KEY.invalid(value)
    return value


def decimal(value: str) -> Decimal:
    """A decimal number, with `.` or a decimal comma, and space thousands separators."""
    raw = value
    value = _SPACES.sub("", value.strip())
    if "," in value and "." in value:
        raise Code.NOT_A_NUMBER.invalid(raw, Msg('write it without thousands separators, e.g. 11000000,00 or 11000000.00'))
    value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Code.NOT_A_NUMBER.invalid(raw) from None
    if not number.is_finite():
        raise Code.NOT_A_NUMBER.invalid(raw)
    return number


def decimal_lexical(number: Decimal) -> str:
    """The xsd:decimal form used in every output: no exponent, no trailing zeros."""
    out = format(number.normalize(), "f")
    return "0" if out in ("-0", "") else out


def year(value: str) -> int:
    value = value.strip()
    if not re.fullmatch(r"\d{4}", value):
        raise Code.NOT_A_YEAR.invalid(value)
    return int(value)


def month(value: str) -> str:
    """A calendar month, 2009-07 (or 7/2009)."""
    raw = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})", raw) or re.fullmatch(r"(\d{1,2})/(\d{4})", raw)
    if m:
        y, mo = (m.group(1), m.group(2)) if "-" in raw else (m.group(2), m.group(1))
        if 1 <= int(mo) <= 12:
            return f"{y}-{int(mo):02d}"
    raise Code.NOT_A_MONTH.invalid(raw)


def date(value: str) -> dt.date:
    """An ISO date (2011-12-31) or a Finnish one (31.12.2011)."""
    raw = value.strip()
    m = _FI_DATE.match(raw)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if _ISO_DATE.match(raw):
            return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueProblem(Msg('{raw!r} is not a date on the calendar', raw=raw), code=Code.NOT_A_DATE) from None
    raise Code.NOT_A_DATE.invalid(raw)


def boolean(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Code.NOT_A_BOOLEAN.invalid(value)


def integer(value: str) -> int:
    raw = value
    value = _SPACES.sub("", value.strip())
    if not re.fullmatch(r"\d+", value):
        raise Code.NOT_AN_INTEGER.invalid(raw)
    return int(value)


def code(value: str, digits: int) -> str:
    """An official code, zero-padded: municipality and sub-region 3 digits, region 2."""
    value = value.strip()
    if not re.fullmatch(r"\d{1,%d}" % digits, value):
        raise Code.NOT_A_CODE.invalid(value, digits=digits)
    return value.zfill(digits)


def email(value: str) -> str:
    """An e-mail address as a mailto: IRI; `(at)` as web pages write it is read as `@`."""
    raw = value.strip()
    address = re.sub(r"\s*\(at\)\s*|\s*\[at\]\s*", "@", raw)
    if not _EMAIL.match(address) or not _parses(lambda: _ox().NamedNode("mailto:" + address)):  # a % must start %XX
        raise Code.NOT_AN_EMAIL.invalid(raw)
    return "mailto:" + address


def phone(value: str) -> str:
    """A Finnish phone number as a tel: IRI in E.164 (0207 464 645 -> tel:+358207464645)."""
    raw = value.strip()
    digits = re.sub(r"[\s\u00a0()\-/.]", "", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+358" + digits[1:]
    if not re.fullmatch(r"\+[1-9]\d{6,14}", digits):
        raise Code.NOT_A_PHONE.invalid(raw)
    return "tel:" + digits


def iri(value: str) -> str:
    """A web address that is a valid IRI (checked by the same parser that reads the output)."""
    value = value.strip()
    if not re.match(r"^https?://[^/\s]+", value) or _IRI_BAD.search(value):
        raise Code.NOT_AN_IRI.invalid(value)
    try:
        _ox().NamedNode(value)
    except ValueError as exc:
        raise ValueProblem(Msg('{value!r} is not a web address ({exc})', value=value, exc=exc), Msg('check the address for stray characters'), code=Code.NOT_AN_IRI) from None
    return value


def language(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", value) or \
            not _parses(lambda: _ox().Literal("", language=value)):  # BCP 47's rules beyond the form: no "en-a"
        raise Code.NOT_A_LANGUAGE.invalid(value)
    return value


def _ox():
    """pyoxigraph, imported when a value needs it: the parser that reads the published graph
    back checks the terms made from the sources, so every term written parses (the writers
    read the graph back without checking it again: graph/serialize.py's read_graph)."""
    import pyoxigraph

    return pyoxigraph


def _parses(make) -> bool:
    try:
        make()
    except ValueError:
        return False
    return True
