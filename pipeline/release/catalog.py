"""Portal metadata: the DCAT-AP 3 catalogue record, the VoID description, the run's provenance.

Each is a list of triples built from the settings, the published graph and the exact bytes of
the published files (sizes and SHA-256 checksums are of those bytes). Every node has an IRI.
Terms of the EU vocabularies (licence, file type, theme, language, frequency, country) are
typed in the catalogue itself, so that DCAT-AP's range shapes can check it offline.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress

import pyoxigraph as ox

from .. import __version__
from ..config import Settings
from ..graph.releases import ARCHIVE
from ..graph.serialize import lines_holding, stretch_span
from ..graph.vocab import (
    ADMS,
    ADMS_LICENCE_TYPE,
    DCAT,
    DCT,
    EU_AUTHORITY,
    FOAF,
    FORMATS,
    IANA_MEDIA,
    OWL,
    PROV,
    R5R,
    RDF,
    RDF_TYPE_TERM,
    RDFS,
    SCHEMA,
    SKOS,
    SPDX,
    VCARD,
    VOID,
    XSD,
)
from .changes import OWN_CLASS
from .outputs import DISTRIBUTIONS, DUMPS

LICENCE = EU_AUTHORITY + "licence/CC_BY_4_0"
THEMES = {"REGI": "Regions and cities", "GOVE": "Government and public sector"}
FREQUENCIES = {"IRREG": "irregular", "ANNUAL": "annual", "NEVER": "never", "UNKNOWN": "unknown"}
LANGUAGES = {"FIN": "Finnish", "SWE": "Swedish", "ENG": "English"}

PUBLIC = EU_AUTHORITY + "access-right/PUBLIC"  # the data is open: the contacts published are those who consented
#: What reusing a distribution asks, by its licence (an EU licence authority code): the rights
#: statement restates the licence and the attribution it calls for.
RIGHTS = {
    "CC_BY_4_0": {
        "en": "Licensed under Creative Commons Attribution 4.0 International (CC BY 4.0): free to copy, adapt and reuse, "
              "commercially too, when you name {publisher} as the publisher and keep the sources each fact cites.",
        "fi": "Lisenssi Creative Commons Nimeä 4.0 Kansainvälinen (CC BY 4.0): vapaasti kopioitavissa, muokattavissa ja "
              "käytettävissä myös kaupallisesti, kun julkaisijaksi mainitaan {publisher} ja kunkin tiedon lähde säilytetään.",
        "sv": "Licens Creative Commons Erkännande 4.0 Internationell (CC BY 4.0): fritt att kopiera, bearbeta och återanvända, "
              "även kommersiellt, när {publisher} anges som utgivare och källan till varje uppgift behålls.",
    },
    "MIT": {
        "en": "MIT licence: the simplified municipal boundaries come from the mapcolorizer project (copyright 2013 "
              "Tomi Mickelsson); reuse them freely, keeping that copyright notice and the licence text with them.",
        "fi": "MIT-lisenssi: yksinkertaistetut kuntarajat ovat mapcolorizer-projektista (tekijänoikeus 2013 Tomi "
              "Mickelsson); niitä saa käyttää vapaasti, kun tekijänoikeusilmoitus ja lisenssiteksti säilytetään mukana.",
        "sv": "MIT-licens: de förenklade kommungränserna kommer från projektet mapcolorizer (upphovsrätt 2013 Tomi "
              "Mickelsson); de får användas fritt när upphovsrättsmeddelandet och licenstexten följer med.",
    },
}

AVAILABILITY = R5R + "availability"
STABLE = EU_AUTHORITY + "planned-availability/STABLE"

N = ox.NamedNode
TYPE = N(RDF + "type")


def L(value, lang=None, datatype=None):
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(str(value), datatype=N(datatype)) if datatype else ox.Literal(str(value))


class _Triples(list):
    def add(self, s, p, o):
        self.append(ox.Triple(s, N(p) if isinstance(p, str) else p, o))

    def typed(self, s, *classes):
        for c in classes:
            self.add(s, TYPE, N(c))

    def texts(self, s, p, by_language: dict):
        for lang, text in sorted(by_language.items()):
            self.add(s, p, L(text, lang))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dataset_iri(settings: Settings) -> ox.NamedNode:
    return N(settings.id_base + "dataset/koko")


def catalogue(settings: Settings, files: dict, history=None, places: tuple = ()) -> list:
    """The DCAT-AP 3 catalogue: one dataset, one distribution per published graph file, and
    the earlier releases as versions of it, each with its archived graph.

    `files` maps each file's name to its (size in bytes, SHA-256 hex) as written; `places`
    are the regions the published areas lie in (`coverage`), with their names.
    """
    cat = settings.catalogue
    idb = settings.id_base
    t = _Triples()
    catalog, dataset = N(idb + "catalog"), dataset_iri(settings)
    release = L(settings.release_date.isoformat(), datatype=XSD + "date")

    publisher = N(idb + "organisation/publisher")
    t.typed(publisher, FOAF + "Agent", FOAF + "Organization")
    t.texts(publisher, FOAF + "name", cat["publisher"]["name"])
    homepage = N(cat["publisher"]["homepage"])
    t.add(publisher, FOAF + "homepage", homepage)
    t.typed(homepage, FOAF + "Document")

    t.typed(catalog, DCAT + "Catalog")
    t.texts(catalog, DCT + "title", cat["title"])
    t.texts(catalog, DCT + "description", cat["description"])
    t.add(catalog, DCT + "publisher", publisher)
    t.add(catalog, DCAT + "dataset", dataset)
    t.add(catalog, FOAF + "homepage", homepage)
    t.add(catalog, DCT + "license", N(LICENCE))
    t.add(catalog, DCT + "issued", release)
    t.add(catalog, DCT + "modified", release)
    for code in LANGUAGES:
        t.add(catalog, DCT + "language", N(EU_AUTHORITY + "language/" + code))

    t.typed(dataset, DCAT + "Dataset")
    t.texts(dataset, DCT + "title", cat["title"])
    t.texts(dataset, DCT + "description", cat["description"])
    t.add(dataset, DCT + "identifier", L(dataset.value))
    t.add(dataset, DCT + "publisher", publisher)
    t.add(dataset, DCT + "license", N(LICENCE))
    t.add(dataset, DCT + "accessRights", N(PUBLIC))
    t.typed(N(PUBLIC), DCT + "RightsStatement", SKOS + "Concept")
    t.add(N(PUBLIC), SKOS + "prefLabel", L("public", "en"))
    t.add(N(PUBLIC), SKOS + "inScheme", N(EU_AUTHORITY + "access-right"))
    t.add(dataset, DCT + "issued", release)
    t.add(dataset, DCT + "modified", release)
    t.add(dataset, DCAT + "landingPage", homepage)
    t.add(dataset, DCT + "conformsTo", N(settings.base_iri + "def/koko"))
    t.typed(N(settings.base_iri + "def/koko"), DCT + "Standard")
    frequency = N(EU_AUTHORITY + "frequency/" + cat["frequency"])
    t.add(dataset, DCT + "accrualPeriodicity", frequency)
    t.typed(frequency, DCT + "Frequency", SKOS + "Concept")
    t.add(frequency, SKOS + "prefLabel", L(FREQUENCIES.get(cat["frequency"], cat["frequency"]), "en"))
    t.add(frequency, SKOS + "inScheme", N(EU_AUTHORITY + "frequency"))
    for lang, words in sorted(cat["keywords"].items()):
        for word in words:
            t.add(dataset, DCAT + "keyword", L(word, lang))
    for code, label in THEMES.items():
        theme = N(EU_AUTHORITY + "data-theme/" + code)
        t.add(dataset, DCAT + "theme", theme)
        t.typed(theme, SKOS + "Concept")
        t.add(theme, SKOS + "prefLabel", L(label, "en"))
        t.add(theme, SKOS + "inScheme", N(EU_AUTHORITY + "data-theme"))
    t.typed(N(EU_AUTHORITY + "data-theme"), SKOS + "ConceptScheme")
    t.add(N(EU_AUTHORITY + "data-theme"), DCT + "title", L("Data theme", "en"))
    t.add(catalog, DCAT + "themeTaxonomy", N(EU_AUTHORITY + "data-theme"))
    for code, label in LANGUAGES.items():
        language = N(EU_AUTHORITY + "language/" + code)
        t.add(dataset, DCT + "language", language)
        t.typed(language, DCT + "LinguisticSystem")
        t.add(language, SKOS + "inScheme", N(EU_AUTHORITY + "language"))
    t.add(dataset, DCT + "spatial", N(EU_AUTHORITY + "country/FIN"))
    t.typed(N(EU_AUTHORITY + "country/FIN"), DCT + "Location")
    t.add(N(EU_AUTHORITY + "country/FIN"), SKOS + "inScheme", N(EU_AUTHORITY + "country"))
    for iri, names in places:
        t.add(dataset, DCT + "spatial", N(iri))
        t.typed(N(iri), DCT + "Location")
        t.texts(N(iri), SKOS + "prefLabel", names)
    t.add(catalog, DCT + "spatial", N(EU_AUTHORITY + "country/FIN"))
    period = N(idb + "period/dataset-temporal")
    t.add(dataset, DCT + "temporal", period)
    t.typed(period, DCT + "PeriodOfTime")
    t.add(period, DCAT + "startDate", L(f"{int(cat['temporal']['start']):04d}", datatype=XSD + "gYear"))
    t.add(period, DCAT + "endDate", L(f"{int(cat['temporal']['end']):04d}", datatype=XSD + "gYear"))

    contact = N(idb + "contact/dataset")
    t.add(dataset, DCAT + "contactPoint", contact)
    t.typed(contact, VCARD + "Kind", VCARD + "Organization")
    t.add(contact, VCARD + "fn", L(cat["contact"]["name"]))
    t.add(contact, VCARD + "hasEmail", N("mailto:" + cat["contact"]["email"]))
    t.add(contact, VCARD + "hasURL", N(cat["contact"]["url"]))

    t.typed(N(LICENCE), DCT + "LicenseDocument")
    attribution = N(ADMS_LICENCE_TYPE + "Attribution")
    t.add(N(LICENCE), DCT + "type", attribution)
    t.typed(attribution, SKOS + "Concept")
    t.add(attribution, SKOS + "prefLabel", L("Attribution", "en"))
    t.add(N(LICENCE), RDFS + "label", L("Creative Commons Attribution 4.0 International", "en"))
    t.typed(N(STABLE), SKOS + "Concept")
    t.add(N(STABLE), SKOS + "prefLabel", L("stable", "en"))
    for name, out in DISTRIBUTIONS.items():
        if name not in files:  # an optional file this release has not (the first has no change set)
            continue
        media, file_type, title, description = out.media, out.file_type, out.title, out.description
        _distribution(t, settings, dataset, name.replace(".", "-"), name, files[name], media, file_type, title,
                      description, release, licence=out.licence)
    if history is not None:
        _versions(t, settings, dataset, files, history, publisher, contact)
    return t


def _distribution(t, settings: Settings, dataset, key: str, name: str, file: tuple, media: str, file_type: str,
                  title: str, description: str, release, compressed: bool = False, licence: str = "") -> None:
    idb = settings.id_base
    size, digest = file
    dist = N(idb + "distribution/" + key)
    url = N(settings.download_base + name)
    t.add(dataset, DCAT + "distribution", dist)
    t.typed(dist, DCAT + "Distribution")
    t.add(dist, DCT + "title", L(title, "en"))
    t.add(dist, DCT + "description", L(description, "en"))
    t.add(dist, N(AVAILABILITY), N(STABLE))
    t.add(dist, DCAT + "downloadURL", url)
    t.add(dist, DCAT + "accessURL", url)
    t.add(dist, DCAT + "mediaType", N(IANA_MEDIA + media))
    t.typed(N(IANA_MEDIA + media), DCT + "MediaType")
    t.add(dist, DCT + "format", N(EU_AUTHORITY + "file-type/" + file_type))
    t.typed(N(EU_AUTHORITY + "file-type/" + file_type), DCT + "MediaTypeOrExtent")
    t.add(N(EU_AUTHORITY + "file-type/" + file_type), SKOS + "inScheme", N(EU_AUTHORITY + "file-type"))
    t.add(dist, DCAT + "byteSize", L(size, datatype=XSD + "nonNegativeInteger"))
    own = N(EU_AUTHORITY + "licence/" + licence) if licence else N(LICENCE)
    t.add(dist, DCT + "license", own)
    if licence:
        t.typed(own, DCT + "LicenseDocument")
        t.add(own, RDFS + "label", L(f"{licence} licence", "en"))
    code = licence or LICENCE.rsplit("/", 1)[1]
    rights = N(idb + "rights/" + code.lower().replace("_", "-"))
    t.add(dist, DCT + "rights", rights)
    t.typed(rights, DCT + "RightsStatement")
    publisher = settings.catalogue["publisher"]["name"]
    for lang, text in sorted(RIGHTS[code].items()):
        t.add(rights, RDFS + "label", L(text.format(publisher=publisher.get(lang, publisher.get("en", ""))), lang))
    t.add(dist, DCT + "issued", release)
    t.add(dist, DCT + "modified", release)
    checksum = N(idb + "checksum/" + key)
    t.add(dist, SPDX + "checksum", checksum)
    t.typed(checksum, SPDX + "Checksum")
    t.add(checksum, SPDX + "algorithm", N(SPDX + "checksumAlgorithm_sha256"))
    t.add(checksum, SPDX + "checksumValue", L(digest, datatype=XSD + "hexBinary"))
    if compressed:
        t.add(dist, DCAT + "compressFormat", N(IANA_MEDIA + "application/gzip"))
        t.typed(N(IANA_MEDIA + "application/gzip"), DCT + "MediaType")


def _versions(t, settings: Settings, dataset, files: dict, history, publisher, contact) -> None:
    """The release's version, its notes, and the earlier releases as versions of the dataset."""
    current = history.release
    t.add(dataset, DCAT + "version", L(current.version))
    t.add(dataset, OWL + "versionInfo", L(current.version))
    notes = f"Release {current.version}: {current.triples} triples."
    if current.previous:
        c = current.changes
        notes += f" Against release {current.previous}: {c['added']} triples added, {c['removed']} removed"
        notes += ("; " + "; ".join(c["classes"])) if c["classes"] else ""
        notes += "."
    t.add(dataset, ADMS + "versionNotes", L(notes, "en"))
    cat = settings.catalogue
    for old in history.releases:
        version = N(dataset.value + "/" + old.version)
        if old.version == current.previous:
            t.add(dataset, DCAT + "previousVersion", version)
        t.add(dataset, DCAT + "hasVersion", version)
        t.add(dataset, DCT + "hasVersion", version)
        t.typed(version, DCAT + "Dataset")
        t.add(version, DCT + "isVersionOf", dataset)
        t.texts(version, DCT + "title", {lang: f"{title} ({old.version})" for lang, title in cat["title"].items()})
        t.texts(version, DCT + "description", cat["description"])
        t.add(version, DCT + "identifier", L(version.value))
        t.add(version, DCAT + "version", L(old.version))
        t.add(version, OWL + "versionInfo", L(old.version))
        t.add(version, DCT + "issued", L(old.date, datatype=XSD + "date"))
        t.add(version, DCT + "publisher", publisher)
        t.add(version, DCAT + "contactPoint", contact)
        t.add(version, DCT + "license", N(LICENCE))
        name = f"{ARCHIVE}/{old.version}/koko.nt.gz"
        if name in files:
            _distribution(t, settings, version, f"{old.version}-koko-nt-gz", name, files[name], "application/n-triples",
                          "RDF_N_TRIPLES", f"KOKO graph, release {old.version} (N-Triples, gzip)",
                          f"The whole KOKO graph as it was in release {old.version}, in N-Triples compressed with gzip.",
                          L(old.date, datatype=XSD + "date"), compressed=True)


@dataclass
class Stats:
    """Counts of a graph, for VoID and the run's summary."""

    triples: int = 0
    subjects: int = 0
    classes: Counter = field(default_factory=Counter)  # class IRI -> instances
    properties: Counter = field(default_factory=Counter)  # property IRI -> triples
    examples: tuple = ()
    mains: Counter | None = None  # main class IRI -> things (Counting.mains)


def _mains_of(subjects: list, classes: list) -> Counter:
    """main class term -> things, of the typing lines of whole things (their `subjects` and
    `classes` in line order): changes.main_class of each IRI's classes that are IRIs, without
    a loop over the things or a tuple a line (at 100,000 rows making 400,000 tuples alone took
    longer than all of this). A dict made from the lines backwards keeps each subject's
    first class; updated the same way from the lines of the project's own classes, its first
    own one."""
    if not (_all_iris(subjects) and _all_iris(classes)):  # a blank node or a literal among them
        lines = [(s, c) for s, c in zip(subjects, classes) if s[:1] == b"<" and c[:1] == b"<"]
        subjects, classes = [s for s, _ in lines], [c for _, c in lines]
    main = dict(zip(reversed(subjects), reversed(classes)))
    own_class = {c: OWN in c for c in set(classes)}  # a few classes, on many lines
    own = list(map(own_class.__getitem__, classes))
    main.update(zip(reversed(list(compress(subjects, own))), reversed(list(compress(classes, own)))))
    return Counter(main.values())


def _all_iris(terms: list) -> bool:
    """Whether every term is an IRI: then the least and the greatest begin with "<" (the
    terms that do not sort below or above all that do)."""
    return not terms or min(terms)[:1] == max(terms)[:1] == b"<"


OWN = OWN_CLASS.encode("utf-8")


class Counting:
    """Counts a graph from the parts of its lines, as sparql_rules.relevant_lines reads them
    a piece at a time: canonical N-Triples in their sorted order, so that one subject's lines
    come together and a subject is counted where it differs from the line before.

    It counts the things by their main class too (changes.main_class: the release's class
    counts), as changes.main_class_counts does from the typing lines' bytes, which the parent
    otherwise did on its own (0.56 s at 100,000 rows); tests/check/test_relevant_lines.py
    holds the two to the same counts."""

    def __init__(self):
        self.subjects = 0
        self.last_subject = b""
        self.examples: list = []
        self.properties: Counter = Counter()
        self.classes: Counter = Counter()
        self._mains: Counter | None = Counter()  # main class term -> things; None: not counted line by line
        self._held: tuple = ([], [])  # the typing lines (subjects, classes) of the thing the last piece ended in

    def add(self, predicates: list, classes: list, subjects: int, last_subject: bytes, typed: list = ()) -> None:
        """A piece's predicates (one a line), the objects of its rdf:type lines and (`typed`)
        their subjects, how many times the subject changed in it, and its last line's subject."""
        self.properties.update(predicates)
        self.classes.update(classes)
        self.subjects += subjects
        self.last_subject = last_subject
        if self._mains is not None and typed:
            held_subjects, held_classes = self._held
            if held_subjects:
                typed, classes = held_subjects + typed, held_classes + classes
            last, cut = typed[-1], len(typed) - 1
            while cut and typed[cut - 1] == last:  # its typing lines may go on in the next piece
                cut -= 1
            self._held = (typed[cut:], classes[cut:])
            self._mains.update(_mains_of(typed[:cut], classes[:cut]))

    def mains(self) -> Counter | None:
        """main class IRI -> things, once every line has been added; None where the counts
        were taken from the graph before (since)."""
        if self._mains is None:
            return None
        self._mains.update(_mains_of(*self._held))
        self._held = ([], [])
        return Counter({cls[1:-1].decode("utf-8"): n for cls, n in self._mains.items()})

    def state(self) -> dict:
        """The counts, for the next publish (check/delta.py keeps them in the release's record)."""
        return {"properties": {p.decode(): n for p, n in sorted(self.properties.items())},
                "classes": {c.decode(): n for c, n in sorted(self.classes.items())}, "subjects": self.subjects}

    def since(self, state, nt: bytes, change) -> bool:
        """Take the counts of the graph `nt` from those of the graph before `change` (`state`),
        instead of counting its lines: only the changed lines and their subjects' lines in `nt`
        are read. False, counting nothing, where `state` is not one (or a subject is a blank node)."""
        try:
            properties = Counter({p.encode(): int(n) for p, n in state["properties"].items()})
            classes = Counter({c.encode(): int(n) for c, n in state["classes"].items()})
            subjects = int(state["subjects"])
        except (TypeError, KeyError, AttributeError, ValueError):
            return False
        lines_of: Counter = Counter()  # subject -> lines added less lines removed
        for lines, sign in ((change.added, 1), (change.removed, -1)):
            for line in lines:
                subject, predicate, rest = line.split(b" ", 2)
                if subject.startswith(b"_:"):
                    return False
                properties[predicate] += sign
                if predicate == RDF_TYPE_TERM:
                    classes[rest[:-2]] += sign
                lines_of[subject] += sign
        for subject, more in lines_of.items():
            start, end = stretch_span(nt, subject[1:] + b" ")
            now = nt.count(b"\n", start, end)
            subjects += (now > 0) - (now - more > 0)
        self.properties, self.classes, self.subjects = +properties, +classes, subjects
        self._mains = None
        return True

    def stats(self, settings: Settings, nt: bytes) -> "Stats":
        stats = Stats()
        stats.triples = sum(self.properties.values())
        stats.properties = Counter({p[1:-1].decode(): n for p, n in self.properties.items()})
        stats.classes = Counter({c[1:-1].decode(): n for c, n in self.classes.items()})
        stats.subjects = self.subjects
        stats.mains = self.mains()
        stats.examples = tuple(settings.id_base + e for e in ("programme/koko", "area/kuopio", "municipality/297")
                               if _is_subject(nt, f"{settings.id_base}{e}"))
        return stats


def _is_subject(nt: bytes, iri: str) -> bool:
    """Whether a line of the canonical (sorted) N-Triples `nt` has `iri` as its subject: a
    binary search, not a pass over the bytes (at 1,000,000 rows each pass took 0.4 s)."""
    start, end = stretch_span(nt, f"{iri}> ".encode())
    return end > start


def void(settings: Settings, stats: Stats) -> list:
    """VoID: size, class and property partitions, examples, dumps and the endpoint if any."""
    t = _Triples()
    dataset = dataset_iri(settings)
    idb = settings.id_base
    t.typed(dataset, VOID + "Dataset")
    classes, properties = stats.classes, stats.properties
    t.add(dataset, VOID + "triples", L(stats.triples, datatype=XSD + "integer"))
    t.add(dataset, VOID + "entities", L(stats.subjects, datatype=XSD + "integer"))
    t.add(dataset, VOID + "distinctSubjects", L(stats.subjects, datatype=XSD + "integer"))
    t.add(dataset, VOID + "classes", L(len(classes), datatype=XSD + "integer"))
    t.add(dataset, VOID + "properties", L(len(properties), datatype=XSD + "integer"))
    t.add(dataset, VOID + "uriSpace", L(idb))
    t.add(dataset, VOID + "feature", N(FORMATS + "Turtle"))
    t.add(dataset, VOID + "feature", N(FORMATS + "N-Triples"))
    t.add(dataset, VOID + "feature", N(FORMATS + "JSON-LD"))
    for name in DUMPS:
        t.add(dataset, VOID + "dataDump", N(settings.download_base + name))
    if settings.sparql_endpoint:
        t.add(dataset, VOID + "sparqlEndpoint", N(settings.sparql_endpoint))
    vocabularies = sorted({_namespace(p) for p in properties} | {_namespace(c) for c in classes})
    for ns in vocabularies:
        t.add(dataset, VOID + "vocabulary", N(ns))
    for example in stats.examples:
        t.add(dataset, VOID + "exampleResource", N(example))
    for i, (cls, count) in enumerate(sorted(classes.items()), start=1):
        part = N(f"{idb}partition/class-{i:03d}")
        t.add(dataset, VOID + "classPartition", part)
        t.add(part, VOID + "class", N(cls))
        t.add(part, VOID + "entities", L(count, datatype=XSD + "integer"))
    for i, (prop, count) in enumerate(sorted(properties.items()), start=1):
        part = N(f"{idb}partition/property-{i:03d}")
        t.add(dataset, VOID + "propertyPartition", part)
        t.add(part, VOID + "property", N(prop))
        t.add(part, VOID + "triples", L(count, datatype=XSD + "integer"))
    return t


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def provenance(settings: Settings, built, input_files: dict) -> list:
    """PROV-O of the run: inputs with checksums, the software, and the source of each group.

    `input_files` maps a path relative to the data folder to its bytes. A statement group is
    what one input file contributed: it was derived from that file and from the sources its
    records cite.
    """
    t = _Triples()
    idb = settings.id_base
    release = settings.release_date.isoformat()
    dataset = dataset_iri(settings)
    run = N(f"{idb}run/{release}")
    software = N(f"{idb}software/koko-lod-{__version__}")
    t.typed(run, PROV + "Activity")
    t.add(run, RDFS + "label", L(f"koko publish, release {release}", "en"))
    t.add(run, PROV + "wasAssociatedWith", software)
    t.add(run, DCT + "date", L(release, datatype=XSD + "date"))
    t.typed(software, PROV + "SoftwareAgent")
    t.add(software, RDFS + "label", L(f"koko-lod {__version__}", "en"))
    t.add(software, N(OWL + "versionInfo"), L(__version__))
    t.typed(dataset, PROV + "Entity")
    t.add(dataset, PROV + "wasGeneratedBy", run)
    t.add(dataset, PROV + "generatedAtTime", L(release + "T00:00:00Z", datatype=XSD + "dateTime"))
    by_file: dict = {}
    relative: dict = {}
    for subject, place in built.subject_places.items():
        if place.file not in relative:
            relative[place.file] = _relative(place.file, settings.data_dir)
        by_file.setdefault(relative[place.file], set()).add(subject)
    for path, data in sorted(input_files.items()):
        entity = N(f"{idb}input/{release}/{path}")
        t.typed(entity, PROV + "Entity")
        t.add(entity, DCT + "title", L(path))
        t.add(run, PROV + "used", entity)
        t.add(dataset, PROV + "wasDerivedFrom", entity)
        checksum = N(f"{idb}checksum/input-{release}-{path.replace('/', '-')}")
        t.add(entity, SPDX + "checksum", checksum)
        t.typed(checksum, SPDX + "Checksum")
        t.add(checksum, SPDX + "algorithm", N(SPDX + "checksumAlgorithm_sha256"))
        t.add(checksum, SPDX + "checksumValue", L(sha256(data), datatype=XSD + "hexBinary"))
        subjects = by_file.get(path, set())
        if not subjects:
            continue
        group = N(f"{idb}statement-group/{release}/{path}")
        t.typed(group, PROV + "Entity")
        t.add(group, DCT + "isPartOf", dataset)
        t.add(group, PROV + "wasDerivedFrom", entity)
        t.add(group, PROV + "wasGeneratedBy", run)
        t.add(group, VOID + "entities", L(len(subjects), datatype=XSD + "integer"))
        for source in sorted({built.derived_from[s] for s in subjects if s in built.derived_from}):
            t.add(group, PROV + "wasDerivedFrom", N(source))
    return t


def _relative(file: str, data_dir) -> str:
    from pathlib import Path

    try:
        return Path(file).resolve().relative_to(Path(data_dir).resolve()).as_posix()
    except ValueError:
        return file


def input_files(data_dir) -> dict:
    """Every source file under the data folder, by its path relative to it."""
    from pathlib import Path

    root = Path(data_dir)
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)}


def coverage(settings: Settings, nt: bytes) -> tuple:
    """The regions the published KOKO areas lie in, with their names: a region an area states,
    and the regions its sub-regions and municipalities belong to by the classifications the
    graph holds. Read from the graph, so that the catalogue says what the data covers.

    The query reads only the lines `coverage_lines` picks, which answer it as the whole graph
    does (tests/release/test_coverage.py holds the two to the same answer)."""
    store = ox.Store()
    store.bulk_load(coverage_lines(settings, nt), format=ox.RdfFormat.N_TRIPLES)
    return coverage_in(settings, store)


def coverage_lines(settings: Settings, nt: bytes) -> bytes:
    """Every line of the canonical N-Triples `nt` that the coverage query can match: a line with one of
    its predicates, or typing a thing as a KOKO area or a region; of the names, only the
    regions' (the query reads no other, and a large graph names every project). Found by the
    C search of bytes rather than a Python loop over the lines: at 100,000 generated rows
    (1.6 million lines) the whole coverage took 0.96 s this way against 6.0 s by the loop, and
    0.44 s before the names were narrowed to the regions'; the regions' names are then read
    by subject, not found among the names of every project (0.07 s against 0.3 s).
    A needle inside a literal picks a whole line the query does not read, never a wrong one;
    a line picked twice is one triple."""
    kk = settings.vocab
    needles = [f" <{p}> ".encode() for p in (SCHEMA + "containedInPlace", SCHEMA + "containsPlace",
                                             kk + "memberPlace", kk + "parentPlace")]
    needles += [f" <{RDF}type> <{kk}{cls}> .".encode() for cls in ("KokoArea", "Region")]
    picked = []
    for needle in needles:
        picked += lines_holding(nt, needle)
    regions = {line.split(b" ", 1)[0] for line in lines_holding(nt, needles[-1])}  # a needle in a literal adds a subject too many
    label = f" <{SKOS}prefLabel> ".encode()
    for region in sorted(r for r in regions if r.startswith(b"<")):  # its lines, by a binary search of the sorted
        start, end = stretch_span(nt, region[1:] + b" ")               # graph: every project has a name
        picked += [line for line in nt[start:end].split(b"\n") if label in line]
    if any(not r.startswith(b"<") for r in regions):  # a blank node's lines are not where its label sorts
        picked += [line for line in lines_holding(nt, label) if line.split(b" ", 1)[0] in regions]
    return b"\n".join(picked) + b"\n"


def coverage_in(settings: Settings, store: ox.Store) -> tuple:
    """The coverage query over a store: ((region IRI, {language: name}), ...) by IRI."""
    kk = settings.vocab
    query = f"""SELECT ?r ?name WHERE {{
        {{ SELECT DISTINCT ?r WHERE {{ ?a a <{kk}KokoArea> .
            {{ ?a <{SCHEMA}containedInPlace> ?r }}
            UNION {{ ?a <{SCHEMA}containsPlace> ?p . ?m <{kk}memberPlace> ?p ; <{kk}parentPlace> ?r }}
            UNION {{ ?a <{SCHEMA}containsPlace> ?p . ?m <{kk}memberPlace> ?p ; <{kk}parentPlace> ?s .
                     ?n <{kk}memberPlace> ?s ; <{kk}parentPlace> ?r }}
            ?r a <{kk}Region> }} }}
        ?r <{SKOS}prefLabel> ?name }}"""
    names: dict = {}
    for row in store.query(query):  # a name a language: the first by code point where a region has more
        held = names.setdefault(row["r"].value, {})
        lang, name = row["name"].language, row["name"].value
        held[lang] = min(held.get(lang, name), name)
    return tuple(sorted(names.items()))
