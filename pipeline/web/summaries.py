"""The summary above a page's triples: what a visitor asks of a municipality, an area, a
funding or the programme, in fi, sv and en, read from the graph (never written per page)."""

from __future__ import annotations

from .. import i18n
from ..config import LANGS
from ..graph.vocab import DCAT, DCT, SCHEMA
from .labels import UI

ABOUT = {"fi": "noin ", "sv": "cirka ", "en": "about "}


def money(value: str, currency: str = "EUR", approximate: bool = False) -> dict:
    """An amount as each language writes it (Babel): 11 000 000 € (fi, sv), €11,000,000 (en)."""
    return {lang: (ABOUT[lang] if approximate else "") + i18n.money(value, currency, lang) for lang in LANGS}


def untranslated(text: str) -> dict:
    return {lang: text for lang in LANGS}


class Summaries:
    """The summary of a municipality, an area, a funding or the programme, read from the
    index; `reference` is the classification date the members are listed on."""

    def __init__(self, index, reference: str):
        self.index = index
        self.k = index.vocab
        self.reference = reference

    def of(self, iri: str) -> list:
        """[{label, items}] for a thing of a main class; [] for the others."""
        types = self.index.types(iri)
        for cls, make in (("Municipality", self.municipality), ("KokoArea", self.area), ("Funding", self.funding),
                          ("Programme", self.programme)):
            if self.k + cls in types:
                return [row for row in make(iri) if row["items"]]
        return []

    # -- helpers ---------------------------------------------------------------------------
    def values(self, iri: str, prop: str) -> list:
        return [o for p, o in self.index.out.get(iri, []) if p == prop]

    def one(self, iri: str, prop: str):
        found = self.values(iri, prop)
        return found[0] if found else None

    def link(self, iri: str) -> dict:
        return self.index.link(iri)

    def referrers(self, iri: str, prop: str) -> list:
        return sorted(s for s, p in self.index.inc.get(iri, []) if p == prop)

    def memberships(self, place: str) -> list:
        """(date, parent) of a place, from its membership nodes."""
        out = []
        for m in self.referrers(place, self.k + "memberPlace"):
            date, parent = self.one(m, self.k + "classificationDate"), self.one(m, self.k + "parentPlace")
            if date is not None and parent is not None:
                out.append((date.value, parent.value))
        return sorted(out)

    def areas_of(self, municipality: str) -> list:
        direct = self.referrers(municipality, SCHEMA + "containsPlace")
        via = [a for _, sub in self.memberships(municipality) for a in self.referrers(sub, SCHEMA + "containsPlace")]
        return sorted({a for a in direct + via if self.k + "KokoArea" in self.index.types(a)})

    def row(self, key: str, items: list) -> dict:
        return {"label": UI[key], "items": items}

    # -- the classes -----------------------------------------------------------------------
    def municipality(self, iri: str) -> list:
        rows = []
        for date, sub in self.memberships(iri):
            regions = [r for d, r in self.memberships(sub) if d == date]
            label = {lang: f"{UI['s_in_year'][lang]} {date}" for lang in LANGS}
            rows.append({"label": label, "items": [self.link(sub)] + [self.link(r) for r in regions]})
        areas = self.areas_of(iri)
        rows.append(self.row("s_area", [self.link(a) for a in areas]))
        contacts = sorted({c.value for a in areas for c in self.values(a, self.k + "contact")})
        rows.append(self.row("s_contact", [self.link(c) for c in contacts]))
        merged = self.one(iri, DCT + "isReplacedBy")
        on = self.one(iri, self.k + "mergedOn")
        if merged is not None:
            item = self.link(merged.value)
            if on is not None:
                item = {**item, "after": f" ({on.value})"}
            rows.append(self.row("s_merged_into", [item]))
        rows.append(self.row("s_merged_from", [self.link(s) for s in self.referrers(iri, DCT + "isReplacedBy")]))
        return rows

    def area(self, iri: str) -> list:
        rows = []
        reference = self.reference
        for member in sorted(o.value for o in self.values(iri, SCHEMA + "containsPlace")):
            if self.k + "SubRegion" in self.index.types(member):
                municipalities = sorted((m for m in self.index.members_on(member, reference)),
                                        key=lambda m: self.index.names(m)["fi"])
                rows.append({"label": self.index.names(member), "items": [self.link(m) for m in municipalities]})
        direct = [o.value for o in self.values(iri, SCHEMA + "containsPlace")
                  if self.k + "Municipality" in self.index.types(o.value)]
        rows.append(self.row("s_municipalities", [self.link(m) for m in sorted(direct, key=lambda m: self.index.names(m)["fi"])]))
        rows.append(self.row("s_named_members", [{"names": untranslated(o.value)} for o in self.values(iri, self.k + "memberName")]))
        rows.append(self.row("s_region", [self.link(o.value) for o in self.values(iri, SCHEMA + "containedInPlace")]))
        rows.append(self.row("s_end", [{"names": untranslated(o.value)} for o in self.values(iri, SCHEMA + "endDate")]))
        rows.append(self.row("s_organisation", [self.link(o.value) for o in self.values(iri, self.k + "organisation")]))
        rows.append(self.row("s_contact", [self.link(o.value) for o in self.values(iri, self.k + "contact")]))
        rows.append(self.row("s_funding", [self.funding_item(f) for f in self.referrers(iri, SCHEMA + "fundedItem")]))
        return rows

    def funding_item(self, funding: str) -> dict:
        amount = self.one(funding, SCHEMA + "amount")
        text = self.amount_text(funding)
        years = [o.value for o in self.values(funding, self.k + "startYear")] + \
                [o.value for o in self.values(funding, self.k + "endYear")]
        span = "–".join(dict.fromkeys(years))
        link = self.link(funding)
        if amount is None or text is None:
            return link
        return {"href": link["href"], "names": {lang: text[lang] + (f" ({span})" if span else "") for lang in LANGS}}

    def amount_text(self, funding: str):
        amount = self.one(funding, SCHEMA + "amount")
        if amount is None:
            return None
        value = self.one(amount.value, SCHEMA + "value")
        currency = self.one(amount.value, SCHEMA + "currency")
        approximate = self.one(funding, self.k + "approximate")
        if value is None:
            return None
        return money(value.value, currency.value if currency is not None else "EUR",
                     approximate is not None and approximate.value == "true")

    def funding(self, iri: str) -> list:
        text = self.amount_text(iri)
        rows = [self.row("s_amount", [{"names": text}] if text else [])]
        rows.append(self.row("s_funded", [self.link(o.value) for o in self.values(iri, SCHEMA + "fundedItem")]))
        return rows

    def programme(self, iri: str) -> list:
        rows = []
        period = self.one(iri, self.k + "plannedPeriod")
        if period is not None:
            start = self.one(period.value, DCAT + "startDate")
            end = self.one(period.value, DCAT + "endDate")
            if start is not None and end is not None:
                rows.append(self.row("s_period", [{"names": untranslated(f"{start.value}–{end.value}")}]))
        rows.append(self.row("s_end", [{"names": untranslated(o.value)} for o in self.values(iri, SCHEMA + "endDate")]))
        areas = self.referrers(iri, self.k + "programme")
        areas = [a for a in areas if self.k + "KokoArea" in self.index.types(a)]
        rows.append(self.row("s_areas", [self.link(a) for a in sorted(areas, key=lambda a: self.index.names(a)["fi"])]))
        rows.append(self.row("s_funding", [self.funding_item(f) for f in self.referrers(iri, SCHEMA + "fundedItem")]))
        rows.append(self.row("s_networks", [self.link(o.value) for o in self.values(iri, self.k + "nationalNetwork")]))
        rows.append(self.row("s_replaces", [self.link(o.value) for o in self.values(iri, DCT + "replaces")]))
        return rows


