"""The KOKO areas and programme facts beyond Kuopio: each area as its source states it, Vaasa's
2010 budget, the programme's document, applications, early end and evaluation."""

from __future__ import annotations

import pytest
from helpers import ask

BASE = "https://w3id.org/koko-lod/"

#: area key -> (sub-region codes, municipality codes, member names without a code): as stated.
STATED = {
    "kuopio": ({"112", "113", "115"}, set(), set()),
    "vaasa": ({"152", "151"}, set(), set()),
    "salo": ({"022"}, {"734", "761"}, set()),
    "koillis-suomi": (set(), {"320", "305", "583", "614", "732", "742", "832"}, set()),
    "joensuu-keski-karjala": ({"122", "124"}, set(), set()),
    "lansi-uusimaa": (set(), {"078", "149", "224", "444", "710", "755"}, {"Karjalohja", "Nummi-Pusula"}),
    "hyvinkaa-riihimaki": (set(), {"106", "694", "086", "433"}, set()),
    "kotka-hamina": ({"082"}, {"285", "075", "624", "935", "489"}, set()),
    "pirkanmaa-keuruu": (set(), {"177", "249", "508", "635", "702", "936"}, {"Kuhmalahti"}),
}
NAMED_ONLY = ("kouvola", "lappeenranta-imatra", "paakaupunkiseutu", "oulunkaari")


def members(store, area: str, predicate: str = "schema:containsPlace") -> tuple:
    from pipeline.graph.vocab import prefixes

    prologue = "".join(f"PREFIX {n}: <{ns}>\n" for n, ns in prefixes(BASE).items())
    rows = store.query(prologue + f"""SELECT ?kind ?code WHERE {{ area:{area} {predicate} ?p . ?p a ?kind ; skos:notation ?code
        FILTER(?kind IN (koko:SubRegion, koko:Municipality)) }}""")
    found = {(r["kind"].value.rsplit("#", 1)[1], r["code"].value) for r in rows}
    names = {r["n"].value for r in store.query(prologue + f"SELECT ?n WHERE {{ area:{area} koko:memberName ?n }}")}
    return {c for k, c in found if k == "SubRegion"}, {c for k, c in found if k == "Municipality"}, names


@pytest.mark.parametrize("area", sorted(STATED))
def test_each_stated_area_has_exactly_its_members(store, area):
    assert ask(store, f"ASK {{ area:{area} a koko:KokoArea ; dct:source ?s ; skos:prefLabel ?n FILTER(lang(?n) = 'fi') }}")
    assert members(store, area) == STATED[area]


@pytest.mark.parametrize("area", NAMED_ONLY)
def test_an_area_only_named_has_its_name_and_source_and_no_members(store, area):
    assert ask(store, f"ASK {{ area:{area} a koko:KokoArea ; dct:source ?s ; skos:prefLabel ?n }}")
    assert not ask(store, f"ASK {{ area:{area} schema:containsPlace ?p }}")


def test_at_least_fourteen_areas_and_applications_each_with_a_source(store):
    assert ask(store, """ASK { { SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ?k ; dct:source ?s
        FILTER(?k IN (koko:KokoArea, koko:AreaApplication)) } } FILTER(?n >= 14) }""")
    assert ask(store, "ASK { { SELECT (COUNT(?a) AS ?n) WHERE { ?a a koko:KokoArea } } FILTER(?n = 13) }")


def test_the_suupohja_application_is_an_application_not_an_area(store):
    assert ask(store, """ASK { area:suupohja-hakemus a koko:AreaApplication ; dct:date "2009-07-07"^^xsd:date ;
        koko:organisation organisation:suupohjan-elinkeinotoimen-kuntayhtyma }""")
    assert not ask(store, "ASK { area:suupohja-hakemus a koko:KokoArea }")
    assert members(store, "suupohja-hakemus", "koko:proposedPlace") == (set(), {"151", "218", "232", "846"}, set())
    assert members(store, "suupohja-hakemus") == (set(), set(), set())


def test_regions_only_where_every_member_lies_in_one(store):
    regions = {"vaasa": "15", "salo": "02", "joensuu-keski-karjala": "12", "kotka-hamina": "08", "kuopio": "11",
               "lappeenranta-imatra": "09"}
    for area, code in regions.items():
        assert ask(store, f"ASK {{ area:{area} schema:containedInPlace region:{code} }}"), area
    for area in ("koillis-suomi", "hyvinkaa-riihimaki", "pirkanmaa-keuruu", "lansi-uusimaa"):
        assert not ask(store, f"ASK {{ area:{area} schema:containedInPlace ?r }}"), area


def test_organisations_and_end_dates(store):
    assert ask(store, """ASK { area:joensuu-keski-karjala koko:organisation organisation:josek ;
        schema:endDate "2012-03-31"^^xsd:date . organisation:josek skos:prefLabel ?n }""")
    assert ask(store, 'ASK { area:koillis-suomi schema:endDate "2012-05-31"^^xsd:date ; koko:organisation organisation:naturpolis }')
    assert ask(store, 'ASK { area:salo schema:endDate "2012-06-30"^^xsd:date }')


def test_vaasa_2010_budget_and_its_four_parts(store):
    assert ask(store, """ASK { funding:vaasa-2010 schema:fundedItem area:vaasa ; koko:approximate true ;
        koko:startYear "2010"^^xsd:gYear ; schema:amount [ schema:value "480000"^^xsd:decimal ; schema:currency "EUR" ] }""")
    assert ask(store, """ASK { { SELECT (SUM(?v) AS ?sum) (COUNT(?p) AS ?n) WHERE { ?p koko:shareOf funding:vaasa-2010 ;
        schema:amount/schema:value ?v ; koko:approximate false } } FILTER(?sum = 477000 && ?n = 4) }""")
    for key, kind in (("state", "StateViaRegionalCouncil"), ("municipalities", "MunicipalFunding"),
                      ("other-public", "OtherPublicFunding"), ("private", "PrivateFunding")):
        assert ask(store, f"ASK {{ funding:vaasa-2010-{key} koko:funderKind koko:{kind} ; dct:source ?s }}"), key
    assert ask(store, "ASK { funding:vaasa-2010-state koko:paidThrough organisation:pohjanmaan-liitto ; koko:fundingSource ?f }")
    assert ask(store, """ASK { funding:vaasa-projects schema:fundedItem area:vaasa ; koko:approximate true ;
        koko:startYear "2010"^^xsd:gYear ; koko:endYear "2013"^^xsd:gYear ; schema:amount/schema:value "2000000"^^xsd:decimal }""")


def test_the_early_end_is_a_decision(store):
    assert ask(store, """ASK { ?d a koko:ProgrammeDecision ; koko:decisionOn programme:koko ;
        dct:date "2011-12-15"^^xsd:date ; koko:endsOn "2011-12-31"^^xsd:date ;
        prov:wasAssociatedWith organisation:valtioneuvosto ; dct:source ?s ; dct:description ?t FILTER(lang(?t) = "fi") }""")


def test_programme_document_applications_and_funding_channel(store):
    assert ask(store, """ASK { ?d a koko:ProgrammeDocument ; koko:documentOf programme:koko ;
        dct:date "2008-10-16"^^xsd:date ; dct:source ?s }""")
    assert ask(store, """ASK { programme:koko koko:applicationAreas 52 ; koko:applicationMunicipalities 321 ;
        koko:paidThrough organisation:maakuntien-liitot .
        ?st rdf:subject programme:koko ; rdf:predicate koko:applicationMunicipalities ; rdf:object 321 ;
            dct:source <https://www.maunula.net/2009/07/17/uusi-pkaupunkiseudun-kaupunkiohjelma-kynnistyy/> }""")


def test_the_evaluation_authors_and_months(store):
    assert ask(store, """ASK { ?e a koko:Evaluation ; koko:startMonth "2009-07"^^xsd:gYearMonth ;
        koko:endMonth "2009-09"^^xsd:gYearMonth ; koko:publishedMonth "2009-11"^^xsd:gYearMonth ;
        koko:authorName "Tommi Ranta" , "Anssi Uitto" , "Jarl Matti Anttila" ; prov:wasAssociatedWith organisation:mdi }""")


def test_no_code_service_link_for_an_unverified_year(store):
    assert not ask(store, "ASK { ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), 'http://uri.suomi.fi/')) }")
    assert not ask(store, "ASK { ?s owl:sameAs ?o }")
