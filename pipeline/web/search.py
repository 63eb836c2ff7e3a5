"""Search over the names of the things a served release holds: `/search?q=`.

Every name and label of a thing, in any language, and the key at the end of its IRI, is
folded (case, accents, hyphens): `sibbo` finds Sipoo/Sibbo and `lansi-uusimaa` finds
Länsi-Uusimaa. Hits rank an exact name, then an exact key, then a prefix (of a name or of a
word in it), then a name that contains the query; the closest (shortest) name first within a rank.
The index is built once per release; a query is bounded in length and in hits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from ..config import LANGS
from .graph_index import LABEL_PROPERTIES, GraphIndex
from .lazy import Lazy

MAX_QUERY = 200  # characters of a query; a longer one is refused (400)
MAX_HITS = 50  # hits of one answer
_SEPARATORS = re.compile(r"[\s\-_‐-―/.,;:()]+")


def fold(text: str) -> str:
    """A text as the search compares it: no accents (nonspacing marks after NFKD) and no
    invisible format characters (a BOM, a soft hyphen), no case, one space between words. The
    pages' script (fold.js, kokoFold) folds the same way."""
    if text.isascii():  # (most names and every key: NFKD keeps ASCII as it is, and holds neither kind of character)
        plain = text
    else:
        plain = "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) not in ("Mn", "Cf"))
    return _SEPARATORS.sub(" ", plain.casefold()).strip()


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str  # the kind in its IRI: area, municipality, ...
    rank: int  # 0 exact name, 1 exact key, 2 prefix, 3 contains


class SearchIndex:
    """(folded term, IRI, whether the term is the IRI's key) of every thing of an index, built
    on first use."""

    def __init__(self, index: GraphIndex):
        self.index = index
        self._terms = Lazy(self._build)

    def terms(self) -> list:
        return self._terms.get()

    def _build(self) -> list:
        out = []
        labels = set(LABEL_PROPERTIES)
        for iri in self.index.things():
            names = {fold(o.value) for p, o in self.index.out[iri] if p in labels and isinstance(o, ox.Literal)}
            out.extend((f, iri, False) for f in sorted(names) if f)
            out.append((fold(iri.rstrip("/").rsplit("/", 1)[-1]), iri, True))
        return out

    def payload(self, kinds: dict) -> dict:
        """The index as the static site's search script reads it (search.js ranks as `search`
        does): each thing once [IRI, path, kind, names in LANGS order], each term
        [folded term, the thing's number, 1 if it is the key]; `kinds` names each kind."""
        numbers: dict = {}
        things, terms = [], []
        for term, iri, is_key in self.terms():
            if iri not in numbers:
                numbers[iri] = len(things)
                names = self.index.names(iri)
                things.append([iri, self.index.href(iri), self.index.kind(iri), [names[lang] for lang in LANGS]])
            terms.append([term, numbers[iri], int(is_key)])
        return {"max_query": MAX_QUERY, "max_hits": MAX_HITS, "langs": list(LANGS),
                "kinds": {kind: [names[lang] for lang in LANGS] for kind, names in sorted(kinds.items())},
                "things": things, "terms": terms}

    def search(self, query: str, limit: int = MAX_HITS) -> list[Hit]:
        """The best `limit` hits of a query, best first (then by kind and name)."""
        q = fold(query)
        if not q:
            return []
        best: dict = {}  # IRI -> (rank, length of the term it matched)
        for term, iri, is_key in self.terms():
            if term == q:
                rank = 1 if is_key else 0
            elif term.startswith(q) or f" {q}" in f" {term}":
                rank = 2
            elif q in term:
                rank = 3
            else:
                continue
            if (rank, len(term)) < best.get(iri, (4, 0)):
                best[iri] = (rank, len(term))
        kind = self.index.kind
        order = sorted(best, key=lambda iri: (best[iri], kind(iri), iri))
        return [Hit(iri, kind(iri), best[iri][0]) for iri in order[:limit]]
