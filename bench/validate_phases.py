#!/usr/bin/env python3
"""Where a cold `sarcokg validate` spends its time: wall and CPU per phase.

    python bench/validate_phases.py KG [--jobs 2] [--no-ahead]

Runs the steps of `sarcokg validate --kg KG --jobs J` (cli.validate) in this
process, in the same order, and prints for each phase its wall time, this
process's CPU and its workers' CPU (children that have ended: the worker
pools end within the phase that starts them). Meant for a fresh copy of a
synthetic corpus's graph folder (bench/synth.py), so the store is built and
every report validated; the folder is changed (its store and caches written).
--no-ahead validates only after the store is loaded (as before validate/ahead.py);
--no-rows builds the store without the named queries' rows (which the command
always keeps), to show what they cost.
"""
from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path


def cpu() -> tuple[float, float]:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kg", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-ahead", action="store_true")
    ap.add_argument("--no-rows", action="store_true")
    a = ap.parse_args()
    marks: list[tuple[str, float, float, float]] = []
    start = time.perf_counter()

    def mark(label: str) -> None:
        marks.append((label, time.perf_counter() - start, *cpu()))

    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    from sarcokg.common.settings import Settings
    from sarcokg.query.run import deriver, prepare_named
    from sarcokg.store.kgstore import CACHE_DIR, load
    from sarcokg.validate import ahead, shacl
    from sarcokg.validate.records import record_results
    mark("imports")
    settings = Settings.from_env()
    cache_file = a.kg / CACHE_DIR / "validation-fast.json"
    early = None if a.no_ahead else ahead.start(a.kg, "fast", a.jobs, cache_file)
    mark("validation ahead started")
    rows = None if a.no_rows else deriver(a.kg, a.jobs, settings, None)
    kgraph = load(a.kg, evidence=False, settings=settings, derive=rows)
    mark("store build" + ("" if a.no_rows else " with the named queries' rows") + " (load)")
    done = None if early is None else early.finish()
    mark("validation ahead finished (this process joins)")
    real_all, real_cross = shacl._validate_all, shacl.cross_report_results

    def timed_all(*args, **kw):
        mark("validate_kg: cache read")
        out = real_all(*args, **kw)
        mark("validation after the load")
        return out

    def timed_cross(*args, **kw):
        out = real_cross(*args, **kw)
        mark("rules across reports")
        return out

    shacl._validate_all, shacl.cross_report_results = timed_all, timed_cross
    files = kgraph.reports
    cache = cache_file if (a.kg / CACHE_DIR).is_dir() else None
    results, fresh = shacl.validate_kg(files, "fast", a.jobs, cache, store=kgraph.store, digests=kgraph.digests,
                                       ahead=done)
    mark("validate_kg: cache written")
    results = sorted(results + record_results(a.kg))
    text = shacl.format_text(results, len(files))
    mark("curation records, report text")
    if fresh >= settings.defer_evidence_min and not a.no_rows:
        prepare_named(a.kg, kgraph, a.jobs)
    mark("named queries kept (nothing left after a build)" if not a.no_rows else "(named queries not kept)")
    print(f"{len(files)} reports, {fresh} validated afresh, {len(text.splitlines())} lines, jobs {a.jobs}, "
          f"{'no ' if a.no_ahead else ''}validation ahead")
    print("| phase | wall s | this process CPU s | workers CPU s |\n|---|---|---|---|")
    prev = (0.0, 0.0, 0.0)
    for label, wall, own, kids in marks:
        print(f"| {label} | {wall - prev[0]:.2f} | {own - prev[1]:.2f} | {kids - prev[2]:.2f} |")
        prev = (wall, own, kids)
    print(f"| total | {marks[-1][1]:.2f} | {marks[-1][2]:.2f} | {marks[-1][3]:.2f} |")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
