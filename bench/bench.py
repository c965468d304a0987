#!/usr/bin/env python3
"""The SarcoKG benchmark: every command at N reports, beside the naive stack.

    python bench/bench.py --sizes 1000 10000 100000 [--naive-sizes 1000 10000] [--work DIR]

For each N it generates a synthetic corpus (bench/synth.py: N texts, N graphs,
~1% planted violations) and measures, each in a fresh process as a user runs it:
ingest reports/s (on up to --ingest-cap texts), store build s (cold: facts; then
the evidence on first use), validate
cold s (which also computes the named queries' results, their first run: its
share is shown) and after one changed report s, each named query ms (the first
run after that validate, then the median of 5 more, then the median of 3 after
one changed report), case-summary through the CLI (with every report's results
to compute, i.e. a first run no validate has paid for, and with them kept),
export s, and the peak RSS of all of these. Then the naive stack on the
--naive-sizes: one rdflib graph of everything, whole-graph pySHACL, rdflib
SPARQL; each step capped at --cap seconds (printed '> CAP s'). It prints one
table and the ratios, with the machine it ran on.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from results import machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

CLI = [sys.executable, "-m", "sarcokg.cli"]


LAST_ERR = [""]   # the stderr of the last timed() command


def timed(cmd: list[str], cap: float | None = None, env=None) -> tuple[float, int, str]:
    """(seconds, peak RSS in kB of the child, stdout) of one command; its stderr in LAST_ERR."""
    start = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env, start_new_session=True)
    try:
        out, err = p.communicate(timeout=cap)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)   # the whole group: time and the command under it
        p.communicate()
        return float("inf"), 0, ""
    took = time.perf_counter() - start
    p.stdout, p.stderr = out, err  # type: ignore[assignment]
    rss = int(err.strip().splitlines()[-1]) if err.strip() else 0
    LAST_ERR[0] = err
    if p.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd[-6:])} failed ({p.returncode}): {err[-400:]}")
    return took, rss, out


def queries() -> list[str]:
    return sorted(p.stem for p in (ROOT / "queries").glob("*.rq") if not p.stem.endswith("-violation"))


def bench_size(n: int, work: Path, ingest_cap: int, jobs: int, runs: int = 5) -> dict:
    from synth import generate
    corpus = work / f"n{n}"
    if not (corpus / "graph").is_dir() or len(list((corpus / "graph").glob("*.ttl"))) != n:
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        generate(n, corpus, jobs=jobs)
        print(f"  generated {n} reports in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    kg = corpus / "graph"
    shutil.rmtree(kg / ".sarcokg", ignore_errors=True)
    row: dict = {"n": n}
    rss = []
    # ingest on a sample of the texts into a scratch folder
    texts = sorted((corpus / "texts").glob("*.txt"))[:ingest_cap]
    scratch = work / f"ingest-{n}"
    shutil.rmtree(scratch, ignore_errors=True)
    listfile = work / "ingest-list.txt"
    secs, r, _ = timed(CLI + ["ingest", "--kg", str(scratch), "--jobs", str(jobs), *map(str, texts)])
    row["ingest_n"] = len(texts)
    row["ingest_per_s"] = len(texts) / secs
    rss.append(r)
    shutil.rmtree(scratch, ignore_errors=True)
    listfile.unlink(missing_ok=True)
    # store build (cold): the first query syncs the store; nothing of an earlier run is kept.
    # A query that reads no evidence leaves it out (evidence_defer); the first one that
    # may read it loads it
    shutil.rmtree(kg / ".sarcokg", ignore_errors=True)
    secs, r, _ = timed(CLI + ["query", "--kg", str(kg), "--sparql", "ASK { ?r a sko:CaseReport }"])
    row["store_build_s"] = secs
    rss.append(r)
    secs, r, _ = timed(CLI + ["query", "--kg", str(kg), "--sparql", "ASK { ?e a sko:Evidence }"])
    row["evidence_load_s"] = secs
    rss.append(r)
    # validate cold (no cache) and after one change
    cache = kg / ".sarcokg"
    for f in cache.glob("validation-*.json"):
        f.unlink()
    secs, r, _ = timed(CLI + ["validate", "--kg", str(kg), "--jobs", str(jobs)])
    row["validate_cold_s"] = secs
    kept = re.search(r"kept the named queries' results for \d+ reports \((\d+) s\)", LAST_ERR[0])
    row["validate_prepare_s"] = float(kept.group(1)) if kept else 0.0
    rss.append(r)
    victim = sorted(kg.glob("*.ttl"))[n // 2]
    text = victim.read_text()
    victim.write_text(text.replace("sko:ageYears ", "sko:ageYears 1", 1))
    secs, r, _ = timed(CLI + ["validate", "--kg", str(kg), "--jobs", str(jobs)])
    row["validate_one_change_s"] = secs
    rss.append(r)
    victim.write_text(text)
    timed(CLI + ["query", "--kg", str(kg), "--sparql", "ASK { ?s ?p ?o }"])  # resync after the change
    # named queries in-process on the synced store: the first run (after the cold
    # validate, which computed every report's rows for every named query), then the median of `runs` more, then
    # the median of 3 runs each after one report changed (store synced, not timed)
    code = ("import json,statistics,sys,time\n"
            "from pathlib import Path\n"
            "from sarcokg.query import run as q\nfrom sarcokg.store.kgstore import load, release\n"
            f"kgp=Path({str(kg)!r}); victim=Path({str(victim)!r}); text0=victim.read_text()\n"
            "def timed(kg, label, text):\n"
            "    t=time.perf_counter(); res=q.run_kg(kgp,kg,label,text,[]); q.serialize(res,'json'); del res\n"
            "    return time.perf_counter()-t\n"
            "kg=load(kgp); out={}\n"
            f"for name in {queries()!r}:\n"
            "    label,text=q.resolve(name,None)\n"
            f"    ts=[timed(kg,label,text) for _ in range({runs} + 1)]\n"
            "    after=[]\n"
            "    for i in range(3):\n"
            "        victim.write_text(text0.replace('sko:ageYears ', 'sko:ageYears 1', 1) if i % 2 == 0 else text0)\n"
            "        del kg; release(kgp); kg=load(kgp)\n"
            "        after.append(timed(kg,label,text))\n"
            "    victim.write_text(text0); del kg; release(kgp); kg=load(kgp)\n"
            "    out[name]=[ts[0]*1000, statistics.median(ts[1:])*1000, statistics.median(after)*1000]\n"
            "print(json.dumps(out))\n")
    secs, r, out = timed([sys.executable, "-c", code])
    row["query_ms"] = json.loads(out)
    rss.append(r)
    # the CLI, interpreter start and store check included: rows to compute, then cached
    shutil.rmtree(kg / ".sarcokg" / "rows", ignore_errors=True)   # the kept results: their files and their catalogue
    for f in (kg / ".sarcokg").glob("catalogue.sqlite*"):
        f.unlink()
    for key in ("case_summary_cli_cold_s", "case_summary_cli_s"):
        secs, r, _ = timed(CLI + ["query", "case-summary", "--kg", str(kg), "--format", "csv",
                                  "-o", str(work / "cs.csv")])
        row[key] = secs
        rss.append(r)
    secs, r, _ = timed(CLI + ["export", "--kg", str(kg), "-o", str(work / "export.ttl")])
    row["export_s"] = secs
    rss.append(r)
    (work / "export.ttl").unlink(missing_ok=True)
    row["peak_rss_mb"] = max(rss) / 1024
    return row


NAIVE = r"""
import sys, time, json, glob
import rdflib
from pyshacl import validate
kg, shapes, onto, step = sys.argv[1:5]
t = time.perf_counter()
g = rdflib.Graph()
g.parse(onto, format="turtle")
for f in sorted(glob.glob(kg + "/*.ttl")):
    g.parse(f, format="turtle")
load = time.perf_counter() - t
if step == "load":
    print(json.dumps({"s": load}))
elif step == "validate":
    t = time.perf_counter()
    validate(g, shacl_graph=rdflib.Graph().parse(shapes), inference="none")
    print(json.dumps({"s": load + time.perf_counter() - t}))
else:
    t = time.perf_counter()
    list(g.query(open(step).read()))
    print(json.dumps({"s": load + time.perf_counter() - t}))
"""


def bench_naive(n: int, work: Path, cap: float) -> dict:
    kg = work / f"n{n}" / "graph"
    row: dict = {"n": n}
    for step, key in (("load", "naive_load_s"), ("validate", "naive_validate_s"),
                      (str(ROOT / "queries" / "case-summary.rq"), "naive_case_summary_s")):
        secs, _, out = timed([sys.executable, "-c", NAIVE, str(kg), str(ROOT / "ontology" / "shapes.ttl"),
                              str(ROOT / "ontology" / "sarcokg.ttl"), step], cap=cap)
        row[key] = json.loads(out)["s"] if out else float("inf")
    return row


def cold_start() -> float:
    times = []
    for _ in range(5):
        cli = ["sarcokg"] if shutil.which("sarcokg") else CLI
        t, _, _ = timed([*cli, "query", "case-summary", "--format", "csv"])
        times.append(t)
    return statistics.median(times)


def fmt(x: float, unit: str = "") -> str:
    if x == float("inf"):
        return "> cap"
    return f"{x:,.1f}{unit}" if x >= 10 else f"{x:.2f}{unit}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--naive-sizes", type=int, nargs="*", default=None)
    ap.add_argument("--work", type=Path, default=Path("/tmp/sarcokg-bench"))
    ap.add_argument("--ingest-cap", type=int, default=2000)
    ap.add_argument("--cap", type=float, default=600.0, help="seconds per naive step")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--runs", type=int, default=5, help="runs of each named query (the median is shown)")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    a = ap.parse_args()
    naive_sizes = a.naive_sizes if a.naive_sizes is not None else [n for n in a.sizes if n <= 10000]
    a.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}; naive steps capped at {a.cap:.0f} s")
    rows = []
    for n in a.sizes:
        print(f"N={n} ...", file=sys.stderr)
        rows.append(bench_size(n, a.work, a.ingest_cap, a.jobs, a.runs))
    naive = {n: bench_naive(n, a.work, a.cap) for n in naive_sizes}
    cs = cold_start()
    names = queries()
    print(f"\nCLI cold start, `sarcokg query case-summary` on the bundled graph: {cs:.2f} s (median of 5)\n")
    head = ["metric"] + [f"N={r['n']:,}" for r in rows]
    lines = [
        ["ingest reports/s (on N texts, cap)"] + [f"{r['ingest_per_s']:.0f} ({r['ingest_n']})" for r in rows],
        ["store build s (cold; facts, evidence deferred)"] + [fmt(r["store_build_s"]) for r in rows],
        ["evidence load s (first query that may read it)"] + [fmt(r["evidence_load_s"]) for r in rows],
        ["validate cold s (of which the named queries' first run)"]
        + [f"{fmt(r['validate_cold_s'])} ({r.get('validate_prepare_s', 0):.0f})" for r in rows],
        ["validate after one change s"] + [fmt(r["validate_one_change_s"]) for r in rows],
    ]
    for q in names:
        lines.append([f"query {q} ms, first after validate / then / after one change"]
                     + [" / ".join(fmt(x) for x in r["query_ms"][q]) for r in rows])
    lines += [["case-summary via CLI s, results to compute (nothing kept)"]
              + [fmt(r["case_summary_cli_cold_s"]) for r in rows],
              ["case-summary via CLI s, results kept"] + [fmt(r["case_summary_cli_s"]) for r in rows],
              ["export turtle s"] + [fmt(r["export_s"]) for r in rows],
              ["peak RSS MB"] + [f"{r['peak_rss_mb']:.0f}" for r in rows]]
    notes = []
    for n, nv in naive.items():
        r = next(x for x in rows if x["n"] == n)

        def ratio(a: float, b: float) -> str:
            return f"> x{a / b:.0f}" if a == float("inf") else f"x{a / b:.0f}"
        cap = float(a.cap)
        lines += [[f"naive N={n:,}: rdflib load s"] + [fmt(nv["naive_load_s"]) if x["n"] == n else "" for x in rows],
                  [f"naive N={n:,}: load + whole-graph pySHACL s"]
                  + [fmt(nv["naive_validate_s"]) if x["n"] == n else "" for x in rows],
                  [f"naive N={n:,}: load + rdflib case-summary s"]
                  + [fmt(nv["naive_case_summary_s"]) if x["n"] == n else "" for x in rows]]
        v = nv["naive_validate_s"] if nv["naive_validate_s"] != float("inf") else cap
        q = nv["naive_case_summary_s"] if nv["naive_case_summary_s"] != float("inf") else cap
        notes.append(f"N={n:,}: validation cold {ratio(v, r['validate_cold_s'])} faster than the naive stack, "
                     "after one "
                     f"change {ratio(v, r['validate_one_change_s'])}; case-summary including load "
                     f"{'> ' if nv['naive_case_summary_s'] == float('inf') else ''}"
                     f"x{q / r['case_summary_cli_cold_s']:.0f} "
                     f"with its rows to compute, x{q / r['case_summary_cli_s']:.0f} with rows cached")
    widths = [max(len(str(x[i])) for x in [head] + lines) for i in range(len(head))]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for line in lines:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    for note in notes:
        print(note)
    if a.json:
        a.json.write_text(json.dumps({"rows": rows, "naive": naive, "cold_start_s": cs}, indent=1))


if __name__ == "__main__":
    from results import recording
    with recording("bench"):
        main()
