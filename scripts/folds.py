#!/usr/bin/env python3
"""Score the extractor on fixed folds of a gold folder (discipline against over-fitting).

Each report goes to fold int(sha1(id), 16) % K (deterministic, independent of
the order of files). The project is run once on all texts; the rows are then
scored fold by fold with the shared scorer's own functions.

    scripts/folds.py --gold ../shared/corpus/dev            # per-fold micro and per-slot F1
    scripts/folds.py --gold ../shared/corpus/dev --list     # which report is in which fold
    scripts/folds.py --gold ../shared/corpus/dev --only 2 -v  # one fold, every disagreement

Work with it: before a change, pick the fold(s) you may read; judge the change
on the fold(s) you did not read.
"""
from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import io
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TOOLS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "tools"))


def fold_of(rid: str, k: int) -> int:
    return int(hashlib.sha1(rid.encode("utf-8")).hexdigest(), 16) % k


def ids(gold: str) -> list[str]:
    return sorted(os.path.basename(p)[: -len(".gold.json")] for p in glob.glob(os.path.join(gold, "*.gold.json")))


def subfolder(gold: str, members: list[str], dest: str) -> str:
    os.makedirs(dest, exist_ok=True)
    for rid in members:
        for ext in (".txt", ".gold.json"):
            os.symlink(os.path.abspath(os.path.join(gold, rid + ext)), os.path.join(dest, rid + ext))
    return dest


def parse_table(out: str) -> tuple[dict[str, tuple[int, int, int, float]], float]:
    slots, micro = {}, float("nan")
    for line in out.splitlines():
        m = re.match(r"^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", line)
        if m:
            slots[m.group(1)] = (int(m.group(2)), int(m.group(3)), int(m.group(4)), float(m.group(5)))
        m = re.search(r"F1 ([\d.]+)$", line)
        if m and line.startswith("reports"):
            micro = float(m.group(1))
    return slots, micro


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", help="folder of <id>.txt and <id>.gold.json (all modes but --combine)")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--cli", default=os.path.join(HERE, "..", ".venv", "bin", "sarcokg"))
    ap.add_argument("--tools", default=DEFAULT_TOOLS, help="folder holding score.py")
    ap.add_argument("--list", action="store_true", help="print the fold of each report and stop")
    ap.add_argument("--only", type=int, action="append", help="show only these folds (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json", help="write the per-fold counts (tp, fp, miss per slot) to this file")
    ap.add_argument("--combine", nargs="+", metavar="FILE:FOLDS",
                    help="pool counts from earlier --json files, e.g. a.json:2,3 b.json:0,1 (each fold from the "
                         "state of the code that did not look at it): the cross-validated per-slot table")
    a = ap.parse_args()
    if a.combine:
        combine(a.combine)
        return
    k = a.folds
    all_ids = ids(a.gold)
    by_fold = {f: [r for r in all_ids if fold_of(r, k) == f] for f in range(k)}
    if a.list:
        for f in range(k):
            print(f"fold {f} ({len(by_fold[f])}): {' '.join(by_fold[f])}")
        return
    sys.path.insert(0, a.tools)
    import score as S  # the shared scorer

    rows = S.read_predictions(S.run_project(a.gold, a.cli))
    show = a.only if a.only else list(range(k))
    tables = {}
    with tempfile.TemporaryDirectory() as tmp:
        for f in show:
            d = subfolder(a.gold, by_fold[f], os.path.join(tmp, f"fold{f}"))
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                S.score(d, rows, a.verbose)
            out = buf.getvalue()
            if a.verbose:
                print(f"== fold {f} ==")
                print(out)
            tables[f] = parse_table(out)
    if a.json:
        import json
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump({str(f): {s: list(v[:3]) for s, v in tables[f][0].items()} for f in show}, fh, indent=1)
    slots = list(next(iter(tables.values()))[0])
    print(f"{'slot':18}" + "".join(f"  fold{f:<2}" for f in show))
    for s in slots:
        print(f"{s:18}" + "".join(f"  {tables[f][0][s][3]:6.3f}" for f in show))
    print(f"{'micro':18}" + "".join(f"  {tables[f][1]:6.3f}" for f in show))


def combine(specs: list[str]) -> None:
    import json
    pooled: dict[str, list[int]] = {}
    used = []
    for spec in specs:
        path, folds = spec.rsplit(":", 1)
        data = json.load(open(path, encoding="utf-8"))
        for f in folds.split(","):
            used.append(f"{f}<-{os.path.basename(path)}")
            for slot, (t, fp, m) in data[f].items():
                acc = pooled.setdefault(slot, [0, 0, 0])
                acc[0] += t
                acc[1] += fp
                acc[2] += m
    print("folds: " + ", ".join(used))
    print(f"{'slot':18} {'tp':>4} {'fp':>4} {'miss':>4} {'prec':>6} {'rec':>6} {'f1':>6}")
    T = F = M = 0
    for slot, (t, fp, m) in pooled.items():
        T, F, M = T + t, F + fp, M + m
        p = t / (t + fp) if t + fp else 1.0
        r = t / (t + m) if t + m else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{slot:18} {t:4} {fp:4} {m:4} {p:6.3f} {r:6.3f} {f1:6.3f}")
    p = T / (T + F) if T + F else 1.0
    r = T / (T + M) if T + M else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"pooled facts {T + M}  micro precision {p:.3f} recall {r:.3f} F1 {f1:.3f}")


if __name__ == "__main__":
    main()
