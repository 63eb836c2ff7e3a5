"""CSV tables of the main things, for people who open data in a spreadsheet, and their
CSV on the Web (W3C CSVW) metadata, by which a CSVW tool turns the rows back into the
graph's own triples (aboutUrl, propertyUrl, valueUrl per column).

The tables are read from the published graph itself (only the stretches of the kinds they
show: the large kinds are not loaded), so they say nothing the graph does not.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pyoxigraph as ox

from ..config import Settings
from ..graph import model
from ..graph.serialize import stretch
from ..graph.vocab import CSVW, DCT, ORG, RDF, SCHEMA, SKOS, VCARD, prefixes

METADATA = "koko.csv-metadata.json"
#: What each table's rows are read from: the subjects under these beginnings of {base}id/.
_KINDS = ("area/", "programme/", "municipality/", "subregion/", "region/", "membership/municipality-", "membership/subregion-", "funding/",
          "amount/funding-", "contact/", "organisation/")


@dataclass(frozen=True)
class Col:
    name: str
    title: str
    prop: str = ""  # propertyUrl, a full IRI; empty: the column is not output as a triple
    value: str = ""  # valueUrl template; empty: a literal
    about: str = ""  # aboutUrl template of this column, when not the row's
    lang: str = ""


@dataclass(frozen=True)
class Spec:
    file: str
    title: str
    about: str  # the row's aboutUrl template, relative to {base}id/
    key: tuple  # primary key columns
    cls: str  # rdf:type of the row's thing, as a virtual column ("" for none)
    columns: tuple
    query: str


def _k(local: str) -> str:
    return "{vocab}" + local


SPECS = (
    Spec("areas.csv", "KOKO areas", "area/{key}", ("key",), _k("KokoArea"), (
        Col("key", "key"),
        Col("name_fi", "name (fi)", SKOS + "prefLabel", lang="fi"),
        Col("programme", "programme", _k("programme"), "{id}programme/{programme}"),
        Col("region", "region code", SCHEMA + "containedInPlace", "{id}region/{region}"),
        Col("end_date", "end date", SCHEMA + "endDate"),
        Col("organisation", "run by", _k("organisation"), "{id}organisation/{organisation}"),
        Col("source", "source", DCT + "source", "{+source}"),
    ), """SELECT ?key ?name_fi ?programme ?region ?end_date ?organisation ?source WHERE {
        ?s a koko:KokoArea ; skos:prefLabel ?name_fi FILTER(lang(?name_fi) = "fi")
        OPTIONAL { ?s koko:programme ?programme } OPTIONAL { ?s schema:containedInPlace ?region }
        OPTIONAL { ?s schema:endDate ?end_date } OPTIONAL { ?s koko:organisation ?organisation }
        OPTIONAL { ?s dct:source ?source } BIND(?s AS ?key) }"""),
    Spec("area-members.csv", "Members of the KOKO areas, as their sources state them", "area/{area}",
         ("area", "member_kind", "member_code"), "", (
        Col("area", "area key"),
        Col("member_kind", "member kind (municipality or subregion)"),
        Col("member_code", "member code", SCHEMA + "containsPlace", "{id}{member_kind}/{member_code}"),
        Col("member_name_fi", "member name (fi)", SKOS + "prefLabel", about="{id}{member_kind}/{member_code}", lang="fi"),
    ), """SELECT ?area ?member_kind ?member_code ?member_name_fi WHERE {
        ?area a koko:KokoArea ; schema:containsPlace ?member .
        ?member skos:notation ?member_code ; skos:prefLabel ?member_name_fi FILTER(lang(?member_name_fi) = "fi")
        BIND(IF(EXISTS { ?member a koko:SubRegion }, "subregion", "municipality") AS ?member_kind) }"""),
    Spec("municipalities.csv", "Municipalities with their sub-region, by classification date", "membership/{membership}",
         ("membership",), _k("AreaMembership"), (
        Col("membership", "membership key"),
        Col("classification_date", "classification date", _k("classificationDate")),
        Col("municipality_code", "municipality code", _k("memberPlace"), "{id}municipality/{municipality_code}"),
        Col("municipality_name_fi", "municipality (fi)", SKOS + "prefLabel", about="{id}municipality/{municipality_code}",
            lang="fi"),
        Col("subregion_code", "sub-region code", _k("parentPlace"), "{id}subregion/{subregion_code}"),
        Col("subregion_name_fi", "sub-region (fi)", SKOS + "prefLabel", about="{id}subregion/{subregion_code}", lang="fi"),
        Col("region_code", "region code"),
        Col("source", "source", DCT + "source", "{+source}"),
    ), """SELECT ?membership ?classification_date ?municipality_code ?municipality_name_fi ?subregion_code
                 ?subregion_name_fi ?region_code ?source WHERE {
        ?membership koko:memberPlace ?m ; koko:parentPlace ?sub ; koko:classificationDate ?classification_date .
        ?m a koko:Municipality ; skos:notation ?municipality_code .
        ?sub skos:notation ?subregion_code .  # (the required patterns first: the store joins in this order)
        OPTIONAL { { SELECT ?sub ?classification_date ?region_code WHERE {
            ?r koko:memberPlace ?sub ; koko:parentPlace ?region ; koko:classificationDate ?classification_date .
            ?region a koko:Region ; skos:notation ?region_code } } }
        OPTIONAL { ?m skos:prefLabel ?municipality_name_fi FILTER(lang(?municipality_name_fi) = "fi") }
        OPTIONAL { ?sub skos:prefLabel ?subregion_name_fi FILTER(lang(?subregion_name_fi) = "fi") }
        OPTIONAL { ?membership dct:source ?source } }"""),
    Spec("funding.csv", "Funding of the programme and of the areas (EUR)", "funding/{key}", ("key",), _k("Funding"), (
        Col("key", "key"),
        Col("funded_kind", "funded kind (programme or area)"),
        Col("funded", "funded programme or area", SCHEMA + "fundedItem", "{id}{funded_kind}/{funded}"),
        Col("amount", "amount", SCHEMA + "value", about="{id}amount/funding-{key}"),
        Col("currency", "currency", SCHEMA + "currency", about="{id}amount/funding-{key}"),
        Col("approximate", "approximate", _k("approximate")),
        Col("per_year", "per year", _k("perYear")),
        Col("start_year", "start year", _k("startYear")),
        Col("end_year", "end year", _k("endYear")),
        Col("funder", "funder", SCHEMA + "funder", "{id}organisation/{funder}"),
        Col("funder_kind", "kind of funder", _k("funderKind"), "{vocab}{funder_kind}"),
        Col("share_of", "share of", _k("shareOf"), "{id}funding/{share_of}"),
        Col("share_rate", "share rate", _k("shareRate")),
        Col("co_financing_rate", "co-financing rate", _k("coFinancingRate")),
        Col("source", "source", DCT + "source", "{+source}"),
    ), """SELECT ?key ?funded_kind ?funded ?amount ?currency ?approximate ?per_year ?start_year ?end_year ?funder
                 ?funder_kind ?share_of ?share_rate ?co_financing_rate ?source WHERE {
        ?key a koko:Funding .
        OPTIONAL { ?key schema:fundedItem ?funded BIND(IF(EXISTS { ?funded a koko:KokoArea }, "area", "programme") AS ?funded_kind) }
        OPTIONAL { ?key schema:amount ?a . ?a schema:value ?amount OPTIONAL { ?a schema:currency ?currency } }
        OPTIONAL { ?key koko:approximate ?approximate } OPTIONAL { ?key koko:perYear ?per_year }
        OPTIONAL { ?key koko:startYear ?start_year } OPTIONAL { ?key koko:endYear ?end_year }
        OPTIONAL { ?key schema:funder ?funder } OPTIONAL { ?key koko:funderKind ?funder_kind }
        OPTIONAL { ?key koko:shareOf ?share_of } OPTIONAL { ?key koko:shareRate ?share_rate }
        OPTIONAL { ?key koko:coFinancingRate ?co_financing_rate } OPTIONAL { ?key dct:source ?source } }"""),
    Spec("contacts.csv", "Contacts that may be published", "contact/{key}", ("key",), "", (
        Col("key", "key"),
        Col("name", "name", VCARD + "fn"),
        Col("title_fi", "title (fi)", VCARD + "title", lang="fi"),
        Col("organisation_name", "organisation", VCARD + "organization-name"),
        Col("organisation", "organisation key", ORG + "memberOf", "{id}organisation/{organisation}"),
        Col("email", "e-mail", VCARD + "hasEmail", "mailto:{+email}"),
        Col("phone", "phone", VCARD + "hasTelephone", "tel:{+phone}"),
        Col("source", "source", DCT + "source", "{+source}"),
    ), """SELECT ?key ?name ?title_fi ?organisation_name ?organisation ?email ?phone ?source WHERE {
        ?key a vcard:Individual . OPTIONAL { ?key vcard:fn ?name }
        OPTIONAL { ?key vcard:title ?title_fi FILTER(lang(?title_fi) = "fi") }
        OPTIONAL { ?key vcard:organization-name ?organisation_name } OPTIONAL { ?key org:memberOf ?organisation }
        OPTIONAL { ?key vcard:hasEmail ?email } OPTIONAL { ?key vcard:hasTelephone ?phone }
        OPTIONAL { ?key dct:source ?source } }"""),
    Spec("programmes.csv", "The programme and the programmes it replaced", "programme/{key}", ("key",), _k("Programme"), (
        Col("key", "key"),
        Col("name_fi", "name (fi)", SKOS + "prefLabel", lang="fi"),
        Col("name_en", "name (en)", SKOS + "prefLabel", lang="en"),
        Col("end_date", "end date", SCHEMA + "endDate"),
        Col("funder", "funder", SCHEMA + "funder", "{id}organisation/{funder}"),
        Col("source", "source", DCT + "source", "{+source}"),
    ), """SELECT ?key ?name_fi ?name_en ?end_date ?funder ?source WHERE {
        ?key a koko:Programme .
        OPTIONAL { ?key skos:prefLabel ?name_fi FILTER(lang(?name_fi) = "fi") }
        OPTIONAL { ?key skos:prefLabel ?name_en FILTER(lang(?name_en) = "en") }
        OPTIONAL { ?key schema:endDate ?end_date } OPTIONAL { ?key schema:funder ?funder }
        OPTIONAL { ?key dct:source ?source } }"""),
)


def _fill(template: str, settings: Settings) -> str:
    return template.replace("{id}", settings.id_base).replace("{vocab}", settings.vocab)


def tables(nt: bytes, settings: Settings) -> dict:
    """name -> bytes of each CSV table and of the CSVW metadata."""
    store = ox.Store()
    part = b"".join(stretch(nt, (settings.id_base + kind).encode()) for kind in _KINDS)
    if part:
        store.load(part, format=ox.RdfFormat.N_TRIPLES)
    out = {}
    for spec in SPECS:
        rows = {}
        key = [[c.name for c in spec.columns].index(name) for name in spec.key]
        for solution in store.query(spec.query, prefixes=prefixes(settings.base_iri)):
            row = [_cell(solution[c.name], settings, c) for c in spec.columns]
            rows.setdefault(tuple(row[i] for i in key), row)  # one row a key: the first of its values
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([c.name for c in spec.columns])
        writer.writerows(row for _, row in sorted(rows.items()))
        out[spec.file] = text.getvalue().encode("utf-8")
    out[METADATA] = metadata(settings)
    return out


def _cell(term, settings: Settings, col: Col) -> str:
    """A value as the table shows it: keys and codes for the graph's own things, whole IRIs
    where the column's valueUrl takes a whole IRI ({+source})."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if col.value.startswith("{+"):
            return iri
        for scheme in ("mailto:", "tel:"):  # the table shows the address; the valueUrl adds the scheme
            if iri.startswith(scheme) and col.value.startswith(scheme):
                return iri[len(scheme):]
        for base in (settings.id_base, settings.vocab):
            if iri.startswith(base):
                return iri[len(base):].split("/", 1)[-1]
        return iri
    return term.value


def _datatype(col: Col) -> str:
    """The CSVW datatype of a column: its property's range in the model; text for links and
    for the columns that are no triple."""
    if not col.prop or col.value:
        return "string"
    term = model.terms().get(col.prop.replace("{vocab}", model.KOKO_NS))
    if term is None:
        raise ValueError(f"{col.prop} is not a term of the model (ontology/koko.ttl, ontology/reused.ttl)")
    return term.csv_datatype


def metadata(settings: Settings) -> bytes:
    """The CSVW table group: every table's columns, datatypes, keys and mapping to the graph."""
    group = {"@context": [CSVW, {"@language": "en"}],
             "dc:title": "KOKO linked open data: tables", "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
             "tables": []}
    for spec in SPECS:
        columns = []
        for c in spec.columns:
            col = {"name": c.name, "titles": c.title, "datatype": _datatype(c)}
            if c.name in spec.key:
                col["required"] = True
            if c.prop:
                col["propertyUrl"] = c.prop if "{" not in c.prop else _fill(c.prop, settings)
            else:
                col["suppressOutput"] = True
            if c.value:
                col["valueUrl"] = _fill(c.value, settings)
            if c.about:
                col["aboutUrl"] = _fill(c.about, settings)
            if c.lang:
                col["lang"] = c.lang
            columns.append(col)
        if spec.cls:
            columns.append({"virtual": True, "propertyUrl": RDF + "type", "valueUrl": _fill(spec.cls, settings)})
        group["tables"].append({"url": spec.file, "dc:title": spec.title,
                                "aboutUrl": settings.id_base + spec.about,
                                "tableSchema": {"columns": columns, "primaryKey": list(spec.key)},
                                "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]}})
    return (json.dumps(group, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
