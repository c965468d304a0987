#!/usr/bin/env python3
"""What each named per-report query costs to evaluate on one chunk of report files, as the Deriver's worker does it.

    python bench/query_costs.py GRAPH [--reports 2000] [--runs 7]        # CPU time per query
    python bench/query_costs.py GRAPH --instructions [--only NAME...]     # and instructions (callgrind)
    python bench/query_costs.py GRAPH --queries DIR                       # the named queries of another folder
    python bench/query_costs.py GRAPH --worker                            # the worker's whole chunk (callgrind)

GRAPH is a folder of report files (`python bench/synth.py N DIR` writes
DIR/graph). The first --reports files (sorted) are read as the store's sync
hands a chunk to the Deriver (`sync.read_chunk(..., defer=True)`: the facts as
TriG graph blocks, the evidence left out) and loaded as the worker loads them
(`rowcache._loaded_chunk`: the ontology into its graph, then the blocks).
Each per-report query that reads no evidence (`rowcache.named_consumers`) is
then evaluated as the worker evaluates it (`rowcache._rows`: the query, or an
aggregate's stage-1 pattern, written as SPARQL TSV by Oxigraph and split by
report); the CPU time is the median of --runs runs, in microseconds a report.

--instructions counts instructions with `valgrind --tool=callgrind` (immune to
the host's load): for each query a run that loads the chunk and evaluates the
query --runs times, less a run that only loads it, divided by runs x reports.
--worker counts the worker's whole job on the chunk (`rowcache.chunk_rows`
with the Deriver's arguments: the load and every query), less the reading of
the chunk, so two codes can be compared (run it with each on PYTHONPATH; it
prints the module it imported).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import recording  # noqa: E402


def _chunk(graph: Path, reports: int):
    """The chunk as the sync hands it to the Deriver: ({file name: digest}, TriG blocks)."""
    from sarcokg.store.sync import read_chunk
    from sarcokg.store.writerform import trig
    names = sorted(n for n in os.listdir(graph) if n.endswith(".ttl"))[:reports]
    got = read_chunk([(n[:-4], graph / n) for n in names], True)
    return {k + ".ttl": e[0] for k, e in got.entries.items()}, trig(got.blocks)


def _consumers(queries: Path | None):
    """(name, rowcache.Consumer) of every per-report query that reads no evidence."""
    from sarcokg.query import rowcache as rc
    from sarcokg.query.named import named_queries
    from sarcokg.store.evidence_defer import may_read_evidence
    from sarcokg.store.reportfiles import ontology_path, sha256
    onto = sha256(ontology_path())
    found = named_queries(queries) if queries is not None else named_queries()
    texts = {name: p.read_text(encoding="utf-8") for name, p in found.items()}
    return [(name, rc.consumer(t, onto)) for name, t in texts.items()
            if rc.per_report(t) and not may_read_evidence(t)]


def _loaded(digests: dict, trig: bytes):
    from sarcokg.query import rowcache as rc
    from sarcokg.store.reportfiles import ontology_path
    return rc._loaded_chunk(str(ontology_path()), digests, trig)


def times(graph: Path, reports: int, runs: int, queries: Path | None) -> None:
    from sarcokg.query import rowcache as rc
    digests, trig = _chunk(graph, reports)
    n = len(digests)
    files = [(name, str(graph / name)) for name in digests]
    loads = []
    for _ in range(runs):
        t0 = time.process_time()
        store, digests, stems = _loaded(digests, trig)
        loads.append(time.process_time() - t0)
    print(f"{n} reports, {runs} runs; CPU us a report, median (min)")
    print(f"  {'load (ontology + TriG)':34} {statistics.median(loads) / n * 1e6:7.1f} ({min(loads) / n * 1e6:.1f})")
    total = 0.0
    for name, c in _consumers(queries):
        took = []
        for _ in range(runs):
            t0 = time.process_time()
            rc._rows(store, digests, stems, files, c.evaluated, c.keep)
            took.append(time.process_time() - t0)
        total += statistics.median(took)
        print(f"  {name:34} {statistics.median(took) / n * 1e6:7.1f} ({min(took) / n * 1e6:.1f})")
    print(f"  {'every query':34} {total / n * 1e6:7.1f}")


def _callgrind(args: list[str]) -> int:
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
                       capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    for line in p.stderr.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    sys.exit(f"query_costs: no count from valgrind: {p.stderr[-500:]}")


def instructions(graph: Path, reports: int, runs: int, queries: Path | None, only: list[str] | None) -> None:
    if shutil.which("valgrind") is None:
        sys.exit("query_costs: valgrind is not installed")
    me = [sys.executable, __file__, str(graph), "--reports", str(reports), "--runs", str(runs), "--no-record"]
    if queries is not None:
        me += ["--queries", str(queries)]
    n = len(_chunk(graph, reports)[0])
    base = _callgrind([*me, "--evaluate", ""])
    print(f"{n} reports; callgrind instructions a report, each query's {runs} evaluations less the load alone")
    total = 0.0
    for name, _ in _consumers(queries):
        if only and name not in only:
            continue
        per = (_callgrind([*me, "--evaluate", name]) - base) / (runs * n)
        total += per
        print(f"  {name:34} {per:12,.0f}")
    print(f"  {'every query':34} {total:12,.0f}")


def evaluate(graph: Path, reports: int, runs: int, queries: Path | None, only: str) -> None:
    """The loop callgrind counts: load the chunk, evaluate one query (none: '') `runs` times."""
    from sarcokg.query import rowcache as rc
    digests, trig = _chunk(graph, reports)
    files = [(name, str(graph / name)) for name in digests]
    store, digests, stems = _loaded(digests, trig)
    for name, c in _consumers(queries):
        if name == only:
            for _ in range(runs):
                rc._rows(store, digests, stems, files, c.evaluated, c.keep)


def worker(graph: Path, reports: int, job: bool) -> None:
    """The Deriver's worker job on one chunk (job False: the chunk read only)."""
    import sarcokg
    from sarcokg.query import rowcache as rc
    from sarcokg.store.reportfiles import ontology_path
    digests, trig = _chunk(graph, reports)
    consumers = [c for _, c in _consumers(None)]
    if not job:
        return
    first, *rest = consumers
    args = (first.evaluated, str(ontology_path()), [(k, str(graph / k)) for k in digests], first.keep, True,
            [(o.evaluated, o.keep) for o in rest], (digests, trig))
    rc.chunk_rows(args)
    print(f"worker ran {len(consumers)} queries on {len(digests)} reports with {sarcokg.__file__}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path)
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--queries", type=Path, help="a folder of named queries (default: the package's)")
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--only", nargs="+", help="count the instructions of these queries only")
    ap.add_argument("--evaluate", help=argparse.SUPPRESS)      # the loop valgrind runs
    ap.add_argument("--job", type=int, help=argparse.SUPPRESS)  # the worker valgrind runs (1) or its reading (0)
    a = ap.parse_args()
    if a.evaluate is not None:
        evaluate(a.graph, a.reports, a.runs, a.queries, a.evaluate)
    elif a.job is not None:
        worker(a.graph, a.reports, bool(a.job))
    elif a.worker:
        import sarcokg
        me = [sys.executable, __file__, str(a.graph), "--reports", str(a.reports), "--no-record"]
        read, job = _callgrind([*me, "--job", "0"]), _callgrind([*me, "--job", "1"])
        print(f"the Deriver's worker on a chunk of {a.reports} reports ({sarcokg.__file__}): "
              f"{job - read:,} instructions, {(job - read) / a.reports:,.0f} a report "
              f"(reading the chunk and start-up {read:,})")
    else:
        times(a.graph, a.reports, a.runs, a.queries)
        if a.instructions:
            instructions(a.graph, a.reports, a.runs, a.queries, a.only)


if __name__ == "__main__":
    with recording("query-costs"):
        main()
