#!/usr/bin/env python3
"""Ingest speed on real report texts: the corpus texts repeated to 1,000+ reports.

    python bench/ingest_bench.py [--corpus ../shared/corpus] [--n 1000] [--runs 3]

Copies the corpus texts (seeds and dev) under new names until there are N,
then runs `sarcokg ingest` on all of them, with 1 worker and with one per core,
several times each, and prints the median reports per second (whole command,
interpreter start and validation included) and per core: by the wall clock
(reports/s divided by the jobs), and by the CPU time the command and its
workers used (reports per CPU second, user + system), which a busy host
inflates less than the wall clock.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--label", default="", help="name the results file ingest-LABEL-<time>.md (e.g. old, new)")
    a = ap.parse_args()
    texts = sorted(a.corpus.glob("*/*.txt"))
    if not texts:
        sys.exit(f"ingest_bench: no texts under {a.corpus}")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "texts"
        src.mkdir()
        for i in range(a.n):
            t = texts[i % len(texts)]
            shutil.copy(t, src / f"r{i:05d}-{t.stem}.txt")
        files = sorted(src.glob("*.txt"))
        size = sum(f.stat().st_size for f in files) / len(files)
        print(f"{len(files)} reports ({len(texts)} corpus texts repeated), mean {size / 1000:.1f} kB; "
              f"machine: {cores} cores")
        code = subprocess.run([sys.executable, "-c", "import sarcokg; print(list(sarcokg.__path__)[0])"],
                              capture_output=True, text=True).stdout.strip()
        print(f"code measured: {code} (interpreter {sys.executable})")
        for jobs in sorted({1, cores}):
            rates, cpu_rates = [], []
            for _ in range(a.runs):
                kg = Path(tmp) / "kg"
                shutil.rmtree(kg, ignore_errors=True)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                p = subprocess.run([sys.executable, "-m", "sarcokg.cli", "ingest", "--kg", str(kg),
                                    "--jobs", str(jobs), *map(str, files)], capture_output=True, text=True)
                took = time.perf_counter() - t
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                if p.returncode not in (0, 1):
                    sys.exit(f"ingest_bench: ingest failed: {p.stderr[-300:]}")
                rates.append(len(files) / took)
                cpu_rates.append(len(files) / cpu)
            med, cpu_med = statistics.median(rates), statistics.median(cpu_rates)
            print(f"--jobs {jobs}: {med:.0f} reports/s (median of {a.runs}; runs "
                  f"{', '.join(f'{r:.0f}' for r in rates)}), {med / jobs:.0f} reports/s per core; "
                  f"{cpu_med:.0f} reports per CPU second (runs {', '.join(f'{r:.0f}' for r in cpu_rates)})")


if __name__ == "__main__":
    from results import recording
    label = next((sys.argv[i + 1] for i, x in enumerate(sys.argv[:-1]) if x == "--label"), "")
    with recording(f"ingest-{label}" if label else "ingest"):
        main()
