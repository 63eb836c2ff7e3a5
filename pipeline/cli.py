"""The `koko` command: a thin shell over the library. Each command calls one function."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

from . import __version__, i18n
from .config import LANGS, Settings
from .errors import (
    EXIT_INTERNAL,
    EXIT_NONCONFORMING,
    Code,
    InputError,
    KokoError,
    NonConformingError,
    Place,
    Problem,
    machine_error,
)
from .i18n import N_, Msg, _
from .processes import stop_asked, stop_on_signals
from .progress import Progress
from .sources.release_settings import release_settings
from .sources.settings import load_settings

#: The severities of a result, as the text output names them.
SEVERITIES = (N_("violation"), N_("warning"), N_("info"))


class IsoDate(click.ParamType):
    """A date written YYYY-MM-DD; anything else is a usage error (exit 2) naming the option."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as YYYY-MM-DD", param, ctx)


# Options that several commands take, declared once.
DATA_OPTION = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("data"),
                           show_default=True, help=N_("Folder of the source files."))
#: The commands that use a release (serve, query, the pushes) read its folder alone, never
#: data/: a copy of it is as good, wherever it is.
OUT_OPTION = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
                          show_default=True, help=N_("The release's folder: where koko publish writes it, and what the "
                                                  "other commands read (a copy of it serves as well)."))
ENGINE_OPTION = click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
                             help=N_("Validation engine: fast (Rust SHACL Core + pyoxigraph SPARQL) or pyshacl (the reference)."))
TEMPLATES_OPTION = click.option("--templates", "templates", type=click.Path(path_type=Path, file_okay=False),
                                help=N_("Folder of page templates that override the shipped ones; default: publish takes "
                                     "it from data/dataset.yaml, serve the release's own."))
SHAPES_OPTION = click.option("--shapes", "shapes", type=click.Path(path_type=Path, file_okay=False),
                             help=N_("Folder of the steward's own SHACL shapes (.ttl), checked besides koko's; default "
                                  "from data/dataset.yaml."))


class Context:
    def __init__(self, debug: bool):
        self.debug = debug


def settings_from(data_dir: Path, release_date: dt.date | None = None, base_iri: str | None = None,
                  templates: Path | None = None, shapes: Path | None = None) -> Settings:
    """The settings of data/dataset.yaml, with what the command line overrides."""
    return load_settings(data_dir, base_iri).with_release_date(release_date).with_templates(templates).with_shapes(shapes)


def run(ctx: click.Context, action, as_json: bool = False):
    """Call the library; turn its errors into a message and an exit code. With `as_json`, a
    program that asked for JSON gets a JSON document on standard output for every outcome."""
    debug = ctx.find_object(Context).debug
    try:
        try:
            return action()
        except OSError as exc:  # the machine refused (a full disk, a read-only folder): exit 5, not a bug
            machine = machine_error(exc)
            if machine is None or debug:
                raise
            raise machine from exc
    except KokoError as exc:
        if debug:
            raise
        if as_json:
            report = getattr(exc, "report", None)
            problems = getattr(exc, "problems", None) or ([] if report is not None else [Problem(Place(""), str(exc), code=exc.code)])
            click.echo(json_outcome(exc.exit_code, report, problems))
        elif isinstance(exc, NonConformingError):
            print_report(exc.report, "text")
            click.echo(_("koko: the data does not conform: violations: {count}; nothing was published.").format(
                count=i18n.number(exc.report.violation_count)), err=True)
        elif isinstance(exc, InputError):
            for problem in exc.problems:
                click.echo(_("error: {problem}").format(problem=problem), err=True)
            if len(exc.problems) > 1:
                click.echo(_("koko: problems in the sources: {count}; nothing was published.").format(
                    count=i18n.number(len(exc.problems))), err=True)
        else:
            click.echo(_("error: {problem}").format(problem=exc), err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug, not bad input: say so plainly
        if stop_asked():  # the Ctrl-C itself, come through wrapped in another exception
            raise KeyboardInterrupt from exc
        if debug:
            raise
        message = _("internal error: {error}: {reason} (run with --debug for the traceback)").format(
            error=type(exc).__name__, reason=exc)
        if as_json:
            click.echo(json_outcome(EXIT_INTERNAL, None, [Problem(Place(""), message, code=Code.INTERNAL_ERROR)]))
        click.echo(f"koko: {message}", err=True)
        sys.exit(EXIT_INTERNAL)


def notice(text: str) -> None:
    click.echo(f"koko: {text}", err=True)


class Said:
    """Click's help of a command, said in the chosen language: its text, epilog, short help and
    each option's help are catalogue ids (N_), looked up when the help is shown."""

    def format_help_text(self, ctx, formatter):
        with _saying(self, "help"):
            super().format_help_text(ctx, formatter)

    def format_epilog(self, ctx, formatter):
        with _saying(self, "epilog"):
            super().format_epilog(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _saying(self, "help"), _saying(self, "short_help"):
            return super().get_short_help_str(limit)

    def format_options(self, ctx, formatter):
        params = self.get_params(ctx)
        with contextlib.ExitStack() as stack:
            for param in params:
                stack.enter_context(_saying(param, "help"))
            super().format_options(ctx, formatter)


@contextlib.contextmanager
def _saying(obj, attribute: str):
    text = getattr(obj, attribute, None)
    if text:
        setattr(obj, attribute, _(text))
    try:
        yield
    finally:
        if text:
            setattr(obj, attribute, text)


class KokoCommand(Said, click.Command):
    pass


class KokoGroup(Said, click.Group):
    command_class = KokoCommand

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(_("koko: interrupted; the previous output is untouched."), err=True)
            sys.exit(130)

    def main(self, args=None, *rest, **extra):
        args = list(sys.argv[1:] if args is None else args)
        with i18n.speaking(i18n.choose(_lang_argument(args))):
            return super().main(args, *rest, **extra)



def _lang_argument(args: list) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--":
            return None
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-") and (i == 0 or args[i - 1] != "--lang"):
            return None  # the command's own arguments begin
    return None


@click.group(cls=KokoGroup, epilog=N_("Example: koko publish --release-date 2026-11-28"), help=N_("Publish the KOKO programme's facts as linked open data."))
@click.version_option(__version__, prog_name="koko")
@click.option("--debug", is_flag=True, help=N_("Show tracebacks."))
@click.option("--lang", type=click.Choice(list(LANGS)), help=N_("The language koko speaks: fi, sv or en; default: "
              "$KOKO_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG), else en."))
@click.pass_context
def main(ctx: click.Context, debug: bool, lang: str | None) -> None:
    ctx.obj = Context(debug)
    stop_on_signals()


@main.command(epilog=N_("Example: koko publish --data data --out output --release-date 2026-11-28"), help=N_('Load, build, validate and export the graph to the output folder. One publish at a time writes a folder: a second one waits for the first.'))
@DATA_OPTION
@OUT_OPTION
@click.option("--release-date", type=IsoDate(), help=N_("Release date; default from data/dataset.yaml."))
@click.option("--base-iri", help=N_("Base IRI of every published IRI; default from data/dataset.yaml."))
@click.option("--site/--no-site", default=True, show_default=True, help=N_("Also write the static site (output/site/)."))
@click.option("--version", "version", help=N_("The release's version; default: its release date. Publishing under the "
              "current version replaces that release; under a new one, the current release moves to output/releases/."))
@ENGINE_OPTION
@TEMPLATES_OPTION
@SHAPES_OPTION
@click.option("--no-wait", is_flag=True, help=N_("When another publish is writing the output folder, stop at once (exit 2) "
              "instead of waiting for it."))
@click.pass_context
def publish(ctx, data_dir: Path, out_dir: Path, release_date: dt.date | None, base_iri: str | None, site: bool,
            version: str | None, engine: str, templates: Path | None, shapes: Path | None, no_wait: bool) -> None:
    from .graph.releases import check_version
    from .release.publish import publish as do_publish

    def changes(summary) -> None:
        lines = summary.class_lines()
        said = _("none") if summary.empty else _("triples added {added}, removed {removed}").format(
            added=i18n.number(summary.added_triples), removed=i18n.number(summary.removed_triples))
        click.echo(_("Changes since release {version}: {changes}").format(version=summary.old_version, changes=said), err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)

    def action():
        start = time.perf_counter()
        settings = settings_from(data_dir, release_date, base_iri, templates, shapes).with_version(
            version and check_version(version))
        outcome = do_publish(settings, out_dir, Progress(), engine, site, on_changes=changes, wait=not no_wait,
                             notify=notice)
        print_summary(outcome, out_dir, time.perf_counter() - start)

    run(ctx, action)


@main.command(epilog=N_("Example: koko diff --format json   (the sources against the release in output/)"), help=N_('What a publish would change: the sources (built and validated) against a release, or two releases against each other (these need no sources). Exit 0 whether or not anything changed.'))
@DATA_OPTION
@OUT_OPTION
@click.option("--against", help=N_("Compare the sources with this archived release instead of the current one."))
@click.option("--from", "old", help=N_("Compare two releases: this one (current or archived) ..."))
@click.option("--to", "new", help=N_("... with this one."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@ENGINE_OPTION
@SHAPES_OPTION
@click.pass_context
def diff(ctx, data_dir: Path, out_dir: Path, against: str | None, old: str | None, new: str | None, fmt: str,
         engine: str, shapes: Path | None) -> None:
    from .release import versions
    from .release.lock import output_lock
    from .release.publish import check

    def action():
        if (old is None) != (new is None):
            raise InputError(Msg('give both --from and --to, or neither'), code=Code.BAD_OPTION)
        if old is not None:
            with output_lock(out_dir, "koko diff", say=notice, shared=True):
                base = release_settings(out_dir).base_iri
                summary = versions.compare(out_dir, base, old, new)
        else:
            outcome = check(settings_from(data_dir, shapes=shapes), Progress(), engine)
            base = outcome.sources.settings.base_iri
            if not outcome.report.conforms:
                raise NonConformingError(outcome.report)
            with output_lock(out_dir, "koko diff", say=notice, shared=True):
                summary = versions.compare(out_dir, base, against, None, outcome.nt, outcome.built)
        click.echo(json.dumps(summary.as_json(base), ensure_ascii=False, indent=2) if fmt == "json"
                   else versions.text(summary, base), nl=fmt == "json")

    run(ctx, action)


@main.command(epilog=N_("Example: koko releases --drop 2025-06-30"), help=N_('List the releases in the output folder (current and archived), or drop archived ones.'))
@OUT_OPTION
@click.option("--drop", "dropped", multiple=True, help=N_("Remove this archived release (repeatable)."))
@click.pass_context
def releases(ctx, out_dir: Path, dropped: tuple) -> None:
    from .release import versions
    from .release.lock import output_lock

    def action():
        if dropped:
            with output_lock(out_dir, "koko releases --drop", say=notice):
                for version in dropped:
                    versions.drop(out_dir, version)
                    click.echo(_("Dropped release {version}; the next koko publish leaves it out of the catalogue.").format(
                        version=version), err=True)
        click.echo(versions.listing(out_dir), nl=False)

    run(ctx, action)


@main.command(epilog=N_("Example: koko template --to templates/   (then fill one, save it as data/funding.xlsx)"), help=N_('Write a workbook per source table: the header, a note per column, drop-downs for closed lists.'))
@DATA_OPTION
@click.option("--to", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("templates"),
              show_default=True, help=N_("Folder for the workbooks."))
@click.pass_context
def template(ctx, data_dir: Path, out_dir: Path) -> None:
    from .sources.template import write_templates

    def action():
        for path in write_templates(data_dir, out_dir):
            click.echo(str(path))

    run(ctx, action)


@main.command(epilog=N_("Example: koko validate --format json"), help=N_('Load, build and validate the sources; publish nothing. Exit 1 when they do not conform.'))
@DATA_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@ENGINE_OPTION
@SHAPES_OPTION
@click.pass_context
def validate(ctx, data_dir: Path, fmt: str, engine: str, shapes: Path | None) -> None:
    from .release.publish import check

    def action():
        outcome = check(settings_from(data_dir, shapes=shapes), Progress(), engine)
        print_report(outcome.report, fmt, outcome.sources.settings.base_iri)
        if not outcome.report.conforms:
            sys.exit(EXIT_NONCONFORMING)

    run(ctx, action, as_json=fmt == "json")


def json_outcome(exit_code: int, report=None, problems=()) -> str:
    """One JSON document for every outcome of `koko validate --format json`: the SHACL
    results when the sources could be read, the problems (with a stable `code`) when not."""
    results = report.results if report is not None else []
    return json.dumps({
        "exit_code": exit_code,
        "conforms": bool(report is not None and report.conforms and exit_code == 0),
        "violations": report.violation_count if report is not None else 0,
        "warnings": report.warning_count if report is not None else 0,
        "problems": [{**_where(p.place), "code": p.code, "message": str(p.message), "hint": str(p.hint) or None}
                     for p in problems or []],
        "notes": list(report.notes) if report is not None else [],
        "lang": i18n.current(),
        "results": [{**_where(r.place), "severity": r.severity, "component": r.component, "message": str(r.said or r.message),
                     "focus": r.focus, "path": r.path or None, "value": r.value or None} for r in results],
    }, ensure_ascii=False, indent=2)


def _where(place) -> dict:
    """file, line, column (of a character, or a workbook's column number), field (a CSV or
    sheet column's name) and sheet (a workbook's); null when unknown."""
    return {"file": place.file or None, "line": place.line or None, "column": place.column or None,
            "field": place.field or None, "sheet": place.sheet or None}


def print_report(report, fmt: str, base_iri: str = "") -> None:
    if fmt == "json":
        click.echo(json_outcome(0 if report.conforms else EXIT_NONCONFORMING, report))
        return
    if fmt == "turtle":
        from .check.validate import report_turtle

        click.echo(report_turtle(report, base_iri).decode("utf-8"), nl=False)
        return
    print_notes(report)
    current = None
    for result in report.results:
        if result.place.file != current:
            current = result.place.file
            click.echo(f"{current}:")
        click.echo(f"  {_(result.severity)}: {result}")
    click.echo((_("violations: {violations}, warnings: {warnings}; conforms.") if report.conforms else
                _("violations: {violations}, warnings: {warnings}; does not conform.")).format(
        violations=i18n.number(report.violation_count), warnings=i18n.number(report.warning_count)))


def print_notes(report) -> None:
    """The shapes that left the fast path, and why (see shapes/ in README.md)."""
    for note in report.notes:
        click.echo(_("Slower path: {note}").format(note=note))


def print_summary(outcome, out_dir: Path, seconds: float) -> None:
    counts = outcome.stats.classes
    click.echo(_("Published {triples} triples in {seconds} s ({stages}).").format(
        triples=i18n.number(outcome.stats.triples), seconds=i18n.number(seconds, "0.00"),
        stages=", ".join(f"{_(stage)} {i18n.number(t, '0.00')} s" for stage, t in outcome.timings.items())))
    click.echo(_("Things per class:"))
    for cls, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {i18n.number(n):>6}  {cls}")
    report = outcome.report
    click.echo(_("Validation: conforms, warnings: {count}.").format(count=i18n.number(report.warning_count)))
    for result in report.results:
        click.echo(f"  {_(result.severity)}: {result}")
    print_notes(report)
    for note in outcome.built.notes:
        click.echo(_("Note: {note}").format(note=note))
    click.echo(_("Files in {folder}/:").format(folder=out_dir))
    folders = {"site/": _("a page, Turtle, JSON-LD and N-Triples per IRI of the kinds the site holds; see README.md"),
               "serving/": _("what koko serve, query and the pushes read of this release: its settings, the map's "
                             "boundaries, the page templates")}
    grouped = {folder: {n: s for n, s in outcome.files.items() if n.startswith(folder)} for folder in folders}
    for name, size in sorted(outcome.files.items()):
        if not any(name in files for files in grouped.values()):
            click.echo(f"  {i18n.number(size):>10}  {name}")
    for folder, files in grouped.items():
        if files:
            click.echo(f"  {i18n.number(sum(files.values())):>10}  {folder} " + _("({count} files: {what})").format(
                count=i18n.number(len(files)), what=folders[folder]))


@main.command("push-ckan", epilog=N_("Example: koko push-ckan --url https://portal.example --dataset koko-lod"), help=N_('Create or update the dataset and its files on a CKAN portal. Token: $KOKO_CKAN_API_KEY.'))
@click.option("--url", required=True, help=N_("CKAN site address (the part before /api/3/action)."))
@click.option("--dataset", "name", required=True, help=N_("Dataset name (URL slug) on the portal."))
@click.option("--organization", help=N_("Owner organisation on the portal."))
@click.option("--dry-run", is_flag=True, help=N_("Print the JSON that would be sent; send nothing."))
@OUT_OPTION
@click.pass_context
def push_ckan(ctx, url: str, name: str, organization: str | None, dry_run: bool, out_dir: Path) -> None:
    import os

    from .remote.ckan import TOKEN_VARIABLE, push

    def action():
        result = push(release_settings(out_dir), out_dir, url, name, organization, os.environ.get(TOKEN_VARIABLE), dry_run,
                      progress=Progress())
        if dry_run:
            for what, payload in result.sent:
                click.echo(f"# {what}")
                click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        click.echo(_("dataset {name}: {state}").format(name=name, state=_(result.dataset)))
        for file, state in result.resources.items():
            click.echo(f"  {file}: {_(state)}")

    run(ctx, action)


@main.command("check-links", epilog=N_("Example: koko check-links --base http://127.0.0.1:8080/   (koko serve's address)"), help=N_('Ask the deployed release for every address its catalogue publishes (its downloads, their access addresses, the landing page, the vocabulary); list those that do not answer 2xx (exit 3).'))
@OUT_OPTION
@click.option("--base", help=N_("Ask at this address instead of the release's base IRI (a staging host, or koko serve)."))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def check_links_command(ctx, out_dir: Path, base: str | None, fmt: str) -> None:
    from .errors import RemoteError
    from .remote.links import check_links

    def action():
        links = check_links(out_dir, release_settings(out_dir).base_iri, base)
        failed = [link for link in links if not link.ok]
        if fmt == "json":
            click.echo(json.dumps([{"url": link.published, "asked": link.asked, "status": link.status,
                                    "error": link.error or None, "ok": link.ok} for link in links], indent=2))
        else:
            for link in failed:
                said = str(link.status) if link.status is not None else link.error
                click.echo(f"{said}  {link.asked}" + (_("  (published as {address})").format(address=link.published)
                                                      if link.asked != link.published else ""))
            click.echo(_("{ok} of {links} published addresses answer 2xx.").format(ok=len(links) - len(failed), links=len(links)))
        if failed:
            raise RemoteError(Msg('{failed} of {links} published addresses do not answer 2xx', failed=len(failed), links=len(links)))

    run(ctx, action)


@main.command(epilog=N_("Example: koko query queries/kuopio-municipalities.rq --format csv"), help=N_('Run a SPARQL query (text or a .rq file) over the published graph.\n\nThe prefixes of the outputs (koko:, area:, municipality:, schema:, skos:...) are predeclared. CONSTRUCT and DESCRIBE print Turtle; json is the SPARQL 1.1 Query Results JSON format.'))
@OUT_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.argument("query")
@click.pass_context
def query(ctx, out_dir: Path, fmt: str, query: str) -> None:
    from .web import query as q

    def action():
        base = release_settings(out_dir).base_iri
        store = q.open_store(out_dir)
        click.echo(q.render(q.run(store, q.read_query(query), base), fmt, base), nl=False)

    run(ctx, action)


@main.command(epilog=N_("Example: koko serve --out /srv/koko/output --port 8080   (then open http://127.0.0.1:8080/)"), help=N_("Serve a release: pages for every IRI, downloads, a read-only SPARQL endpoint, /health.\nIt reads the release's folder alone (no data/), so a copy of output/ serves on any host,\nand follows it: a release published there is served once it is loaded, without a restart.\nCtrl-C or SIGTERM: the requests in flight finish, then exit 0."))
@OUT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help=N_("0: any free port (printed)."))
@click.option("--query-timeout", default=10, show_default=True, type=click.IntRange(1, 3600),
              help=N_("Seconds a SPARQL query may run; one that runs over is stopped and answered 503."))
@click.option("--max-queries", default=0, type=click.IntRange(0, 1000),
              help=N_("SPARQL queries running at once; twice as many more wait briefly. Default: twice the cores."))
@click.option("--max-queries-per-client", default=2, show_default=True, type=click.IntRange(1, 1000),
              help=N_("Queries one client address may have running or waiting; more are answered 429."))
@click.option("--max-query-bytes", default=64 * 1024, show_default=True, type=click.IntRange(64, 16 * 1024 * 1024),
              help=N_("The largest query text; a larger one is answered 413."))
@click.option("--max-result-bytes", default=16 * 1024 * 1024, show_default=True, type=click.IntRange(1024),
              help=N_("The largest answer; a larger one is an error."))
@TEMPLATES_OPTION
@click.option("--access-log", "access_log", metavar="FILE|-", help=N_("Write an access log (combined log format) to FILE, "
              "or to standard output with -."))
@click.option("--trusted-proxy", "trusted", multiple=True, metavar="ADDR",
              help=N_("A reverse proxy (address or network) whose X-Forwarded-For names the client (repeatable)."))
@click.pass_context
def serve(ctx, out_dir: Path, host: str, port: int, query_timeout: int, max_queries: int,
          max_queries_per_client: int, max_query_bytes: int, max_result_bytes: int, templates: Path | None,
          access_log: str | None, trusted: tuple) -> None:
    import ipaddress

    from .web.limits import Limits
    from .web.serve import serve as run_server

    def action():
        start = time.perf_counter()
        for address in trusted:
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise InputError(Msg('--trusted-proxy {address!r} is not an IP address or network', address=address), code=Code.BAD_OPTION) from None
        release_settings(out_dir)  # a folder that holds no release is exit 2 before anything starts
        limits = Limits(query_timeout=query_timeout, max_query_bytes=max_query_bytes, max_result_bytes=max_result_bytes,
                        max_queries=max_queries, per_client=max_queries_per_client)

        def ready(url: str, limits: Limits, version: str) -> None:
            click.echo(_("Serving {folder}/ (release {version}) at {url}/ (SPARQL at {url}/sparql, health at {url}/health); "
                         "started in {seconds} s. It follows new releases published there. Ctrl-C stops.").format(
                folder=out_dir, version=version, url=url, seconds=i18n.number(time.perf_counter() - start, "0.00")), err=True)
            click.echo(_("Limits: {limits}.").format(limits=limits.summary()), err=True)

        try:
            run_server(out_dir, host, port, ready, limits, templates, access_log, trusted)
        except KeyboardInterrupt:  # stopped while it was still starting: as cleanly as once it runs
            click.echo(_("koko serve: stopped."), err=True)

    run(ctx, action)


@main.command("push-store", epilog=N_("Example: koko push-store --endpoint http://127.0.0.1:7878/store"), help=N_("Replace the dataset's named graphs in a SPARQL store with the published files."))
@click.option("--endpoint", required=True, help=N_("Graph Store Protocol endpoint (Oxigraph: /store, Fuseki: /DATASET/data, Virtuoso: /sparql-graph-crud-auth)."))
@click.option("--query-endpoint", help=N_("SPARQL query endpoint, to check the triple count after the upload."))
@click.option("--update-endpoint", help=N_("SPARQL Update endpoint, to send only the change when the store holds the "
              "release before (Oxigraph: found beside /store)."))
@click.option("--graph", help=N_("Named graph of the data; default: the dataset's IRI."))
@click.option("--user", help=N_("User name; the password is read from $KOKO_STORE_PASSWORD."))
@click.option("--auth", type=click.Choice(["basic", "digest"]), default="basic", show_default=True)
@OUT_OPTION
@click.pass_context
def push_store_command(ctx, endpoint, query_endpoint, update_endpoint, graph, user, auth, out_dir: Path) -> None:
    import os

    from .remote.store import PASSWORD_VARIABLE, push_store

    def action():
        uploads = push_store(release_settings(out_dir), out_dir, endpoint, query_endpoint, graph, user,
                             os.environ.get(PASSWORD_VARIABLE), auth, update_endpoint=update_endpoint, progress=Progress())
        for up in uploads:
            checked = _("; the store holds exactly {count} triples").format(count=up.stored) if up.stored is not None else ""
            if up.sent == "changed":
                click.echo(_("<{graph}>: sent the change set ({removed} triples removed, {added} added)").format(
                    graph=up.graph, removed=up.removed, added=up.added) + checked)
            else:
                click.echo(_("<{graph}>: replaced with {file} ({count} triples)").format(graph=up.graph, file=up.file,
                                                                                     count=up.triples) + checked)

    run(ctx, action)


@main.command("fetch-reference", epilog=N_("Example: koko fetch-reference --date 2013-01-01"), help=N_('Fetch the municipality, sub-region and region classification valid on a date.'))
@click.option("--date", required=True, type=IsoDate(), help=N_("Classification date (the API has them for 1 January)."))
@click.option("--offline", is_flag=True, help=N_("Use the cache of earlier answers only."))
@click.option("--api", default=None, help=N_("Classification API address (default: Statistics Finland's)."))
@DATA_OPTION
@click.pass_context
def fetch_reference_command(ctx, date: dt.date, offline: bool, api: str | None, data_dir: Path) -> None:
    from .files import count_lines
    from .remote.fetch_reference import API, fetch_reference

    def action():
        folder, client = fetch_reference(data_dir, date, api or API, offline)
        units = {level: count_lines(folder / f"{level}.csv") - 1 for level in ("municipalities", "subregions", "regions")}
        click.echo(_("Wrote {folder}/: {municipalities} municipalities, {subregions} sub-regions, {regions} regions "
                     "({fetched} fetched, {unchanged} unchanged since cached, {cached} from the cache).").format(
            folder=folder, municipalities=units["municipalities"], subregions=units["subregions"], regions=units["regions"],
            fetched=client.fetched, unchanged=client.revalidated, cached=client.from_cache))

    run(ctx, action)
