#!/usr/bin/env python3
"""Benchmark of `sarcokg report` (the cohort site), each run a fresh process as a user runs it.

    python bench/cohort_bench.py [--n 10000] [--runs 3] [--work DIR]

Times, as the median of --runs runs:
- the bundled graph (5 reports, case pages included);
- N synthetic reports (bench/synth.py), cold: the first command on a new
  folder, which builds the store and computes the named queries' rows once
  (a fresh copy of the folder for each run);
- the same folder warm (store and kept rows in place);
- a selected cohort of 1,000 of the N reports, with its 1,000 case pages.
It prints the site's size, the machine and its load (uptime) before and after.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import machine  # noqa: E402

CLI = [sys.executable, "-m", "sarcokg.cli", "report"]
SELECT_1000 = """# the first 1,000 synthetic reports
# sarcokg:per-report
PREFIX sko: <https://w3id.org/sarcokg/ontology#>
SELECT ?report WHERE { ?r a sko:CaseReport ; sko:reportId ?report . FILTER(?report < "synth-001000") }
ORDER BY ?report
"""


def run(args: list[str]) -> float:
    start = time.perf_counter()
    p = subprocess.run([*CLI, *args], capture_output=True, text=True)
    took = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit(f"cohort_bench: sarcokg report {' '.join(args)} failed ({p.returncode}): {p.stderr[-400:]}")
    return took


def size(folder: Path) -> str:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    pages = len(list((folder / "cases").glob("*.html")))
    return (f"index.html {(folder / 'index.html').stat().st_size / 1e3:.0f} kB, cases.html "
            f"{(folder / 'cases.html').stat().st_size / 1e6:.1f} MB, {pages} case pages, total {total / 1e6:.1f} MB")


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def median(times: list[float]) -> str:
    return f"{statistics.median(times):.1f} s (runs: {', '.join(f'{t:.1f}' for t in times)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="Keep the synthetic corpus here (reused when present).")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="sarcokg-cohort-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"load before: {load()}")
    out = work / "site"
    bundled = [run(["-o", str(out)]) for _ in range(a.runs)]
    print(f"bundled graph (5 reports, 5 case pages): {median(bundled)}; {size(out)}")

    corpus = work / f"synth-{a.n}"
    if not (corpus / "graph").is_dir() or len(list((corpus / "graph").glob("*.ttl"))) != a.n:
        from synth import generate
        shutil.rmtree(corpus, ignore_errors=True)
        generate(a.n, corpus)
    cold = []
    for i in range(a.runs):
        kg = work / f"kg-{i}"
        shutil.rmtree(kg, ignore_errors=True)
        shutil.copytree(corpus / "graph", kg)
        os.sync()
        cold.append(run(["--kg", str(kg), "-o", str(out)]))
    print(f"{a.n} reports, cold (new folder: store built, named queries' rows computed): {median(cold)}; "
          f"{size(out)}")
    kg = work / "kg-0"
    warm = [run(["--kg", str(kg), "-o", str(out)]) for _ in range(a.runs)]
    print(f"{a.n} reports, warm: {median(warm)}")
    select = work / "first-1000.rq"
    select.write_text(SELECT_1000, encoding="utf-8")
    chosen = [run(["--kg", str(kg), "--select", str(select), "-o", str(out)]) for _ in range(a.runs)]
    print(f"1,000 of {a.n} reports selected, with their case pages (warm): {median(chosen)}; {size(out)}")
    print(f"load after: {load()}")
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
