"""The package as a user installs it: a wheel, in a new venv, outside the checkout.

The wheel must carry the ontology, shapes, named queries, checks and the bundled
graph (read with importlib.resources), and the commands must work from a
directory that is not the checkout.
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check",
                    "-w", str(tmp / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel = next((tmp / "dist").glob("sarcokg-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    subprocess.run([str(tmp / "venv" / "bin" / "python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", str(wheel)], check=True, capture_output=True)
    away = tmp / "elsewhere"
    away.mkdir()
    return wheel, tmp / "venv" / "bin" / "sarcokg"


def _run(exe: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd)


def test_the_wheel_carries_every_data_file(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in (("ontology", "*.ttl"), ("ontology", "*.jsonld"), ("queries", "*.rq"),
                            ("queries/checks", "*.rq"), ("graph", "*.ttl"), ("graph/curation", "*.json")):
        expected = {f"sarcokg/data/{folder}/{p.name}" for p in (ROOT / folder).glob(pattern)}
        assert expected and expected <= names, (folder, expected - names)
    assert not any("/.sarcokg/" in n for n in names)


def test_installed_commands_work_outside_the_checkout(installed):
    _, exe = installed
    away = exe.parents[2] / "elsewhere"
    q = _run(exe, "query", "case-summary", "--format", "csv", cwd=away)
    assert q.returncode == 0, q.stderr
    rows = q.stdout.strip().splitlines()
    assert rows[0].startswith("report,") and len(rows) == 1 + len(list((ROOT / "graph").glob("*.ttl")))
    v = _run(exe, "validate", cwd=away)
    assert v.returncode == 0 and "conforms" in v.stdout, v.stdout + v.stderr
    c = _run(exe, "check", cwd=away)
    assert c.returncode == 0, c.stdout + c.stderr
    e = _run(exe, "export", "--format", "nt", cwd=away)
    assert e.returncode == 0 and e.stdout.count("\n") > 1000, e.stderr
    listed = _run(exe, "query", "--list", cwd=away)
    assert {p.stem for p in (ROOT / "queries").glob("*.rq")} <= set(listed.stdout.split())
    # the package's graph is read, never written: no store inside site-packages
    pkg_graph = next(exe.parents[1].glob("lib/python*/site-packages/sarcokg/data/graph"))
    assert not (pkg_graph / ".sarcokg").exists()
    ver = _run(exe, "--version", cwd=away)
    assert ver.returncode == 0 and "0.0.0" not in ver.stdout


def test_installed_report_writes_the_cohort_site(installed):
    wheel, exe = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    cohort = ROOT / "src" / "sarcokg" / "views" / "cohort"
    shipped = {f"sarcokg/views/cohort/{p.relative_to(cohort)}" for p in
               [*(cohort / "templates").glob("*.html"), *(cohort / "static").glob("*.*")]}
    assert shipped and shipped <= names, shipped - names
    away = exe.parents[2] / "elsewhere"
    r = _run(exe, "report", "-o", "site", cwd=away)
    assert r.returncode == 0, r.stderr
    site = away / "site"
    assert (site / "index.html").is_file() and (site / "static" / "style.css").is_file()
    assert len(list((site / "cases").glob("*.html"))) == len(list((ROOT / "graph").glob("*.ttl")))
    assert (site / "figures" / "swimmer.png").is_file()
