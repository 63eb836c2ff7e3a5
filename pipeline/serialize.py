"""Write the graph as N-Triples, Turtle and compacted JSON-LD, the same bytes every run.

Triples are de-duplicated and sorted once; pyoxigraph writes N-Triples and Turtle from that
order, and the JSON-LD writer below compacts the same list with the published context.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from .vocab import DCAT, DCT, FOAF, ORG, PROV, RDF, SCHEMA, SKOS, VCARD, XSD, prefixes, vocabulary_prefixes


def canonical(triples) -> list:
    """Distinct triples in a fixed order (the order of their N-Triples lines)."""
    return sorted(set(triples), key=str)


def canonical_nt(lines) -> bytes:
    """N-Triples lines as pyoxigraph writes them, distinct and sorted: the published order."""
    data = "\n".join(lines).encode("utf-8")
    written = ox.serialize(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    return b"\n".join(sorted(set(written.splitlines()))) + b"\n"


def parse_nt(nt: bytes) -> list:
    """The triples of canonical N-Triples, in their order."""
    return list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


def to_ntriples(triples: list) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def to_turtle(triples: list, base_iri: str, only_used: bool = False) -> bytes:
    """Turtle with the outputs' prefixes; `only_used` declares just those the triples use."""
    pfx = prefixes(base_iri)
    if only_used:
        used = {t.value for x in triples for t in (x.subject, x.predicate, x.object) if isinstance(t, ox.NamedNode)}
        used |= {x.object.datatype.value for x in triples if isinstance(x.object, ox.Literal)}
        pfx = {k: ns for k, ns in pfx.items() if any(iri.startswith(ns) for iri in used)}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=pfx)


# --- JSON-LD ------------------------------------------------------------------------------

#: Terms a web developer reads: name -> (IRI, coercion). Coercion is "@id" for links,
#: "@language" for language maps, an XSD datatype, or None for plain values.
TERMS = {
    "prefLabel": (SKOS + "prefLabel", "@language"),
    "altLabel": (SKOS + "altLabel", None),
    "note": (SKOS + "note", "@language"),
    "notation": (SKOS + "notation", None),
    "inScheme": (SKOS + "inScheme", "@id"),
    "broader": (SKOS + "broader", "@id"),
    "topConceptOf": (SKOS + "topConceptOf", "@id"),
    "closeMatch": (SKOS + "closeMatch", "@id"),
    "description": (DCT + "description", "@language"),
    "source": (DCT + "source", "@id"),
    "replaces": (DCT + "replaces", "@id"),
    "isReplacedBy": (DCT + "isReplacedBy", "@id"),
    "spatial": (DCT + "spatial", "@id"),
    "publisher": (DCT + "publisher", None),
    "identifier": (DCT + "identifier", None),
    "language": (DCT + "language", None),
    "date": (DCT + "date", None),
    "startDate": (DCAT + "startDate", XSD + "gYear"),
    "endDate": (DCAT + "endDate", XSD + "gYear"),
    "page": (FOAF + "page", "@id"),
    "wasDerivedFrom": (PROV + "wasDerivedFrom", "@id"),
    "memberOf": (ORG + "memberOf", "@id"),
    "funder": (SCHEMA + "funder", "@id"),
    "fundedItem": (SCHEMA + "fundedItem", "@id"),
    "amount": (SCHEMA + "amount", "@id"),
    "value": (SCHEMA + "value", XSD + "decimal"),
    "currency": (SCHEMA + "currency", None),
    "containsPlace": (SCHEMA + "containsPlace", "@id"),
    "containedInPlace": (SCHEMA + "containedInPlace", "@id"),
    "position": (SCHEMA + "position", None),
    "text": (SCHEMA + "text", "@language"),
    "fn": (VCARD + "fn", None),
    "hasEmail": (VCARD + "hasEmail", "@id"),
    "hasTelephone": (VCARD + "hasTelephone", "@id"),
    "hasAddress": (VCARD + "hasAddress", "@id"),
    "streetAddress": (VCARD + "street-address", None),
    "postalCode": (VCARD + "postal-code", None),
    "locality": (VCARD + "locality", None),
    "organizationName": (VCARD + "organization-name", None),
    "jobTitle": (VCARD + "title", "@language"),
    "subject": (RDF + "subject", "@id"),
    "predicate": (RDF + "predicate", "@id"),
    "object": (RDF + "object", None),
}

_KOKO_TERMS = {
    "acronym": "@language", "summaryPoint": "@id", "ownedBy": "@id", "coordinatedBy": "@id",
    "plannedPeriod": "@id", "legalBasis": "@language", "nationalNetwork": "@id",
    "evaluatedProgramme": "@id", "proposalsEvaluated": None, "programme": "@id",
    "contact": "@id", "actionLines": "@id", "memberPlace": "@id", "parentPlace": "@id",
    "classificationDate": XSD + "date", "mergedOn": XSD + "date", "nutsVersion": XSD + "gYear",
    "personalDataPublished": None, "fundingSource": "@id", "startYear": XSD + "gYear",
    "endYear": XSD + "gYear", "year": XSD + "gYear", "perYear": None, "approximate": None,
    "coFinancingRate": XSD + "decimal", "shareOf": "@id", "shareRate": XSD + "decimal", "coFinancingOf": "@id", "area": "@id",
    "targetPlace": "@id", "sourceKind": "@id",
}


def context(base_iri: str) -> dict:
    """The JSON-LD context published as output/context.jsonld and embedded in koko.jsonld."""
    pfx = vocabulary_prefixes(base_iri)
    ctx: dict = {"@version": 1.1, "@base": base_iri + "id/", "id": "@id", "type": "@type"}
    ctx.update(pfx)
    for name, (iri, coercion) in _all_terms(base_iri).items():
        ctx[name] = _term_definition(_compact(iri, pfx), coercion, pfx)
    return ctx


def _all_terms(base_iri: str) -> dict:
    terms = dict(TERMS)
    for name, coercion in _KOKO_TERMS.items():
        terms[name] = (base_iri + "def/koko#" + name, coercion)
    return terms


def _term_definition(iri: str, coercion, pfx) -> dict | str:
    if coercion is None:
        return {"@id": iri}
    if coercion == "@language":
        return {"@id": iri, "@container": "@language"}
    if coercion == "@id":
        return {"@id": iri, "@type": "@id"}
    return {"@id": iri, "@type": _compact(coercion, pfx)}


def _compact(iri: str, pfx: dict) -> str:
    """A compact IRI (prefix:local), a path relative to {base}id/, or the IRI itself."""
    base = pfx.get("@base")
    if base and iri.startswith(base) and ":" not in iri[len(base):]:
        return iri[len(base):]
    best = ""
    for name, ns in pfx.items():
        if name != "@base" and iri.startswith(ns) and len(ns) > len(best):
            local = iri[len(ns):]
            if local and "/" not in local and "#" not in local and not local.startswith(":"):
                best = ns
                best_name = name
    return f"{best_name}:{iri[len(best):]}" if best else iri


def to_jsonld(triples: list, base_iri: str, context_url: str | None = None) -> bytes:
    """Compacted JSON-LD; the context is embedded, or referenced by `context_url`."""
    pfx = {**vocabulary_prefixes(base_iri), "@base": base_iri + "id/"}
    by_iri = {iri: (name, coercion) for name, (iri, coercion) in _all_terms(base_iri).items()}
    nodes: dict = {}
    for t in triples:
        node = nodes.setdefault(t.subject.value, {})
        p = t.predicate.value
        if p == RDF + "type":
            node.setdefault("type", []).append(_compact(t.object.value, pfx))
            continue
        name, coercion = by_iri.get(p, (None, None))
        value = _fit(t.object, coercion, pfx) if name else None
        if value is None:
            name, value = _compact(p, pfx), _value_object(t.object, pfx)
        node.setdefault(name, []).append(value)
    graph = []
    for subject in sorted(nodes):
        out = {"id": _compact(subject, pfx)}
        node = nodes[subject]
        if "type" in node:
            types = sorted(node.pop("type"))
            out["type"] = types[0] if len(types) == 1 else types
        for key in sorted(node):
            out[key] = _collect(node[key])
        graph.append(out)
    doc = {"@context": context_url or context(base_iri), "@graph": graph}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def _collect(items: list):
    if isinstance(items[0], tuple):  # a language map: every value of the term is tagged
        out: dict = {}
        for _, lang, text in items:
            out.setdefault(lang, []).append(text)
        return {lang: vals[0] if len(vals) == 1 else sorted(vals) for lang, vals in sorted(out.items())}
    values = sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return values[0] if len(values) == 1 else values


def _fit(term, coercion, pfx):
    """The compact form of a value under a term's coercion, or None when it does not fit."""
    if coercion == "@id":
        return _compact(term.value, pfx) if isinstance(term, ox.NamedNode) else None
    if not isinstance(term, ox.Literal):
        return None
    if coercion == "@language":
        return ("@lang", term.language, term.value) if term.language else None
    if coercion is None:
        return _plain(term, pfx)
    return term.value if term.datatype.value == coercion and not term.language else None


def _plain(lit: ox.Literal, pfx: dict):
    if lit.language:
        return None
    dt = lit.datatype.value
    if dt == XSD + "string":
        return lit.value
    if dt == XSD + "boolean" and lit.value in ("true", "false"):
        return lit.value == "true"
    if dt == XSD + "integer" and lit.value.isdigit() and (lit.value == "0" or not lit.value.startswith("0")):
        return int(lit.value)
    return {"@value": lit.value, "@type": _compact(dt, pfx)}


def _value_object(term, pfx):
    if isinstance(term, ox.NamedNode):
        return {"@id": _compact(term.value, pfx)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    plain = _plain(term, pfx)
    return plain if isinstance(plain, (str, dict)) else {"@value": plain}


def context_bytes(base_iri: str) -> bytes:
    return (json.dumps({"@context": context(base_iri)}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
