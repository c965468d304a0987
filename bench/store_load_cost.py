#!/usr/bin/env python3
"""The CPU of the on-disk store's bulk load alone, as a store build makes it (the files read and
wrapped as the sync reads them, evidence deferred, then loaded in calls of CALL files), or of the
workers' in-memory loads of the same chunks (--memory); the reading is not counted.

    PYTHONPATH=SRC python bench/store_load_cost.py CORPUS [--call 2500] [--chunk 2500] [--memory] [--reports N]
"""
from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--call", type=int, default=2500, help="files per bulk_load call (a multiple of --chunk)")
    ap.add_argument("--chunk", type=int, default=2500, help="files per read_chunk")
    ap.add_argument("--memory", action="store_true", help="in-memory stores, one per chunk (the workers' load)")
    ap.add_argument("--reports", type=int, default=None)
    a = ap.parse_args()
    from sarcokg.store.reportfiles import report_listing
    from sarcokg.store.sync import read_chunk
    try:
        from sarcokg.store.writerform import trig
    except ImportError:   # a code whose blocks carry their prefixes each
        trig = b"".join
    names = report_listing(a.corpus)[:a.reports]
    chunks = [trig(read_chunk([(n[:-4], a.corpus / n) for n in names[i:i + a.chunk]], True).blocks)
              for i in range(0, len(names), a.chunk)]
    per = max(1, a.call // a.chunk)
    work = Path(tempfile.mkdtemp(prefix="store-load-"))
    t, w = time.process_time(), time.perf_counter()
    if a.memory:
        for data in chunks:
            ox.Store().bulk_load(data, format=ox.RdfFormat.TRIG)
    else:
        store = ox.Store(str(work / "store"))
        for i in range(0, len(chunks), per):
            store.bulk_load(b"".join(chunks[i:i + per]), format=ox.RdfFormat.TRIG)
        store.flush()
    cpu, wall = time.process_time() - t, time.perf_counter() - w
    shutil.rmtree(work, ignore_errors=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{len(names)} reports, {'in memory, chunks' if a.memory else 'on disk, calls'} of "
          f"{a.chunk if a.memory else per * a.chunk} files, {sum(map(len, chunks)) / 1e6:.1f} MB of TriG: "
          f"CPU {cpu:.2f} s, wall {wall:.2f} s, peak RSS {rss} MB")


if __name__ == "__main__":
    main()
