"""The sarcokg command line: a thin click group over the modules.

Exit codes (one place, sarcokg.errors): 0 success or conforms; 1 ran and found
a problem (graph does not conform, a report failed to ingest); 2 could not run
(bad input or arguments, a tool missing). Errors are one line on stderr.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from sarcokg.common.errors import EXIT_FAILED, EXIT_USAGE, SarcoKGError
from sarcokg.common.resources import bundled_graph
from sarcokg.model.namespaces import VERSION

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
            sys.exit(0)
        sys.exit(rv or 0)


kg_option = click.option(
    "--kg", "kg", type=click.Path(path_type=Path), default=DEFAULT_KG, show_default="graph/",
    help="Knowledge-graph folder of report graphs (<id>.ttl).")


def output_option(default: str | None = None):
    return click.option("-o", "--output", type=click.Path(path_type=Path), default=default,
                        help="Write to this file (atomically) instead of standard output.")


def emit(data: bytes | str, output: Path | None) -> None:
    from sarcokg.common.files import atomic_write
    if isinstance(data, str):
        data = data.encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        atomic_write(output, data)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="sarcokg")
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
@click.option("--timeout", type=click.FloatRange(min=0.001), default=60.0, show_default=True, metavar="SECONDS",
              help="With --endpoint: give up when the endpoint has not answered in this time.")
@output_option()
def query(name, sparql, kg, fmt, params, list_, endpoint, timeout, output) -> None:
    """Run a named query (queries/NAME.rq), a FILE.rq, or --sparql TEXT."""
    from sarcokg.query import run as q
    if list_:
        for qname, path in q.named_queries().items():
            click.echo(f"{qname:32} {q.describe(path)}")
        return
    label, text = q.resolve(name, sparql)
    for p in params:
        q.parse_param(p)  # bad parameters fail before the graph loads
    if endpoint is not None:
        from sarcokg.interop.remote import run_remote
        emit(q.serialize(run_remote(endpoint, label, text, list(params), timeout), fmt), output)
        return
    from sarcokg.store.kgstore import load
    kgraph = load(kg, evidence=False)   # run_kg loads deferred evidence when the query may read it
    emit(q.serialize(q.run_kg(kg, kgraph, label, text, list(params)), fmt), output)


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
    from sarcokg.store import kgstore as store
    from sarcokg.store.kgstore import CACHE_DIR, load
    from sarcokg.validate.shacl import format_text, format_turtle, validate_kg
    kgraph = load(kg, evidence=False)   # the rules across reports read no evidence (tested)
    files = kgraph.reports
    cache = None if no_cache or not (kg / CACHE_DIR).is_dir() else kg / CACHE_DIR / f"validation-{engine}.json"
    results, fresh = validate_kg(files, engine, jobs, cache, store=kgraph.store, digests=kgraph.digests)
    emit(format_text(results, len(files)) if fmt == "text" else format_turtle(results), output)
    if fresh >= store.DEFER_EVIDENCE_MIN and cache is not None:
        # many reports validated afresh (a new folder, shapes or ontology): the
        # named queries' first run, which reads every report again, is paid here
        # rather than by the next query (see README, "The query store, and scale")
        import time

        from sarcokg.query.run import prepare_named
        start = time.perf_counter()
        if prepare_named(kg, kgraph, jobs):
            click.echo(f"kept the named queries' results for {len(files)} reports "
                       f"({time.perf_counter() - start:.0f} s)", err=True)
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
        click.echo(f"wrote {n} phenopackets to {output}", err=True)
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
    if len(files) > reports:
        step = len(files) / max(reports, 1)
        files = [files[int(i * step)] for i in range(reports)]
    click.echo(do_reason(files))


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
    click.echo(format_report(results), nl=False)
    return EXIT_FAILED if any(r.rows for r in results) else 0


@main.command()
@kg_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True, metavar="SECONDS",
              help="Stop any query that runs longer than this.")
def serve(kg, host, port, timeout) -> int:
    """Serve the graph read-only as a SPARQL 1.1 Protocol endpoint (Oxigraph
    server) at http://HOST:PORT/query, the default graph being the union of
    the ontology and all reports. Serves a snapshot of the store taken at
    start; Ctrl-C or SIGTERM stops it.
    """
    from sarcokg.interop.serve import serve as do_serve
    return do_serve(kg, host, port, timeout, announce=lambda m: click.echo(m, err=True))


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph).")
@kg_option
@click.option("--timeout", type=click.FloatRange(min=0.001), default=60.0, show_default=True, metavar="SECONDS",
              help="Give up on a graph when the store has not answered in this time.")
def push(endpoint, kg, timeout) -> None:
    """Load the ontology and every report into a remote store (SPARQL 1.1
    Graph Store HTTP Protocol): PUT <ontology IRI> and one named graph
    <https://w3id.org/sarcokg/report/ID> per report. PUT replaces a graph, so
    pushing again gives the same store. A failed push says which graphs went
    in and exits 2.
    """
    from sarcokg.interop.remote import push as do_push
    n = do_push(endpoint, kg, timeout, progress=click.echo)
    click.echo(f"pushed {n} graphs to {endpoint}", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@kg_option
@click.option("--force", is_flag=True, help="Overwrite curated report graphs too.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation of each new graph.")
def ingest(files, kg, force, jobs, no_validate) -> int:
    """Read report texts, extract their cases and write KG/<stem>.ttl for each.

    A curation record KG/curation/<stem>.json, where present, is laid over the
    extracted draft. Exit 1 when any report failed; the others are still written.
    """
    from sarcokg.ingest.pipeline import ingest_files
    failed = ingest_files(list(files), kg, force=force, jobs=jobs, validate=not no_validate)
    return EXIT_FAILED if failed else 0


@main.command()
@click.argument("report")
@kg_option
@click.option("--text", "text_path", type=click.Path(path_type=Path),
              help="The report's source text (default: KG/<file>, KG/sources/<file>, or the shared corpus beside the repository).")
@click.option("--context", type=int, default=40, show_default=True, help="Characters of context each side.")
def evidence(report, kg, text_path, context) -> None:
    """Show each fact of REPORT with its mention in context in the source text."""
    from sarcokg.views.evidence import show_evidence
    click.echo(show_evidence(report, kg, text_path, context), nl=False)


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
    from sarcokg.store.kgstore import load
    kgraph = load(kg, evidence=False)   # case pages load deferred evidence when they are written
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
