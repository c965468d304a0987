"""Evidence left out of a bulk-built store until a query may read it: every
query answers as on the full store, and the store stays crash-safe."""
from __future__ import annotations

import os
import shutil

import pyoxigraph as ox
import pytest

from sarcokg.common.settings import Settings
from sarcokg.model.namespaces import EVIDENCE, EVIDENCE_PROPERTIES, PREFIXES, RDF
from sarcokg.query.rowcache import MARK
from sarcokg.query.run import run_kg
from sarcokg.store import sync as S
from sarcokg.store.evidence_defer import may_read_evidence, split_body
from sarcokg.store.kgstore import CACHE_DIR, complete, load_memory, release, writer_body_start
from sarcokg.store.kgstore import load as load_store

from .conftest import GRAPH, ROOT, synth_graphs

TYPE = RDF + "type"
MANY = Settings(defer_evidence_min=21)   # a bulk load of 21 files or more defers evidence here


def load(kg, evidence=True, settings=MANY):
    return load_store(kg, evidence=evidence, settings=settings)

AD_HOC = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "SELECT ?r WHERE { ?r a sko:CaseReport }",
    "SELECT ?x ?q WHERE { ?e sko:evidenceFor ?x ; oa:exact ?q }",
    "SELECT ?e WHERE { ?r sko:hasEvidence ?e }",
    "SELECT ?s WHERE { ?s a/rdfs:subClassOf* sko:Evidence }",
    "SELECT ?s ?o WHERE { ?s !sko:ageYears ?o }",
    "SELECT ?p ?a WHERE { ?p sko:ageYears ?a FILTER NOT EXISTS { ?e sko:evidenceFor ?p } }",
    "SELECT ?p ?a WHERE { ?p sko:ageYears ?a FILTER EXISTS { ?p sko:sex ?x } }",
    "SELECT ?t ?v WHERE { ?t sko:hasVertebralLevel/sko:vertebra ?v }",
    "CONSTRUCT { ?p sko:ageYears ?a } WHERE { ?p sko:ageYears ?a }",
    "ASK { ?e sko:confidence ?c FILTER(?c < 0.9) }",
    "DESCRIBE ?p WHERE { ?p a sko:Patient }",
]


def _queries() -> list[str]:
    named = [MARK.sub("", p.read_text()) for p in sorted((ROOT / "queries").glob("*.rq"))]
    checks = [p.read_text() for p in sorted((ROOT / "queries" / "checks").glob("*.rq"))]
    return named + checks + AD_HOC


def _term(t) -> str:
    return "" if t is None else "_:b" if isinstance(t, ox.BlankNode) else str(t)   # labels differ by store


def _rows(res):
    if isinstance(res, ox.QueryBoolean):
        return bool(res)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        return sorted(tuple(_term(s[n]) for n in names) for s in res)
    return sorted(" ".join(map(_term, (t.subject, t.predicate, t.object))) for t in res)


@pytest.fixture
def big_kg(tmp_path, monkeypatch):
    """40 synthetic reports and the bundled ones, in a folder whose bulk loads defer evidence."""
    kg = tmp_path / "kg"
    synth_graphs(kg, 40)
    for f in GRAPH.glob("*.ttl"):
        shutil.copy(f, kg / f.name)
    yield kg
    release(kg)


def _release(kg):
    import gc
    release(kg)
    gc.collect()


def _record(kg) -> tuple[list[str], set[str]]:
    """The keys whose evidence the catalogue records as not loaded, and every file's key."""
    from sarcokg.store.catalogue import using
    return using(S.catalogue_path(kg), lambda cat: (list(cat.rows(deferred=True)), set(cat.files())))


def _pending(kg) -> tuple[str, ...]:
    from sarcokg.store.catalogue import using
    return using(S.catalogue_path(kg), lambda cat: cat.state().pending)


def _fresh(kg):
    import gc
    release(kg)
    gc.collect()   # RocksDB allows one handle: the last KG must be gone
    shutil.rmtree(kg / CACHE_DIR, ignore_errors=True)
    kgraph = load(kg, evidence=False)
    deferred, files = _record(kg)
    assert set(deferred) == {f.stem for f in kg.glob("*.ttl")} == files
    assert kgraph.deferred == len(deferred)
    return kgraph


def test_split_is_a_partition_that_defers_only_evidence(tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    files = sorted(GRAPH.glob("*.ttl")) + sorted(kg.glob("*.ttl"))
    share = []
    for f in files:
        data = f.read_bytes()
        start = writer_body_start(data, f.stem)
        facts, evidence = split_body(data[start:])
        whole = set(ox.parse(data, format=ox.RdfFormat.TURTLE))
        a = set(ox.parse(data[:start] + facts, format=ox.RdfFormat.TURTLE))
        b = set(ox.parse(data[:start] + evidence, format=ox.RdfFormat.TURTLE))
        assert a | b == whole and not a & b, f.name
        for t in b:
            assert t.predicate.value in EVIDENCE_PROPERTIES or (
                t.predicate.value == TYPE and t.object.value == EVIDENCE), (f.name, t)
        share.append(len(b) / len(whole))
    assert min(share) > 0.4   # the evidence is most of a report


@pytest.mark.parametrize("change", [
    ("    oa:exact ", "    sko:ageYears 3 ;\n    oa:exact "),             # a fact property on evidence
    ("    oa:exact ", "    oa:exact \"x\" ; sko:ageYears 3 ;\n    oa:exact "),  # two statements on a line
    (" a sko:Evidence ;", " a sko:Evidence, sko:Patient ;"),            # another type
])
def test_a_file_off_the_strict_form_is_not_split(tmp_path, change):
    kg = tmp_path / "kg"
    synth_graphs(kg, 1)
    f = next(kg.glob("*.ttl"))
    data = f.read_bytes()
    start = writer_body_start(data, f.stem)
    assert split_body(data[start:]) is not None
    old, new = change
    i = data.rindex(old.encode())     # in the last evidence block
    changed = data[:i] + new.encode() + data[i + len(old):]
    ox.parse(changed, format=ox.RdfFormat.TURTLE)   # still valid Turtle
    assert split_body(changed[start:]) is None


@pytest.mark.parametrize(("literal", "split"), [
    (rb'"a\"b"', True), (rb'"a\\\\"', True), (rb'"a\\tb"', True), (rb'""', True), (rb'"x"@en-GB', True),
    (rb'"ab\"', False),           # the closing quote escaped: the string runs on
    (rb'"a' + b"\n" + rb'b"', False),   # a raw line break in a string
    (rb'"a' + b"\r" + rb'b"', False),   # a raw carriage return
    (rb'"a\\' + b"\n" + rb'b"', False),  # a backslash before a line break
    (rb'"a\\tb' + b"\r" + rb'c"', False),  # a raw carriage return after an escape
    (rb'"a"b"', False),           # a quote inside, unescaped
    (rb'"a\\\"', False),          # an escaped backslash, then an escaped quote: not closed
])
def test_strings_in_the_evidence_follow_the_strict_grammar(tmp_path, literal, split):
    """A string in an evidence block is split off only when it is a one-line
    Turtle string: any character but a quote, a backslash or a line break, or
    a backslash and the character after it (not a line break)."""
    kg = tmp_path / "kg"
    synth_graphs(kg, 1)
    f = next(kg.glob("*.ttl"))
    data = f.read_bytes()
    start = writer_body_start(data, f.stem)
    i = data.rindex(b"    oa:exact ") + len(b"    oa:exact ")
    changed = data[:i] + literal + data[data.index(b" ;\n", i):]
    assert (split_body(changed[start:]) is not None) is split


def test_the_evidence_grammar_takes_the_strings_it_took_before():
    """The evidence blocks' grammar with a string's characters unrolled
    ([^"\\]*(?:\\.[^"\\]*)*) takes the same tails as with them one at a time
    ((?:[^"\\]|\\.)*): real tails with quotes, backslashes and line breaks planted."""
    import random
    import re

    from sarcokg.store import evidence_defer as ed
    string = rb'"(?:[^"\\\n\r]|\\.)*"(?:\^\^' + ed._PNAME + rb"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?"
    obj = rb"(?:" + string + rb"|" + ed._NUMBER + rb"|" + ed._LOCAL + rb"|" + ed._PNAME + rb")"
    block = (ed._LOCAL + rb" a sko:Evidence(?: ;\n    " + ed._PREDICATE + rb" " + obj + rb"(?:, " + obj + rb")*)* \.\n")
    before = re.compile(block + rb"(?:\n" + block + rb")*")
    tails = []
    for f in sorted(GRAPH.glob("*.ttl")):
        data = f.read_bytes()
        body = data[writer_body_start(data, f.stem):]
        tails.append(body[body.rfind(b"\n", 0, body.find(b" a sko:Evidence ;\n")) + 1:])
    planted = [b'"', b"\\", b'\\"', b"\\\\", b"\n", b"\r", b"\\\n", b'"@en', b'"^^xsd:string', b", ", b'\\""',
               b"\\t\r", b"\\t\n"]
    rng = random.Random(3)
    seen = set()
    for _ in range(4000):
        tail = bytearray(rng.choice(tails))
        quotes = [m.start() for m in re.finditer(rb'"', tail)]
        for _ in range(rng.randint(1, 2)):
            pos = rng.choice(quotes) + rng.choice((0, 1)) if quotes and rng.random() < 0.7 else \
                rng.randrange(len(tail) + 1)
            tail[pos:pos] = rng.choice(planted)
        tail = bytes(tail)
        took = before.fullmatch(tail) is not None
        assert (ed._TAIL.fullmatch(tail) is not None) is took, tail
        seen.add(took)
    assert seen == {True, False}


def test_fact_blocks_after_evidence_are_not_split(tmp_path):
    kg = tmp_path / "kg"
    synth_graphs(kg, 1)
    f = next(kg.glob("*.ttl"))
    data = f.read_bytes()
    start = writer_body_start(data, f.stem)
    changed = data.rstrip(b"\n") + b"\n\n:extra a sko:Patient ;\n    sko:ageYears 9 .\n"
    assert split_body(changed[start:]) is None


def test_deferred_store_answers_every_query_as_the_full_store(big_kg):
    reference = load_memory(big_kg).store
    kept = loaded = 0
    for text in _queries():
        kgraph = _fresh(big_kg)
        got = _rows(run_kg(big_kg, kgraph, "q", text, []))
        want = _rows(reference.query(text, use_default_graph_as_union=True, prefixes=dict(PREFIXES)))
        assert got == want, text
        reads = may_read_evidence(text)
        assert bool(kgraph.deferred) is not reads, text   # evidence loaded exactly when it may be read
        kept, loaded = kept + (not reads), loaded + reads
        kgraph = None
    assert kept >= 5 and loaded >= 5


def test_a_small_change_keeps_the_rest_deferred(big_kg):
    _fresh(big_kg)
    victim = sorted(big_kg.glob("synth-*.ttl"))[3]
    victim.write_text(victim.read_text().replace("sko:ageYears ", "sko:ageYears 1", 1))
    kgraph = load(big_kg, evidence=False)
    deferred = _record(big_kg)[0]
    assert kgraph.changed == 1 and victim.stem not in deferred and kgraph.deferred == len(deferred) == 44
    complete(kgraph)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _rows(kgraph.store.query(q, use_default_graph_as_union=True)) == \
        _rows(load_memory(big_kg).store.query(q, use_default_graph_as_union=True))
    assert _record(big_kg)[0] == [] and load(big_kg).changed == 0


def test_a_file_changed_after_the_sync_is_reloaded_whole(big_kg):
    kgraph = _fresh(big_kg)
    victim = sorted(big_kg.glob("synth-*.ttl"))[5]
    text = victim.read_text()
    victim.write_text(text.replace("sko:ageYears ", "sko:ageYears 1", 1)
                      .replace("oa:exact \"", "oa:exact \"changed ", 1))
    complete(kgraph)
    q = ("SELECT ?a ?x WHERE { { ?p sko:ageYears ?a } UNION { ?e oa:exact ?x FILTER(STRSTARTS(?x, 'changed ')) } }")
    got = _rows(kgraph.store.query(q, use_default_graph_as_union=True, prefixes=dict(PREFIXES)))
    assert got == _rows(load_memory(big_kg).store.query(q, use_default_graph_as_union=True,
                                                         prefixes=dict(PREFIXES)))
    assert any(x.startswith('"changed ') for _, x in got)
    assert load(big_kg).changed == 0   # the catalogue records the file as reloaded


def test_a_crash_while_loading_evidence_is_redone(big_kg, monkeypatch):
    kgraph = _fresh(big_kg)
    calls = []

    def dying(store, keys, folder, known):
        if calls:
            raise KeyboardInterrupt   # as if killed after the first chunk went in
        calls.append(1)
        return real(store, keys, folder, known)

    real = S._evidence_chunk
    monkeypatch.setattr(S, "_evidence_chunk", dying)
    # two chunks: the second dies
    kgraph.settings = Settings(defer_evidence_min=21, load_chunk=kgraph.deferred // 2)
    with pytest.raises(KeyboardInterrupt):
        complete(kgraph)
    assert len(_pending(big_kg)) == kgraph.deferred
    monkeypatch.setattr(S, "_evidence_chunk", real)
    kgraph = None
    _release(big_kg)
    kgraph = load(big_kg)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _rows(kgraph.store.query(q, use_default_graph_as_union=True)) == \
        _rows(load_memory(big_kg).store.query(q, use_default_graph_as_union=True))
    assert not kgraph.deferred and _pending(big_kg) == () and _record(big_kg)[0] == []


def test_cli_loads_evidence_only_for_a_query_that_may_read_it(tmp_path, run):
    kg = tmp_path / "kg"
    synth_graphs(kg, 30)
    env = {**os.environ, "SARCOKG_DEFER_EVIDENCE_MIN": "21"}
    import subprocess
    import sys

    def query(q):
        p = subprocess.run([sys.executable, "-m", "sarcokg.cli", "query", "--kg", str(kg), "--format", "csv",
                            "--sparql", q], capture_output=True, text=True, env=env, cwd=ROOT)
        assert p.returncode == 0, p.stderr
        return p.stdout, _record(kg)[0]

    out, deferred = query("SELECT (COUNT(*) AS ?n) WHERE { ?r a sko:CaseReport }")
    assert out.split() == ["n", "30"] and len(deferred) == 30
    out, deferred = query("SELECT (COUNT(*) AS ?n) WHERE { ?e a sko:Evidence }")
    want = sum(f.read_text().count(" a sko:Evidence ;") for f in kg.glob("*.ttl"))
    assert out.split() == ["n", str(want)] and want > 30 and deferred == []


def test_the_query_check_keeps_nothing_of_its_caller_alive():
    # rdflib's parser leaves reference cycles through its exceptions' frames; run in
    # the caller's thread, they would hold the caller's objects (an open store) alive
    import gc
    import uuid
    import weakref

    class Held:
        pass

    def caller():
        held = Held()   # noqa: F841 (a local of the calling frame)
        query = f"# {uuid.uuid4()}\nSELECT ?r WHERE {{ ?r sko:reportId ?id OPTIONAL {{ ?r sko:title ?t }} }}"
        assert may_read_evidence(query) is False
        return weakref.ref(held)

    gc.disable()
    try:
        assert caller()() is None
    finally:
        gc.enable()
