"""Local queries: --timeout and Ctrl-C stop them at once; commands that only
read share the folder's lock, a command that changes the store waits for
them (issue #16). One-line messages for a .sarcokg that is a file and a
--kg folder that cannot hold a store."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sarcokg.store.kgstore import CACHE_DIR

from .conftest import ROOT

# a query that never ends on any graph of a few thousand triples
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


def _start(kg: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sarcokg.cli", "query", "--kg", str(kg), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, **(env or {})})


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


@pytest.mark.slow
def test_timeout_stops_a_local_query_and_frees_the_folder(kg_copy, run):
    assert run("query", "case-summary", "--kg", kg_copy).code == 0   # the store built
    start = time.monotonic()
    p = _start(kg_copy, "--sparql", ENDLESS, "--timeout", "1")
    _, err = p.communicate(timeout=60)
    assert p.returncode == 2 and time.monotonic() - start < 15, err
    assert len(_lines(err)) == 1 and "did not finish in 1 s" in err and "Traceback" not in err, err
    assert run("query", "case-summary", "--kg", kg_copy).code == 0


@pytest.mark.slow
def test_ctrl_c_stops_a_local_query_at_once(kg_copy, run):
    assert run("query", "case-summary", "--kg", kg_copy).code == 0
    p = _start(kg_copy, "--sparql", ENDLESS)
    time.sleep(2.0)   # well into the evaluation
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert time.monotonic() - sent < 3, "Ctrl-C did not stop the query at once"
    assert p.returncode == 2 and len(_lines(err)) == 1 and "Traceback" not in err, err


@pytest.mark.slow
def test_readers_share_the_folder_and_a_writer_waits_for_them(kg_copy, run):
    assert run("query", "case-summary", "--kg", kg_copy).code == 0
    reader = _start(kg_copy, "--sparql", ENDLESS, "--timeout", "30")
    try:
        time.sleep(2.0)   # the reader holds the folder's lock (shared) while it evaluates
        assert reader.poll() is None
        env = {"SARCOKG_LOCK_WAIT": "0.5"}
        r = subprocess.run([sys.executable, "-m", "sarcokg.cli", "query", "case-summary", "--kg", str(kg_copy),
                            "--format", "csv"], capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT)
        assert r.returncode == 0 and r.stdout.count("\n") > 1, r.stderr     # a second reader is not blocked
        r = subprocess.run([sys.executable, "-m", "sarcokg.cli", "validate", "--kg", str(kg_copy)],
                           capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT)
        assert r.returncode in (0, 1), r.stderr                             # nor is validate
        victim = sorted(kg_copy.glob("*.ttl"))[0]
        victim.write_text(victim.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
        r = subprocess.run([sys.executable, "-m", "sarcokg.cli", "query", "case-summary", "--kg", str(kg_copy)],
                           capture_output=True, text=True, env={**os.environ, **env}, cwd=ROOT)
        # the store must change: that waits for the reader, then says who holds the folder
        assert r.returncode == 2 and "another sarcokg command" in r.stderr, r.stderr
        assert len(_lines(r.stderr)) == 1
    finally:
        reader.send_signal(signal.SIGINT)
        reader.communicate(timeout=30)
    r = run("query", "case-summary", "--kg", kg_copy, "--format", "csv")
    assert r.code == 0 and run("query", "--kg", kg_copy, "--sparql", "SELECT ?a WHERE { ?p sko:ageYears ?a }",
                               "--format", "csv").out.count("\n") > 1


def test_a_sarcokg_that_is_a_file_is_one_line(kg_copy, run):
    (kg_copy / CACHE_DIR).write_text("not a folder\n")
    r = run("query", "case-summary", "--kg", kg_copy)
    said = "is a file" in r.err or "not a folder" in r.err
    assert r.code == 2 and len(_lines(r.err)) == 1 and said and "Traceback" not in r.err, r.err
    assert (kg_copy / CACHE_DIR).read_text() == "not a folder\n"   # nothing the user had is lost


def test_a_folder_that_cannot_hold_a_store_is_queried_in_memory(tmp_path, monkeypatch):
    """A folder we may not write to (os.access says yes, but writing fails: a
    read-only mount, /proc/sys) is read into memory, with no traceback."""
    import sarcokg.store.kgstore as K
    from sarcokg.store.kgstore import load
    kg = tmp_path / "kg"
    kg.mkdir()
    for f in sorted((ROOT / "graph").glob("*.ttl")):
        (kg / f.name).write_bytes(f.read_bytes())
    real_touch = Path.touch

    def refused(self, *a, **k):
        if self.parent == kg or self.parent == kg / CACHE_DIR:
            raise PermissionError(13, "Read-only file system")
        return real_touch(self, *a, **k)

    monkeypatch.setattr(Path, "touch", refused)
    kgraph = load(kg)
    assert kgraph.folder is None and len(kgraph.digests or {}) == 5
    assert not (kg / CACHE_DIR).exists()
    assert K.holds(kg) is False


def test_proc_sys_as_kg_is_one_line(run):
    if not Path("/proc/sys").is_dir():
        pytest.skip("no /proc/sys here")
    r = run("query", "case-summary", "--kg", "/proc/sys")
    assert r.code == 2 and len(_lines(r.err)) == 1 and "Traceback" not in r.err, r.err
