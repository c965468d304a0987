"""The sarcokg command line: a thin click group over the modules.

Exit codes (one place, sarcokg.errors): 0 success or conforms; 1 ran and found
a problem (graph does not conform, a report failed to ingest); 2 could not run
(bad input or arguments, a tool missing). Errors are one line on stderr.
"""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import click

from sarcokg.common.errors import EXIT_FAILED, EXIT_USAGE, InputError, SarcoKGError
from sarcokg.common.resources import bundled_graph

DEFAULT_KG = bundled_graph()


class Group(click.Group):
    """Maps SarcoKGError and click usage errors to one line and exit code 2."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", False)
        try:
            rv = super().main(*args, **kwargs)
        except SarcoKGError as e:
            click.echo(f"sarcokg: {e}", err=True)
            sys.exit(e.exit_code)
        except click.exceptions.Abort:
            click.echo("sarcokg: aborted", err=True)
            sys.exit(EXIT_USAGE)
        except click.ClickException as e:
            msg = e.format_message().replace("\n", " ")
            click.echo(f"sarcokg: {msg}", err=True)
            sys.exit(EXIT_USAGE)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        except OSError as e:
            if e.errno not in _WRITE_ERRORS:
                raise
            where = e.filename or "standard output"
            click.echo(f"sarcokg: {where}: cannot write ({e.strerror})", err=True)
            sys.exit(EXIT_USAGE)
        try:
            sys.stdout.flush()   # what click.echo left in the buffer: a failure is reported, not ignored at exit
        except BrokenPipeError:
            _quiet_stdout()
        except OSError as e:
            _quiet_stdout()
            click.echo(f"sarcokg: standard output: cannot write ({e.strerror})", err=True)
            sys.exit(EXIT_USAGE)
        sys.exit(rv or 0)


_WRITE_ERRORS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG}


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's own flush at exit
    does not fail again on a closed pipe or a full device."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass   # not a real file descriptor (a test runner's capture)


kg_option = click.option(
    "--kg", "kg", type=click.Path(path_type=Path), default=DEFAULT_KG, show_default="graph/",
    help="Knowledge-graph folder of report graphs (<id>.ttl).")


KG_ENV = "SARCOKG_KG"


def writable_kg_option(f):
    """--kg for the commands that write into the folder: no default (the package's
    own graph is read, never written); SARCOKG_KG stands in for it."""
    return click.option(
        "--kg", "kg", type=click.Path(path_type=Path), default=None,
        help=f"Knowledge-graph folder to write into (required, or set {KG_ENV}).")(f)


def require_kg(kg: Path | None, command: str) -> Path:
    if kg is not None:
        return kg
    env = os.environ.get(KG_ENV, "").strip()
    if env:
        return Path(env)
    raise InputError(f"{command} writes into a knowledge-graph folder: give it with --kg DIR or {KG_ENV}=DIR "
                     "(the bundled graph is read-only)")


def output_option(default: str | None = None):
    return click.option("-o", "--output", type=click.Path(path_type=Path), default=default,
                        help="Write to this file (atomically) instead of standard output.")


def emit(data: bytes | str, output: Path | None) -> None:
    from sarcokg.common.files import atomic_write, stdout_output
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data and not data.endswith(b"\n") and data[:1] in (b"{", b"["):
        data += b"\n"   # JSON results end with a newline, as text files do
    if output is None:
        with stdout_output() as fh:
            fh.write(data)
    else:
        atomic_write(output, data)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    """click.version_option's output, with the version looked up only when asked for (model.namespaces)."""
    if not value or ctx.resilient_parsing:
        return
    from sarcokg.model.namespaces import VERSION
    click.echo(f"sarcokg, version {VERSION}")
    ctx.exit()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
def main() -> None:
    """SarcoKG: a knowledge graph of sarcoma case reports.

    Query it with SPARQL, validate it with SHACL, check it with an OWL
    reasoner, export it for other tools, and ingest new report texts.
    """


@main.command()
@click.argument("name", required=False)
@click.option("--sparql", help="Run this SPARQL text instead of a named query.")
@kg_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="json, csv and tsv are the W3C SPARQL 1.1 results formats.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to an RDF term: <iri>, prefix:name, 42, 1.5, true, \"text\" or text.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and what each answers.")
@click.option("--endpoint", metavar="URL",
              help="Run the query on this remote SPARQL 1.1 endpoint instead of --kg.")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Stop the query after this many seconds (default: 300, SARCOKG_QUERY_TIMEOUT; "
                   "60 with --endpoint).")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE (federated query) send requests to the servers or files the query names; "
                   "off by default.")
@output_option()
def query(name, sparql, kg, fmt, params, list_, endpoint, timeout, allow_service, output) -> None:
    """Run a named query (queries/NAME.rq), a FILE.rq, or --sparql TEXT."""
    from sarcokg.query import run as q
    from sarcokg.views.table import described, header_description, query_table

    def render(results) -> bytes:
        return query_table(results).encode("utf-8") if fmt == "table" else q.serialize(results, fmt)

    if list_:
        click.echo(described([(qname, header_description(path)) for qname, path in q.named_queries().items()]),
                   nl=False)
        return
    label, text = q.resolve(name, sparql)
    for p in params:
        q.parse_param(p)  # bad parameters fail before the graph loads
    if endpoint is not None:
        from sarcokg.interop.remote import credentials, run_remote
        url, login = credentials(endpoint)   # a user:password@host URL, or ~/.netrc
        emit(render(run_remote(url, label, text, list(params), timeout or 60.0, login)), output)
        return
    import pyoxigraph as ox

    from sarcokg.common.settings import Settings
    from sarcokg.store.kgstore import load
    settings = Settings.from_env()
    # answer() loads deferred evidence when the query may read it; a store build keeps the named queries' rows
    asked = None if params else (text, "json" if fmt == "table" else fmt)
    kgraph = load(kg, evidence=False, settings=settings,
                  derive=q.deriver(kg, 2, settings, progress_on_stderr(), asked))
    data = q.answer(kg, kgraph, label, text, list(params), "json" if fmt == "table" else fmt,
                    timeout or settings.query_timeout, progress=progress_on_stderr(),
                    allow_service=allow_service)
    emit(query_table(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)).encode("utf-8")
         if fmt == "table" else data, output)


def progress_on_stderr():
    """A progress callback (message, done, total): the message once on stderr,
    and a progress bar while stderr is a terminal."""
    state: dict = {}

    def progress(message: str, done: int, total: int) -> None:
        if state.get("message") != message:
            click.echo(f"sarcokg: {message}", err=True)
            state.update(message=message, bar=None)
            if total and sys.stderr.isatty():
                from tqdm import tqdm
                state["bar"] = tqdm(total=total, unit="report", file=sys.stderr)
        bar = state["bar"]
        if bar is not None:
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
    return progress


@main.command()
@kg_option
@click.option("--format", "fmt", type=click.Choice(["text", "turtle"]), default="text", show_default=True,
              help="turtle prints the standard SHACL validation report.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the project's compiled core-SHACL engine; pyshacl: the reference validator.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--no-cache", is_flag=True, help="Validate every report afresh, ignoring cached results.")
@output_option()
def validate(kg, fmt, engine, jobs, no_cache, output) -> int:
    """Validate every report graph against the SHACL shapes, and the rules
    that span reports (a PMID or DOI in two reports, a report id clash).

    Results of unchanged reports are reused (cached by the hashes of report,
    shapes and ontology). Exit 0 when the graph conforms, 1 when it does not,
    2 when it could not run.
    """
    from sarcokg.common.settings import Settings
    from sarcokg.validate.shacl import format_text, format_turtle, validate_folder
    settings = Settings.from_env()
    results, n_reports = validate_folder(kg, engine, jobs, cache=not no_cache, lock_wait=settings.lock_wait)
    emit(format_text(results, n_reports) if fmt == "text" else format_turtle(results), output)
    return EXIT_FAILED if results else 0


@main.command()
@kg_option
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "trig", "jsonld", "phenopacket"]),
              default="turtle", show_default=True,
              help="phenopacket: one GA4GH Phenopacket v2 JSON per report, <id>.json in the folder -o DIR.")
@output_option()
def export(kg, fmt, output) -> None:
    """Export the ontology and every report graph, byte-identical across runs."""
    if fmt == "phenopacket":
        from sarcokg.interop.phenopacket import export_phenopackets
        n = export_phenopackets(kg, output)
        from sarcokg.common.text import plural
        click.echo(f"wrote {plural(n, 'phenopacket')} to {output}", err=True)
        return
    from sarcokg.interop.export import export_to
    from sarcokg.store.kgstore import report_files
    export_to(report_files(kg), fmt, output)


@main.command()
@kg_option
@click.option("--reports", type=click.IntRange(0), default=1000, show_default=True, metavar="N",
              help="Reason over the ontology plus at most N report graphs, an even sample when there are more.")
def reason(kg, reports) -> None:
    """Check with HermiT (owlready2) that the ontology plus data is consistent.

    HermiT's cost grows fast with the data (about 60 s and 3.6 GB for 10,000
    reports), so a large graph is reasoned over an even sample of its reports;
    SHACL validation covers every report.
    """
    from sarcokg.store.kgstore import report_files
    from sarcokg.validate.reason import reason as do_reason
    files = report_files(kg)
    step = len(files) / max(reports, 1)
    sample = [files[int(i * step)] for i in range(reports)] if len(files) > reports else list(files)
    click.echo(do_reason(sample))


@main.command()
@kg_option
@click.option("--ontology", "ontology", type=click.Path(path_type=Path), default=None,
              help="Check this ontology file instead of ontology/sarcokg.ttl.")
def check(kg, ontology) -> int:
    """Run the quality checks (queries/checks/*-violation.rq) over ontology and graph.

    Lists each check with its number of offending rows, and the rows. Exit 0
    when every check is empty, 1 when one is not, 2 when they could not run.
    """
    from sarcokg.store.kgstore import load, report_files
    from sarcokg.validate.checks import format_report, memory_store, run_checks
    store = memory_store(ontology, report_files(kg)) if ontology is not None else load(kg).store
    results = run_checks(store)
    from sarcokg.validate.records import record_check
    results.append(record_check(kg))
    click.echo(format_report(results), nl=False)
    return EXIT_FAILED if any(r.rows for r in results) else 0


@main.command()
@kg_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True, metavar="SECONDS",
              help="Stop any query that runs longer than this.")
@click.option("--allow-service", is_flag=True,
              help="Let queries use SERVICE (federation): the server then sends requests to any URL a client names.")
@click.option("--cors", is_flag=True, help="Allow cross-origin requests (CORS), so a web page on another "
              "origin (YASGUI, say) can query the endpoint. Off by default.")
def serve(kg, host, port, timeout, allow_service, cors) -> int:
    """Serve the graph read-only as a SPARQL 1.1 Protocol endpoint (Oxigraph
    server) at http://HOST:PORT/query, the default graph being the union of
    the ontology and all reports. Serves a snapshot of the store taken at
    start; Ctrl-C or SIGTERM stops it.
    """
    from sarcokg.interop.serve import serve as do_serve
    return do_serve(kg, host, port, timeout, announce=lambda m: click.echo(m, err=True), allow_service=allow_service,
                    cors=cors)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph).")
@kg_option
@click.option("--timeout", type=click.FloatRange(min=0.001), default=60.0, show_default=True, metavar="SECONDS",
              help="Give up on a graph when the store has not answered in this time.")
@click.option("--user", metavar="NAME", help="Log in as NAME (HTTP Basic or Digest, as the store asks); the "
              "password from SARCOKG_PASSWORD, ~/.netrc, or a prompt. Also: a user:password@host URL, or "
              "~/.netrc alone.")
def push(endpoint, kg, timeout, user) -> None:
    """Load the ontology and every report into a remote store (SPARQL 1.1
    Graph Store HTTP Protocol): PUT <ontology IRI> and one named graph
    <https://w3id.org/sarcokg/report/ID> per report. PUT replaces a graph, so
    pushing again gives the same store. A failed push says which graphs went
    in and exits 2.
    """
    from sarcokg.interop.remote import credentials
    from sarcokg.interop.remote import push as do_push
    url, login = credentials(endpoint, user, prompt=lambda text: click.prompt(text, hide_input=True, err=True))
    n = do_push(url, kg, timeout, progress=click.echo, auth=login)
    click.echo(f"pushed {n} graphs to {url}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@writable_kg_option
@click.option("--force", is_flag=True, help="Overwrite curated report graphs too.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation of each new graph.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures (and their summary line).")
def ingest(files, kg, force, jobs, no_validate, quiet) -> int:
    """Read report texts, extract their cases and write KG/<stem>.ttl for each.

    A curation record KG/curation/<stem>.json, where present, is laid over the
    extracted draft. KG/sources.tsv records where each text was read (for
    `sarcokg evidence`). Exit 1 when any report failed; the others are still written.
    """
    from sarcokg.ingest.pipeline import ingest_files
    kg = require_kg(kg, "ingest")
    failed = ingest_files(list(files), kg, force=force, jobs=jobs, validate=not no_validate, quiet=quiet)
    return EXIT_FAILED if failed else 0


@main.command()
@click.argument("report")
@writable_kg_option
@click.option("--with-curation", is_flag=True, help="Remove the curation record KG/curation/<id>.json too.")
def remove(report, kg, with_curation) -> None:
    """Remove the report graph KG/REPORT.ttl (its curation record is kept unless --with-curation)."""
    from sarcokg.ingest.pipeline import remove_report
    kg = require_kg(kg, "remove")
    done = remove_report(report, kg, with_curation)
    kept = "; its curation record removed too" if done.curation else ""
    click.echo(f"removed {done.report_id} from {kg}{kept}", err=True)


@main.command()
@click.argument("report")
@kg_option
@click.option("--text", "text_path", type=click.Path(path_type=Path),
              help="The report's source text (default: where KG/sources.tsv says ingest read it, "
                   "else KG/<file> or KG/sources/<file>).")
@click.option("--context", type=click.IntRange(0), default=40, show_default=True,
              help="Characters of context each side.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def evidence(report, kg, text_path, context, fmt) -> None:
    """Show each fact of REPORT with its stored mention (the exact string and its
    offsets), and the mention in context when the source text is at hand (its
    SHA-256 checked against the graph)."""
    from sarcokg.views.evidence import show_evidence
    click.echo(show_evidence(report, kg, text_path, context, fmt), nl=False)


@main.command()
@click.argument("report")
@kg_option
def show(report, kg) -> None:
    """Show one case: the report, patient, tumour, interventions and outcomes, and
    whether it is curated or a draft."""
    from sarcokg.views.case import show_case
    click.echo(show_case(report, kg), nl=False)


@main.command(name="list")
@kg_option
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table", show_default=True)
def list_(kg, fmt) -> None:
    """List the reports: id, title, year, tumour type, curated or draft."""
    import json

    from sarcokg.views.case import list_reports
    from sarcokg.views.table import render
    names, rows = list_reports(kg)
    if fmt == "json":
        click.echo(json.dumps([dict(zip(names, r, strict=True)) for r in rows], indent=2, ensure_ascii=False))
    elif fmt == "tsv":
        click.echo("\n".join("\t".join(c.replace("\t", " ") for c in r) for r in [names, *rows]))
    else:
        click.echo(render(names, rows, noun="report"), nl=False)


@main.command()
@kg_option
@click.option("--select", "selection", metavar="NAME|FILE.rq",
              help="The cohort: the reports this named query or query file returns (its ?report column).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME in the selection query, as for 'sarcokg query'.")
@click.option("--texts", multiple=True, type=click.Path(path_type=Path), metavar="DIR",
              help="Another folder of report texts for the case pages (after KG and KG/sources).")
@click.option("--case-pages", type=click.IntRange(0), default=1000, show_default=True, metavar="N",
              help="Write a page per case when the cohort has at most N cases.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True, metavar="DIR",
              help="The folder to write the site to (a report written before is replaced whole).")
def report(kg, selection, params, texts, case_pages, out) -> None:
    """Write the cohort view: a static site of Table 1, spine map, swimmer plot
    and overall survival (index.html, figures/ as SVG and PNG, table1.csv),
    the case list, and a page per case with each fact linked to its text.
    """
    from sarcokg.common.errors import InputError
    from sarcokg.views.cohort.site import Options, make_report
    if params and not selection:
        raise InputError("--param binds a variable of the selection query; give --select NAME|FILE.rq")
    from sarcokg.common.settings import Settings
    from sarcokg.query.run import deriver
    from sarcokg.store.kgstore import load
    settings = Settings.from_env()
    # case pages load deferred evidence when they are written; a store build keeps the named queries' rows
    kgraph = load(kg, evidence=False, settings=settings, derive=deriver(kg, 2, settings, progress_on_stderr()))
    label = None
    if selection:
        label = selection + "".join(f" --param {p}" for p in params)
    opts = Options(kg, out, list(texts), case_pages, label)
    done = make_report(kgraph, opts, selection, list(params),
                       announce=lambda m: click.echo(f"sarcokg: {m}", err=True))
    click.echo(f"wrote the cohort of {done['cases']} cases to {out}/index.html ({done['figures']} figures, "
               f"{done['case_pages']} case pages)", err=True)


if __name__ == "__main__":
    main()
