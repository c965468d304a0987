#!/usr/bin/env python3
"""Where a command's CPU and wall time go: the CLI run in this process with the store's and the
query layer's phases timed (the CPU of the command's main thread, and the wall time, per phase),
and the CPU of the whole process (the store's bulk loader and RocksDB run on threads of their own)
and of its worker processes at the end. For the first query on a fresh folder:

    PYTHONPATH=SRC python bench/first_query_phases.py query case-summary --kg COPY --format tsv > /dev/null

The phases are functions of sync and rowcache looked up by name, so an older code may lack some
(they are then left out). Prints to stderr.
"""
from __future__ import annotations

import atexit
import collections
import functools
import resource
import runpy
import sys
import time

PHASES = [   # (module, attribute, label): wrapped to add up their main-thread CPU and wall time
    ("sarcokg.store.kgstore", "listed_stats", "listing and stats"),
    ("sarcokg.store.sync", "plan", "plan"),
    ("sarcokg.store.sync", "read_chunk", "read, hash and wrap the files (read_chunk)"),
    ("sarcokg.store.sync", "bulk_load", "bulk load, whole (the main thread's share)"),
    ("sarcokg.store.sync", "_finish", "the store's record in the catalogue (sync._finish)"),
    ("sarcokg.query.rowcache", "Deriver.chunk", "deriver: chunks handed to the workers, results settled"),
    ("sarcokg.query.rowcache", "_added", "deriver: aggregate totals (_added)"),
    ("sarcokg.query.rowcache", "Deriver._stream", "deriver: entries into the catalogue (_stream)"),
    ("sarcokg.query.rowcache", "Deriver.finish", "deriver: finish (stamps, results, rendering)"),
]
MARKS = {"bulk_load", "_finish", "Deriver.finish"}   # their start and end on the timeline too


def main() -> None:
    import importlib
    acc: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0])
    marks: list[tuple[str, float, float, float]] = []
    w0 = time.perf_counter()

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def mark(label: str) -> None:
        marks.append((label, time.perf_counter() - w0, time.thread_time(), cpu()))

    def wrapped(f, label: str, marked: bool):
        @functools.wraps(f)
        def g(*a, **k):
            if marked:
                mark(label + ": start")
            t, w = time.thread_time(), time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                e = acc[label]
                e[0] += time.thread_time() - t
                e[1] += time.perf_counter() - w
                e[2] += 1
                if marked:
                    mark(label + ": end")
        return g

    for module, attr, label in PHASES:
        owner: object = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is not None and hasattr(owner, name):
            setattr(owner, name, wrapped(getattr(owner, name), label, attr.split(".")[-1] in MARKS
                                         or attr in MARKS))

    def report() -> None:
        mark("exit")
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        err = sys.stderr
        print(f"wall {time.perf_counter() - w0:.2f} s; CPU: main thread {time.thread_time():.2f} s, whole command "
              f"process {cpu():.2f} s (its other threads {cpu() - time.thread_time():.2f} s), worker processes "
              f"{kids.ru_utime + kids.ru_stime:.2f} s", file=err)
        print("timeline (s from the start; main thread CPU, process CPU):", file=err)
        for label, w, tc, pc in marks:
            print(f"  {w:8.2f}  {tc:7.2f}  {pc:7.2f}  {label}", file=err)
        print("phases (calls, main-thread CPU s, wall s):", file=err)
        for label, (c, w, n) in acc.items():
            print(f"  {n:5d}  {c:7.2f}  {w:7.2f}  {label}", file=err)

    atexit.register(report)
    sys.argv = ["sarcokg", *sys.argv[1:]]
    runpy.run_module("sarcokg.cli", run_name="__main__")


if __name__ == "__main__":   # spawned workers import this module again: they must not run the CLI
    main()
