"""Every fact of the programme page (and the verified facts beside it) is in the published graph.

Each test is one SPARQL ASK against the published Turtle, parsed by pyoxigraph.
"""

import pytest
from helpers import ask

PAGE = "http://sss.multiedition.fi/www/fi/kehittamishankkeet/KOKO/index.php"
VASEK_EN = "https://www.vasek.fi/regional-development/regional-cohesion-and-competitiveness-programme/"

FACTS = {
    "finnish name and acronym": """ASK { programme:koko a koko:Programme ;
        skos:prefLabel "Koheesio- ja kilpailukykyohjelma"@fi ; koko:acronym "KOKO"@fi }""",
    "official english name, sourced": f"""ASK {{ programme:koko skos:prefLabel "Regional Cohesion and Competitiveness Programme"@en ; koko:acronym "COCO"@en .
        ?st rdf:subject programme:koko ; rdf:predicate skos:prefLabel ;
            rdf:object "Regional Cohesion and Competitiveness Programme"@en ; dct:source <{VASEK_EN}> }}""",
    "description in finnish": """ASK { programme:koko dct:description ?d .
        FILTER(lang(?d) = "fi" && STRSTARTS(?d, "Koheesio- ja kilpailukykyohjelma (KOKO) on kuntien omistama")
               && CONTAINS(?d, "parantaa alueellista koheesiota.")) }""",
    "ten summary points in order": """ASK { { SELECT (COUNT(?p) AS ?n) WHERE { programme:koko koko:summaryPoint ?p } } FILTER(?n = 10)
        programme:koko koko:summaryPoint ?first , ?last .
        ?first schema:position 1 ; schema:text "Tavoitteena alueiden kilpailukyvyn parantaminen"@fi .
        ?last schema:position 10 ; schema:text "Kuopion alueen KOKO-ohjelmaan kuuluu Sisä- ja Koillis-Savo sekä Kuopion seutu."@fi }""",
    "owned by the municipalities": """ASK { programme:koko koko:ownedBy ?o . ?o skos:prefLabel "kunnat"@fi }""",
    "funded and coordinated by TEM": """ASK { programme:koko schema:funder organisation:tem ; koko:coordinatedBy organisation:tem .
        organisation:tem skos:prefLabel "Työ- ja elinkeinoministeriö"@fi , "Ministry of Employment and the Economy"@en ; skos:altLabel "TEM" }""",
    "covers all of Finland": """ASK { programme:koko dct:spatial <http://publications.europa.eu/resource/authority/country/FIN> }""",
    "legal basis": """ASK { programme:koko koko:legalBasis "Act on Regional Development 1651/2009, section 14"@en }""",
    "planned period 2010-2013": """ASK { programme:koko koko:plannedPeriod ?p .
        ?p dcat:startDate "2010"^^xsd:gYear ; dcat:endDate "2013"^^xsd:gYear }""",
    "early end 31.12.2011": """ASK { programme:koko schema:endDate "2011-12-31"^^xsd:date }""",
    "merged predecessors with full names": """ASK {
        programme:koko dct:replaces programme:ako , programme:amo , programme:saaristo .
        programme:ako koko:acronym "AKO"@fi ; skos:prefLabel "aluekeskusohjelma"@fi , "Regional Centre Programme"@en .
        programme:amo koko:acronym "AMO"@fi ; skos:prefLabel "maaseutupoliittisen erityisohjelman alueellinen osio"@fi .
        programme:saaristo skos:prefLabel "saaristo-ohjelman paikallinen ja alueellinen toteuttaminen"@fi }""",
    "seven national networks": """ASK { { SELECT (COUNT(?n) AS ?c) WHERE { programme:koko koko:nationalNetwork ?n } } FILTER(?c = 7)
        programme:koko koko:nationalNetwork ?d . ?d skos:prefLabel "DEMO"@en }""",
    "links": """ASK { programme:koko foaf:page <http://www.tem.fi/koko> . area:kuopio foaf:page <http://www.kuopionseutu.fi> }""",
    "evaluation of 52 proposals in 2009": """ASK { ?e koko:evaluatedProgramme programme:koko ;
        koko:proposalsEvaluated 52 ; dct:date "2009"^^xsd:gYear ;
        dct:bibliographicCitation "Alueiden kehittäminen 57/2009"@fi }""",
    "kuopio area with three sub-regions in Pohjois-Savo": """ASK { area:kuopio a koko:KokoArea ; koko:programme programme:koko ;
        schema:containsPlace subregion:112 , subregion:113 , subregion:115 ; schema:containedInPlace region:11 .
        region:11 skos:prefLabel "Pohjois-Savo"@fi ; skos:notation "11" }""",
    "vaasa area of 110 000 inhabitants, as VASEK states it": """ASK { area:vaasa koko:inhabitants 110000 .
        ?st rdf:subject area:vaasa ; rdf:predicate koko:inhabitants ; rdf:object 110000 ;
            dct:source <https://www.vasek.fi/aluekehitys/paattyneet-hankkeet-ja-ohjelmat/koheesio-ja-kilpailukykyohjelma/> }""",
    "vaasa: run 2010-2011 by VASEK, beside the programme's planned 2010-2013": """ASK {
        area:vaasa koko:periodAsRun ?run . ?run dcat:startDate "2010"^^xsd:gYear ; dcat:endDate "2011"^^xsd:gYear .
        ?st rdf:subject ?run ; rdf:predicate dcat:endDate ; dct:source <https://www.vasek.fi/regionutveckling/avslutade-projekt-och-program/kohesions-och-konkurrenskraftsprogrammet/> .
        programme:koko koko:plannedPeriod/dcat:endDate "2013"^^xsd:gYear }""",
    "vaasa in Swedish, as VASEK words it": """ASK { area:vaasa skos:note ?n .
        FILTER(lang(?n) = "sv" && STRSTARTS(?n, "Vasaregionens KOKO-område omfattar de nio kommuner")) }""",
    "salo: four themes, five cross-cutting ones, its steering group": """ASK {
        { SELECT (COUNT(?t) AS ?themes) WHERE { area:salo koko:theme ?t } }
        { SELECT (COUNT(?c) AS ?cross) WHERE { area:salo koko:crossCuttingTheme ?c } }
        FILTER(?themes = 4 && ?cross = 5)
        area:salo koko:theme "Maaseudun uusien mahdollisuuksien tukeminen"@fi ;
            koko:crossCuttingTheme "E18 ja kantatie 52:n vahvistaminen"@fi ; koko:steeringGroup ?g .
        FILTER(CONTAINS(?g, "Varsinais-Suomen ELY-keskuksesta")) }""",
    "three programmes named, without members or a region": """ASK {
        { SELECT (COUNT(?p) AS ?n) WHERE { ?p a koko:NamedProgramme } } FILTER(?n = 3)
        named-programme:nhs-koko skos:prefLabel "NHS-KOKO"@fi ; dct:source ?src .
        named-programme:koko-oulun-seutu skos:prefLabel "KOKO Oulun seutu"@fi .
        named-programme:ylivieskan-seutukunnan-koko skos:prefLabel "Ylivieskan seutukunnan KOKO -ohjelma"@fi .
        FILTER NOT EXISTS { ?q a koko:NamedProgramme ; schema:containsPlace|schema:containedInPlace|koko:programme ?x }
        FILTER NOT EXISTS { ?q a koko:NamedProgramme . ?q a koko:KokoArea } }""",
    "action lines": """ASK { area:kuopio koko:actionLines ?s .
        ?tl1 skos:inScheme ?s ; skos:notation "TL1" ; skos:prefLabel "Kaupunkipoliittiset toimet (seutu, maakunta ja ylimaakunnallinen taso)"@fi .
        ?l13 skos:broader ?tl1 ; skos:notation "1.3" ;
             skos:prefLabel "Toiminnallisen kaupunkiseudun maankäytön kehittäminen ja tuki PARAS- hankkeen toteutukselle"@fi .
        ?l22 skos:notation "2.2" ; skos:prefLabel "Elintarvikekehitys"@fi ; skos:broader ?tl2 . ?tl2 skos:notation "TL2" }""",
    "2013 membership with its date": """ASK { ?m koko:memberPlace municipality:778 ; koko:parentPlace subregion:115 ;
        koko:classificationDate "2013-01-01"^^xsd:date ; dct:source <https://data.stat.fi/api/classifications/v2/classifications> }""",
    "secondary 2010 membership of Karttula": """ASK { ?m koko:memberPlace municipality:227 ; koko:parentPlace subregion:112 ;
        koko:classificationDate "2010-01-01"^^xsd:date ; dct:source ?src . ?src koko:sourceKind koko:SecondarySource .
        municipality:227 skos:prefLabel "Karttula"@fi ; dct:isReplacedBy municipality:297 ; koko:mergedOn "2011-01-01"^^xsd:date }""",
    "no membership for a year no source gives": """ASK { FILTER NOT EXISTS { ?m koko:memberPlace municipality:227 ;
        koko:classificationDate "2013-01-01"^^xsd:date } }""",
    "nuts codes": """ASK { region:11 skos:closeMatch <http://data.europa.eu/nuts/code/FI132> , <http://data.europa.eu/nuts/code/FI1D2> .
        <http://data.europa.eu/nuts/code/FI1D2> koko:nutsVersion "2013"^^xsd:gYear }""",
    "whole classification with three languages": """ASK {
        { SELECT (COUNT(?m) AS ?nm) WHERE { ?m a koko:Municipality ; koko:mergedOn ?x } }
        { SELECT (COUNT(?m) AS ?all) WHERE { ?m a koko:Municipality } }
        { SELECT (COUNT(?s) AS ?ns) WHERE { ?s a koko:SubRegion } }
        { SELECT (COUNT(?r) AS ?nr) WHERE { ?r a koko:Region } }
        FILTER(?all - ?nm = 320 && ?ns = 70 && ?nr = 19)
        municipality:478 skos:prefLabel "Maarianhamina"@fi , "Mariehamn"@sv }""",
    "TEM annual budget about 11 million, about 50 % co-financing": f"""ASK {{ ?f a koko:Funding ; schema:funder organisation:tem ;
        koko:perYear true ; koko:approximate true ; koko:coFinancingRate "0.5"^^xsd:decimal ;
        koko:fundingSource ?fs ; schema:amount ?a ; dct:source <{PAGE}> .
        ?fs skos:prefLabel "maakunnan kehittämisraha"@fi .
        ?a schema:value "11000000"^^xsd:decimal ; schema:currency "EUR" }}""",
    "2010-2011 total about 23 million split 50/50": """ASK { ?t schema:amount ?a ; koko:startYear "2010"^^xsd:gYear ; koko:endYear "2011"^^xsd:gYear ; koko:approximate true .
        ?a schema:value "23000000"^^xsd:decimal .
        ?tem koko:shareOf ?t ; schema:funder organisation:tem ; koko:shareRate "0.5"^^xsd:decimal .
        ?mun koko:shareOf ?t ; schema:funder organisation:municipalities ; koko:shareRate "0.5"^^xsd:decimal }""",
    "contact with tel and mailto": """ASK { area:kuopio koko:contact ?c .
        ?c vcard:fn "Olli Kokander" ; vcard:title "Seutukehittäjä"@fi ;
           vcard:hasTelephone <tel:+358207464645> ; vcard:hasEmail <mailto:olli.kokander@suonenjoki.fi> ;
           org:memberOf organisation:sisa-savon-seutuyhtyma ; vcard:hasAddress ?addr .
        ?addr vcard:street-address "Jalkalantie 6" ; vcard:postal-code "77600" ; vcard:locality "Suonenjoki" .
        organisation:sisa-savon-seutuyhtyma skos:prefLabel "Sisä-Savon Seutuyhtymä"@fi }""",
    "the programme page is the source": f"""ASK {{ programme:koko dct:source <{PAGE}> . <{PAGE}> koko:sourceKind koko:PrimarySource ; dct:title "KOKO-ohjelma"@fi }}""",
    "other areas": """ASK { area:vaasa schema:containsPlace subregion:152 , subregion:151 .
        area:salo schema:endDate "2012-06-30"^^xsd:date . area:koillis-suomi schema:containsPlace municipality:305 }""",
    "no blank nodes": """ASK { FILTER NOT EXISTS { { ?s ?p ?o FILTER(isBlank(?s)) } UNION { ?s ?p ?o FILTER(isBlank(?o)) } } }""",
    "every thing has a source": """ASK { FILTER NOT EXISTS { ?s a ?c . FILTER(?c IN (koko:Programme, koko:KokoArea, koko:Municipality,
        koko:SubRegion, koko:Region, koko:AreaMembership, koko:Funding, org:Organization, vcard:Individual)) FILTER NOT EXISTS { ?s dct:source ?src } } }""",
}


@pytest.mark.parametrize("name", sorted(FACTS))
def test_fact(store, name):
    assert ask(store, FACTS[name]), name
