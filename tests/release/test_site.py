"""The static site under output/site/: a page and RDF files for every IRI, and server configuration."""

import html
import re

import pyoxigraph as ox
import pytest

BASE = "https://w3id.org/koko-lod/"


def test_every_iri_has_a_page_and_rdf(published):
    subjects = {q.subject.value for q in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)
                if q.subject.value.startswith(BASE + "id/")}
    site = published / "site"
    for iri in subjects:
        local = iri[len(BASE):]
        for ext in ("html", "ttl", "jsonld", "nt"):
            assert (site / f"{local}.{ext}").is_file(), (iri, ext)
        nt = (site / f"{local}.nt").read_bytes()
        assert {t.subject.value for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)} == {iri}
    kuopio = {q.object.value for q in ox.parse(path=str(site / "id/area/kuopio.ttl"), format=ox.RdfFormat.TURTLE)}
    assert BASE + "id/subregion/112" in kuopio


def test_landing_vocabulary_and_server_configuration(published):
    site = published / "site"
    assert "CC BY 4.0" in (site / "index.html").read_text()
    assert 'id="AreaMembership"' in (site / "def" / "koko.html").read_text()
    htaccess = (site / ".htaccess").read_text()
    assert "MultiViews" in htaccess and "text/turtle" in htaccess and "application/ld+json" in htaccess
    assert "try_files" in (site / "nginx.conf.example").read_text()


def test_pages_hold_all_three_languages(published):
    page = (published / "site" / "id" / "municipality" / "478.html").read_text()
    assert 'lang="fi">Maarianhamina' in page and 'lang="sv">Mariehamn' in page


def test_every_link_of_every_page_resolves(published):
    """Each href and src of each page of the site names a file of the site (a path, or the
    path with .html, or its index.html), a published file under /download/, or /sparql,
    which the README says is `koko serve`'s (the static site's query forms need an endpoint)."""
    site = published / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 900
    checked, broken = set(), []
    for page in pages:
        for link in re.findall(r'(?:href|src|action|data-endpoint)="([^"]*)"', page.read_text(encoding="utf-8")):
            target = html.unescape(link).split("#", 1)[0].split("?", 1)[0]
            if target in checked:
                continue
            if not target.startswith("/") or target.startswith("//"):
                assert target == "" or re.match(r"(https?:|mailto:|tel:|//)", link), (page, link)
                continue
            checked.add(target)
            if target == "/sparql":
                continue
            if target.startswith("/download/"):
                found = (published / target[len("/download/"):]).is_file()
            else:
                local = site / target.lstrip("/")
                found = local.is_file() or local.with_name(local.name + ".html").is_file() or (local / "index.html").is_file()
            if not found:
                broken.append((page.relative_to(site).as_posix(), link))
    assert len(checked) > 900
    assert broken == [], broken[:20]


def test_the_site_shared_by_two_processes_is_the_site_one_writes(published, tmp_path):
    """The publish splits the site's things between its two processes by who is free first;
    one process writing it all (no claims) writes the same files, byte for byte."""
    import datetime as dt

    from helpers import DATA, RELEASE

    from pipeline.release.publish import write_site
    from pipeline.release.staging import Staging
    from pipeline.sources.boundaries import read_boundaries
    from pipeline.sources.settings import load_settings

    settings = load_settings(DATA).with_release_date(dt.date.fromisoformat(RELEASE))
    nt = (published / "koko.nt").read_bytes()
    with Staging(tmp_path / "alone") as staging:
        written = write_site(nt, settings, staging, boundaries=read_boundaries(settings.reference_dir))
        files = {name: (staging.tmp / name).read_bytes() for name in written}
    shared = {p.relative_to(published).as_posix(): p.read_bytes()
              for p in (published / "site").rglob("*") if p.is_file()}
    shared.pop("site/changes.html")  # the release's history: the publish passes it, this call does not
    for landing in (files, shared):  # it lists the downloads written so far, which differ
        landing.pop("site/index.html")
    assert files.keys() == shared.keys() and len(files) > 3000
    assert [n for n in files if files[n] != shared[n]] == []


def test_claims_hand_each_batch_to_one_process(monkeypatch):
    """Each batch goes to one process, all of them once; with multiprocessing's shared
    values and semaphores unavailable (no /dev/shm, as in some containers)."""
    import multiprocessing.heap
    import multiprocessing.synchronize
    import os

    from pipeline.release.parallel import Claims

    def unavailable(*_, **__):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(multiprocessing.synchronize.SemLock, "__init__", unavailable)
    monkeypatch.setattr(multiprocessing.heap.Arena, "__init__", unavailable)
    claim = Claims(batch=7)
    read, write = os.pipe()
    child = os.fork()
    if not child:  # the child claims as fast as it can and reports its batches
        os.close(read)
        mine = []
        while (batch := claim())[0] < 5000:
            mine.append(batch[0])
        os.write(write, (" ".join(map(str, mine)) + "\n").encode())
        os._exit(0)
    os.close(write)
    mine = []
    while (batch := claim())[0] < 5000:
        mine.append(batch[0])
    os.waitpid(child, 0)
    theirs = [int(x) for x in os.read(read, 1 << 20).split()]
    assert sorted(mine + theirs) == list(range(0, 5000, 7))


def test_a_claim_whose_holder_was_killed_stops_with_a_message(monkeypatch):
    import os

    from pipeline.release.parallel import Claims

    monkeypatch.setattr(Claims, "WAIT", 0.2)
    claim = Claims()
    assert claim() == (0, 50)
    os.read(claim._take, 1)  # as a process killed between taking the lock and giving it back
    with pytest.raises(RuntimeError, match="stopped while claiming"):
        claim()
