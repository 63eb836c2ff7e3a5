"""HTML pages and per-IRI RDF for every thing in the published graph.

One renderer serves `koko serve` and the static site. A page carries its text in Finnish,
Swedish and English; the reader's language (Accept-Language, ?lang=, or the switch) is shown
and the others hidden by CSS, so a static copy needs no server to switch languages.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import serialize
from .query import with_prologue
from .config import PACKAGE_ROOT, Settings
from .labels import LANGS, STANDARD, UI
from .vocab import DCT, OWL, RDF, RDFS, SCHEMA, SKOS, VCARD

LABEL_PROPERTIES = (SKOS + "prefLabel", VCARD + "fn", DCT + "title", RDFS + "label", SCHEMA + "text")
QUERIES_DIR = PACKAGE_ROOT / "queries"

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
header{display:flex;gap:1rem;align-items:center;border-bottom:1px solid #ccc;padding:.6rem 0;flex-wrap:wrap}
header .brand{font-weight:700;text-decoration:none;color:#003580}
header nav{display:flex;gap:.8rem;flex:1}
.langs button{border:1px solid #999;background:#fff;border-radius:3px;cursor:pointer}
html[data-lang=fi] .langs button[value=fi],html[data-lang=sv] .langs button[value=sv],html[data-lang=en] .langs button[value=en]{background:#003580;color:#fff}
html[data-lang=fi] .t:not(:lang(fi)),html[data-lang=sv] .t:not(:lang(sv)),html[data-lang=en] .t:not(:lang(en)){display:none}
.iri{font-family:monospace;font-size:.85rem;color:#555;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid #e4e4e4;padding:.35rem .5rem}
th{width:30%;font-weight:600}
.lang{font-size:.75rem;color:#777;margin-left:.25rem}
pre{background:#f5f5f5;padding:.6rem;overflow:auto}
.result{overflow:auto}
"""

SCRIPT = """
document.querySelectorAll('.langs button').forEach(function(b){b.addEventListener('click',function(){
 document.documentElement.dataset.lang=b.value;document.documentElement.lang=b.value;
 try{localStorage.setItem('koko-lang',b.value)}catch(e){}})});
if(!document.documentElement.dataset.fixed){try{var l=localStorage.getItem('koko-lang');
 if(l){document.documentElement.dataset.lang=l;document.documentElement.lang=l}}catch(e){}}
"""

QUERY_SCRIPT = """
function kokoRun(form){var out=form.querySelector('.result');var q=form.querySelector('textarea').value;
 out.textContent='…';
 fetch(form.dataset.endpoint,{method:'POST',headers:{'Content-Type':'application/sparql-query','Accept':'application/sparql-results+json'},body:q})
 .then(function(r){if(!r.ok){return r.text().then(function(t){throw new Error(r.status+' '+t)})}return r.json()})
 .then(function(j){var t=document.createElement('table');var h=t.insertRow();
  if(j.boolean!==undefined){out.textContent=String(j.boolean);return}
  j.head.vars.forEach(function(v){var c=document.createElement('th');c.textContent=v;h.appendChild(c)});
  j.results.bindings.forEach(function(b){var r=t.insertRow();j.head.vars.forEach(function(v){
   var c=r.insertCell();if(b[v]){c.textContent=b[v].value}})});
  out.textContent='';out.appendChild(t);var n=document.createElement('p');
  n.className='rows';n.textContent=j.results.bindings.length+' rows';out.appendChild(n)})
 .catch(function(e){out.textContent=String(e)});return false}
(function(){var m=location.hash.match(/^#run-(.+)$/);var f=m&&document.getElementById('q-'+m[1]);if(f){kokoRun(f)}})();
"""


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass
class Site:
    settings: Settings
    out: dict = field(default_factory=lambda: defaultdict(list))  # subject -> [(p, o)]
    inc: dict = field(default_factory=lambda: defaultdict(list))  # object IRI -> [(s, p)]
    ontology: dict = field(default_factory=lambda: defaultdict(list))  # term -> [(p, o)]
    endpoint: str = "/sparql"

    @classmethod
    def from_output(cls, out_dir: Path, settings: Settings, endpoint: str = "/sparql") -> "Site":
        return cls.from_triples(ox.parse(path=str(out_dir / "koko.nt"), format=ox.RdfFormat.N_TRIPLES),
                                ox.parse(path=str(out_dir / "ontology.ttl"), format=ox.RdfFormat.TURTLE),
                                settings, endpoint)

    @classmethod
    def from_triples(cls, triples, ontology_triples, settings: Settings, endpoint: str = "/sparql") -> "Site":
        site = cls(settings, endpoint=endpoint)
        for t in triples:
            site.add(t.subject, t.predicate, t.object)
        for t in ontology_triples:
            if isinstance(t.subject, ox.NamedNode):
                site.ontology[t.subject.value].append((t.predicate.value, t.object))
        return site

    def add(self, s, p, o) -> None:
        self.out[s.value].append((p.value, o))
        if isinstance(o, ox.NamedNode):
            self.inc[o.value].append((s.value, p.value))

    # -- IRIs and paths ------------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.settings.base_iri

    def things(self) -> list:
        """Every IRI of the graph under {base}id/, the ones that get a page."""
        return sorted(s for s in self.out if s.startswith(self.base + "id/"))

    def iri_for(self, path: str) -> str | None:
        iri = self.base + path.lstrip("/")
        return iri if iri in self.out and iri.startswith(self.base + "id/") else None

    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            local = iri[len(self.base):]
            if local.startswith("def/koko#"):
                return "/def/koko#" + local.split("#", 1)[1]
            return "/" + local
        return iri

    # -- labels --------------------------------------------------------------------------
    def names(self, iri: str) -> dict:
        """Language -> name of a thing, every language filled (fi, then en, then sv, then any)."""
        found: dict = {}
        for p in LABEL_PROPERTIES:
            for pred, o in self.out.get(iri, []) + self.ontology.get(iri, []):
                if pred == p and isinstance(o, ox.Literal):
                    found.setdefault(o.language or "", o.value)
            if found:
                break
        if not found and iri in STANDARD:
            found = dict(zip(LANGS, STANDARD[iri]))
        if not found:
            notation = [o.value for p, o in self.out.get(iri, []) if p == SKOS + "notation"]
            found = {"": notation[0] if notation else _tail(iri)}
        best = [found.get(k) for k in ("fi", "en", "sv", "")] + list(found.values())
        fallback = next(v for v in best if v)
        return {lang: found.get(lang) or fallback for lang in LANGS}

    def term_names(self, iri: str) -> dict:
        if iri in STANDARD:
            return dict(zip(LANGS, STANDARD[iri]))
        return self.names(iri)

    def texts(self, by_lang: dict, tag: str = "span") -> str:
        return "".join(f'<{tag} class="t" lang="{lang}">{esc(by_lang[lang])}</{tag}>' for lang in LANGS)

    # -- pages ---------------------------------------------------------------------------
    def layout(self, title: dict, body: str, lang: str, fixed: bool, alternates: str = "") -> str:
        nav = "".join(f'<a href="{href}">{self.texts(dict(zip(LANGS, UI[key])))}</a>'
                      for href, key in (("/", "home"), ("/query", "query"), ("/def/koko", "ontology")))
        buttons = "".join(f'<button type="button" value="{code}">{code}</button>' for code in LANGS)
        return (f'<!doctype html>\n<html lang="{lang}" data-lang="{lang}"{" data-fixed=1" if fixed else ""}>'
                f'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">'
                f"<title>{esc(title[lang])} – KOKO</title>{alternates}<style>{STYLE}</style></head>"
                f'<body><header><a class="brand" href="/">KOKO</a><nav>{nav}</nav><span class="langs">{buttons}</span></header>'
                f"<main>{body}</main><script>{SCRIPT}</script></body></html>\n")

    def page(self, iri: str, lang: str = "fi", fixed: bool = False) -> str:
        names = self.names(iri)
        rows = []
        for p, values in _group(self.out.get(iri, [])):
            if p == RDF + "type":
                continue
            cells = "<br>".join(self.value(o) for o in sorted(values, key=_sort_key))
            rows.append(f'<tr><th title="{esc(p)}"><a href="{esc(self.href(p))}">{self.texts(self.term_names(p))}</a></th><td>{cells}</td></tr>')
        types = ", ".join(f'<a href="{esc(self.href(o.value))}">{self.texts(self.term_names(o.value))}</a>'
                          for p, o in sorted(self.out.get(iri, []), key=lambda x: str(x[1])) if p == RDF + "type")
        incoming = []
        for s, p in sorted(self.inc.get(iri, [])):
            if s.startswith(self.base + "id/statement/"):
                continue
            incoming.append(f'<tr><td><a href="{esc(self.href(s))}">{self.texts(self.names(s))}</a></td>'
                            f"<td>{self.texts(self.term_names(p))}</td></tr>")
        local = self.href(iri)
        downloads = " · ".join(f'<a href="{esc(local)}.{ext}" type="{media}">{label}</a>'
                               for ext, media, label in (("ttl", "text/turtle", "Turtle"),
                                                         ("jsonld", "application/ld+json", "JSON-LD"),
                                                         ("nt", "application/n-triples", "N-Triples")))
        body = (f"<h1>{self.texts(names)}</h1><p class=\"iri\">{esc(iri)}</p><p>{types}</p>"
                f"<table>{''.join(rows)}</table>")
        if incoming:
            body += (f"<h2>{self.texts(dict(zip(LANGS, UI['referenced'])))}</h2>"
                     f"<table>{''.join(incoming)}</table>")
        body += f"<p>{self.texts(dict(zip(LANGS, UI['download'])))}: {downloads}</p>"
        alternates = "".join(f'<link rel="alternate" type="{m}" href="{esc(local)}.{e}">'
                             for e, m in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")))
        return self.layout(names, body, lang, fixed, alternates)

    def value(self, o) -> str:
        if isinstance(o, ox.NamedNode):
            iri = o.value
            if iri.startswith(("mailto:", "tel:")):
                return f'<a href="{esc(iri)}">{esc(iri.split(":", 1)[1])}</a>'
            if iri in self.out or iri in self.ontology or iri.startswith(self.base):
                return f'<a href="{esc(self.href(iri))}">{self.texts(self.names(iri))}</a>'
            return f'<a href="{esc(iri)}">{esc(iri)}</a>'
        text = esc(o.value)
        if o.language:
            return f'{text}<span class="lang">{esc(o.language)}</span>'
        return text

    def rdf(self, iri: str, fmt: str) -> bytes:
        nt = serialize.nt_of([ox.Triple(ox.NamedNode(iri), ox.NamedNode(p), o) for p, o in self.out.get(iri, [])])
        if fmt == "ttl":
            return serialize.to_turtle(nt, self.base, only_used=True)
        if fmt == "nt":
            return nt
        return serialize.to_jsonld(nt, self.base, context_url=self.settings.download_base + "context.jsonld")

    # -- landing, query and vocabulary pages -----------------------------------------------
    def landing(self, lang: str = "fi", fixed: bool = False, downloads: tuple = ()) -> str:
        cat = self.settings.catalogue
        files = "".join(f'<li><a href="/download/{esc(n)}">{esc(n)}</a></li>' for n in downloads)
        body = (f"<h1>{self.texts(cat['title'])}</h1><p>{self.texts(cat['description'])}</p>"
                f"<p>{self.texts(dict(zip(LANGS, UI['licence'])))}: "
                f'<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a></p>'
                f"<h2>{self.texts(dict(zip(LANGS, UI['download'])))}</h2><ul>{files}</ul>"
                f'<p><a href="{esc(self.href(self.base + "id/programme/koko"))}">{self.texts(self.names(self.base + "id/programme/koko"))}</a> · '
                f'<a href="/def/koko">{self.texts(dict(zip(LANGS, UI["ontology"])))}</a></p>'
                f"<h2>{self.texts(dict(zip(LANGS, UI['examples'])))}</h2>{self.example_forms()}")
        return self.layout(cat["title"], body, lang, fixed)

    def example_forms(self) -> str:
        forms = []
        for path in sorted(QUERIES_DIR.glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            comment = " ".join(line[1:].strip() for line in text.splitlines() if line.startswith("#"))
            body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
            forms.append(self.query_form(comment, with_prologue(body, self.base), path.stem))
        return "".join(forms) + f"<script>{QUERY_SCRIPT}</script>"

    def query_form(self, comment: str, text: str, name: str) -> str:
        run = self.texts(dict(zip(LANGS, UI["run"])))
        if not self.endpoint:
            return f'<section><p>{esc(comment)}</p><pre>{esc(text)}</pre></section>'
        return (f'<form id="q-{esc(name)}" data-endpoint="{esc(self.endpoint)}" onsubmit="return kokoRun(this)">'
                f'<p>{esc(comment)}</p><textarea name="query" rows="{min(14, text.count(chr(10)) + 2)}" cols="100">{esc(text)}</textarea>'
                f'<p><button type="submit">{run}</button></p><div class="result"></div></form>')

    def query_page(self, lang: str = "fi", fixed: bool = False) -> str:
        start = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"
        body = (f"<h1>{self.texts(dict(zip(LANGS, UI['query'])))}</h1>"
                f"<p>SPARQL 1.1: <code>{esc(self.endpoint or '(no endpoint)')}</code></p>"
                f"{self.query_form('', start, 'free')}<script>{QUERY_SCRIPT}</script>")
        return self.layout(dict(zip(LANGS, UI["query"])), body, lang, fixed)

    def ontology_page(self, lang: str = "fi", fixed: bool = False) -> str:
        ns = self.base + "def/koko#"
        sections = []
        for kind, key in ((OWL + "Class", "classes"), (None, "properties")):
            items = []
            for term in sorted(t for t in self.ontology if t.startswith(ns)):
                types = {o.value for p, o in self.ontology[term] if p == RDF + "type"}
                is_class = OWL + "Class" in types
                if (kind and not is_class) or (not kind and not types & {OWL + "ObjectProperty", OWL + "DatatypeProperty"}):
                    continue
                comments = {o.language: o.value for p, o in self.ontology[term] if p == RDFS + "comment"}
                parents = [o.value for p, o in self.ontology[term] if p in (RDFS + "subClassOf", RDFS + "subPropertyOf")]
                local = term[len(ns):]
                items.append(f'<dt id="{esc(local)}"><code>koko:{esc(local)}</code> — {self.texts(self.names(term))}</dt>'
                             f"<dd>{self.texts({k: comments.get(k, '') for k in LANGS})}"
                             + "".join(f' <span class="iri">⊑ {esc(p)}</span>' for p in parents) + "</dd>")
            sections.append(f"<h2>{self.texts(dict(zip(LANGS, UI[key])))}</h2><dl>{''.join(items)}</dl>")
        title = self.names(self.base + "def/koko")
        body = (f"<h1>{self.texts(title)}</h1><p class=\"iri\">{esc(ns)}</p>"
                f'<p><a href="/download/ontology.ttl">ontology.ttl</a></p>{"".join(sections)}')
        return self.layout(title, body, lang, fixed)


def _group(pairs):
    grouped: dict = defaultdict(list)
    for p, o in pairs:
        grouped[p].append(o)
    return sorted(grouped.items())


def _sort_key(term) -> tuple:
    return (getattr(term, "language", "") or "", str(term))


def _tail(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1] or iri


def pick_language(accept_language: str, requested: str | None = None) -> str:
    """fi, sv or en: ?lang= first, then the Accept-Language header by q-value, else fi."""
    if requested in LANGS:
        return requested
    best, best_q = "fi", -1.0
    for part in (accept_language or "").split(","):
        bits = part.strip().split(";")
        tag = bits[0].strip().lower().split("-")[0]
        q = 1.0
        for b in bits[1:]:
            if b.strip().startswith("q="):
                try:
                    q = float(b.strip()[2:])
                except ValueError:
                    q = 0.0
        if tag in LANGS and q > best_q:
            best, best_q = tag, q
    return best
