"""Build stage: typed records -> RDF triples, with a map from every subject back to its source.

Every node gets an IRI ({base}id/{kind}/{key}); there are no blank nodes. A fact whose source
differs from its record's is published with a reified statement naming that source.

Terms are written as N-Triples text and each triple as one N-Triples line: making a million
Python term objects costs more than the rest of a run, while the Rust parser turns the lines
into triples at once. Values reach this stage already checked by the loader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from ..config import LANGS
from ..errors import Place, places_packed, places_unpacked
from ..sources.load import Fact, Record, Sources
from ..sources.values import decimal_lexical
from .vocab import DCAT, DCT, EU_COUNTRY, FOAF, NUTS, ORG, PROV, RDF, SCHEMA, SKOS, VCARD, XSD

_XSD = {name: f"<{XSD}{name}>" for name in ("date", "gYear", "decimal", "boolean", "integer")}
TYPE_NT = f"<{RDF}type>"
#: Escapes as pyoxigraph writes them, so the build's lines are already canonical N-Triples.
_ESCAPES = str.maketrans({**{chr(c): f"\\u{c:04X}" for c in list(range(0x20)) + [0x7F]},
                          "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"})


#: funder_kind in funding.csv -> the ontology's individual.
_FUNDER_KINDS = {"state-via-regional-council": "StateViaRegionalCouncil", "municipalities": "MunicipalFunding",
                 "other-public": "OtherPublicFunding", "private": "PrivateFunding"}


def N(iri: str) -> str:
    """An IRI as an N-Triples term."""
    return f"<{iri}>"


def iri_of(term: str) -> str:
    return term[1:-1]


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    quoted = '"' + text.translate(_ESCAPES) + '"'
    if lang:
        return f"{quoted}@{lang.lower()}"
    return f"{quoted}^^{datatype}" if datatype else quoted


@dataclass
class Built:
    """The graph as N-Triples lines (bytes), and where each subject and fact came from.

    A fact from a CSV row is placed by its subject's row and the column its predicate came
    from (`columns`); facts from YAML, where every value has its own line and column, are
    placed one by one (`fact_places`).
    """

    lines: list
    subject_places: dict = field(default_factory=dict)  # subject IRI -> Place of its record
    fact_places: dict = field(default_factory=dict)  # (subject IRI, predicate IRI) -> Place
    value_places: dict = field(default_factory=dict)  # (subject IRI, predicate IRI, object term) -> Place
    columns: dict = field(default_factory=dict)  # (file, predicate IRI) -> CSV column
    derived_from: dict = field(default_factory=dict)  # subject IRI -> source IRI (its record's)
    notes: list = field(default_factory=list)  # what a steward should know, e.g. data withheld

    #: the maps of Places, pickled as columns (errors.places_packed) from the graph child to the parent
    PLACED = ("subject_places", "fact_places", "value_places")

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for name in self.PLACED:
            state[name] = places_packed(state[name])
        return state

    def __setstate__(self, state: dict) -> None:
        for name in self.PLACED:
            state[name] = places_unpacked(state[name])
        self.__dict__.update(state)

    def place(self, subject: str, predicate: str = "", value: str = "") -> Place | None:
        """Where a fact (or, without a predicate, a subject) came from; with the value (an
        N-Triples term), the very item of a list that gave it."""
        exact = self.value_places.get((subject, predicate, value)) or self.fact_places.get((subject, predicate))
        if exact is not None:
            return exact
        record = self.subject_places.get(subject)
        if record is None:
            return None
        column = self.columns.get((record.file, predicate))
        return Place(record.file, record.line, 0, column) if column else record


class GraphBuilder:
    def __init__(self, sources: Sources):
        self.sources = sources
        s = sources.settings
        self.id = s.id_base
        self.k = s.vocab
        self.lines: list = []
        self.built = Built(self.lines)
        self.columns: dict = {}  # (file, predicate term) -> CSV column; IRIs in Built.columns at the end
        self.organisations = sources.index("organisations")  # key -> record, made once: every contact names one
        self.projects: dict = {}  # project term -> (start, stop) in lines of what declared it (its first decision)
        self.source_iris = {}
        self._source_iri_of: dict = {}  # source term -> its IRI (see _source_iri)
        for rec in sources.records("sources"):
            self.source_iris[rec.key] = N(rec.get("url") or f"{self.id}source/{rec.key}")

    # -- terms ---------------------------------------------------------------------------
    def node(self, kind: str, key: str) -> str:
        return f"<{self.id}{kind}/{key}>"

    def kk(self, name: str) -> str:
        return f"<{self.k}{name}>"

    @staticmethod
    def lit(value, lang: str | None = None) -> str:
        if lang:
            return literal(value, lang)
        if isinstance(value, bool):
            return literal("true" if value else "false", datatype=_XSD["boolean"])
        if isinstance(value, dt.date):
            return literal(value.isoformat(), datatype=_XSD["date"])
        if isinstance(value, int):
            return literal(str(value), datatype=_XSD["integer"])
        if hasattr(value, "as_tuple"):  # Decimal
            return literal(decimal_lexical(value), datatype=_XSD["decimal"])
        return literal(str(value))

    @staticmethod
    def year(value: int) -> str:
        return literal(f"{value:04d}", datatype=_XSD["gYear"])

    # -- adding --------------------------------------------------------------------------
    def add(self, s: str, p: str, o: str, place: Place | None = None) -> None:
        self.lines.append(f"{s} {p} {o} .".encode("utf-8"))
        if place is not None:
            if place.field:
                key = (place.file, p)
                if key not in self.columns:
                    self.columns[key] = place.field
            else:
                self.built.fact_places.setdefault((iri_of(s), iri_of(p)), place)
                self.built.value_places.setdefault((iri_of(s), iri_of(p), o), place)

    def subject(self, s: str, types, record: Record, source_key: str | None = None) -> None:
        """Declare a subject: its types, its place and the source it was derived from."""
        for t in types:
            self.add(s, TYPE_NT, t)
        iri = iri_of(s)
        self.built.subject_places.setdefault(iri, record.place)
        source = self.source_iris.get(source_key or record.source)
        if source is not None:
            fact = record.facts.get("source")
            self.add(s, _SOURCE, source, fact.place if fact is not None else record.place)
            self.built.derived_from.setdefault(iri, self._source_iri(source))

    def _source_iri(self, source: str) -> str:
        """A source's IRI, one string for all the subjects derived from it."""
        iri = self._source_iri_of.get(source)
        if iri is None:
            iri = self._source_iri_of[source] = iri_of(source)
        return iri

    def fact(self, s: str, p: str, o: str, fact: Fact, record_source: str) -> None:
        """Add a fact; when it has its own source, say so with a reified statement."""
        self.add(s, p, o, fact.place)
        if fact.source and fact.source != record_source:
            digest = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
            st = self.node("statement", digest)
            self.add(st, TYPE_NT, N(RDF + "Statement"))
            self.add(st, N(RDF + "subject"), s)
            self.add(st, N(RDF + "predicate"), p)
            self.add(st, N(RDF + "object"), o)
            self.add(st, N(DCT + "source"), self.source_iris[fact.source], fact.place)
            self.built.subject_places.setdefault(iri_of(st), fact.place)

    def lang(self, s, p, record: Record, name: str) -> None:
        for lang, fact in sorted((record.facts[name].value if name in record.facts else {}).items()):
            self.fact(s, p, self.lit(fact.value, lang), fact, record.source)

    def value(self, s, p, record: Record, name: str, make=None) -> None:
        fact = record.facts.get(name)
        if fact is not None:
            self.fact(s, p, make(fact.value) if make else self.lit(fact.value), fact, record.source)

    # -- the graph -----------------------------------------------------------------------
    def build(self) -> Built:
        self.build_tables()
        return self.finish()

    def finish(self) -> Built:
        self.built.columns = {(file, iri_of(p)): column for (file, p), column in self.columns.items()}
        return self.built

    def build_tables(self) -> None:
        self.build_sources()
        self.build_reference()
        self.build_organisations()
        self.build_programme()
        self.build_areas()
        self.build_memberships()
        self.build_funding()
        self.build_decisions()

    def build_sources(self) -> None:
        kind_iri = {"primary": self.kk("PrimarySource"), "secondary": self.kk("SecondarySource")}
        for rec in self.sources.records("sources"):
            s = self.source_iris[rec.key]
            for t in (N(FOAF + "Document"), N(PROV + "Entity")):
                self.add(s, TYPE_NT, t)
            self.built.subject_places.setdefault(iri_of(s), rec.place)
            self.add(s, self.kk("sourceKind"), kind_iri[rec.get("kind")], rec.facts["kind"].place)
            self.add(s, N(DCT + "identifier"), self.lit(rec.key), rec.facts["key"].place)
            if rec.get("title"):
                lang = rec.get("language")
                self.value(s, N(DCT + "title"), rec, "title", lambda v: self.lit(v, lang))
            self.value(s, N(DCT + "language"), rec, "language")
            self.value(s, N(DCT + "publisher"), rec, "publisher")
            self.value(s, N(SKOS + "note"), rec, "note", lambda v: self.lit(v, "en"))

    def build_reference(self) -> None:
        ref = self.sources.reference
        source = self.source_iris.get(ref.source)
        via = self.source_iris.get(ref.derived_via)
        classes = {"municipalities": ("municipality", "Municipality", "subregion"),
                   "subregions": ("subregion", "SubRegion", "region"),
                   "regions": ("region", "Region", "")}
        for level, (kind, cls, parent_kind) in classes.items():
            for code, unit in ref.units[level].items():
                s = self.node(kind, code)
                self.add(s, TYPE_NT, self.kk(cls))
                self.add(s, TYPE_NT, N(SCHEMA + "AdministrativeArea"))
                self.built.subject_places.setdefault(iri_of(s), unit.place)
                self.add(s, N(SKOS + "notation"), self.lit(code))
                for lang in LANGS:
                    if lang in unit.names:
                        self.add(s, N(SKOS + "prefLabel"), self.lit(unit.names[lang], lang))
                if source is not None:
                    self.add(s, N(DCT + "source"), source)
                if via is not None:
                    self.add(s, N(PROV + "wasDerivedFrom"), via)
                if parent_kind:
                    self.membership(kind, code, parent_kind, unit.parent, ref.date, ref.source, unit.place)

    def membership(self, kind, code, parent_kind, parent, date, source_key, place) -> None:
        m = self.node("membership", f"{kind}-{code}-{date.isoformat()}")
        self.add(m, TYPE_NT, self.kk("AreaMembership"))
        self.built.subject_places.setdefault(iri_of(m), place)
        self.add(m, self.kk("memberPlace"), self.node(kind, code), place)
        self.add(m, self.kk("parentPlace"), self.node(parent_kind, parent), place)
        self.add(m, self.kk("classificationDate"), self.lit(date), place)
        self.add(m, N(DCT + "source"), self.source_iris[source_key], place)

    def build_organisations(self) -> None:
        for rec in self.sources.records("organisations"):
            s = self.node("organisation", rec.key)
            types = [N(ORG + "Organization")] if rec.get("kind") == "organisation" else [N(FOAF + "Group")]
            self.subject(s, types, rec)
            for lang in LANGS:
                self.value(s, N(SKOS + "prefLabel"), rec, f"name_{lang}", lambda v, lang=lang: self.lit(v, lang))
            self.value(s, N(SKOS + "altLabel"), rec, "acronym")
        for rec in self.sources.records("contacts"):
            self.build_contact(rec)
        for rec in self.sources.records("funding_sources"):
            s = self.node("funding-source", rec.key)
            self.subject(s, [self.kk("FundingSource"), N(SKOS + "Concept")], rec)
            self.value(s, N(SKOS + "prefLabel"), rec, "name_fi", lambda v: self.lit(v, "fi"))
            self.value(s, N(SKOS + "prefLabel"), rec, "name_en", lambda v: self.lit(v, "en"))

    def build_contact(self, rec: Record) -> None:
        s = self.node("contact", rec.key)
        personal = rec.get("publish_personal")
        org = self.node("organisation", rec.get("organisation"))
        self.subject(s, [N(VCARD + ("Individual" if personal else "Organization"))], rec)
        self.add(s, self.kk("personalDataPublished"), self.lit(bool(personal)), rec.facts["publish_personal"].place)
        self.value(s, N(ORG + "memberOf"), rec, "organisation", lambda v: org)
        org_names = self.organisations[rec.get("organisation")]
        if personal:
            self.value(s, N(VCARD + "fn"), rec, "name")
            self.value(s, N(VCARD + "title"), rec, "title_fi", lambda v: self.lit(v, "fi"))
            self.value(s, N(VCARD + "hasEmail"), rec, "email", N)
            self.value(s, N(VCARD + "hasTelephone"), rec, "phone", N)
        else:
            self.add(s, N(VCARD + "fn"), self.lit(org_names.get("name_fi")))
            withheld = [n for n in ("name", "title_fi", "phone", "email") if rec.get(n)]
            if withheld:
                self.built.notes.append(f"{rec.place}: contact {rec.key!r}: {', '.join(withheld)} withheld "
                                        "(publish_personal is no); the organisation's contact is published instead")
        self.add(s, N(VCARD + "organization-name"), self.lit(org_names.get("name_fi")))
        if any(rec.get(n) for n in ("street", "postal_code", "locality")):
            a = self.node("address", rec.key)
            self.add(s, N(VCARD + "hasAddress"), a)
            self.subject(a, [N(VCARD + "Address")], rec)
            self.value(a, N(VCARD + "street-address"), rec, "street")
            self.value(a, N(VCARD + "postal-code"), rec, "postal_code")
            self.value(a, N(VCARD + "locality"), rec, "locality")

    def build_programme(self) -> None:
        for rec in self.sources.records("programme"):
            s = self.node("programme", rec.key)
            self.subject(s, [self.kk("Programme")], rec)
            self.lang(s, N(SKOS + "prefLabel"), rec, "name")
            self.lang(s, self.kk("acronym"), rec, "acronym")
            self.lang(s, N(DCT + "description"), rec, "description")
            for i, point in enumerate(rec.get("summary", []), start=1):
                p = self.node("summary-point", f"{rec.key}-{i:02d}")
                self.add(s, self.kk("summaryPoint"), p)
                self.subject(p, [self.kk("SummaryPoint")], rec)
                self.add(p, N(SCHEMA + "position"), self.lit(i))
                for lang, fact in sorted(point.items()):
                    self.fact(p, N(SCHEMA + "text"), self.lit(fact.value, lang), fact, rec.source)
            for name, prop in (("owner", "ownedBy"), ("coordinator", "coordinatedBy")):
                self.value(s, self.kk(prop), rec, name, lambda v: self.node("organisation", v))
            self.value(s, N(SCHEMA + "funder"), rec, "funder", lambda v: self.node("organisation", v))
            self.value(s, N(DCT + "spatial"), rec, "coverage", lambda v: N(EU_COUNTRY + v))
            if rec.get("planned_start_year") or rec.get("planned_end_year"):
                period = self.node("period", f"{rec.key}-planned")
                self.add(s, self.kk("plannedPeriod"), period)
                self.subject(period, [N(DCT + "PeriodOfTime")], rec)
                self.value(period, N(DCAT + "startDate"), rec, "planned_start_year", self.year)
                self.value(period, N(DCAT + "endDate"), rec, "planned_end_year", self.year)
            self.value(s, N(SCHEMA + "endDate"), rec, "end_date")
            self.lang(s, N(SKOS + "note"), rec, "end_note")
            self.lang(s, self.kk("legalBasis"), rec, "legal_basis")
            for item in rec.get("replaces", []):
                self.add(s, N(DCT + "replaces"), self.node("programme", item.value), item.place)
            for item in rec.get("networks", []):
                self.add(s, self.kk("nationalNetwork"), self.node("network", item.value), item.place)
            for item in rec.get("pages", []):
                self.add(s, N(FOAF + "page"), N(item.value), item.place)
            self.value(s, self.kk("applicationAreas"), rec, "applications_areas")
            self.value(s, self.kk("applicationMunicipalities"), rec, "applications_municipalities")
            self.lang(s, self.kk("applicationsNote"), rec, "applications_note")
            self.value(s, self.kk("paidThrough"), rec, "paid_through", lambda v: self.node("organisation", v))
            self.lang(s, self.kk("fundingNote"), rec, "funding_note")
        for rec in self.sources.records("documents"):
            s = self.node("document", rec.key)
            self.subject(s, [self.kk("ProgrammeDocument"), N(SCHEMA + "CreativeWork")], rec)
            self.value(s, self.kk("documentOf"), rec, "programme", lambda v: self.node("programme", v))
            self.lang(s, N(DCT + "title"), rec, "title")
            self.value(s, N(DCT + "date"), rec, "date")
            self.lang(s, N(DCT + "description"), rec, "description")
        for rec in self.sources.records("programme_decisions"):
            s = self.node("decision", rec.key)
            self.subject(s, [self.kk("ProgrammeDecision"), N(PROV + "Activity")], rec)
            self.value(s, self.kk("decisionOn"), rec, "programme", lambda v: self.node("programme", v))
            self.value(s, N(DCT + "date"), rec, "date")
            self.value(s, N(PROV + "wasAssociatedWith"), rec, "decider", lambda v: self.node("organisation", v))
            self.value(s, self.kk("endsOn"), rec, "ends_on")
            self.lang(s, N(DCT + "description"), rec, "description")
        for rec in self.sources.records("predecessors"):
            s = self.node("programme", rec.key)
            self.subject(s, [self.kk("Programme")], rec)
            self.lang(s, N(SKOS + "prefLabel"), rec, "name")
            self.lang(s, self.kk("acronym"), rec, "acronym")
        for rec in self.sources.records("networks"):
            s = self.node("network", rec.key)
            self.subject(s, [self.kk("NationalNetwork")], rec)
            self.lang(s, N(SKOS + "prefLabel"), rec, "name")
        for rec in self.sources.records("evaluations"):
            s = self.node("evaluation", rec.key)
            self.subject(s, [self.kk("Evaluation")], rec)
            self.value(s, self.kk("evaluatedProgramme"), rec, "programme", lambda v: self.node("programme", v))
            self.value(s, N(DCT + "date"), rec, "year", self.year)
            self.value(s, self.kk("proposalsEvaluated"), rec, "proposals_evaluated")
            self.value(s, N(DCT + "bibliographicCitation"), rec, "citation", lambda v: self.lit(v, "fi"))
            self.value(s, N(DCT + "publisher"), rec, "publisher", lambda v: self.node("organisation", v))
            self.value(s, N(PROV + "wasAssociatedWith"), rec, "carried_out_by", lambda v: self.node("organisation", v))
            for item in rec.get("authors", []):
                self.fact(s, self.kk("authorName"), self.lit(item.value), item, rec.source)
            for name, prop in (("start_month", "startMonth"), ("end_month", "endMonth"), ("published_month", "publishedMonth")):
                self.value(s, self.kk(prop), rec, name, lambda v: literal(v, datatype=f"<{XSD}gYearMonth>"))

    def build_areas(self) -> None:
        for rec in self.sources.records("areas"):
            s = self.node("area", rec.key)
            application = rec.get("stage") == "application"  # proposed, not approved: no area, no members
            self.subject(s, [self.kk("AreaApplication")] if application else
                         [self.kk("KokoArea"), N(SCHEMA + "AdministrativeArea")], rec)
            self.lang(s, N(SKOS + "prefLabel"), rec, "name")
            self.value(s, self.kk("programme"), rec, "programme", lambda v: self.node("programme", v))
            member = self.kk("proposedPlace") if application else N(SCHEMA + "containsPlace")
            for name in ("subregions", "municipalities"):
                for item in rec.get(name, []):
                    self.fact(s, member, self.node(name[:-1] if name == "subregions" else "municipality", item.value), item, rec.source)
            for item in rec.get("member_names", []):
                self.fact(s, self.kk("memberName"), self.lit(item.value, "fi"), item, rec.source)
            self.value(s, N(DCT + "date"), rec, "applied_on")
            self.value(s, self.kk("organisation"), rec, "organisation", lambda v: self.node("organisation", v))
            self.notes(s, rec)
            self.value(s, self.kk("inhabitants"), rec, "inhabitants")
            for name, prop in (("themes", "theme"), ("cross_cutting_themes", "crossCuttingTheme")):
                for item in rec.get(name, []):
                    self.fact(s, self.kk(prop), self.lit(item.value, "fi"), item, rec.source)
            self.lang(s, self.kk("steeringGroup"), rec, "steering_group")
            if rec.get("run_start_year") or rec.get("run_end_year"):
                period = self.node("period", f"{rec.key}-as-run")
                self.add(s, self.kk("periodAsRun"), period)
                self.subject(period, [N(DCT + "PeriodOfTime")], rec)
                self.value(period, N(DCAT + "startDate"), rec, "run_start_year", self.year)
                self.value(period, N(DCAT + "endDate"), rec, "run_end_year", self.year)
            self.value(s, N(SCHEMA + "containedInPlace"), rec, "region", lambda v: self.node("region", v))
            self.value(s, self.kk("contact"), rec, "contact", lambda v: self.node("contact", v))
            self.value(s, N(SCHEMA + "endDate"), rec, "end_date")
            for item in rec.get("pages", []):
                self.add(s, N(FOAF + "page"), N(item.value), item.place)
            lines = rec.get("action_lines")
            if lines:
                self.build_action_lines(rec, s, lines)

        for rec in self.sources.records("named_programmes"):
            s = self.node("named-programme", rec.key)
            self.subject(s, [self.kk("NamedProgramme")], rec)
            self.lang(s, N(SKOS + "prefLabel"), rec, "name")
            self.notes(s, rec)

    def notes(self, s, rec: Record) -> None:
        """The notes of a record, each in its languages, each language with its own source."""
        for note in rec.get("notes", []):
            for lang, fact in sorted(note.items()):
                self.fact(s, N(SKOS + "note"), self.lit(fact.value, lang), fact, rec.source)

    def build_action_lines(self, rec: Record, area, lines: dict) -> None:
        source = lines["source"] or rec.source
        scheme = self.node("action-lines", rec.key)
        self.add(area, self.kk("actionLines"), scheme)
        self.subject(scheme, [N(SKOS + "ConceptScheme")], rec, source)
        for lang, fact in sorted(rec.facts["name"].value.items()):
            self.add(scheme, N(SKOS + "prefLabel"), self.lit(f"{fact.value}: toimintalinjat" if lang == "fi" else f"{fact.value}: action lines", lang))
        for lang, fact in sorted(lines["note"].items()):
            self.fact(scheme, N(SKOS + "note"), self.lit(fact.value, lang), fact, source)
        for line in lines["lines"]:
            c = self.node("action-line", f"{rec.key}-{_slug(line.notation)}")
            self.subject(c, [self.kk("ActionLine"), N(SKOS + "Concept")], Record(rec.table, line.place, rec.facts), source)
            self.add(c, N(SKOS + "inScheme"), scheme)
            self.add(c, N(SKOS + "notation"), self.lit(line.notation))
            for lang, fact in sorted(line.name.items()):
                self.fact(c, N(SKOS + "prefLabel"), self.lit(fact.value, lang), fact, source)
            if line.parent:
                self.add(c, N(SKOS + "broader"), self.node("action-line", f"{rec.key}-{_slug(line.parent)}"))
            else:
                self.add(c, N(SKOS + "topConceptOf"), scheme)

    def build_memberships(self) -> None:
        for rec in self.sources.records("former_municipalities"):
            s = self.node("municipality", rec.key)
            self.subject(s, [self.kk("Municipality"), N(SCHEMA + "AdministrativeArea")], rec)
            self.add(s, N(SKOS + "notation"), self.lit(rec.key), rec.facts["code"].place)
            self.value(s, N(SKOS + "prefLabel"), rec, "name_fi", lambda v: self.lit(v, "fi"))
            self.value(s, N(DCT + "isReplacedBy"), rec, "merged_into", lambda v: self.node("municipality", v))
            self.value(s, self.kk("mergedOn"), rec, "merged_on")
        for rec in self.sources.records("memberships"):
            self.membership("municipality", rec.get("municipality"), "subregion", rec.get("subregion"),
                            rec.get("classification_date"), rec.source, rec.place)
        for rec in self.sources.records("nuts"):
            region = self.node("region", rec.get("region"))
            nuts = N(NUTS + rec.get("nuts_code"))
            self.add(region, N(SKOS + "closeMatch"), nuts, rec.facts["nuts_code"].place)
            self.subject(nuts, [N(SKOS + "Concept")], rec)
            self.add(nuts, N(SKOS + "notation"), self.lit(rec.get("nuts_code")))
            self.value(nuts, self.kk("nutsVersion"), rec, "nuts_version", self.year)

    def build_funding(self) -> None:
        for rec in self.sources.records("funding"):
            s = self.node("funding", rec.key)
            self.subject(s, [self.kk("Funding"), N(SCHEMA + "MonetaryGrant")], rec)
            self.value(s, N(SCHEMA + "fundedItem"), rec, "programme", lambda v: self.node("programme", v))
            self.value(s, N(SCHEMA + "fundedItem"), rec, "area", lambda v: self.node("area", v))
            self.value(s, self.kk("funderKind"), rec, "funder_kind", lambda v: self.kk(_FUNDER_KINDS[v]))
            self.value(s, self.kk("paidThrough"), rec, "paid_through", lambda v: self.node("organisation", v))
            self.value(s, N(SKOS + "note"), rec, "note", lambda v: self.lit(v, "en"))
            self.value(s, N(SCHEMA + "funder"), rec, "funder", lambda v: self.node("organisation", v))
            self.value(s, self.kk("fundingSource"), rec, "funding_source", lambda v: self.node("funding-source", v))
            self.value(s, self.kk("startYear"), rec, "start_year", self.year)
            self.value(s, self.kk("endYear"), rec, "end_year", self.year)
            self.value(s, self.kk("perYear"), rec, "per_year")
            self.value(s, self.kk("approximate"), rec, "approximate")
            self.value(s, self.kk("coFinancingRate"), rec, "co_financing_rate")
            self.value(s, self.kk("shareOf"), rec, "share_of", lambda v: self.node("funding", v))
            self.value(s, self.kk("shareRate"), rec, "share_rate")
            self.value(s, self.kk("coFinancingOf"), rec, "co_financing_of", lambda v: self.node("funding", v))
            self.amount(s, f"funding-{rec.key}", rec)

    def amount(self, s, key: str, rec: Record) -> None:
        fact = rec.facts.get("amount")
        if fact is None:
            return
        a = self.node("amount", key)
        self.add(s, _AMOUNT, a, fact.place)
        self.subject(a, _AMOUNT_TYPES, rec)
        self.fact(a, _VALUE, self.lit(fact.value), fact, rec.source)
        self.value(a, _CURRENCY, rec, "currency")

    def build_decisions(self) -> None:
        """Project-level funding decisions: the table that grows, so written out plainly. It
        uses the records up: the table's list holds None after it."""
        node, fact, lit, year = self.node, self.fact, self.lit, self.year
        types = [self.kk("FundingDecision"), N(SCHEMA + "MonetaryGrant")]
        project_types = [self.kk("Project"), N(SCHEMA + "Project")]
        links = [(self.kk("area"), "area", "area"), (self.kk("targetPlace"), "municipality", "municipality"),
                 (self.kk("targetPlace"), "subregion", "subregion"), (_FUNDER, "funder", "organisation"),
                 (self.kk("fundingSource"), "funding_source", "funding-source")]
        year_predicate = self.kk("year")
        projects, lines = self.projects, self.lines
        records = self.sources.records("decisions")
        for i, rec in enumerate(records):
            records[i] = None  # let go once built: the records and the lines are never both whole in memory
            facts, source = rec.facts, rec.source
            s = node("decision", facts["key"].value)
            self.subject(s, types, rec)
            project_fact = facts["project"]
            project = node("project", project_fact.value)
            self.add(s, _FUNDED_ITEM, project, project_fact.place)
            if project not in projects:
                start = len(lines)
                self.subject(project, project_types, rec)
                name = facts["project_name"]
                fact(project, _PREF_LABEL, lit(name.value, "fi"), name, source)
                projects[project] = (start, len(lines))
            for predicate, field_name, kind in links:
                value = facts.get(field_name)
                if value is not None:
                    fact(s, predicate, node(kind, value.value), value, source)
            fact(s, year_predicate, year(facts["year"].value), facts["year"], source)
            self.amount(s, f"decision-{facts['key'].value}", rec)


_AMOUNT = N(SCHEMA + "amount")
_AMOUNT_TYPES = [N(SCHEMA + "MonetaryAmount")]
_VALUE = N(SCHEMA + "value")
_CURRENCY = N(SCHEMA + "currency")
_FUNDER = N(SCHEMA + "funder")
_FUNDED_ITEM = N(SCHEMA + "fundedItem")
_PREF_LABEL = N(SKOS + "prefLabel")
_SOURCE = N(DCT + "source")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def build(sources: Sources) -> Built:
    return GraphBuilder(sources).build()
