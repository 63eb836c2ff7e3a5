"""The pipeline as one function per command: load -> build -> validate -> export."""

from __future__ import annotations

import errno
import gc
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from ..check import delta
from ..check.validate import Report, ontology_text, report_turtle, shapes_text, validate
from ..check.validate import prepare as prepare_validation
from ..config import Settings
from ..errors import NonConformingError, machine_error
from ..graph import mapped, serialize
from ..graph.build import Built, build
from ..graph.sorted_runs import SortedRuns
from ..i18n import N_, Msg
from ..progress import bar
from ..sources import boundaries as boundary_files
from ..sources import release_settings
from ..sources.boundaries import read_boundaries
from ..sources.load import Sources, load
from ..web.graph_index import held
from ..web.pages import Site
from ..web.templating import Templates
from . import (batches, catalog, following, geometry, graph_patch, outputs, parallel, records, shares, site_reuse,
               splice, tables, versions)
from .lock import output_lock
from .site import render_site, thing_files
from .staging import Staging, folder_size, size_text

Progress = Callable[[str], None]  # a stage's name; a progress.Progress also draws bars

#: The stages a publish times (Outcome.timings), as the summary names them.
STAGES = (N_("load"), N_("build"), N_("sort"), N_("validate"), N_("render"), N_("write"))


@dataclass
class Outcome:
    sources: Sources
    built: Built
    report: Report | None
    nt: bytes = b""  # the graph as canonical N-Triples: distinct, sorted
    stats: catalog.Stats | None = None
    files: dict = field(default_factory=dict)  # name -> size in bytes
    timings: dict = field(default_factory=dict)
    history: versions.History | None = None  # the release among the others: its changes, the archive
    coverage: object = None  # catalog.coverage of the graph, for the catalogue



def _quiet(_: str) -> None:
    pass


def _load_and_build(settings: Settings, progress: Progress, timings: dict):
    start = time.perf_counter()
    progress(N_("load"))
    sources = load(settings, progress)
    timings["load"] = time.perf_counter() - start
    progress(N_("build"))
    start = time.perf_counter()
    built = build(sources)
    timings["build"] = time.perf_counter() - start
    return sources, built


def _graph(settings: Settings, progress: Progress, engine: str, staging: Staging, early: parallel.Early,
           text: parallel.Stream, written: following.Written | None, inputs: graph_patch.Inputs | None,
           helper: tuple | None = None, previous: records.Recorded | None = None, batched: bool = False):
    """Load, build, sort and write koko.nt: run in a child process, whose memory (every
    record and line of a large source) goes back to the system when it ends. Only the map
    back to the sources returns, `early`, before the sort, so that the parent reads it while
    this process sorts; the graph itself comes by `text` as it is written, or is mapped from
    the file it wrote (a large graph, mapped.MAP_BYTES). With `helper`
    (the ends of shares.channel()), half of the growing table comes from the helper process
    (release/shares.py), which waits until a patch is known to be impossible. `inputs` are
    the graph_patch.Inputs read before any process of the stage started, None where nothing
    is saved; with the `previous` release, the graph is its graph with the rows that changed
    made again, where that is certain (release/graph_patch.py). With `batched`, the
    growing table is built in batches (release/batches.py), the second part of its text by
    the helper, when there is one. `written` hears koko.nt's size once it is whole, where a
    process reads it as it grows (release/following.py). Returns the timings, koko.nt's (size,
    SHA-256) and the record's entry for what the next publish can patch from."""
    gc.disable()  # millions of objects that all live until this process ends: no cycles to find
    text.writing()
    if written is not None:
        written.writer()

    def told(size: int | None) -> None:  # koko.nt's size, once known: whether it goes by `text` too
        if size is not None and size < mapped.MAP_BYTES:
            text.size(size)
        else:
            text.none()

    timings: dict = {}
    if previous is not None:
        progress(N_("load"))
        start = time.perf_counter()
        done = graph_patch.patched(settings, previous, inputs)
        if done is not None and inputs.same(graph_patch.Inputs.read(settings)):
            timings["load"] = time.perf_counter() - start
            pickled = shares.answer(done.sources, done.built)
            early.send(pickled)
            start = time.perf_counter()
            told(sum(map(len, done.nt_pieces)))
            staging.write_chunks("koko.nt", done.nt_pieces, also=text.write)
            if written is not None:
                written.done(staging.files["koko.nt"][0])
            timings["sort"] = time.perf_counter() - start
            return timings, staging.files["koko.nt"], graph_patch.save(inputs, pickled)
    runs = SortedRuns(staging.tmp / batches.RUNS)
    theirs = b""
    if batched:
        sources, built, theirs = batches.load_and_build(settings, progress, timings, runs, _load_and_build, helper)
    elif helper is not None:
        sources, built, theirs = shares.load_and_build(settings, progress, timings, helper, _load_and_build)
    else:
        sources, built = _load_and_build(settings, progress, timings)
    sources.tables.clear()  # the records are in the graph now: their memory serves the sort
    lines, built.lines = built.lines, []
    pickled = shares.answer(sources, built, theirs)
    early.send(pickled)
    with ThreadPoolExecutor(1, thread_name_prefix="koko-save") as beside:
        # kept for the next publish while this thread sorts and writes: reading the inputs
        # again and writing the copies is mostly waiting on the files
        saving = beside.submit(_saved, settings, inputs, pickled)
        del pickled
        start = time.perf_counter()
        if engine == "pyshacl":
            lines = sorted_lines(lines, engine)
        staging.write_chunks("koko.nt", runs.chunks(lines, told), also=text.write)
        if written is not None:
            written.done(staging.files["koko.nt"][0])
        del lines
        timings["sort"] = time.perf_counter() - start
        saved = saving.result()
    return timings, staging.files["koko.nt"], saved


def _saved(settings: Settings, inputs: graph_patch.Inputs | None, pickled: bytes) -> dict:
    """graph_patch.save of the graph child's answer, where the inputs it was made from are
    still the folder's; the record's entry for it."""
    if inputs is None or not inputs.same(graph_patch.Inputs.read(settings)):
        return {}
    return graph_patch.save(inputs, pickled)


def _validate(built, nt: bytes, settings: Settings, engine: str, advance=None, nt_file: Path | None = None,
              earlier: delta.Earlier | None = None):
    """Validation and the graph's counts: the work that can go to another core.

    It reads the graph as one buffer of N-Triples, which a forked child shares with its
    parent; touching a million string objects instead would copy their pages. `nt_file` is
    the staged koko.nt, which holds the same bytes; `earlier` the previous release's results
    (check/delta.py).
    """
    counting = catalog.Counting()
    report = validate(built, nt, settings.base_iri, engine, counting, settings.shapes, nt_file, advance, earlier)
    return report, counting.stats(settings, nt)


def _validate_and_site(built, nt: bytes, settings: Settings, engine: str, staging: Staging, site: bool,
                       templates: Templates | None = None, boundaries: dict | None = None, nt_file: Path | None = None,
                       claim=None, earlier: delta.Earlier | None = None, previous: records.Recorded | None = None,
                       graph_files: parallel.Claims | None = None, part: tuple | None = None):
    """The second worker's share: validation, the counts, and, when the graph conforms, the
    graph files made from the `previous` release's (write_graph_files) where it claims them
    first (`graph_files`: the parent tries too, after its own first share) and with `site`
    the things of the static site it claims (see write_site). Returns the report, the counts
    and the (size, SHA-256) of each file it wrote."""
    gc.disable()  # a short-lived process: its memory goes back when it ends
    report, stats = _validate(built, nt, settings, engine, nt_file=nt_file, earlier=earlier)
    if not report.conforms:  # nothing will be published: answer at once
        return report, stats, {}
    files = {}
    if previous is not None and _first(graph_files):
        write_graph_files(nt, settings.base_iri, staging, previous)
        files.update({name: staging.files[name] for name in splice.SPLICED})
    if site:
        files.update(write_site(nt, settings, staging, claim, False, templates, boundaries=boundaries, part=part))
    return report, stats, files


def _first(token: parallel.Claims | None) -> bool:
    """Whether this process is the first to claim a piece of work the two share (a Claims of
    batch 1); True without one."""
    return token is None or token()[0] == 0


def check(settings: Settings, progress: Progress = _quiet, engine: str = "fast") -> Outcome:
    """Load, build and validate; raise on bad input, return the report either way. The
    ontology is read too: a publish would stop on it, so a check says so first."""
    timings: dict = {}
    ontology_text(settings.base_iri)
    sources, built = _load_and_build(settings, progress, timings)
    nt = graph_nt(built, engine)
    progress(N_("validate"))
    start = time.perf_counter()
    with bar(progress, N_("validating the lines"), nt.count(b"\n")) as advance:
        report, stats = _validate(built, nt, settings, engine, advance)
    timings["validate"] = time.perf_counter() - start
    return Outcome(sources, built, report, nt, stats, timings=timings)


def graph_nt(built, engine: str) -> bytes:
    """The published N-Triples as one text."""
    lines, built.lines = built.lines, []  # from here on the graph is held once, as these lines, then as their text
    return b"".join(serialize.nt_chunks(sorted_lines(lines, engine)))


def sorted_lines(lines: list, engine: str) -> list:
    """The published N-Triples lines of the build's `lines`, distinct and sorted. The
    reference engine takes them back out of an rdflib graph."""
    if engine == "pyshacl":
        from ..check.validate import rdflib_round_trip

        lines = rdflib_round_trip(lines)
    return serialize.canonical_lines(lines)


def render_beside(settings: Settings, built: Built, staging: Staging, boundaries: dict) -> None:
    """Write the output files that need neither the graph's text nor validation into
    `staging`: done while the graph child sorts and writes koko.nt, with a core to spare;
    `boundaries` are the reference snapshot's (code -> WKT)."""
    base = settings.base_iri
    staging.write("ontology.ttl", ontology_text(base).encode("utf-8"))
    staging.write("context.jsonld", serialize.context_bytes(base))
    staging.write("shapes.ttl", shapes_text(base, settings.shapes).encode("utf-8"))
    staging.write("README.md", outputs.readme().encode("utf-8"))
    if boundaries:
        staging.write(geometry.FILE, geometry.geo_turtle(settings, boundaries))
    write_serving(settings, staging)
    prov = catalog.provenance(settings, built, catalog.input_files(settings.data_dir))
    staging.write("provenance.ttl", serialize.to_turtle(serialize.nt_of(prov), base))


def render(outcome: Outcome, settings: Settings, staging: Staging, previous: records.Recorded | None,
           turtle: bool = True) -> None:
    """Write the output files made from the graph's text that do not depend on validation
    into `staging` (render_beside wrote the rest), but the catalogue (render_catalog) and,
    where `previous` (the release in the output folder, to make koko.ttl and koko.jsonld
    from: write_graph_files) is None, those two, which the validating process makes then;
    koko.ttl only with `turtle` (else another process makes it: release/following.py)."""
    nt = outcome.nt
    if previous is not None:
        write_graph_files(nt, settings.base_iri, staging, previous, turtle)
    for name, data in tables.tables(nt, settings).items():
        staging.write(name, data)
    outcome.coverage = catalog.coverage(settings, nt)


def render_catalog(outcome: Outcome, settings: Settings, staging: Staging) -> None:
    """catalog.ttl and catalog.jsonld: last, as they give every other file's size and checksum."""
    base = settings.base_iri
    cat = serialize.nt_of(catalog.catalogue(settings, staging.files, outcome.history, outcome.coverage))
    staging.write("catalog.ttl", serialize.to_turtle(cat, base))
    staging.write("catalog.jsonld", serialize.to_jsonld(cat, base))


def write_graph_files(nt: bytes, base: str, staging: Staging, release: records.Recorded, turtle: bool = True) -> None:
    """koko.ttl (with `turtle`) and koko.jsonld: from the previous release's where it can be
    trusted and the graph changed little (release/splice.py), else made whole as they are
    written, never whole in memory."""
    previous = splice.Previous(base, nt, release)
    if turtle and not previous.write("koko.ttl", staging):
        write_turtle(nt, base, staging)
    if not previous.write("koko.jsonld", staging):
        staging.write_chunks("koko.jsonld", serialize.jsonld_chunks(nt, base))


def write_turtle(nt: bytes, base: str, staging: Staging) -> None:
    """koko.ttl made whole from the graph `nt`."""
    with staging.writing("koko.ttl") as out:
        serialize.to_turtle(nt, base, output=out, checked=False)


def collect_turtle(turtle: parallel._Running, nt: bytes, base: str, staging: Staging) -> None:
    """koko.ttl's entry from the process that wrote it beside the graph child; where that
    failed, koko.ttl made here (release/following.py)."""
    try:
        staging.files["koko.ttl"] = turtle.result()
    except Exception:  # noqa: BLE001 - made again below, by the same function on the same bytes
        write_turtle(nt, base, staging)


def write_serving(settings: Settings, staging: Staging) -> None:
    """serving/: what `koko serve`, `query` and the pushes read of this release, so that it
    serves on its own, wherever it is copied (see sources/release_settings.py)."""
    folder = release_settings.FOLDER
    staging.write(f"{folder}/{release_settings.SETTINGS_FILE}", release_settings.settings_bytes(settings))
    for name in boundary_files.CARRIED:
        path = settings.reference_dir / name
        if path.is_file():
            staging.write(f"{folder}/{name}", path.read_bytes())
    for name, data in release_settings.template_files(settings.templates).items():
        staging.write(f"{folder}/{release_settings.TEMPLATES}/{name}", data)


def write_site(nt: bytes, settings: Settings, staging: Staging, claim=None, first: bool = True,
               templates: Templates | None = None, history: versions.History | None = None,
               boundaries: dict | None = None, stop: Callable[[], bool] = lambda: False, progress=None,
               reuse: site_reuse.Reuse | None = None, part: tuple | None = None) -> dict:
    """The static site under site/ (or the share of it that `claim` hands out, and with
    `first` the pages not about one thing: see render_site); returns the (size, SHA-256) of
    each file written. It ends early, between things, once `stop()`. `progress` gets a bar
    over the things, when it draws one: the ones this process writes, then at its end those
    the other one has taken. With `reuse`, the things' files are the previous release's where
    they can be (release/site_reuse.py), and `reuse` learns their names. `part`: what the
    site holds of `nt` (graph_index.held), when the caller has it."""
    ontology = ox.parse(ontology_text(settings.base_iri).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    pages = Site.from_nt(nt, ontology, settings, endpoint=settings.sparql_endpoint, templates=templates,
                         boundaries=boundaries, part=part)
    downloads = outputs.present(staging.files)
    carried = False
    if reuse is not None:
        reuse.names = thing_files(pages)
        carried = reuse.carry(staging, reuse.names)
    things = len(pages.index.things()) + (len(history.withdrawn) if history is not None and first else 0)
    with bar(progress, N_("writing the site"), things) as advance:
        for name, data in render_site(pages, downloads, claim, first, history, not carried):  # written as rendered
            staging.write(name, data)
            if name.endswith(".nt"):  # a thing's last file
                advance(1)
                things -= 1
                if stop():
                    return {}
        advance(things)  # those the other process has taken
    return {name: entry for name, entry in staging.files.items() if name.startswith("site/")}


def render_reports(outcome: Outcome, settings: Settings, staging: Staging) -> None:
    base = settings.base_iri
    staging.write("validation.ttl", report_turtle(outcome.report, base))
    staging.write("void.ttl", serialize.to_turtle(serialize.nt_of(catalog.void(settings, outcome.stats)), base))


def publish(settings: Settings, out_dir: Path, progress: Progress = _quiet, engine: str = "fast",
            site: bool = True, on_changes: Callable | None = None, wait: bool = True, notify: Progress = _quiet) -> Outcome:
    """Load, build and sort in one child process; validate in another while the outputs are
    written to a staging folder; swap the folder in when the graph conforms. `on_changes`
    hears the change against the release before, before the folder is swapped in.

    One publish at a time writes an output folder: this one holds its lock throughout, and
    waits for another that holds it (`wait`), or stops at once (exit 2). `notify` hears the
    one-line notices: whom it waits for, what runs that stopped left behind and is removed."""
    # compiled once, before any work (a broken template stops the run), and shared by both processes
    templates = Templates(settings.templates) if site else None
    with output_lock(out_dir, "koko publish", wait, notify):
        staging = Staging(out_dir)
        if staging.cleaned:
            notify(Msg("removed what earlier runs left when they stopped: {files}",
                       files=", ".join(f"{name} ({size_text(size)})" for name, size in staging.cleaned)))
        try:
            with staging:
                return _publish(settings, out_dir, progress, engine, site, on_changes, templates, staging)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            needed = max(staging.attempted, folder_size(staging.out_dir) if staging.out_dir.is_dir() else 0)
            free = shutil.disk_usage(staging.parent).free
            raise machine_error(exc, Msg("; this release needs about {needed} and {free} is free in {folder}. The previous "
                                         "output is as it was.", needed=size_text(needed), free=size_text(free),
                                         folder=staging.parent)) from exc


def _graph_stage(settings: Settings, progress: Progress, engine: str, staging: Staging,
                 previous: records.Recorded, meanwhile: Callable[[Built], None], turtle: bool):
    """_graph in a child process; with a large growing table, beside a helper that loads and
    builds half of it (release/shares.py) where the `previous` release's graph cannot be
    patched (release/graph_patch.py), and, with `turtle`, beside a process that writes
    koko.ttl from koko.nt as the graph child writes it (release/following.py). `meanwhile(built)`
    runs once the graph child has sent what it built, while it sorts and writes. Returns the
    sources, what was built, the graph child's answer, koko.nt's bytes where they came as it
    wrote them (else None), and the process writing koko.ttl (else None), which the caller
    collects (collect_turtle) or cancels."""
    inputs = graph_patch.Inputs.read(settings) if engine == "fast" else None  # before any process reads them
    patch = previous if graph_patch.eligible(inputs, previous) else None
    batched = engine == "fast" and batches.wanted(settings)
    shared = not batched and shares.parts(settings) > 1
    written = following.Written() if turtle and (batched or shared) else None
    # forked first: it holds no end of the pipes made for the others
    beside = parallel.start(lambda: following.write_turtle(written, staging, settings.base_iri)) if written else None
    helper = ends = None
    if batched and batches.parts() > 1:
        ends = shares.channel()
        helper = parallel.start(lambda: batches.help_build(settings, ends, staging.tmp / batches.RUNS))
    elif shared:  # where a patch is tried, the helper waits to hear whether it is needed
        ends = shares.channel(waits=patch is not None)
        helper = parallel.start(lambda: shares.help_build(settings, ends))
    graph = text = None
    try:
        early = parallel.Early()  # after the helper's fork: the graph child's end must be the only one left
        text = parallel.Stream()  # (the same)
        graph = parallel.start(lambda: _graph(settings, progress, engine, staging, early, text, written, inputs, ends,
                                              patch, batched))
        text.begin()
        if written is not None:  # both its ends are now where they are read and written
            written.close()
            written = None
        if ends is not None:
            shares.close(ends)
        answer = shares.put_together(early.receive(graph))
        if engine == "fast" and helper is not None:  # a large graph: while the graph child sorts and writes it
            prepare_validation(settings.base_iri, settings.shapes, until=graph.done)
        meanwhile(answer[1])
        return (*answer, *graph.result(), text.result(), beside)
    except BaseException:  # Ctrl-C anywhere here: no child goes on writing, or is told to stop by its parent's end
        for running in (graph, beside):
            if running is not None:
                running.cancel()
        if text is not None:
            text.close()
        if written is not None:
            written.close()
        raise
    finally:
        if helper is not None:
            helper.cancel()
            shutil.rmtree(staging.tmp / batches.RUNS, ignore_errors=True)  # what a helper the graph child gave up on wrote


def class_counts_since(previous: records.Recorded, change) -> tuple | None:
    """(the class counts of the release in the output folder, the `change` from its graph),
    from its record; None when either is not known."""
    counts = previous.record.get("classes")
    if change is None or not isinstance(counts, dict) or not all(isinstance(n, int) for n in counts.values()):
        return None
    return Counter(counts), change


def _publish(settings: Settings, out_dir: Path, progress: Progress, engine: str, site: bool,
             on_changes: Callable | None, templates: Templates | None, staging: Staging) -> Outcome:
    previous = records.Recorded.of(out_dir.resolve(), settings.base_iri)
    # after an edit the graph files are made from the previous release's by whichever process is free first: the
    # validating process where validation follows the change, the parent where it judges the whole graph
    beside = previous if previous.out_dir is not None and isinstance(previous.record.get("files"), dict) else None
    read = {}

    def meanwhile(built: Built) -> None:  # once the sources have loaded: their problems are said first
        read["boundaries"] = read_boundaries(settings.reference_dir)  # read once; the forked worker shares them
        render_beside(settings, built, staging, read["boundaries"])

    sources, built, timings, staging.files["koko.nt"], saved, nt, turtle = _graph_stage(
        settings, progress, engine, staging, previous, meanwhile, turtle=beside is None)
    boundaries = read["boundaries"]
    job = None
    try:
        if nt is None:  # a large graph mapped: the file cache, shared with the validating process
            nt = mapped.read(staging.tmp / "koko.nt")
        start = time.perf_counter()
        part = held(nt, settings) if site else None  # what the site holds of the graph: found once, before the fork
        reuse = site_reuse.Reuse(previous, site_reuse.inputs_digest(part, settings, ontology_text(settings.base_iri),
                                                                    boundaries)) if site else None
        shared = site and not reuse.planned  # the things' files are rendered, by both processes
        claim = parallel.Claims() if shared else None  # the site's things, to whichever process is free first
        change = previous.change(nt)  # from the release in the output folder, found once for all that follow it
        earlier = delta.Earlier.of(previous.record.get("validation"), change)
        graph_files = parallel.Claims(batch=1) if beside is not None else None
        job = parallel.start(lambda: _validate_and_site(built, nt, settings, engine, staging, shared, templates,
                                                        boundaries, staging.tmp / "koko.nt", claim, earlier, beside,
                                                        graph_files, part))
        progress(N_("validate and render"))
        outcome = Outcome(sources, built, None, nt, timings=timings)
        outcome.history = versions.prepare(settings, out_dir.resolve(), nt, staging, built, class_counts_since(previous, change))
        gc.disable()  # rendering makes short-lived objects without cycles

        def refused() -> bool:  # the worker has answered that the graph does not conform
            return job.done() and not job.result()[0].conforms

        try:
            render(outcome, settings, staging, None if beside is not None else previous, turtle is None)
            if beside is not None and not refused() and _first(graph_files):
                write_graph_files(nt, settings.base_iri, staging, beside)
            if site and not refused():
                write_site(nt, settings, staging, claim, True, templates, outcome.history, boundaries, stop=refused,
                           progress=progress, reuse=reuse, part=part)
        finally:
            gc.enable()
        timings["render"] = time.perf_counter() - start
        outcome.report, outcome.stats, site_files = job.result()
        staging.files.update(site_files)
        timings["validate"] = time.perf_counter() - start
        if turtle is not None and outcome.report.conforms:
            collect_turtle(turtle, nt, settings.base_iri, staging)
    finally:
        for running in (job, turtle):  # (each one that has answered is over: a cancel does nothing then)
            if running is not None:
                running.cancel()
    if not outcome.report.conforms:
        raise NonConformingError(outcome.report)
    if on_changes is not None and outcome.history.summary is not None:
        on_changes(outcome.history.summary)
    progress(N_("write"))
    start = time.perf_counter()
    versions.write_release(settings, outcome.history, nt, staging, outcome.stats.mains)
    render_catalog(outcome, settings, staging)
    render_reports(outcome, settings, staging)
    staging.commit()
    records.remember(staging.out_dir, staging.files["koko.nt"][1], settings.base_iri,
                     {**splice.entry(staging.files), **(reuse.entry(staging.files) if reuse is not None else {}),
                      **({"validation": outcome.report.kept} if outcome.report.kept is not None else {}), **saved,
                      "classes": dict(outcome.history.mains)})
    outcome.files = {name: size for name, (size, _) in staging.files.items()}
    timings["write"] = time.perf_counter() - start
    return outcome
