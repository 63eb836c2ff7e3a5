import datetime as dt
from decimal import Decimal

import pytest

from pipeline.errors import ValueProblem
from pipeline.sources import values


@pytest.mark.parametrize("text,expected", [
    ("11000000", Decimal("11000000")),
    ("11 000 000,00", Decimal("11000000")),
    ("11\u00a0000\u00a0000,00", Decimal("11000000")),
    ("0,5", Decimal("0.5")),
    ("0.5", Decimal("0.5")),
])
def test_decimal_accepts_both_dialects(text, expected):
    assert values.decimal(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1.000,5", "NaN", "Infinity"])
def test_decimal_rejects(text):
    with pytest.raises(ValueProblem):
        values.decimal(text)


def test_decimal_lexical_is_canonical():
    assert values.decimal_lexical(Decimal("11000000.00")) == "11000000"
    assert values.decimal_lexical(Decimal("1E+7")) == "10000000"
    assert values.decimal_lexical(Decimal("0.50")) == "0.5"


@pytest.mark.parametrize("text", ["2011-12-31", "31.12.2011"])
def test_date_iso_and_finnish(text):
    assert values.date(text) == dt.date(2011, 12, 31)


@pytest.mark.parametrize("text", ["31.13.2011", "2011-02-30", "12/31/2011", "2011"])
def test_date_rejects(text):
    with pytest.raises(ValueProblem):
        values.date(text)


def test_phone_is_e164():
    assert values.phone("0207 464 645") == "tel:+358207464645"
    assert values.phone("+358 20 746 4645") == "tel:+358207464645"
    with pytest.raises(ValueProblem):
        values.phone("call me")


def test_email_reads_at():
    assert values.email("olli.kokander(at)suonenjoki.fi") == "mailto:olli.kokander@suonenjoki.fi"
    with pytest.raises(ValueProblem):
        values.email("olli.kokander(at)suonenjoki")


def test_codes_are_padded():
    assert values.code("5", 3) == "005"
    assert values.code("1", 2) == "01"
    with pytest.raises(ValueProblem):
        values.code("1234", 3)


def test_booleans():
    assert values.boolean("Kyllä") is True
    assert values.boolean("no") is False
    with pytest.raises(ValueProblem):
        values.boolean("maybe")


@pytest.mark.parametrize("text", ["http://]ww.lappi.fi/x", "https://exa mple.org", "ftp://example.org", "http://[::1"])
def test_iri_rejects(text):
    with pytest.raises(ValueProblem):
        values.iri(text)


def test_iri_accepts():
    assert values.iri(" https://de.wikipedia.org/wiki/Kuopio_(Verwaltungsgemeinschaft) ") == \
        "https://de.wikipedia.org/wiki/Kuopio_(Verwaltungsgemeinschaft)"


@pytest.mark.parametrize("text", ["en-a", "fi-x", "sv-b-c"])
def test_language_rejects_what_the_graphs_parser_rejects(text):
    """Tags of the accepted form that BCP 47 does not allow: the published graph could not be
    read back (the writers read it unchecked: serialize.read_graph)."""
    with pytest.raises(ValueProblem):
        values.language(text)


@pytest.mark.parametrize("text", ["fi", "sv", "en", "se-FI", "en-x-abc"])
def test_language_accepts(text):
    assert values.language(f" {text} ") == text


@pytest.mark.parametrize("text", ["olli%kokander@suonenjoki.fi", "a%4@example.fi", "a%@example.fi"])
def test_email_rejects_a_percent_that_starts_no_escape(text):
    with pytest.raises(ValueProblem):
        values.email(text)


def test_email_keeps_an_escape():
    assert values.email("a%2Bb@example.fi") == "mailto:a%2Bb@example.fi"
