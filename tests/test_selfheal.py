"""Damaged derived state is rebuilt, never fatal (issue #16): garbage in the
store's files is told apart from a store open in another program and
rebuilt from the report files with a one-line note; garbage in any kept
derived file (the catalogue, which holds the store's record, kept rows,
renderings, validation cache) is dropped and made again, with the same
answers."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sarcokg.cli import main
from sarcokg.store.kgstore import CACHE_DIR, release

from .conftest import synth_graphs


def cli(*args) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def kg(tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    yield kg
    release(kg)


def _garbage(path: Path, seed: int) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 3)
        fh.write(bytes((seed * 7 + i * 13) % 256 for i in range(max(1, min(4096, size // 2)))))


@pytest.mark.parametrize("which", ["every file", "tables", "CURRENT"])
def test_garbage_in_the_store_is_rebuilt_with_a_note(kg, which):
    code, want, err = cli("query", "case-summary", "--kg", kg, "--format", "csv")
    assert code == 0, err
    want_counts = cli("query", "follow-up-by-outcome", "--kg", kg, "--format", "csv")[1]
    release(kg)
    store = kg / CACHE_DIR / "store"
    damaged = 0
    for i, f in enumerate(sorted(store.iterdir())):
        if f.is_file() and f.stat().st_size and (which == "every file" or f.name.endswith(".sst") and
                                                  which == "tables" or f.name == which):
            _garbage(f, i)
            damaged += 1
    assert damaged
    code, out, err = cli("query", "case-summary", "--kg", kg, "--format", "csv")
    assert code == 0 and out == want, err
    assert "rebuilding the query store" in err and "another program" not in err
    assert len(err.strip().splitlines()) == 1, err
    # the counts are the store's (not kept rows) and agree too
    assert cli("query", "follow-up-by-outcome", "--kg", kg, "--format", "csv")[1] == want_counts


def test_a_store_open_in_another_program_is_named_as_such(kg):
    import subprocess
    import sys
    assert cli("query", "case-summary", "--kg", kg)[0] == 0
    release(kg)
    holder = subprocess.Popen([sys.executable, "-c", "import pyoxigraph as ox, sys, time\n"
                               f"s = ox.Store({str(kg / CACHE_DIR / 'store')!r}); print('open', flush=True); "
                               "time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        (kg / CACHE_DIR / "catalogue.sqlite").unlink()   # no record: a sync must rebuild the store
        code, _, err = cli("query", "case-summary", "--kg", kg)
        assert code == 2 and "open in another program" in err and len(err.strip().splitlines()) == 1, err
    finally:
        holder.kill()
        holder.wait()


def _all_derived(kg: Path) -> list[Path]:
    cache = kg / CACHE_DIR
    return sorted(p for p in cache.rglob("*") if p.is_file() and "store" not in p.relative_to(cache).parts
                  and p.name != "lock")


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "json of another shape"])
def test_garbage_in_any_kept_derived_file_is_never_fatal(kg, monkeypatch, damage):
    monkeypatch.setenv("SARCOKG_DEFER_EVIDENCE_MIN", "21")   # the first query's store build keeps the results
    code, _, err = cli("validate", "--kg", kg)
    assert code in (0, 1), err
    names = ["case-summary", "cases-by-vertebral-level", "follow-up-by-outcome"]
    want = {(n, f): cli("query", n, "--kg", kg, "--format", f)[1] for n in names for f in ("csv", "json")}
    want_validate = cli("validate", "--kg", kg)
    release(kg)
    derived = _all_derived(kg)
    kinds = {p.suffix or p.name for p in derived}
    assert {".json", ".tsv", ".sqlite"} <= kinds and any("validation" in p.name for p in derived), kinds
    for i, p in enumerate(derived):
        if damage == "garbage":
            p.write_bytes(bytes((i * 31 + j * 17) % 256 for j in range(64)))
        elif damage == "empty":
            p.write_bytes(b"")
        elif damage == "truncated":
            p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
        elif p.suffix == ".json":   # JSON that reads, of the right context, with values of the wrong shape
            data = json.loads(p.read_text())
            wrong = [7, "x", [1, 2], {"a": [1]}, None]
            for j, key in enumerate(sorted(data) if isinstance(data, dict) else []):
                if key not in ("context", "versions"):
                    data[key] = wrong[(i + j) % len(wrong)]
            p.write_text(json.dumps(data))
        else:
            p.write_text(p.read_text(errors="replace").split("\n")[0] + "\n")   # the fingerprint alone
    for (n, f), out in want.items():
        code, got, err = cli("query", n, "--kg", kg, "--format", f)
        assert code == 0 and got == out, (n, f, err)
        assert "Traceback" not in err
    got_validate = cli("validate", "--kg", kg)
    assert got_validate[:2] == want_validate[:2], got_validate[2]
    # and made again: the next run reads what was rebuilt
    for (n, f), out in want.items():
        assert cli("query", n, "--kg", kg, "--format", f)[1] == out
    os.sync()
