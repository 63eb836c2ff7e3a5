"""Namespaces of the vocabularies the graph uses, and the prefixes every output declares."""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
ADMS = "http://www.w3.org/ns/adms#"
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"  # the EU's authority tables (licence, file type, ...)
EU_COUNTRY = EU_AUTHORITY + "country/"
IANA_MEDIA = "http://www.iana.org/assignments/media-types/"
R5R = "http://data.europa.eu/r5r/"  # DCAT-AP's own terms
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
CSVW = "http://www.w3.org/ns/csvw"
KOKO_MODEL = "https://w3id.org/koko-lod/def/model#"  # terms of ontology/reused.ttl (not published)
NUTS = "http://data.europa.eu/nuts/code/"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = RDF + "type"
RDF_TYPE_TERM = f"<{RDF_TYPE}>".encode()  # as an N-Triples line writes it
GEO = "http://www.opengis.net/ont/geosparql#"


#: The kinds of things under {base}id/; each gets a prefix so that Turtle reads `area:kuopio`.
ID_KINDS = (
    "programme", "area", "municipality", "subregion", "region", "membership", "organisation",
    "contact", "address", "funding", "amount", "funding-source", "decision", "project", "network",
    "evaluation", "action-line", "action-lines", "summary-point", "period", "source", "statement",
    "dataset", "distribution", "checksum", "partition", "run", "software", "statement-group", "document", "geometry",
    "named-programme", "rights",
)


def prefixes(base_iri: str) -> dict:
    """Prefix -> namespace for Turtle: the vocabularies and one prefix per kind of thing."""
    return {**vocabulary_prefixes(base_iri), **{kind: f"{base_iri}id/{kind}/" for kind in ID_KINDS}}


def vocabulary_prefixes(base_iri: str) -> dict:
    """Prefix -> namespace of the vocabularies (JSON-LD writes things' IRIs relative to @base)."""
    return {
        "koko": base_iri + "def/koko#",
        "rdf": RDF,
        "rdfs": RDFS,
        "owl": OWL,
        "xsd": XSD,
        "skos": SKOS,
        "dct": DCT,
        "dcat": DCAT,
        "schema": SCHEMA,
        "org": ORG,
        "vcard": VCARD,
        "foaf": FOAF,
        "prov": PROV,
        "sh": SH,
        "void": VOID,
        "spdx": SPDX,
        "adms": ADMS,
    }
