"""The pages' Jinja2 templates: the shipped ones, and a steward's folder that overrides them.

Every page is rendered from a template with autoescaping on, so a value from the graph is
always escaped. A steward's folder (`--templates DIR`, or `templates:` in data/dataset.yaml)
is searched first, file by file: a `footer.html` there replaces the (empty) shipped footer,
a `style.css` the shipped style. A steward's template can extend a shipped one by its
`koko/` name (`{% extends "koko/base.html" %}`) and override only some blocks.
"""

from __future__ import annotations

import hashlib
import io
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..config import LANGS, cache_dir
from ..errors import Code, InputError, Place, Problem
from ..files import write_atomic
from ..i18n import Msg
from ..sources.readers import display_path
from .labels import UI
from .maps import HEIGHT, WIDTH

SHIPPED = Path(__file__).resolve().parent / "templates"
#: The templates the pages are rendered from; each is compiled up front, so a broken
#: template stops a run before anything is written.
PAGES = ("page.html", "landing.html", "query.html", "vocabulary.html", "changes.html", "gone.html", "search.html",
         "error.html", "list.html")


def texts(names: dict, tag: str = "span") -> Markup:
    """A text in every language, each in an element of its own; the page's CSS shows one."""
    return _texts(tuple(names[lang] for lang in LANGS), tag)


@lru_cache(maxsize=65536)  # the same names recur on many pages: each is escaped once
def _texts(values: tuple, tag: str) -> Markup:
    return Markup("".join(f'<{tag} class="t" lang="{lang}">{escape(text)}</{tag}>' for lang, text in zip(LANGS, values)))


def value(v: dict) -> Markup:
    """One value of a property (see views.value): a thing by its name, an e-mail or phone
    link, another web address, or a literal with its language tag."""
    kind = v["kind"]
    if kind == "thing":
        return Markup(f'<a href="{escape(v["href"])}">{texts(v["names"])}</a>')
    if kind == "contact":
        return Markup(f'<a href="{escape(v["href"])}">{escape(v["text"])}</a>')
    if kind == "link":
        return Markup(f'<a href="{escape(v["href"])}">{escape(v["href"])}</a>')
    lang = f'<span class="lang">{escape(v["lang"])}</span>' if v.get("lang") else ""
    return Markup(f"{escape(v['text'])}{lang}")


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in the cache folder, so that a run does not compile them again.
    Jinja2 keys an entry by the template's name and file, and uses it only while the source's
    checksum and the Python version match; the folder's name adds this module's code and
    Jinja2's version, which set how a template compiles. An entry that cannot be read or
    written is compiled again."""

    def __init__(self):
        key = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
        self.folder = cache_dir("templates") / key

    def load_bytecode(self, bucket) -> None:
        try:
            bucket.load_bytecode(io.BytesIO((self.folder / bucket.key).read_bytes()))
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        out = io.BytesIO()
        bucket.write_bytecode(out)
        try:
            write_atomic(self.folder / bucket.key, out.getvalue())
        except OSError:
            pass  # no cache where the home folder is read-only: compiled again next time


class Templates:
    def __init__(self, folder: Path | None = None):
        if folder is not None and not folder.is_dir():
            raise InputError([Problem(Place(display_path(folder)), Msg('the templates folder does not exist'),
                                      Msg('give a folder of .html templates (see README.md, Restyling the pages)'), code=Code.FILE_NOT_FOUND)])
        self.folder = folder
        self._assets: dict = {}
        shipped = jinja2.FileSystemLoader(str(SHIPPED))
        own = [jinja2.FileSystemLoader(str(folder))] if folder is not None else []
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(own + [shipped, jinja2.PrefixLoader({"koko": shipped})]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            auto_reload=False, keep_trailing_newline=True, bytecode_cache=_Compiled())
        self.env.globals.update(langs=LANGS, ui=UI, asset=self.asset, t=texts, value=value, map_size=(WIDTH, HEIGHT))
        # the same as filters, which the shipped page templates use (`names|t`): a template calls a
        # filter directly, a global through the context's call, which was a seventh of a thing's page.
        # Not `asset`: Jinja2 folds a filter of a constant when it compiles, and the file is the steward's
        self.env.filters.update(t=texts, value=value)
        with _errors():
            self.pages = {name: self.env.get_template(name) for name in PAGES}

    def render(self, name: str, **context) -> str:
        with _errors():
            return self.pages[name].render(**context)

    def asset(self, name: str) -> Markup:
        """A stylesheet or script, inlined as it is (not parsed as a template); read once."""
        if name not in self._assets:
            with _errors():
                self._assets[name] = Markup(self.env.loader.get_source(self.env, name)[0])
        return self._assets[name]


@contextmanager
def _errors():
    """Turns a template's mistake into a source problem (exit 2) naming its file and line: any
    Jinja2 error, and any other error raised in a template that is not one of the shipped ones."""
    try:
        yield
    except Exception as exc:
        file, line = getattr(exc, "filename", None), getattr(exc, "lineno", 0) or 0
        if file is None:  # an error while rendering: the innermost template frame says where
            tb = exc.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename.endswith((".html", ".css", ".js")):
                    file, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
                tb = tb.tb_next
        own = file is not None and not Path(file).resolve().is_relative_to(SHIPPED)
        if not isinstance(exc, jinja2.TemplateError) and not own:
            raise
        if isinstance(exc, jinja2.TemplateNotFound):
            message = f"template {exc.name!r} not found"
        else:
            message = f"template error: {getattr(exc, 'message', None) or exc}"
        place = Place(display_path(Path(file)) if file else "templates", line)
        raise InputError([Problem(place, message, code=Code.TEMPLATE_ERROR)]) from None
