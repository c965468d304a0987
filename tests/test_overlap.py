"""A query's answer is what a SPARQL engine gives over the same files,
whatever the files are: a report copied under a second name, a renamed
report, a file adding triples to another report's nodes; before and after
the first query has kept the named queries' results (issue #16), and with a
validate between (which reads the files alone)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from sarcokg.cli import main
from sarcokg.query import run as q
from sarcokg.store.kgstore import release
from sarcokg.store.reportfiles import ontology_path

from .conftest import synth_graphs

NAMED = list(q.named_queries())


def cli(*args) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


def reference(kg: Path, text: str) -> list[str]:
    """The answer of a fresh in-memory store whose default graph is the RDF
    merge of the ontology and every file of the folder (CSV lines, sorted)."""
    store = ox.Store()
    for f in [ontology_path(), *sorted(kg.glob("*.ttl"))]:
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
    from sarcokg.model.namespaces import PREFIXES
    res = store.query(text, prefixes=dict(PREFIXES))
    assert isinstance(res, ox.QuerySolutions)
    return sorted(res.serialize(format=ox.QueryResultsFormat.CSV).decode().splitlines())


def answers_agree(kg: Path) -> dict[str, int]:
    rows = {}
    for name in NAMED:
        code, out, err = cli("query", name, "--kg", kg, "--format", "csv")
        assert code == 0, err
        got = sorted(out.splitlines())
        want = reference(kg, q.resolve(name, None)[1])
        assert got == want, (name, len(got), len(want))
        rows[name] = len(got)
    return rows


def _damage(kg: Path, how: str) -> None:
    files = sorted(kg.glob("synth-*.ttl"))
    if how == "copied":
        shutil.copy(files[3], kg / "zz-copy.ttl")
    elif how == "renamed":
        files[4].rename(kg / "zz-renamed.ttl")
    elif how == "overlapping":   # a file adding an age to another report's patient
        patient = re.search(r"^(:patient\S*) ", files[5].read_text(), re.M)
        assert patient
        ns = re.search(r"@prefix : <([^>]+)>", files[5].read_text())
        assert ns
        (kg / "zz-extra.ttl").write_text(f"<{ns.group(1)}{patient.group(1)[1:]}> "
                                         "<https://w3id.org/sarcokg/ontology#ageYears> 99 .\n")


@pytest.mark.parametrize("how", ["copied", "renamed", "overlapping"])
def test_answers_equal_a_sparql_engine_over_the_files(tmp_path, monkeypatch, how):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    monkeypatch.setenv("SARCOKG_DEFER_EVIDENCE_MIN", "21")   # the first query's store build keeps the results
    try:
        code, _, err = cli("validate", "--kg", kg)
        assert code in (0, 1) and not (kg / ".sarcokg" / "store").exists(), err   # from the files alone
        code, _, err = cli("query", NAMED[0], "--kg", kg, "--format", "csv")
        assert code == 0 and "computing the results of" in err, err   # the store built with the kept results
        before = answers_agree(kg)     # from kept results
        _damage(kg, how)
        after = answers_agree(kg)      # never from kept rows that multiply
        if how == "copied":
            assert after == before     # a copy adds no fact
        code, _, err = cli("validate", "--kg", kg)
        assert answers_agree(kg) == after
        # and from a store built afresh with the odd file in it
        release(kg)
        shutil.rmtree(kg / ".sarcokg")
        assert answers_agree(kg) == after
    finally:
        release(kg)


def test_case_summary_does_not_multiply_a_copied_report(kg_copy):
    first = sorted(kg_copy.glob("*.ttl"))[0]
    try:
        code, out, _ = cli("query", "case-summary", "--kg", kg_copy, "--format", "csv")
        n = len(out.splitlines())
        shutil.copy(first, kg_copy / "copy-of-first.ttl")
        code, out, err = cli("query", "case-summary", "--kg", kg_copy, "--format", "csv")
        assert code == 0 and len(out.splitlines()) == n, len(out.splitlines())
        assert "copy-of-first" in err and "describe nodes of another report" in err
    finally:
        release(kg_copy)
