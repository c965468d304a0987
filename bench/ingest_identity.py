#!/usr/bin/env python3
"""Does this checkout's `sarcokg ingest` write the same report graphs as another revision's?

    python bench/ingest_identity.py --texts ../shared/corpus/seeds ../shared/corpus/dev DIR ... \
        [--ref REV | --ref-src PATH] [--new-src PATH] [--curation DIR] [--out DIR] [--jobs N]

Ingests every *.txt of the text folders twice into one knowledge-graph folder
each: once with the reference code (a git revision, by default the last commit of
main this branch holds, `git merge-base HEAD main`, taken out with
`git archive` into a temporary folder, or a source tree given with
--ref-src), once with this checkout's (or --new-src's), both run by this
interpreter with PYTHONPATH pointing at the code's src/. Then compares the
report graphs (*.ttl) byte for byte, and the command's messages (one line per
report, warnings). --curation DIR copies curation records (<id>.json) into
both folders first, so that the curated path is compared too. Exit 0 when all are identical, 1 when any differ (the
differing files are listed; `diff -r` on the two folders under --out shows how).
A speed change must leave every graph as it was.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _export(rev: str, into: Path) -> Path:
    """The tree of git revision rev, unpacked into `into`; its src/ folder."""
    p = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"ingest_identity: git archive {rev}: {p.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=BytesIO(p.stdout)) as tar:
        tar.extractall(into, filter="tar")
    return into / "src"


def _ingest(src: Path, files: list[Path], kg: Path, jobs: int) -> tuple[int, list[str]]:
    env = dict(os.environ, PYTHONPATH=str(src))
    probe = subprocess.run([sys.executable, "-c", "import sarcokg; print(sarcokg.__file__)"],
                           env=env, capture_output=True, text=True)
    if not probe.stdout.startswith(str(src)):
        sys.exit(f"ingest_identity: PYTHONPATH={src} imports {probe.stdout.strip() or probe.stderr[-200:]}")
    p = subprocess.run([sys.executable, "-m", "sarcokg.cli", "ingest", "--kg", str(kg), "--jobs", str(jobs),
                        *map(str, files)], env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"ingest_identity: ingest with {src} failed ({p.returncode}): {p.stderr[-500:]}")
    return p.returncode, sorted(p.stdout.splitlines() + p.stderr.splitlines())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, nargs="+", required=True, help="folders of report texts (*.txt)")
    ap.add_argument("--ref", help="git revision of the reference code (default: git merge-base HEAD main)")
    ap.add_argument("--ref-src", type=Path, help="the reference code's src/ folder (instead of --ref)")
    ap.add_argument("--new-src", type=Path, default=ROOT / "src", help="the code under test (default: this checkout)")
    ap.add_argument("--curation", type=Path, help="curation records to lay over the drafts (e.g. graph/curation)")
    ap.add_argument("--out", type=Path, help="keep the two folders here (ref/, new/); default a temporary folder")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    files = sorted(f for d in a.texts for f in d.glob("*.txt"))
    if not files:
        sys.exit("ingest_identity: no *.txt in " + " ".join(map(str, a.texts)))
    with tempfile.TemporaryDirectory() as tmp:
        out = a.out or Path(tmp)
        if a.ref_src is None and a.ref is None:
            a.ref = subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True,
                                   text=True, check=True).stdout.strip()
        ref_src = a.ref_src.resolve() if a.ref_src else _export(a.ref, Path(tmp) / "ref-code")
        runs = {}
        for side, src in (("ref", ref_src), ("new", a.new_src.resolve())):
            kg = out / side
            if kg.exists() and any(kg.iterdir()):
                sys.exit(f"ingest_identity: {kg} is not empty")
            if a.curation:
                shutil.copytree(a.curation, kg / "curation")
            runs[side] = _ingest(src, files, kg, a.jobs)
        names = sorted({p.name for side in runs for p in (out / side).glob("*.ttl")})
        match, mismatch, errors = filecmp.cmpfiles(out / "ref", out / "new", names, shallow=False)
        ref_msgs = [line.replace(str(out / "ref"), "KG") for line in runs["ref"][1]]
        new_msgs = [line.replace(str(out / "new"), "KG") for line in runs["new"][1]]
        print(f"{len(files)} texts from {len(a.texts)} folders; reference {a.ref_src or a.ref}, "
              f"new {a.new_src}")
        print(f"report graphs: {len(match)} identical, {len(mismatch)} differ, {len(errors)} on one side only")
        for n in mismatch:
            print(f"  differs: {n}")
        for n in errors:
            print(f"  one side only: {n}")
        same_msgs = ref_msgs == new_msgs and runs["ref"][0] == runs["new"][0]
        print(f"messages: {'identical' if same_msgs else 'DIFFER'} ({len(ref_msgs)} lines, exit {runs['ref'][0]})")
        if not same_msgs:
            for line in sorted(set(ref_msgs) ^ set(new_msgs))[:20]:
                print(f"  {'ref' if line in ref_msgs else 'new'}: {line}")
        ok = not mismatch and not errors and same_msgs and bool(match)
        print("IDENTICAL" if ok else "DIFFERENT")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
