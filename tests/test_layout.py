"""The package's shape: one subpackage a stage, and no stage reaching into a later one."""

import ast
import re
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGE = ROOT / "pipeline"
#: The stages in the order the pipeline runs them; a stage may import only from its left.
STAGES = ("sources", "graph", "check", "web", "release", "remote")
#: Top-level modules every stage may import; they import no stage themselves.
SHARED = ("config", "errors", "files", "processes", "i18n", "progress")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path = ROOT) -> set:
    """Every pipeline module a file imports, at the top or inside a function."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("pipeline"):
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pipeline"))
    return found


def violations(path: Path, root: Path = ROOT) -> list:
    own = stage_of(module_name(path, root))
    wrong = []
    for target in sorted(imported(path, root)):
        stage = stage_of(target)
        if stage not in STAGES:
            continue
        if own in SHARED or (own in STAGES and STAGES.index(stage) > STAGES.index(own)):
            wrong.append(target)
    return wrong


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_the_folder_listing_shows_the_stages():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(STAGES) | {"i18n"}  # i18n: the texts for people, which every stage may say
    # a module beside the stages is the command line or one every stage may import (and that
    # imports none): a new one is declared in SHARED, so the import rule holds it
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__", "cli"}
    assert top <= set(SHARED), top - set(SHARED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_stage_imports_a_later_stage(path):
    assert violations(path) == [], f"{module_name(path)} imports a later stage"


def test_a_later_import_is_caught(tmp_path):
    """The check above sees an import written as the code writes them, inside a function too."""
    probe = tmp_path / "pipeline" / "graph" / "build.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from ..web.pages import Site\n    from ..sources.load import load\n")
    assert violations(probe, tmp_path) == ["pipeline.web.pages", "pipeline.web.pages.Site"]
    config = tmp_path / "pipeline" / "config.py"
    config.write_text("from .sources.readers import read_yaml\n")
    assert violations(config, tmp_path) == ["pipeline.sources.readers", "pipeline.sources.readers.read_yaml"]


def test_tests_mirror_the_layout():
    tests = ROOT / "tests"
    assert {p.name for p in tests.iterdir() if p.is_dir() and p.name in STAGES} == set(STAGES)


def definitions(path: Path) -> dict:
    """Module-level names of a file: name -> the AST node that defines it."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found[node.name] = node
        elif isinstance(node, ast.Assign):
            found.update((t.id, node) for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found[node.target.id] = node
    return found


#: Constants a module may keep under a name another module also uses: a local alias of
#: pyoxigraph's NamedNode, and each module's own logger.
LOCAL_NAMES = {"N", "LOG"}


def repeated(paths) -> dict:
    """What the package writes twice: a public constant (UPPER_CASE) or class defined under one
    name in more than one module, and a function whose body is written out again under its name."""
    constants, functions = {}, {}
    for path in paths:
        for name, node in definitions(path).items():
            if isinstance(node, ast.FunctionDef):
                body = ast.dump(ast.Module(body=node.body, type_ignores=[]))
                functions.setdefault((name, body), []).append(path.as_posix())
            elif (name.isupper() or isinstance(node, ast.ClassDef)) and not name.startswith("_") and name not in LOCAL_NAMES:
                constants.setdefault(name, []).append(path.as_posix())
    twice = {name: where for name, where in constants.items() if len(where) > 1}
    twice.update({name: where for (name, _), where in functions.items() if len(where) > 1})
    return twice


def test_nothing_is_defined_twice():
    assert repeated(MODULES) == {}


def test_a_repeated_definition_is_caught(tmp_path):
    (tmp_path / "a.py").write_text("DIGITS = {1: 2}\ndef f(x):\n    return x + 1\nclass Table:\n    pass\n")
    (tmp_path / "b.py").write_text("DIGITS = {1: 2}\ndef f(y):\n    return y + 1\ndef g(x):\n    return x + 1\n")
    (tmp_path / "c.py").write_text("def f(x):\n    return x + 1\nclass Table:\n    pass\n")
    found = repeated([tmp_path / n for n in ("a.py", "b.py", "c.py")])
    assert set(found) == {"DIGITS", "f", "Table"} and len(found["f"]) == 2  # a and c: the same body under one name


#: Web addresses the package may spell out beside graph/vocab.py: they name no vocabulary.
ADDRESSES = {
    "config.py": ("https://w3id.org/koko-lod/",),  # the default base IRI
    "remote/fetch_reference.py": ("https://data.stat.fi/api/",),  # Statistics Finland's classification API
    "web/maps.py": ("http://www.w3.org/2000/svg",),  # an XML namespace of the map's SVG
    "release/tables.py": ("https://creativecommons.org/licenses/by/4.0/",),  # the tables' licence, as CSVW names it
    "web/vendor/update.py": ("https://registry.npmjs.org/",),  # where the maintainers' script fetches YASGUI
}


def _web_addresses(path: Path) -> list:
    """The string constants of a module that are web addresses (more than a bare scheme)."""
    return [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and re.match(r"https?://[^/\s]", node.value)]


def test_namespaces_are_spelled_out_only_in_vocab():
    """Every vocabulary address is written once, in graph/vocab.py; a module that spells one
    out, or any part of one (EU + "country/FIN"), is caught by reading its string constants."""
    for path in MODULES:
        where = path.relative_to(PACKAGE).as_posix()
        if where == "graph/vocab.py":
            continue
        allowed = ("http://127.0.0.1:", *ADDRESSES.get(where, ()))  # the local servers koko starts
        spelled = [a for a in _web_addresses(path) if not a.startswith(allowed)]
        assert spelled == [], f"{where} spells out {spelled}; name them in graph/vocab.py"


def test_a_spelled_out_namespace_is_caught(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('EU = "http://publications.europa.eu/resource/authority/"\nX = f"http://{host}/"\n', encoding="utf-8")
    assert _web_addresses(module) == ["http://publications.europa.eu/resource/authority/"]


def test_no_reference_to_documents_the_repository_does_not_have():
    for path in MODULES:
        for doc in ("DESIGN.md",):
            assert doc not in path.read_text(encoding="utf-8") or (ROOT / doc).exists(), path
