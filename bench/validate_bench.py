#!/usr/bin/env python3
"""Cold validation at N synthetic reports, one code beside another, by jobs.

    python bench/validate_bench.py --sizes 10000 [100000] [--old DIR] [--runs 5] [--jobs 1 2] [--full] [--fresh]
        [--changed] [--source GRAPH_DIR]

For each N it makes a synthetic corpus (bench/synth.py) once, syncs its store
(untimed), then times `sarcokg validate --no-cache --kg K --jobs J` (every
report validated, the rules across reports run; nothing read from or written to
the validation cache) in a fresh process, for each --jobs and each side: this
checkout (the interpreter running this script must have it installed) and,
with --old DIR, the checkout in DIR run by its own venv (DIR/.venv). The runs
alternate the order (old first, then new first, ...) so a change in the host's
load hits both alike. --full also times the command as bench/bench.py does
(`validate --jobs 2` with no validation cache and no kept query results: the
named queries' first run, which validate pays after a cold run, included).
--fresh times, instead of --no-cache, `validate --jobs J` on a fresh copy of the
corpus's graph folder (no store, no caches: the store build with the named
queries' kept rows, every report validated, the rules across reports, the
cache written), as a user runs it on a new folder. --changed times, instead,
`validate --jobs J` after one report changed: each side has its own copy of the
folder, validated once untimed (what that side keeps: main's store and its
kept query rows, or the validation cache), and each run changes one report
(a report's age, then back) before it is timed. --source GRAPH_DIR takes that
folder's report files (copied, never changed) instead of a synthetic corpus.
--old DIR may also name a checkout without a venv: it is then run by this
interpreter with DIR/src first on PYTHONPATH (each side prints the package it ran).

Prints, per size, side and jobs, the median wall time and the median CPU time
(user + system of the command and its workers), with the runs and the 1-minute
load average before each, and checks that every run printed the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from results import machine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def python_of(side: str, old: Path | None) -> str:
    if side == "new" or not (old / ".venv" / "bin" / "python").exists():   # type: ignore[operator]
        return sys.executable
    return str(old / ".venv" / "bin" / "python")   # type: ignore[operator]


def env_of(side: str, old: Path | None) -> dict:
    """The environment of a side's commands: the old checkout's src first on PYTHONPATH when it has no venv."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if side == "old" and not (old / ".venv" / "bin" / "python").exists():   # type: ignore[operator]
        env["PYTHONPATH"] = str(old / "src")   # type: ignore[operator]
    return env


def where(python: str, env: dict) -> str:
    """The sarcokg package that interpreter imports (to show which code each side runs)."""
    p = subprocess.run([python, "-c", "import sarcokg; print(sarcokg.__file__)"], capture_output=True, text=True,
                       env=env)
    return p.stdout.strip() or p.stderr.strip()[-200:]


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall s, CPU s of the command and its workers, sha256 of its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        raise SystemExit(f"validate_bench: {' '.join(cmd[-6:])} failed ({p.returncode}): {p.stderr[-400:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, hashlib.sha256(p.stdout).hexdigest()


def corpus(n: int, work: Path, jobs: int, sync: bool = True) -> Path:
    from synth import generate
    root = work / f"n{n}"
    kg = root / "graph"
    if not kg.is_dir() or sum(1 for _ in kg.glob("*.ttl")) != n:
        shutil.rmtree(root, ignore_errors=True)
        generate(n, root, jobs=jobs)
    # the store in step with the files (untimed): both sides run the same store code
    if sync:
        subprocess.run([sys.executable, "-m", "sarcokg.cli", "query", "--kg", str(kg), "--sparql",
                        "ASK { ?r a sko:CaseReport }"], check=True, capture_output=True)
    return kg


def clear_kept(kg: Path) -> None:
    """No validation cache and no kept query results: validate runs cold and then pays the first run."""
    for f in (kg / ".sarcokg").glob("validation-*.json"):
        f.unlink()
    shutil.rmtree(kg / ".sarcokg" / "rows", ignore_errors=True)


def fresh_copy(kg: Path, work: Path, name: str = "fresh") -> Path:
    """A copy of the graph folder without its store and caches."""
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(kg, target, ignore=shutil.ignore_patterns(".sarcokg"))
    return target


def prepared(kg: Path, a, sides: list[str]) -> dict[str, Path]:
    """--changed: each side's own copy of the folder, validated once (untimed)."""
    out = {}
    for side in sides:
        if a.keep and (a.work / f"changed-{side}" / ".sarcokg").is_dir():
            out[side] = a.work / f"changed-{side}"   # as an earlier --changed run left it
            continue
        out[side] = fresh_copy(kg, a.work, f"changed-{side}")
        timed([python_of(side, a.old), "-m", "sarcokg.cli", "validate", "--kg", str(out[side]), "--jobs",
               str(max(a.jobs))], env_of(side, a.old))
    return out


def change_one(kg: Path, r: int) -> None:
    """Change one report (its first age: a digit added, then taken away again)."""
    victim = sorted(kg.glob("*.ttl"))[len(list(kg.glob("*.ttl"))) // 2]
    text = victim.read_text()
    victim.write_text(text.replace("sko:ageYears ", "sko:ageYears 1", 1) if r % 2 == 0
                      else text.replace("sko:ageYears 1", "sko:ageYears ", 1))


def bench_size(n: int, a, sides: list[str]) -> list[dict]:
    kg = a.source if a.source else corpus(n, a.work, max(a.jobs), sync=not (a.fresh or a.changed))
    n = sum(1 for x in os.listdir(kg) if x.endswith(".ttl"))
    mode0 = "fresh" if a.fresh else "changed" if a.changed else "no-cache"
    cases = [(side, jobs, mode0) for jobs in a.jobs for side in sides]
    if a.full:
        cases += [(side, 2, "full") for side in sides]
    ready = prepared(kg, a, sides) if a.changed else {}
    runs: dict = {c: [] for c in cases}
    printed: dict = {}   # {(run, jobs, what): the digests of the sides' output}: one each
    for r in range(a.runs):
        order = cases if r % 2 == 0 else cases[::-1]
        for side, jobs, mode in order:
            target = fresh_copy(kg, a.work) if mode == "fresh" else ready[side] if mode == "changed" else kg
            cmd = [python_of(side, a.old), "-m", "sarcokg.cli", "validate", "--kg", str(target), "--jobs", str(jobs)]
            if mode == "full":
                clear_kept(kg)
            elif mode == "no-cache":
                cmd.append("--no-cache")
            elif mode == "changed":
                change_one(target, r)
            load = os.getloadavg()[0]
            wall, cpu, digest = timed(cmd, env_of(side, a.old))
            runs[(side, jobs, mode)].append((wall, cpu, load, digest))
            printed.setdefault((r, jobs, mode), set()).add(digest)
            print(f"  N={n:,} {side} --jobs {jobs} {mode}: {wall:.2f} s wall, {cpu:.2f} s CPU, load {load:.2f}",
                  file=sys.stderr)
    # --changed: each run changes the folder, so old and new are compared run by run; otherwise every run
    same = all(len(d) == 1 for d in printed.values()) if a.changed else \
        len({d for got in runs.values() for *_, d in got}) == 1
    what = "old and new printed the same bytes in each run" if a.changed else "every run printed the same bytes"
    print(f"N={n:,}: {what}: {'yes' if same else 'NO'}")
    rows = []
    for (side, jobs, mode), got in runs.items():
        rows.append({"n": n, "side": side, "jobs": jobs, "mode": mode,
                     "wall": statistics.median(w for w, *_ in got), "cpu": statistics.median(c for _, c, *_ in got),
                     "walls": [w for w, *_ in got], "loads": [x for _, _, x, _ in got]})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    ap.add_argument("--old", type=Path, help="another checkout with its own venv (DIR/.venv) to run beside this one")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--full", action="store_true", help="also time validate as bench.py does (named queries' "
                                                        "first run included), --jobs 2")
    ap.add_argument("--fresh", action="store_true", help="time validate on a fresh copy of the folder (store "
                                                         "build included) instead of --no-cache")
    ap.add_argument("--changed", action="store_true", help="time validate after one changed report (each side "
                                                           "on its own copy, validated once untimed)")
    ap.add_argument("--keep", action="store_true", help="--changed: take each side's copy as an earlier "
                                                        "--changed run left it (no copy, no untimed validate)")
    ap.add_argument("--source", type=Path, help="a graph folder to copy (never changed) instead of a synthetic one")
    ap.add_argument("--work", type=Path, default=Path("/tmp/sarcokg-validate-bench"))
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    sides = ["old", "new"] if a.old else ["new"]
    print(f"machine: {machine()}")
    for side in sides:
        print(f"{side}: {where(python_of(side, a.old), env_of(side, a.old))}")
    rows = [row for n in ([0] if a.source else a.sizes) for row in bench_size(n, a, sides)]
    print(f"\nmedian of {a.runs} runs, alternated; `validate --no-cache` unless 'full', 'fresh' or 'changed'")
    print("| N | side | jobs | what | wall s (median) | CPU s (median) | wall s of each run "
          "| load (1 min) before each |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | {r['side']} | {r['jobs']} | {r['mode']} | {r['wall']:.2f} | {r['cpu']:.2f} | "
              f"{', '.join(f'{w:.1f}' for w in r['walls'])} | {', '.join(f'{x:.1f}' for x in r['loads'])} |")


if __name__ == "__main__":
    from results import recording
    with recording("validate"):
        main()
