"""Readable names of the standard terms the pages show, in Finnish, Swedish and English.

The KOKO terms take their names from the ontology; this table covers the rest.
"""

from __future__ import annotations

from ..config import LANGS
from ..graph.vocab import DCAT, DCT, FOAF, ORG, PROV, RDF, SCHEMA, SKOS, VCARD

_STANDARD = {
    RDF + "type": ("tyyppi", "typ", "type"),
    RDF + "subject": ("subjekti", "subjekt", "subject"),
    RDF + "predicate": ("ominaisuus", "egenskap", "property"),
    RDF + "object": ("arvo", "värde", "value"),
    RDF + "Statement": ("väite", "påstående", "statement"),
    SKOS + "prefLabel": ("nimi", "namn", "name"),
    SKOS + "altLabel": ("muu nimi", "annat namn", "other name"),
    SKOS + "notation": ("tunnus", "kod", "code"),
    SKOS + "note": ("huomautus", "anmärkning", "note"),
    SKOS + "broader": ("yläkäsite", "överordnat begrepp", "broader"),
    SKOS + "inScheme": ("luettelo", "förteckning", "in scheme"),
    SKOS + "topConceptOf": ("luettelon pääkohta", "toppbegrepp i", "top concept of"),
    SKOS + "closeMatch": ("vastine", "motsvarighet", "close match"),
    SKOS + "Concept": ("käsite", "begrepp", "concept"),
    SKOS + "ConceptScheme": ("käsiteluettelo", "begreppsförteckning", "concept scheme"),
    DCT + "source": ("lähde", "källa", "source"),
    DCT + "description": ("kuvaus", "beskrivning", "description"),
    DCT + "title": ("otsikko", "titel", "title"),
    DCT + "replaces": ("korvaa", "ersätter", "replaces"),
    DCT + "isReplacedBy": ("korvattu", "ersatt av", "replaced by"),
    DCT + "spatial": ("alueellinen kattavuus", "geografisk täckning", "spatial coverage"),
    DCT + "publisher": ("julkaisija", "utgivare", "publisher"),
    DCT + "identifier": ("tunniste", "identifierare", "identifier"),
    DCT + "language": ("kieli", "språk", "language"),
    DCT + "date": ("päivämäärä", "datum", "date"),
    DCT + "bibliographicCitation": ("julkaisuviite", "bibliografisk hänvisning", "citation"),
    DCT + "PeriodOfTime": ("ajanjakso", "tidsperiod", "period of time"),
    DCAT + "startDate": ("alkaa", "börjar", "start"),
    DCAT + "endDate": ("päättyy", "slutar", "end"),
    FOAF + "page": ("verkkosivu", "webbsida", "web page"),
    FOAF + "Document": ("dokumentti", "dokument", "document"),
    FOAF + "Group": ("ryhmä", "grupp", "group"),
    PROV + "wasDerivedFrom": ("johdettu", "härledd från", "derived from"),
    PROV + "Entity": ("entiteetti", "entitet", "entity"),
    ORG + "memberOf": ("organisaatio", "organisation", "member of"),
    ORG + "Organization": ("organisaatio", "organisation", "organisation"),
    SCHEMA + "funder": ("rahoittaja", "finansiär", "funder"),
    SCHEMA + "fundedItem": ("rahoituksen kohde", "finansierat", "funded item"),
    SCHEMA + "amount": ("määrä", "belopp", "amount"),
    SCHEMA + "value": ("arvo", "värde", "value"),
    SCHEMA + "currency": ("valuutta", "valuta", "currency"),
    SCHEMA + "containsPlace": ("sisältää alueen", "innehåller område", "contains place"),
    SCHEMA + "containedInPlace": ("sijaitsee alueella", "ligger i", "contained in place"),
    SCHEMA + "position": ("järjestys", "ordning", "position"),
    SCHEMA + "text": ("teksti", "text", "text"),
    SCHEMA + "endDate": ("päättyi", "slutade", "end date"),
    SCHEMA + "AdministrativeArea": ("hallinnollinen alue", "administrativt område", "administrative area"),
    SCHEMA + "MonetaryGrant": ("avustus", "bidrag", "grant"),
    SCHEMA + "MonetaryAmount": ("rahamäärä", "penningbelopp", "monetary amount"),
    SCHEMA + "Project": ("hanke", "projekt", "project"),
    VCARD + "fn": ("nimi", "namn", "name"),
    VCARD + "title": ("tehtävänimike", "titel", "job title"),
    VCARD + "hasEmail": ("sähköposti", "e-post", "e-mail"),
    VCARD + "hasTelephone": ("puhelin", "telefon", "phone"),
    VCARD + "hasAddress": ("osoite", "adress", "address"),
    VCARD + "street-address": ("katuosoite", "gatuadress", "street address"),
    VCARD + "postal-code": ("postinumero", "postnummer", "postal code"),
    VCARD + "locality": ("postitoimipaikka", "postanstalt", "locality"),
    VCARD + "organization-name": ("organisaatio", "organisation", "organisation"),
    VCARD + "Individual": ("henkilö", "person", "individual"),
    VCARD + "Organization": ("organisaatio", "organisation", "organisation"),
    VCARD + "Address": ("osoite", "adress", "address"),
}


_UI = {
    "referenced": ("Viittaukset tähän", "Hänvisningar hit", "Referenced by"),
    "download": ("Lataa", "Ladda ner", "Download"),
    "query": ("SPARQL-kyselyt", "SPARQL-frågor", "SPARQL queries"),
    "limits": ("Rajat", "Gränser", "Limits"),
    "home": ("Etusivu", "Startsida", "Home"),
    "ontology": ("Sanasto", "Vokabulär", "Vocabulary"),
    "licence": ("Lisenssi", "Licens", "Licence"),
    "examples": ("Esimerkkikyselyt", "Exempelfrågor", "Example queries"),
    "run": ("Suorita", "Kör", "Run"),
    "classes": ("Luokat", "Klasser", "Classes"),
    "properties": ("Ominaisuudet", "Egenskaper", "Properties"),
    "property": ("Ominaisuus", "Egenskap", "Property"),
    "value": ("Arvo", "Värde", "Value"),
    "from": ("Mistä", "Från", "From"),
    "bulk": ("Näillä on sivut vain palvelimella (koko serve), SPARQL-kyselyinä ja latauksissa:",
             "Dessa har sidor bara på servern (koko serve), via SPARQL och i nedladdningarna:",
             "These have pages only on the server (koko serve), through SPARQL and in the downloads:"),
}

#: Term IRI -> {language: name}.
STANDARD = {iri: dict(zip(LANGS, names)) for iri, names in _STANDARD.items()}
#: The pages' own words: key -> {language: text}.
UI = {key: dict(zip(LANGS, texts)) for key, texts in _UI.items()}
