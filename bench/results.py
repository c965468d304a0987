"""Each benchmark run leaves its output in bench/results/, with the machine,
its load and the commit, so the run history is written by the scripts that
measured it, not copied by hand into the README.

    with recording("bench"):
        ...   # everything printed to stdout also goes to the results file
"""
from __future__ import annotations

import io
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _git(*args: str) -> str:
    p = subprocess.run(["git", *args], capture_output=True, text=True, cwd=RESULTS.parent)
    return p.stdout.strip() if p.returncode == 0 else "unknown"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, Python {platform.python_version()}"


class _Tee(io.TextIOBase):
    def __init__(self, *streams):
        self.streams = streams

    def write(self, s: str) -> int:
        for st in self.streams:
            st.write(s)
        return len(s)

    def flush(self) -> None:
        for st in self.streams:
            st.flush()


@contextmanager
def recording(name: str) -> Iterator[None]:
    """Tee stdout into bench/results/<name>-<UTC time>.md (not with --no-record)."""
    if "--no-record" in sys.argv:
        sys.argv.remove("--no-record")
        yield
        return
    buf = io.StringIO()
    start = time.gmtime()
    load0 = os.getloadavg()
    real = sys.stdout
    sys.stdout = _Tee(real, buf)   # type: ignore[assignment]
    try:
        yield
    except BaseException:          # a failed run or --help (SystemExit) records nothing
        sys.stdout = real
        raise
    else:
        sys.stdout = real
        dirty = " (uncommitted changes)" if _git("status", "--porcelain", "--untracked-files=no") else ""
        load1 = os.getloadavg()
        head = (f"# {name}, {time.strftime('%Y-%m-%d %H:%M', start)} to {time.strftime('%H:%M', time.gmtime())} UTC\n\n"
                f"- commit: {_git('rev-parse', '--short', 'HEAD')}{dirty}\n"
                f"- machine: {machine()}\n"
                f"- load average (1/5/15 min) at start {load0[0]:.2f}/{load0[1]:.2f}/{load0[2]:.2f}, "
                f"at end {load1[0]:.2f}/{load1[1]:.2f}/{load1[2]:.2f}\n"
                f"- command: `python {' '.join(sys.argv)}`\n\n```\n")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M', start)}.md"
        out.write_text(head + buf.getvalue() + "```\n", encoding="utf-8")
        print(f"results written to {out}", file=sys.stderr)
