"""Shared fixtures: the repository, the bundled graph, a CLI runner."""
from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "graph"
SHARED = ROOT.parent / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared corpus not present")


@dataclass
class Run:
    code: int
    out: str
    err: str


def sarcokg(*args: str, cwd: Path | None = None) -> Run:
    """Run the real console entry point in a subprocess (real exit codes)."""
    p = subprocess.run([sys.executable, "-m", "sarcokg.cli", *map(str, args)], capture_output=True,
                       text=True, cwd=cwd or ROOT)
    return Run(p.returncode, p.stdout, p.stderr)


def sarcokg_inproc(*args: str) -> Run:
    """Run the command line in this process (click's CliRunner): for exit codes,
    formats and messages, where a subprocess adds nothing but its start-up."""
    from click.testing import CliRunner

    from sarcokg.cli import main
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return Run(r.exit_code, r.stdout, r.stderr)


@pytest.fixture(scope="session")
def terms():
    """The ontology's terms, loaded once (the extraction tests' invented texts use them)."""
    from sarcokg.model.terms import load_terms
    return load_terms()


@pytest.fixture
def run():
    return sarcokg


@pytest.fixture
def inproc():
    return sarcokg_inproc


@pytest.fixture
def kg_copy(tmp_path) -> Path:
    """A writable copy of the bundled graph."""
    dst = tmp_path / "kg"
    shutil.copytree(GRAPH, dst, ignore=shutil.ignore_patterns(".sarcokg"))
    return dst


def synth_graphs(kg: Path, n: int) -> None:
    """n synthetic report graphs (bench/synth.py) in a new folder kg."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import synth_case
    kg.mkdir()
    for i in range(n):
        rid, _, ttl = synth_case(i)
        (kg / f"{rid}.ttl").write_text(ttl)
