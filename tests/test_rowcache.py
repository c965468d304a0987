"""Per-report queries answered from cached rows give exactly what the store gives."""
from __future__ import annotations

import re
import shutil

import pytest

from sarcokg.common.settings import Settings
from sarcokg.query import run as q
from sarcokg.query.rowcache import per_report
from sarcokg.store.kgstore import CACHE_DIR, load, release

from .conftest import synth_graphs

PER_REPORT = [name for name, path in q.named_queries().items() if per_report(path.read_text())]
FORMATS = ["csv", "tsv", "json"]  # the table for people is a view of these rows (tests/test_daily.py)
SEVEN = Settings(rows_chunk=7)   # several chunks, some in worker processes


def _both(kg, name: str, settings: Settings | None = None) -> tuple[dict, dict]:
    """{format: bytes} from the row cache and from the store, for one named query."""
    label, text = q.resolve(name, None)
    kgraph = load(kg, settings=settings)
    cached = {f: q.serialize(q.run_kg(kg, kgraph, label, text, []), f) for f in FORMATS}
    direct = {f: q.serialize(q.run(kgraph.store, label, text, []), f) for f in FORMATS}
    release(kg)
    return cached, direct


def _rows_computed_while_every_query_answers_as_the_store(kg, monkeypatch) -> list[int]:
    """Runs every per-report query from the kept results and from the store (equal, or the test
    fails); returns the list of the row chunks' sizes computed meanwhile ([] when all were kept),
    which the spy it installs keeps filling for the rest of the test."""
    import sarcokg.query.rowcache as rc
    calls: list[int] = []
    real = rc.chunk_rows
    monkeypatch.setattr(rc, "chunk_rows", lambda args: calls.append(len(args[2])) or real(args))
    for name in PER_REPORT:
        cached, direct = _both(kg, name)
        assert cached == direct, name
    return calls


def test_the_per_report_queries_are_marked():
    # every named query but vertebral-range, which reads the ontology only
    assert set(PER_REPORT) == set(q.named_queries()) - {"vertebral-range"}


@pytest.mark.parametrize("name", PER_REPORT)
def test_cached_rows_equal_the_store_on_the_bundled_graph(kg_copy, name):
    cached, direct = _both(kg_copy, name)
    assert cached == direct
    assert _state(kg_copy, q.resolve(name, None)[1]).exists()   # answered from the rows, not the store


def test_cached_rows_follow_changes_and_odd_reports(tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, 40)
    files = sorted(kg.glob("*.ttl"))
    for name in PER_REPORT:
        cached, direct = _both(kg, name, SEVEN)
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
        cached, direct = _both(kg, name, SEVEN)
        assert cached == direct, name
    assert b"zzz-other" in _both(kg, "case-summary")[0]["csv"]
    # one report id in two files (the validator flags it): the store decides the order
    (kg / "aaa-clash.ttl").write_text(text)
    for name in PER_REPORT:
        cached, direct = _both(kg, name, SEVEN)
        assert cached == direct, name


def test_rows_are_reused_not_recomputed(kg_copy, monkeypatch):
    import sarcokg.query.rowcache as rc
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


def test_a_listing_after_a_change_is_patched_from_the_changed_reports(tmp_path, monkeypatch):
    """A changed, a removed and an added report (one whose id sorts elsewhere):
    the kept result is patched, reading only those reports' kept rows, and
    equals the store's answer; a result whose stamp is not the one before the
    change (a crash between the rows' update and the result's write), a
    damaged result, or rows that do not fit it, are assembled afresh, still exact."""
    import sarcokg.query.rowcache as rc
    from sarcokg.store.catalogue import Catalogue, using
    from sarcokg.store.kgstore import catalogue_path
    kg = tmp_path / "kg"
    synth_graphs(kg, 60)
    files = sorted(kg.glob("*.ttl"))
    name = "case-summary"
    assert _both(kg, name)[0] == _both(kg, name)[1]
    read, patched = [], []
    real_entries, real_patch = Catalogue.entries, rc._patch
    monkeypatch.setattr(Catalogue, "entries", lambda self, c, keys=None: read.append(
        None if keys is None else len(list(keys))) or real_entries(self, c, keys))
    monkeypatch.setattr(rc, "_patch", lambda *a: patched.append(real_patch(*a)) or patched[-1])
    files[3].write_text(files[3].read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    cached, direct = _both(kg, name)
    assert cached == direct and read == [1] and patched[-1] is not None
    files[5].unlink()
    text = files[8].read_text().replace(f"/report/{files[8].stem}/", "/report/000-first/")
    (kg / "000-first.ttl").write_text(text.replace(f'"{files[8].stem}"', '"000-first"'))
    read.clear()
    cached, direct = _both(kg, name)
    assert cached == direct and b"000-first" in cached["csv"] and patched[-1] is not None
    assert read == [2]
    # the rows brought up to date by a command that died before it wrote the result: every row, afresh
    result = _state(kg, q.resolve(name, None)[1])
    consumer = "rows:" + result.stem
    using(catalogue_path(kg), lambda cat: cat.set_stamp(consumer + ":result", None))
    files[10].write_text(files[10].read_text().replace("sko:ageYears ", "sko:ageYears 2", 1))
    read.clear()
    patched.clear()
    cached, direct = _both(kg, name)
    assert cached == direct and patched == [] and None in read
    # the kept result damaged: it is not patched but assembled again
    body = result.read_bytes().split(b"\n")
    result.write_bytes(b"\n".join(body[:5] + body[9:]))
    files[20].write_text(files[20].read_text().replace("sko:ageYears ", "sko:ageYears 3", 1))
    patched.clear()
    cached, direct = _both(kg, name)
    assert cached == direct and patched == []
    # rows that do not fit the patch, in a result of the stamped size: only the patch can tell
    body = result.read_bytes().split(b"\n")
    keep = len(result.read_bytes())
    damaged = b"\n".join(body[:4] + body[30:])
    result.write_bytes(damaged + b"#" * (keep - len(damaged)))
    files[20].write_text(files[20].read_text().replace("sko:ageYears 3", "sko:ageYears 5", 1))
    patched.clear()
    cached, direct = _both(kg, name)
    assert cached == direct and patched == [None]


def test_the_report_id_of_a_result_line():
    from sarcokg.query.rowcache import _line_id
    assert _line_id(b'<urn:x>\t"case-7"\t1', 1) == "case-7"
    assert _line_id(b'"a \\"quoted\\" \\u00e9 id"', 0) == 'a "quoted" \u00e9 id'
    assert _line_id('"é-case"@en\tx'.encode(), 0) == "é-case"


@pytest.mark.parametrize("within", ["sko:LumbarSpine", "sko:T11", "sko:VertebralColumn", "sko:ThoracicSpine",
                                    "sko:SacralVertebra", "sko:Femur", "<urn:not-in-the-ontology>"])
def test_a_narrowing_parameter_gives_the_stores_rows(tmp_path, within, monkeypatch):
    """cases-by-vertebral-level --param within=X: the kept rows of the unbound
    query filtered by the ontology's part-of hierarchy (query/narrow.py) are
    the store's rows, in every format, and the store is not asked."""
    kg = tmp_path / "kg"
    synth_graphs(kg, 40)
    label, text = q.resolve("cases-by-vertebral-level", None)
    param = [f"within={within}"]
    kgraph = load(kg)
    want = {fmt: q.serialize(q.run(kgraph.store, label, text, param), fmt) for fmt in FORMATS}
    q.run_kg(kg, kgraph, label, text, [])
    kgraph.store = _NoStore()   # type: ignore[assignment]
    try:
        for fmt in FORMATS:
            assert q.answer(kg, kgraph, label, text, param, fmt) == want[fmt], fmt
    finally:
        release(kg)
    if within == "sko:LumbarSpine":
        assert want["csv"].count(b"\n") > 3


def test_parameters_and_blank_nodes_go_to_the_store(kg_copy):
    label, text = q.resolve("cases-by-vertebral-level", None)
    kgraph = load(kg_copy)
    for param in (["within=sko:LumbarSpine"], ["within=\"L2\""]):
        res = q.run_kg(kg_copy, kgraph, label, text, param)
        assert q.serialize(res, "csv") == q.serialize(q.run(kgraph.store, label, text, param), "csv")
    blank = ("# sarcokg:per-report\nSELECT ?report ?b WHERE { "
             "?r <https://w3id.org/sarcokg/ontology#reportId> ?report BIND(BNODE() AS ?b) }")
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
        assert not list((kg_copy / CACHE_DIR / "rows").rglob("*.json"))
    release(kg_copy)


def _state(kg, text: str):
    import hashlib
    return kg / CACHE_DIR / "rows" / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.tsv"


SKO = "PREFIX sko: <https://w3id.org/sarcokg/ontology#>\n"
PATTERN = """WHERE {
  ?p a sko:Patient ; sko:sex ?sex .
  OPTIONAL { ?p sko:ageYears ?age }
  OPTIONAL { ?p sko:hasTumour/sko:tumourType ?type }
  OPTIONAL { ?p sko:hasOutcome/sko:followUpMonths ?months }
}"""
AGGREGATES = {
    "grouped": f"""# sarcokg:per-report
{SKO}SELECT ?sex (COUNT(*) AS ?n) (COUNT(DISTINCT ?type) AS ?types) (COUNT(?months) AS ?with_months)
  (SUM(?age) AS ?ages) (AVG(?age) AS ?mean_age) (AVG(DISTINCT ?months) AS ?mean_months)
  (MIN(?age) AS ?youngest) (MAX(?months) AS ?longest) (SUM(?months) AS ?all_months)
  (ROUND(AVG(?months) * 10) / 10 AS ?rounded) (STR(?sex) AS ?sex_text)
{PATTERN}
GROUP BY ?sex ORDER BY DESC(?n) ?sex""",
    "whole": f"""# sarcokg:per-report
{SKO}SELECT (COUNT(*) AS ?n) (AVG(?months) AS ?mean) (MAX(?age) AS ?oldest) {PATTERN}""",
    "nothing": f"""# sarcokg:per-report
{SKO}SELECT (COUNT(*) AS ?n) (SUM(?x) AS ?s) (AVG(?x) AS ?a) (MIN(?x) AS ?m)
WHERE {{ ?p sko:noSuchProperty ?x }}""",
    "two keys, limit": f"""# sarcokg:per-report
{SKO}SELECT ?sex ?type (COUNT(DISTINCT ?p) AS ?cases) (MIN(?months) AS ?lo) {PATTERN}
GROUP BY ?sex ?type ORDER BY ?type ?sex LIMIT 3 OFFSET 1""",
}


@pytest.mark.parametrize("label", AGGREGATES)
def test_aggregates_from_cached_solutions_equal_the_store(tmp_path, label):
    """SUM, AVG, MIN, MAX, COUNT (DISTINCT, *), unbound values, no GROUP BY, an
    empty pattern, expressions over aggregates, ORDER BY an alias, LIMIT/OFFSET."""
    from sarcokg.query import aggregate
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    text = AGGREGATES[label]
    assert aggregate.plan(text) is not None
    kgraph = load(kg)
    for _ in range(2):   # computed, then read from the assembled result
        cached = {f: q.serialize(q.run_kg(kg, kgraph, label, text, []), f) for f in FORMATS}
        assert _state(kg, text).exists()
        assert cached == {f: q.serialize(q.run(kgraph.store, label, text, []), f) for f in FORMATS}
    release(kg)


@pytest.mark.parametrize("text", [
    "SELECT ?s (GROUP_CONCAT(?o) AS ?g) WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT ?s (SAMPLE(?o) AS ?g) WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(?o) > 1)",
    "SELECT DISTINCT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ORDER BY DESC(COUNT(?o))",
    "SELECT ?s (COUNT(?o) AS ?n) FROM <urn:x> WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT (SUM(?o + 1) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s ?o WHERE { ?s ?p ?o }",
])
def test_what_the_two_stages_do_not_plan(text):
    from sarcokg.query import aggregate
    assert aggregate.plan(text) is None


def test_aggregates_go_to_the_store_when_reports_join_or_values_do_not_compare(tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, 12)
    files = sorted(kg.glob("*.ttl"))
    text = AGGREGATES["grouped"]
    strings = f"# sarcokg:per-report\n{SKO}SELECT (MIN(?x) AS ?m) WHERE {{ ?r sko:reportId ?x }}"
    assert _both_text(kg, strings)
    assert not _state(kg, strings).exists()      # MIN over strings: not aggregated here
    # one report names another report's patient: a join across files only the store sees
    other = files[1].stem
    files[0].write_text(files[0].read_text() + f"\n<https://w3id.org/sarcokg/report/{other}/patient> "
                        "<https://w3id.org/sarcokg/ontology#ageYears> 99 .\n")
    assert _both_text(kg, text)
    assert not _state(kg, text).exists()


def _both_text(kg, text) -> bool:
    kgraph = load(kg)
    same = q.serialize(q.run_kg(kg, kgraph, "inline", text, []), "tsv") == \
        q.serialize(q.run(kgraph.store, "inline", text, []), "tsv")
    release(kg)
    return same


def test_aggregates_recompute_only_the_changed_reports(tmp_path, monkeypatch):
    import sarcokg.query.rowcache as rc
    kg = tmp_path / "kg"
    synth_graphs(kg, 40)
    files = sorted(kg.glob("*.ttl"))
    text = AGGREGATES["grouped"]
    calls = []
    real = rc.chunk_rows
    monkeypatch.setattr(rc, "chunk_rows", lambda args: calls.append(sorted(n for n, _ in args[2])) or real(args))
    assert _both_text(kg, text) and len(calls[0]) == 40
    # a changed report, a removed one, a new one: those are evaluated, nothing else
    files[3].write_text(files[3].read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    files[5].unlink()
    (kg / "zz-new.ttl").write_text(files[8].read_text().replace(f"/report/{files[8].stem}/", "/report/zz-new/")
                                   .replace(f'"{files[8].stem}"', '"zz-new"'))
    calls.clear()
    assert _both_text(kg, text)
    assert calls == [sorted([files[3].name, "zz-new.ttl"])]
    calls.clear()
    assert _both_text(kg, text) and calls == []


def test_aggregate_totals_kept_with_the_rows_follow_changes_and_a_lost_catalogue(tmp_path):
    """The totals and the rows are one transaction in the catalogue: after
    changes, and with the catalogue lost or damaged, the next query is exact."""
    from sarcokg.store.kgstore import catalogue_path
    kg = tmp_path / "kg"
    synth_graphs(kg, 20)
    files = sorted(kg.glob("*.ttl"))
    text = AGGREGATES["grouped"]
    assert _both_text(kg, text)
    files[2].write_text(files[2].read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    assert _both_text(kg, text) and _state(kg, text).exists()
    catalogue_path(kg).write_bytes(b"not a catalogue" * 100)
    files[6].unlink()
    assert _both_text(kg, text)
    catalogue_path(kg).unlink()
    files[7].write_text(files[7].read_text().replace("sko:ageYears ", "sko:ageYears 2", 1))
    assert _both_text(kg, text)


def test_an_invalid_aggregate_query_is_refused_not_answered(kg_copy):
    from sarcokg.common.errors import InputError
    bad = f"# sarcokg:per-report\n{SKO}SELECT ?sex ?p (COUNT(*) AS ?n) {PATTERN} GROUP BY ?sex"
    kgraph = load(kg_copy)
    with pytest.raises(InputError, match="SPARQL syntax error"):
        q.run_kg(kg_copy, kgraph, "inline", bad, [])
    release(kg_copy)


def test_a_first_run_over_many_reports_loads_facts_only_and_keeps_every_named_query(tmp_path, monkeypatch):
    import sarcokg.query.rowcache as rc
    settings = Settings(defer_evidence_min=10, rows_chunk=40)   # "many" is 10; one chunk, in this process
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    flags = []
    real = rc.chunk_rows

    def spy(args):
        flags.append(args[4])
        store, _, _ = rc._load_chunk(args[1], args[2], args[4])
        has = bool(store.query("ASK { GRAPH ?g { ?e a <https://w3id.org/sarcokg/ontology#Evidence> } }"))
        assert has is not args[4]      # evidence is in the chunk exactly when it is not facts-only
        return real(args)

    monkeypatch.setattr(rc, "chunk_rows", spy)
    # the first named query loads the chunk once for every named per-report query
    first, *rest = PER_REPORT
    cached, direct = _both(kg, first, settings)
    assert cached == direct
    assert flags == [True]
    for name in rest:
        assert _state(kg, q.resolve(name, None)[1]).exists(), name   # kept already
        cached, direct = _both(kg, name, settings)
        assert cached == direct, name
    assert flags == [True]     # and not evaluated again
    # the kept entries follow a change like computed ones
    victim = sorted(kg.glob("*.ttl"))[3]
    victim.write_text(victim.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    for name in PER_REPORT:
        cached, direct = _both(kg, name, settings)
        assert cached == direct, name
    assert flags == [True] + [False] * len(PER_REPORT)   # one file each, with its evidence
    # a per-report query that reads evidence gets the whole files, and the same rows as the store
    reads = ("# sarcokg:per-report\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"
             "SELECT ?report (COUNT(?x) AS ?n) WHERE { ?r sko:reportId ?report ; sko:hasEvidence ?e . "
             "?e oa:exact ?x } GROUP BY ?report ORDER BY ?report")
    flags.clear()
    kgraph = load(kg, settings=settings)
    cached = q.serialize(q.run_kg(kg, kgraph, "inline", reads, []), "csv")
    direct = q.serialize(q.run(kgraph.store, "inline", reads, []), "csv")
    release(kg)
    assert cached == direct and cached.count(b"\n") > 20
    assert flags and not any(flags)


def test_a_cold_validate_builds_no_store_and_the_first_query_keeps_every_named_querys_results(
        tmp_path, monkeypatch, run):
    """validate works from the files alone: on a new folder it builds no store
    and keeps no query results (it used to pay the named queries' first run);
    the first query builds the store with every named query's results, and
    the queries after it read them (equal to the store's); validating one
    changed report keeps nothing either."""
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    monkeypatch.setenv("SARCOKG_DEFER_EVIDENCE_MIN", "21")     # "many" for the subprocesses
    r = run("validate", "--kg", kg)
    assert r.code in (0, 1) and "kept" not in r.err and "computing" not in r.err, r.err
    assert not (kg / CACHE_DIR / "store").exists() and not (kg / CACHE_DIR / "rows").exists()
    assert (kg / CACHE_DIR / "validation-fast.json").exists()
    r = run("query", "case-summary", "--kg", kg, "--format", "csv")
    assert r.code == 0 and f"computing the results of {len(PER_REPORT)} named queries for 30 reports once" in r.err
    assert len(list((kg / CACHE_DIR / "rows").glob("*.tsv"))) == len(PER_REPORT)
    assert _rows_computed_while_every_query_answers_as_the_store(kg, monkeypatch) == []
    victim = sorted(kg.glob("*.ttl"))[4]
    victim.write_text(victim.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    r = run("validate", "--kg", kg)
    assert r.code in (0, 1) and "kept" not in r.err
    r = run("validate", "--kg", kg, "--no-cache")     # every report afresh, but no caches wanted
    assert r.code in (0, 1) and "kept" not in r.err
    # a query with nothing kept says what it is doing, once
    shutil.rmtree(kg / CACHE_DIR / "rows")
    (kg / CACHE_DIR / "catalogue.sqlite").unlink()
    r = run("query", "cases-by-vertebral-level", "--kg", kg, "--format", "csv")
    assert r.code == 0 and r.err.count("computing the results of") == 1, r.err
    r = run("query", "cases-by-vertebral-level", "--kg", kg, "--format", "csv")
    assert r.code == 0 and r.err == ""


class _NoStore:
    """A store that must not be asked: a per-report query evaluated on it
    would take minutes at 100,000 reports."""

    def __init__(self):
        self.asked: list[str] = []

    def query(self, text, **kwargs):
        self.asked.append(text)
        raise AssertionError("a per-report query was evaluated on the store")

    def __getattr__(self, name):
        raise AssertionError(f"the store was used ({name})")


NARROWED = {"cases-by-vertebral-level --param within=sko:LumbarSpine": ("cases-by-vertebral-level",
                                                                      ["within=sko:LumbarSpine"])}


@pytest.mark.parametrize("fresh", [True, False], ids=["first run", "after a change"])
def test_every_per_report_query_is_answered_from_kept_results(tmp_path, fresh):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    texts = {name: q.resolve(name, None)[1] for name in PER_REPORT}
    assert len(texts) >= 7
    params = {name: [] for name in texts}
    for label, (name, bound) in NARROWED.items():   # a parameter that narrows a kept result
        texts[label], params[label] = q.resolve(name, None)[1], bound
    want = {}
    kgraph = load(kg)
    for name, text in texts.items():
        want[name] = q.serialize(q.run(kgraph.store, name, text, params[name]), "csv")
    release(kg)
    if not fresh:   # results kept, then one report changed and one removed
        kgraph = load(kg)
        for name, text in texts.items():
            q.serialize(q.run_kg(kg, kgraph, name, text, params[name]), "csv")
        release(kg)
        files = sorted(kg.glob("*.ttl"))
        files[2].unlink()
        files[4].write_text(files[4].read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
        kgraph = load(kg)
        for name, text in texts.items():
            want[name] = q.serialize(q.run(kgraph.store, name, text, params[name]), "csv")
        release(kg)
    kgraph = load(kg)
    spy = _NoStore()
    kgraph.store = spy   # type: ignore[assignment]
    try:
        for name, text in texts.items():
            assert q.answer(kg, kgraph, name, text, params[name], "csv") == want[name], name
            assert q.serialize(q.run_kg(kg, kgraph, name, text, params[name]), "csv") == want[name], name
    finally:
        release(kg)
    assert spy.asked == []


def test_a_report_that_builds_the_store_keeps_every_named_querys_results(tmp_path, monkeypatch):
    """`sarcokg report` on a folder without a store builds it with the named
    queries' rows (the deriver): neither it nor the next query pays a first run."""
    from click.testing import CliRunner

    import sarcokg.query.rowcache as rc
    from sarcokg.cli import main
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    monkeypatch.setenv("SARCOKG_DEFER_EVIDENCE_MIN", "21")
    first = []
    real_first = rc.first_run
    monkeypatch.setattr(rc, "first_run", lambda *a, **k: first.append(1) or real_first(*a, **k))
    r = CliRunner().invoke(main, ["report", "--kg", str(kg), "-o", str(tmp_path / "site"), "--case-pages", "0"])
    release(kg)
    assert r.exit_code == 0, r.stderr
    assert "computing the results of" in r.stderr and first == [], r.stderr   # in the pass that built the store
    for name in PER_REPORT:
        assert _state(kg, q.resolve(name, None)[1]).exists(), name
    assert _rows_computed_while_every_query_answers_as_the_store(kg, monkeypatch) == [] and first == []


def test_a_store_build_keeps_every_named_querys_results(tmp_path, monkeypatch):
    """The pass that loads many reports into the store computes the named
    per-report queries' rows from the facts it reads (no first run after it),
    and keeps nothing when a file cannot be handed over (one naming another
    report's nodes): the queries then compute their rows themselves, exact."""
    settings = Settings(defer_evidence_min=21, load_chunk=8)   # a bulk load of 30 files, in 4 chunks
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    load(kg, evidence=False, settings=settings, derive=q.deriver(kg, 2, settings))
    release(kg)
    for name in PER_REPORT:
        assert _state(kg, q.resolve(name, None)[1]).exists(), name     # kept by the build
    calls = _rows_computed_while_every_query_answers_as_the_store(kg, monkeypatch)   # the spy stays on
    assert calls == []
    # a rebuild where one file names another report's node: nothing kept by the build
    shutil.rmtree(kg / CACHE_DIR)
    files = sorted(kg.glob("*.ttl"))
    files[0].write_text(files[0].read_text() + f"\n<https://w3id.org/sarcokg/report/{files[1].stem}/patient> "
                        "<https://w3id.org/sarcokg/ontology#ageYears> 99 .\n")
    load(kg, evidence=False, settings=settings, derive=q.deriver(kg, 2, settings))
    release(kg)
    assert not list((kg / CACHE_DIR).glob("rows/*.tsv"))
    files[0].write_text(files[0].read_text().rsplit("\n<https://w3id.org", 1)[0] + "\n")
    for name in PER_REPORT[:2]:
        cached, direct = _both(kg, name)
        assert cached == direct, name
    assert calls


def test_a_store_build_keeps_nothing_when_a_file_names_another_reports_node_as_an_object(tmp_path):
    """A file in the writer's form whose statements are all about its own
    nodes but whose object is another report's node (a full IRI) is not
    confined: the pass that builds the store keeps no query's results, and
    the queries answer as the store."""
    settings = Settings(defer_evidence_min=21, load_chunk=8)
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    files = sorted(kg.glob("*.ttl"))
    files[2].write_text(files[2].read_text() + f"\n:patient <https://w3id.org/sarcokg/ontology#hasTumour> "
                        f"<https://w3id.org/sarcokg/report/{files[3].stem}/tumour> .\n")
    load(kg, evidence=False, settings=settings, derive=q.deriver(kg, 2, settings))
    release(kg)
    assert not list((kg / CACHE_DIR).glob("rows/*.tsv"))
    for name in PER_REPORT[:3]:
        cached, direct = _both(kg, name)
        assert cached == direct, name


def test_changes_that_net_out_keep_the_kept_result_and_renderings(tmp_path, monkeypatch):
    """A file changed and changed back: the store made two generations, but the
    kept result and its rendering are of the same files; they are stamped
    current and read as they are (nothing evaluated, assembled or rendered)."""
    import sarcokg.query.renders as renders
    import sarcokg.query.rowcache as rc
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    label, text = q.resolve("follow-up-by-outcome", None)
    before = _both(kg, "follow-up-by-outcome")[0]
    victim = sorted(kg.glob("*.ttl"))[3]
    original = victim.read_text()
    victim.write_text(original.replace("sko:ageYears ", "sko:ageYears 1", 1))
    load(kg)
    release(kg)
    victim.write_text(original)
    calls = []
    monkeypatch.setattr(rc, "chunk_rows", lambda args: calls.append(args) or [])
    monkeypatch.setattr(rc, "_aggregated", lambda *a: calls.append(a) or ("{}", b""))
    monkeypatch.setattr(renders.ox, "parse_query_results", lambda *a, **k: calls.append(a))
    kgraph = load(kg)
    try:
        assert {f: q.serialize(q.run_kg(kg, kgraph, label, text, []), f) for f in FORMATS} == before
    finally:
        release(kg)
    assert calls == []


def _narrowed_plainly(tsv: bytes, param: str, column: str, cell: bytes, keep: set[str]) -> bytes:
    """narrow.narrowed written as a plain loop over the rows (the oracle)."""
    head, _, body = tsv.partition(b"\n")
    names = head.decode().split("\t")
    col, at = names.index(f"?{column}"), names.index(f"?{param}")
    out = [head]
    for line in body.split(b"\n")[:-1]:
        cells = line.split(b"\t")
        if cells[col].decode() in keep:
            cells[at] = cell
            out.append(b"\t".join(cells))
    return b"\n".join(out) + b"\n"


@pytest.mark.parametrize("head", ["?report\t?vertebra\t?region\t?within", "?within\t?report\t?vertebra\t?region",
                                  "?report\t?within\t?region\t?vertebra"])
@pytest.mark.parametrize("keep", [set(), {'"L1"'}, {'"L1"', '"L10"', '"L1"^^<urn:t>', '"a|b"'}])
def test_narrowed_rows_are_those_a_plain_loop_keeps(head, keep):
    """narrow.narrowed picks rows by one pattern over the kept rows: the rows and
    cells a loop over every row gives, wherever the two columns are, with values
    that are prefixes of one another, lookalikes in other columns, a bound
    parameter cell, the last row and an empty result."""
    import random

    import pyoxigraph as ox

    from sarcokg.query.narrow import narrowed
    rnd = random.Random(7)
    values = ['"L1"', '"L10"', '"L1"^^<urn:t>', '"a|b"', '"L2"', '', '"x\\ty"', '<urn:L1>']
    names = head.split("\t")
    rows = []
    for i in range(300):
        cells = [f'"r{i // 3}"' if n == "?report" else rnd.choice(values) for n in names]
        if rnd.random() < 0.7:
            cells[names.index("?within")] = ""
        rows.append("\t".join(cells))
    tsv = (head + "\n" + "\n".join(rows) + "\n").encode()
    target = ox.NamedNode("https://w3id.org/sarcokg/ontology#LumbarSpine")
    got = narrowed(tsv, "within", "vertebra", target, keep)
    assert got == _narrowed_plainly(tsv, "within", "vertebra", str(target).encode(), keep)
    assert narrowed(head.encode() + b"\n", "within", "vertebra", target, keep) == head.encode() + b"\n"


def test_a_store_build_writes_the_kept_rows_as_chunks_settle(tmp_path, monkeypatch):
    """In a store build the consumers that start afresh get their entries as
    each chunk settles (while the next chunks load), and the end of the build
    only stamps them: every query then answers as the store, none computed
    again. A later bulk load of changed files (the consumers current) keeps
    the catch-up path, and a build that dies after its chunks were written
    leaves no stamp: the next queries compute their rows and answer as the store."""
    import sarcokg.query.rowcache as rc
    import sarcokg.store.sync as sync
    from sarcokg.store.catalogue import Catalogue
    settings = Settings(defer_evidence_min=21, load_chunk=8)   # a bulk load of 30 files, in 4 chunks
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    streamed: list[int] = []
    real_put, real_update = Catalogue.put_entries, Catalogue.update
    monkeypatch.setattr(Catalogue, "put_entries", lambda cat, put: streamed.append(len(put)) or real_put(cat, put))
    rewritten: list[int] = []
    monkeypatch.setattr(Catalogue, "update", lambda cat, name, stamp, put, drop, afresh=False:
                        rewritten.append(len(put)) or real_update(cat, name, stamp, put, drop, afresh))
    analysed: list[str] = []   # which queries may read evidence: found by a worker while the first chunk is read
    real_reads = rc.may_read_evidence
    monkeypatch.setattr(rc, "may_read_evidence", lambda text: analysed.append(text) or real_reads(text))
    load(kg, evidence=False, settings=settings, derive=q.deriver(kg, 2, settings))
    release(kg)
    assert analysed == []
    consumers = len(rc.named_consumers(rc.Run(rc_ontology())))
    assert analysed and streamed == [consumers] * 4 and rewritten == [0] * consumers   # written, then stamped
    assert _rows_computed_while_every_query_answers_as_the_store(kg, monkeypatch) == []
    monkeypatch.undo()
    # 25 of the 30 files changed: a bulk load with the consumers current (their catch-up, not a stream)
    for f in sorted(kg.glob("*.ttl"))[:25]:
        f.write_text(f.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    streamed.clear()
    monkeypatch.setattr(Catalogue, "put_entries", lambda cat, put: streamed.append(len(put)) or real_put(cat, put))
    load(kg, evidence=False, settings=settings, derive=q.deriver(kg, 2, settings))
    release(kg)
    assert streamed == []
    assert _rows_computed_while_every_query_answers_as_the_store(kg, monkeypatch) == []
    monkeypatch.undo()
    # a build that dies once its chunks were written, before the sync records them
    shutil.rmtree(kg / CACHE_DIR)

    def dies(*args, **kwargs):
        raise RuntimeError("killed")
    monkeypatch.setattr(sync, "_finish", dies)
    with pytest.raises(RuntimeError):
        load(kg, evidence=False, settings=settings, derive=q.deriver(kg, 2, settings))
    release(kg)
    monkeypatch.undo()
    assert _rows_computed_while_every_query_answers_as_the_store(kg, monkeypatch) != []


def rc_ontology():
    from sarcokg.store.kgstore import ontology_path
    return ontology_path()


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "table"])
def test_the_query_that_builds_the_store_is_rendered_while_the_others_are_kept(tmp_path, monkeypatch, fmt):
    """`sarcokg query NAME` on a folder without a store: the build keeps every
    named query's rows, and the asked query's rendering is made on a thread
    meanwhile and kept; the command prints what the store answers."""
    from click.testing import CliRunner

    import sarcokg.query.rowcache as rc
    from sarcokg.cli import main
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    monkeypatch.setenv("SARCOKG_DEFER_EVIDENCE_MIN", "21")
    kept: list[bytes | None] = []
    real = rc._Rendering.keep
    monkeypatch.setattr(rc._Rendering, "keep", lambda self, *a: kept.append(self.thread.join() or self.data)
                        or real(self, *a))
    r = CliRunner().invoke(main, ["query", "case-timeline", "--kg", str(kg), "--format", fmt])
    release(kg)
    assert r.exit_code == 0, r.stderr
    assert len(kept) == 1 and kept[0]
    again = CliRunner().invoke(main, ["query", "case-timeline", "--kg", str(kg), "--format", fmt])
    release(kg)
    label, text = q.resolve("case-timeline", None)
    kgraph = load(kg)
    direct = q.serialize(q.run(kgraph.store, label, text, []), "json" if fmt == "table" else fmt)
    release(kg)
    assert r.stdout_bytes == again.stdout_bytes
    if fmt != "table":
        assert r.stdout_bytes.rstrip(b"\n") == direct.rstrip(b"\n") and kept[0] == direct
