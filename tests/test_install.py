"""koko as a user installs it: the wheel, built from the project's files, installed into a fresh
virtual environment and run from a folder that holds only a copy of data/ (no checkout). It
must check, publish and serve exactly as the checkout does.

Nothing is downloaded: the wheel is built without build isolation (setuptools from .venv) and
installed without its dependencies, which the fresh environment finds in .venv's
site-packages through a .pth file (a plain path entry: .venv's editable koko is not loaded),
with the programs they install (the Oxigraph server) linked into its bin/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import requests
import yaml
from helpers import BROKEN, DATA, RELEASE, ROOT, contents
from servers.koko import KokoServe

pytestmark = pytest.mark.slow  # builds a wheel and a virtual environment

#: What the wheel is built from: the files a clean clone has that packaging reads.
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE", "pipeline", "ontology", "shapes", "queries")
BASE = "https://w3id.org/koko-lod/"
DEPENDENCY_PROGRAMS = ("oxigraph",)


class Installed:
    def __init__(self, env: Path):
        self.env = env
        self.koko = env / "bin" / "koko"
        self.python = env / "bin" / "python"
        found = subprocess.run([str(self.python), "-c", "import pipeline, sys; print(pipeline.__file__)"],
                               capture_output=True, text=True, timeout=60, cwd=env)
        self.package = Path(found.stdout.strip()).parent

    def run(self, *args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
        environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        return subprocess.run([str(self.koko), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                              env=environ)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    source.mkdir()
    for name in PROJECT_FILES:
        path = ROOT / name
        if path.is_dir():  # links kept as links: pipeline/resources/ points at the top-level folders
            # compiled catalogues are never committed: the wheel's build makes its own
            shutil.copytree(path, source / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copyfile(path, source / name)
    wheels = root / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "--no-index", "-w", str(wheels), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "Deprecat" not in built.stderr, built.stderr  # `project.license` and the rest as setuptools wants them
    wheel, = wheels.glob("koko_lod-*.whl")
    env = root / "env"
    venv.create(env, with_pip=False)
    target = subprocess.run([str(env / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, timeout=60).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(target, "koko-dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(deps)), encoding="utf-8")
    for program in DEPENDENCY_PROGRAMS:  # what the dependencies put in bin/ (koko serve runs the Oxigraph server)
        (env / "bin" / program).symlink_to(Path(sys.executable).parent / program)
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install", "--quiet",
                           "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    koko = Installed(env)
    assert koko.package.is_relative_to(env), f"the fresh environment imports koko from {koko.package}"
    return koko


def steward_folder(tmp_path: Path) -> Path:
    """A folder with a copy of data/ and nothing else, as a steward's working folder."""
    folder = tmp_path / "work"
    shutil.copytree(DATA, folder / "data", ignore=shutil.ignore_patterns(".cache"))
    return folder


def test_the_wheel_carries_the_resources(installed):
    resources = installed.package / "resources"
    assert sorted(p.name for p in (resources / "shapes").iterdir()) == sorted(p.name for p in (ROOT / "shapes").glob("*.ttl"))
    assert (resources / "ontology" / "koko.ttl").read_bytes() == (ROOT / "ontology" / "koko.ttl").read_bytes()
    assert sorted(p.name for p in (resources / "queries").iterdir()) == sorted(p.name for p in (ROOT / "queries").glob("*.rq"))
    assert not any(p.is_symlink() for p in resources.rglob("*")), "the wheel holds files, not links into a checkout"


def test_the_wheel_carries_compiled_catalogues_and_speaks_finnish(installed, tmp_path):
    """The build compiled each .po into a .mo inside the wheel; the installed koko reads them
    (nothing compiled into its cache) and says its help in Finnish."""
    for lang in ("fi", "sv", "en"):
        assert (installed.package / "i18n" / "locale" / lang / "LC_MESSAGES" / "koko.mo").stat().st_size > 1000
    cache = tmp_path / "cache"
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run = subprocess.run([str(installed.koko), "--lang", "fi", "publish", "--help"], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path, env={**environ, "KOKO_CACHE": str(cache)})
    assert run.returncode == 0 and run.stdout.startswith("Käyttö:") and "Lähdetiedostojen kansio." in run.stdout, run.stderr
    assert not (cache / "locale").exists()


def test_an_installed_koko_publishes_the_checkouts_bytes(installed, published, tmp_path):
    work = steward_folder(tmp_path)
    result = installed.run("publish", "--release-date", RELEASE, cwd=work)
    assert result.returncode == 0, result.stderr
    assert "Validation: conforms" in result.stdout
    mine, theirs = contents(work / "output"), contents(published)
    for name in ("koko.nt", "koko.ttl", "koko.jsonld"):
        assert mine[name] == theirs[name], name
    assert sorted(mine) == sorted(theirs)
    assert [n for n in mine if mine[n] != theirs[n]] == [], "every file of the release is the same"


@pytest.mark.parametrize("case", ["33-rate-over-one", "37-shares-do-not-add-up"])  # a Core shape, a SPARQL rule
def test_an_installed_koko_finds_what_the_checkout_finds(installed, tmp_path, case):
    work = steward_folder(tmp_path)
    spec = yaml.safe_load((BROKEN / case / "case.yaml").read_text(encoding="utf-8"))
    for path in (BROKEN / case).iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, work / "data" / path.name)
    there = installed.run("validate", cwd=work)
    here = subprocess.run([sys.executable, "-m", "pipeline", "validate"], capture_output=True, text=True, timeout=300,
                          cwd=work)
    assert there.returncode == here.returncode == spec["exit"] == 1, there.stdout + there.stderr
    assert spec["message"] in there.stdout and f"{spec['file']}:{spec['line']}" in there.stdout, there.stdout
    assert there.stdout == here.stdout
    published = installed.run("publish", cwd=work)
    assert published.returncode == 1 and spec["message"] in published.stdout
    assert not (work / "output").exists()


@pytest.fixture
def damaged(installed):
    """Damage the installed resources for one test, and repair them after."""
    resources = installed.package / "resources"
    keep = resources.parent / "resources.kept"
    shutil.copytree(resources, keep)
    yield resources
    shutil.rmtree(resources)
    keep.rename(resources)


@pytest.mark.parametrize("damage,where,said", [
    ("no shapes", "resources/shapes", "koko's shapes are missing: looked for koko-shapes.ttl and koko-rules.ttl in"),
    ("unreadable shapes", "shapes/koko-rules.ttl", "cannot be read"),
    ("shapes not text", "shapes/koko-shapes.ttl", "not UTF-8 text"),
    ("no ontology", "resources/ontology", "koko's ontology is missing: looked for koko.ttl in"),
])
def test_an_install_without_its_shapes_or_ontology_is_exit_2(installed, damaged, tmp_path, damage, where, said):
    """The checks an install cannot make are an error saying where it looked, never "conforms"."""
    if damage == "no shapes":
        shutil.rmtree(damaged / "shapes")
    elif damage == "unreadable shapes":  # a dangling link: root reads a file whatever its mode says
        (damaged / "shapes" / "koko-rules.ttl").unlink()
        (damaged / "shapes" / "koko-rules.ttl").symlink_to(damaged / "shapes" / "gone.ttl")
    elif damage == "shapes not text":
        (damaged / "shapes" / "koko-shapes.ttl").write_bytes(b"\xff\xfe@prefix")
    else:
        shutil.rmtree(damaged / "ontology")
    work = steward_folder(tmp_path)
    for command in ("validate", "publish"):
        result = installed.run(command, cwd=work)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert said in result.stderr and where in result.stderr, result.stderr
        assert "conforms" not in result.stdout and "Traceback" not in result.stderr
    assert not (work / "output").exists()


def pages_of(release: Path) -> list:
    """The paths a visitor can ask for: every IRI of the graph in each of its forms, the fixed
    pages, the map, and every download."""
    import pyoxigraph as ox

    subjects = sorted({t.subject.value for t in ox.parse(path=str(release / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)
                       if t.subject.value.startswith(BASE + "id/")})
    paths = ["/", "/?lang=sv", "/query?lang=en", "/def/koko", "/def/koko.ttl", "/changes", "/map.svg", "/sparql"]
    for iri in subjects:
        path = iri[len(BASE) - 1:]
        paths += [path, path + ".ttl", path + ".jsonld", path + ".nt"]
    paths += [f"/download/{p.relative_to(release).as_posix()}" for p in sorted(release.iterdir()) if p.is_file()
              and not p.name.startswith(".")]
    return paths


def test_a_copied_release_serves_on_its_own(installed, published, tmp_path):
    """`koko serve --out` of a copy of output/ on a "host" with no data/ answers every page,
    RDF form and download with the checkout's bytes; a data/ edited after the publish, lying
    beside the copy, changes nothing of what is served."""
    host = tmp_path / "host"
    shutil.copytree(published, host / "output")
    shutil.copytree(DATA, host / "data")
    settings = host / "data" / "dataset.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("KOKO – the Regional Cohesion",
                                                                      "EDITED AFTER PUBLISHING – the Regional Cohesion"),
                        encoding="utf-8")
    (host / "data" / "reference" / "2013-01-01" / "boundaries.csv").write_text("code,name_fi,wkt\n", encoding="utf-8")
    paths = pages_of(published)
    assert len(paths) > 3000
    session = requests.Session()
    with KokoServe(published) as checkout, KokoServe(host / "output", koko=[str(installed.koko)], cwd=host) as copy:
        for path in paths:
            a = session.get(checkout.url + path, headers={"Accept-Encoding": "identity"})
            b = session.get(copy.url + path, headers={"Accept-Encoding": "identity"})
            # the service description names the server's own address, which differs by port
            assert (a.status_code, a.headers.get("Content-Type"), a.content.replace(checkout.url.encode(), b"")) == \
                   (b.status_code, b.headers.get("Content-Type"), b.content.replace(copy.url.encode(), b"")), path
            assert a.status_code == 200, path
        landing = session.get(copy.url + "/?lang=en").text
    assert "KOKO – the Regional Cohesion" in landing and "EDITED AFTER PUBLISHING" not in landing
