#!/usr/bin/env python3
"""Where a `sarcokg validate` spends its time: wall and CPU per phase.

    python bench/validate_phases.py KG [--jobs 2] [--no-cache]

Runs the steps of `sarcokg validate --kg KG --jobs J` (shacl.validate_folder)
in this process, in the same order, and prints for each phase its wall time,
this process's CPU and its workers' CPU (children that have ended: the worker
pool ends within the phase that starts it). On a fresh copy of a synthetic
corpus's graph folder (bench/synth.py) every report is read, hashed and
validated; the folder's validation cache is written (nothing else).
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
    ap.add_argument("--no-cache", action="store_true")
    a = ap.parse_args()
    marks: list[tuple[str, float, float, float]] = []
    start = time.perf_counter()

    def mark(label: str) -> None:
        marks.append((label, time.perf_counter() - start, *cpu()))

    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    from sarcokg.validate import cross, shacl
    mark("imports")

    def timed(fn, before: str, after: str):
        def wrapper(*args, **kw):
            mark(before)
            out = fn(*args, **kw)
            mark(after)
            return out
        return wrapper

    real_check, real_cross = shacl._check_all, cross.cross_results
    shacl._check_all = timed(real_check, "listing, lock, stats, cache read",
                             "files read, hashed and validated (workers)")
    cross.cross_results = timed(real_cross, "cache updated", "rules across reports")
    results, n = shacl.validate_folder(a.kg, "fast", a.jobs, cache=not a.no_cache)
    mark("cache written, curation records")
    text = shacl.format_text(results, n)
    mark("report text")
    shacl._check_all, cross.cross_results = real_check, real_cross
    print(f"{n} reports, {len(text.splitlines())} lines, jobs {a.jobs}")
    print("| phase | wall s | this process CPU s | workers CPU s |\n|---|---|---|---|")
    prev = (0.0, 0.0, 0.0)
    for label, wall, own, kids in marks:
        print(f"| {label} | {wall - prev[0]:.2f} | {own - prev[1]:.2f} | {kids - prev[2]:.2f} |")
        prev = (wall, own, kids)
    print(f"| total | {marks[-1][1]:.2f} | {marks[-1][2]:.2f} | {marks[-1][3]:.2f} |")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
