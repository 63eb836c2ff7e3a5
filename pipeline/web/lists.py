"""The lists of the things of each kind: `/id/<kind>/` (the kind is the IRI's segment after
`id/`: area, municipality, ...), with a text filter, a sort and pages.

The kinds the site holds are listed from the graph index, by name in the page's language;
the large kinds (read from the store on request) are listed by key, a page at a time, from
the store. A page has at most MAX_PAGE_SIZE things.
"""

from __future__ import annotations

from collections import defaultdict

from ..config import LANGS
from .graph_index import GraphIndex
from .lazy import Lazy
from .search import fold

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
SORTS = ("name", "key")


_NORDIC = str.maketrans({"å": "z\U0010fff0", "ä": "z\U0010fff1", "ö": "z\U0010fff2", "æ": "z\U0010fff1",
                         "ø": "z\U0010fff2"})


def collation_key(text: str, lang: str) -> str:
    """Sort by name as the language's alphabet does: in Finnish and Swedish å, ä and ö come
    after z (Kökar after Kuusamo); in English they are a and o."""
    text = text.casefold()
    if lang in ("fi", "sv"):
        text = text.translate(_NORDIC)
    return fold(text)


def item(index: GraphIndex, iri: str, named: bool = True) -> dict:
    """A thing as a list shows it: its link, its key and its names (or its key, unnamed)."""
    key = iri.rsplit("/", 1)[-1]
    return {"iri": iri, "href": index.href(iri), "key": key,
            "names": index.names(iri) if named else {lang: key for lang in LANGS}}


class KindLists:
    """The things of each kind the index holds, grouped once, on first use."""

    def __init__(self, index: GraphIndex):
        self.index = index
        self._kinds = Lazy(self._grouped)

    def kinds(self) -> dict:
        """kind -> its IRIs (sorted), for the kinds the index holds."""
        return self._kinds.get()

    def _grouped(self) -> dict:
        grouped = defaultdict(list)
        for iri in self.index.things():
            grouped[self.index.kind(iri)].append(iri)
        return dict(sorted(grouped.items()))

    def counts(self) -> dict:
        """kind -> number of things, the large kinds included (near enough: as the index counted them)."""
        return {**{k: len(v) for k, v in self.kinds().items()}, **self.index.bulk}

    def names_of_kind(self, kind: str) -> dict:
        """The kind's name: its things' class in the model (the first koko class of its first thing)."""
        things = self.kinds().get(kind)
        if things:
            classes = sorted(t for t in self.index.types(things[0]) if t.startswith(self.index.vocab))
            if classes:
                return self.index.term_names(classes[0])
        return {lang: kind for lang in LANGS}

    def page(self, kind: str, lang: str, query: str = "", sort: str = "name", number: int = 1,
             size: int = PAGE_SIZE) -> dict | None:
        """One page of a held kind's list (None for a kind the index does not hold)."""
        things = self.kinds().get(kind)
        if things is None:
            return None
        items = [item(self.index, iri) for iri in things]
        q = fold(query)
        if q:
            items = [i for i in items if q in fold(" ".join([i["key"], *i["names"].values()]))]
        if sort == "name":
            items.sort(key=lambda i: (collation_key(i["names"][lang], lang), i["key"]))
        return paged(items, len(things), number, size)


def paged(items: list, count: int, number: int, size: int, more: bool | None = None) -> dict:
    """A page of `items` (all of them, or only this page's when `more` is given)."""
    if more is None:
        pages = max(1, -(-len(items) // size))
        number = min(max(1, number), pages)
        shown = items[(number - 1) * size:number * size]
        return {"items": shown, "count": count, "matching": len(items), "page": number, "pages": pages, "size": size,
                "more": number < pages}
    return {"items": items, "count": count, "matching": None, "page": number, "pages": None, "size": size, "more": more}
