"""A runner for the W3C SPARQL Protocol test manifests that checks what each test expects:
the status class (`mf:expectedStatus`, `ht:statusCodeValue`), the ASK answer
(`mf:expectedBoolean`) and the kind of result format (`mf:expectedFormat`).

A test applies to a read-only query service unless it needs an update to succeed; it needs
the suite's data when its answer depends on the graphs it names (`ut:graphData`). Requests go
to 127.0.0.1 only: the manifest's paths start with `/sparql`, which is replaced by the
endpoint's own.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import requests
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"),
    "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples", "text/plain", "application/ld+json",
            "application/n-quads", "text/html", "application/xhtml+xml"),
}
#: Tests whose answer depends on the suite's data in named graphs (the others ask `ASK {}` or
#: check only the status and format, whatever the store holds).
NEEDS_DATA = {"query_dataset_default_graphs_get", "query_dataset_default_graphs_post", "query_dataset_full",
              "query_dataset_named_graphs_get", "query_dataset_named_graphs_post", "query_multiple_dataset",
              "query_post_form_dataset", "query_dataset_default_graph"}


@dataclass
class Step:
    method: str
    path: str
    headers: dict
    body: bytes | None
    statuses: tuple  # "2", "3", "4": the status classes allowed
    boolean: bool | None
    fmt: str | None


@dataclass
class ProtocolTest:
    name: str
    steps: list
    graphs: dict = field(default_factory=dict)  # graph IRI -> data file

    @property
    def updates(self) -> bool:
        """Whether it needs an update to succeed: then it does not apply to a read-only service."""
        return any(_is_update(s) and "2" in s.statuses for s in self.steps)


def _is_update(step: Step) -> bool:
    body = (step.body or b"").decode("utf-8", "replace")
    ctype = step.headers.get("content-type", "")
    return "update=" in step.path or body.startswith("update=") or "sparql-update" in ctype


def read_manifest(path: Path) -> list:
    g = Graph().parse(path, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for node in Collection(g, g.value(manifest, MF.entries)):
        steps = []
        for request in Collection(g, g.value(g.value(node, MF.action), HT.requests)):
            headers = {}
            listed = g.value(request, HT.headers)
            for header in (Collection(g, listed) if listed is not None else []):
                headers[str(g.value(header, HT.fieldName)).lower()] = str(g.value(header, HT.fieldValue))
            body = g.value(request, HT.body)
            data = None
            if body is not None:
                encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8")
                data = str(g.value(body, CNT.chars)).encode(encoding)
            response = g.value(request, HT.resp)
            statuses = {str(o).rsplit("StatusCode", 1)[-1][0] for o in g.objects(response, MF.expectedStatus)}
            statuses |= {str(o)[0] for o in g.objects(response, HT.statusCodeValue)}
            boolean = g.value(response, MF.expectedBoolean)
            fmt = g.value(response, MF.expectedFormat)
            steps.append(Step(str(g.value(request, HT.methodName)), str(g.value(request, HT.absolutePath)), headers, data,
                              tuple(sorted(statuses)), None if boolean is None else boolean.toPython(),
                              None if fmt is None else str(fmt)))
        graphs = {str(g.value(d, RDFS.label)): urlparse(str(g.value(d, UT.graph))).path
                  for d in g.objects(node, UT.graphData)}
        tests.append(ProtocolTest(str(node).rsplit("#", 1)[1], steps, graphs))
    return tests


def run(test: ProtocolTest, base_url: str, endpoint_path: str = "/sparql") -> list:
    """The ways the answers differ from the expectations; [] when the test passes."""
    wrong = []
    for step in test.steps:
        path = re.sub(r"^/sparql/?", endpoint_path, step.path)
        try:
            r = requests.request(step.method, base_url + path, headers=step.headers, data=step.body, timeout=30,
                                 allow_redirects=False)
        except requests.RequestException as exc:
            return [f"{step.method} {path}: {type(exc).__name__}"]
        if step.statuses and str(r.status_code)[0] not in step.statuses:
            wrong.append(f"{step.method} {path}: status {r.status_code}, expected {'/'.join(s + 'xx' for s in step.statuses)}"
                         f" ({r.text[:120]!r})")
            continue
        media = r.headers.get("Content-Type", "").split(";")[0].strip()
        if step.fmt is not None and media not in FORMATS[step.fmt]:
            wrong.append(f"{step.method} {path}: {media or 'no media type'} is not a {step.fmt} format")
        if step.boolean is not None:
            found = _boolean(r.content, media)
            if found is not step.boolean:
                wrong.append(f"{step.method} {path}: ASK answered {found}, expected {step.boolean}")
    return wrong


def _boolean(body: bytes, media: str):
    try:
        if media.endswith("+json"):
            return json.loads(body)["boolean"]
        if media.endswith("+xml"):
            found = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
            return None if found is None else found.text.strip() == "true"
    except (ValueError, KeyError, ET.ParseError):
        return None
    return None
