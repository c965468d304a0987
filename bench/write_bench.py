"""atomic_write(): the cost per file of the current code against another
checkout's, side by side in one session (issue #16 added a stat, the umask
and a chmod per write).

    .venv/bin/python bench/write_bench.py [OTHER_SRC]   # e.g. a checkout's src/ of the base commit

Prints the median of 7 runs of 2,000 writes of 12 kB (a report graph's size)
for each code, alternating, with the load average."""
from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

N, SIZE, RUNS = 2000, 12_000, 7


def load(src: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, src / "sarcokg" / "common" / "files.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod   # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def run(mod) -> float:
    data = b"x" * SIZE
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        start = time.perf_counter()
        for i in range(N):
            mod.atomic_write(folder / f"r{i % 200}.ttl", data, fsync=False)
        return (time.perf_counter() - start) / N * 1e6


def main() -> None:
    here = Path(__file__).resolve().parents[1] / "src"
    codes = {"current": load(here, "files_current")}
    if len(sys.argv) > 1:
        codes["other"] = load(Path(sys.argv[1]), "files_other")
    times: dict[str, list[float]] = {k: [] for k in codes}
    for _ in range(RUNS):
        for k, mod in codes.items():
            times[k].append(run(mod))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {N} writes of {SIZE} bytes, "
          f"median of {RUNS} runs")
    for k, ts in times.items():
        print(f"{k:8} {statistics.median(ts):7.1f} us per file (min {min(ts):.1f}, max {max(ts):.1f})")


if __name__ == "__main__":
    main()
