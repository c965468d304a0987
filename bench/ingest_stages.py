#!/usr/bin/env python3
"""Per-report cost of ingest's stages, in process: CPU time, or instructions under valgrind.

    python bench/ingest_stages.py [--texts DIR ...] [--reps 7]          # CPU ms per report and stage
    python bench/ingest_stages.py --instructions [--texts DIR ...]      # instructions per report (callgrind)

Run it with the interpreter (venv) whose sarcokg is to be measured.
CPU mode: extract, report_index, the per-report SHACL check (conforms) and
the Turtle text, each timed with process_time over every text, repeated;
median and minimum of the repetitions, in ms per report. Instructions mode
runs the extraction loop under `valgrind --tool=callgrind` with 0 and 2
passes over the texts and prints the difference per report, and the same for
whole `sarcokg ingest` commands (1 text, then all): a count that a busy host
does not change, to compare versions whose times differ by less than noise.
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

ROOT = Path(__file__).resolve().parents[1]


def _load(dirs: list[Path]):
    files = sorted(f for d in dirs for f in d.glob("*.txt"))
    if not files:
        sys.exit("ingest_stages: no *.txt in " + " ".join(map(str, dirs)))
    return files


def stages(files: list[Path], reps: int) -> None:
    from sarcokg.extract import extract
    try:
        from sarcokg.common.files import read_report
        from sarcokg.ingest.pipeline import conforms
        from sarcokg.model.rdf import report_index, report_turtle
        from sarcokg.model.terms import load_terms
    except ImportError:     # the flat layout before 2026-12 (commit f5cbb75 and older), for old-new comparisons
        from sarcokg.files import read_report  # type: ignore[no-redef]
        from sarcokg.ingest import conforms  # type: ignore[no-redef]
        from sarcokg.rdf import report_index, report_turtle  # type: ignore[no-redef]
        from sarcokg.terms import load_terms  # type: ignore[no-redef]
    terms = load_terms()
    texts = [(f, read_report(f)) for f in files]
    st: dict[str, list[float]] = {k: [] for k in ("extract", "index", "conforms", "turtle")}
    for _ in range(reps):
        acc = dict.fromkeys(st, 0.0)
        for f, rt in texts:
            t0 = time.process_time()
            facts = extract(rt.text, report_id=f.stem, source_file=f.name, source_sha256=rt.sha256, terms=terms)
            t1 = time.process_time()
            index = report_index(facts, terms)
            t2 = time.process_time()
            conforms(index)
            t3 = time.process_time()
            report_turtle(facts, terms, index)
            t4 = time.process_time()
            acc["extract"] += t1 - t0
            acc["index"] += t2 - t1
            acc["conforms"] += t3 - t2
            acc["turtle"] += t4 - t3
        for k in st:
            st[k].append(acc[k] / len(texts) * 1000)
    print(f"{len(texts)} texts, {reps} repetitions; CPU ms per report, median/min:")
    print("  " + "  ".join(f"{k} {statistics.median(v):.3f}/{min(v):.3f}" for k, v in st.items()))


def _callgrind(args: list[str], env: dict) -> int:
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
                       capture_output=True, text=True, env=env)
    for line in p.stderr.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    sys.exit(f"ingest_stages: no count from valgrind: {p.stderr[-300:]}")


def instructions(files: list[Path]) -> None:
    if shutil.which("valgrind") is None:
        sys.exit("ingest_stages: valgrind is not installed")
    env = dict(os.environ, PYTHONHASHSEED="0")
    me = [sys.executable, __file__, "--texts", *sorted({str(f.parent) for f in files})]
    zero, two = (_callgrind([*me, "--passes", str(n)], env) for n in (0, 2))
    print(f"extraction: {(two - zero) / (2 * len(files)):,.0f} instructions per report ({len(files)} texts, 2 passes)")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "sarcokg.cli", "ingest", "--jobs", "1", "--kg"]
        one = _callgrind([*cmd, f"{tmp}/a", str(files[0])], env)
        every = _callgrind([*cmd, f"{tmp}/b", *map(str, files)], env)
    print(f"sarcokg ingest: start-up and the first report {one:,} instructions; each further report "
          f"{(every - one) / (len(files) - 1):,.0f}")


def _passes(files: list[Path], n: int) -> None:
    from sarcokg.extract import extract
    try:
        from sarcokg.model.terms import load_terms
    except ImportError:     # the flat layout before 2026-12
        from sarcokg.terms import load_terms  # type: ignore[no-redef]
    terms = load_terms()
    texts = [(f, f.read_text(encoding="utf-8")) for f in files]
    for _ in range(n):
        for f, t in texts:
            extract(t, report_id=f.stem, source_file=f.name, source_sha256="0" * 64, terms=terms)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, nargs="+", default=[ROOT.parent / "shared" / "corpus" / "seeds",
                                                             ROOT.parent / "shared" / "corpus" / "dev"])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("--passes", type=int, help=argparse.SUPPRESS)   # the loop valgrind runs
    a = ap.parse_args()
    files = _load(a.texts)
    if a.passes is not None:
        _passes(files, a.passes)
        return
    import sarcokg
    code = list(sarcokg.__path__)[0]
    print(f"code measured: {code}; load average {os.getloadavg()[0]:.2f}")
    if a.instructions:
        instructions(files)
    else:
        stages(files, a.reps)


if __name__ == "__main__":
    if "--passes" in sys.argv:
        main()
    else:
        from results import recording
        label = next((sys.argv[i + 1] for i, x in enumerate(sys.argv[:-1]) if x == "--label"), "")
        if label:
            i = sys.argv.index("--label")
            del sys.argv[i:i + 2]
        with recording(f"ingest-stages-{label}" if label else "ingest-stages"):
            main()
