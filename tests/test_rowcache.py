"""Per-report queries answered from cached rows give exactly what the store gives."""
from __future__ import annotations

import re

import pytest

from sarcokg import query as q
from sarcokg.rowcache import per_report
from sarcokg.store import CACHE_DIR, load, release

from .conftest import synth_graphs

PER_REPORT = [name for name, path in q.named_queries().items() if per_report(path.read_text())]
FORMATS = ["csv", "tsv", "json", "table"]


def _both(kg, name: str) -> tuple[dict, dict]:
    """{format: bytes} from the row cache and from the store, for one named query."""
    label, text = q.resolve(name, None)
    kgraph = load(kg)
    cached = {f: q.serialize(q.run_kg(kg, kgraph, label, text, []), f) for f in FORMATS}
    direct = {f: q.serialize(q.run(kgraph.store, label, text, []), f) for f in FORMATS}
    release(kg)
    return cached, direct


def test_the_per_report_queries_are_marked():
    assert set(PER_REPORT) == {"case-summary", "cases-by-vertebral-level"}


@pytest.mark.parametrize("name", PER_REPORT)
def test_cached_rows_equal_the_store_on_the_bundled_graph(kg_copy, name):
    cached, direct = _both(kg_copy, name)
    assert cached == direct
    assert list((kg_copy / CACHE_DIR / "rows").glob("*.json"))


def test_cached_rows_follow_changes_and_odd_reports(tmp_path, monkeypatch):
    import sarcokg.rowcache as rc
    monkeypatch.setattr(rc, "CHUNK", 7)   # several chunks, some in worker processes
    kg = tmp_path / "kg"
    synth_graphs(kg, 40)
    files = sorted(kg.glob("*.ttl"))
    for name in PER_REPORT:
        cached, direct = _both(kg, name)
        assert cached == direct, name
    # a changed report, a removed one, and an added one whose id is not its file
    # name (the rows of its chunk are then found file by file)
    files[3].write_text(files[3].read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    # escapes and non-ASCII in a literal that case-summary shows
    files[4].write_text(re.sub(r'sko:doi "[^"]+"', r'sko:doi "10.5555/t\\tq\\"n\\n\\\\ é"', files[4].read_text()))
    files[5].unlink()
    text = files[8].read_text().replace(f"/report/{files[8].stem}/", "/report/aaa-clash/")
    (kg / "aaa-clash.ttl").write_text(text.replace(f'sko:reportId "{files[8].stem}"', 'sko:reportId "zzz-other"'))
    for name in PER_REPORT:
        cached, direct = _both(kg, name)
        assert cached == direct, name
    assert b"zzz-other" in _both(kg, "case-summary")[0]["csv"]
    # one report id in two files (the validator flags it): the store decides the order
    (kg / "aaa-clash.ttl").write_text(text)
    for name in PER_REPORT:
        cached, direct = _both(kg, name)
        assert cached == direct, name


def test_rows_are_reused_not_recomputed(kg_copy, monkeypatch):
    import sarcokg.rowcache as rc
    _both(kg_copy, "case-summary")
    calls = []
    real = rc.chunk_rows
    monkeypatch.setattr(rc, "chunk_rows", lambda args: calls.append(len(args[2])) or real(args))
    _both(kg_copy, "case-summary")
    assert calls == []
    f = sorted(kg_copy.glob("*.ttl"))[1]
    f.write_text(f.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    cached, direct = _both(kg_copy, "case-summary")
    assert calls == [1] and cached == direct


def test_parameters_and_blank_nodes_go_to_the_store(kg_copy):
    label, text = q.resolve("cases-by-vertebral-level", None)
    kgraph = load(kg_copy)
    res = q.run_kg(kg_copy, kgraph, label, text, ["within=sko:LumbarSpine"])
    assert q.serialize(res, "csv") == q.serialize(q.run(kgraph.store, label, text, ["within=sko:LumbarSpine"]),
                                                  "csv")
    blank = "# sarcokg:per-report\nSELECT ?report ?b WHERE { ?r <https://w3id.org/sarcokg/ontology#reportId> ?report BIND(BNODE() AS ?b) }"
    assert len(list(q.run_kg(kg_copy, kgraph, "inline", blank, []))) == 5
    release(kg_copy)


def test_a_file_changed_after_the_store_loaded_it_is_answered_by_the_store(kg_copy):
    label, text = q.resolve("case-summary", None)
    kgraph = load(kg_copy)
    direct = q.serialize(q.run(kgraph.store, label, text, []), "csv")
    victim = sorted(kg_copy.glob("*.ttl"))[0]
    original = victim.read_text()
    # after the store synced, before the rows are computed: malformed, then valid but other
    for text_now in ("not turtle at all", original.replace("sko:ageYears ", "sko:ageYears 1", 1)):
        victim.write_text(text_now)
        assert q.serialize(q.run_kg(kg_copy, kgraph, label, text, []), "csv") == direct
        assert not list((kg_copy / CACHE_DIR / "rows").glob("*.json"))
    release(kg_copy)
