"""Remote stores: query --endpoint (SPARQL 1.1 Protocol) and push (Graph Store
HTTP Protocol), against the Oxigraph server and small fake servers, all on loopback."""
from __future__ import annotations

import json
import re
import shutil

import pyoxigraph as ox
import pytest

from sarcokg.model.namespaces import ONTOLOGY_IRI, REPORT_BASE
from sarcokg.store.kgstore import load_memory

from .conftest import GRAPH
from .netutil import HOST, fake_http, free_port, non_http_server, oxigraph_rw, reply, silent_server, sparql

REPORTS = sorted(p.stem for p in GRAPH.glob("*.ttl"))
N_GRAPHS = len(REPORTS) + 1
QUERIES = [
    ("case-summary",),
    ("cases-by-vertebral-level",),
    ("cases-by-vertebral-level", "--param", "within=sko:LumbarSpine"),
    ("cases-by-vertebral-level", "--param", "within=<https://w3id.org/sarcokg/ontology#L2>"),
    ("vertebral-range", "--param", "from=sko:T11", "--param", "to=sko:L2"),
    ("interventions-by-tumour-type",),
    ("outcomes-by-tumour-type",),
    ("metastatic-sites-by-tumour-type",),
    ("metastatic-levels-by-tumour-type",),
    ("follow-up-by-outcome",),
]
GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def local_counts(kg) -> dict[str, int]:
    store = load_memory(kg).store
    out = {}
    for g in store.named_graphs():
        out[g.value] = len(list(store.quads_for_pattern(None, None, None, g)))
    return out


def remote_counts(base) -> dict[str, int]:
    res = sparql(base + "/query", GRAPH_COUNTS)
    return {b["g"]["value"]: int(b["n"]["value"]) for b in res["results"]["bindings"]}


@pytest.fixture(scope="module")
def kg_module(tmp_path_factory):
    """A copy of the bundled graph for this module (pushed and queried locally)."""
    kg = tmp_path_factory.mktemp("remote-kg") / "kg"
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    return kg


@pytest.fixture(scope="module")
def remote(tmp_path_factory, kg_module):
    """A writable Oxigraph server (default graph = union) with the graph pushed: (base URL)."""
    tmp = tmp_path_factory.mktemp("remote")
    with oxigraph_rw(tmp) as base:
        from .conftest import sarcokg
        r = sarcokg("push", "--endpoint", base + "/store", "--kg", kg_module)
        assert r.code == 0, r.err
        yield base


def test_push_loads_every_graph(remote, kg_module):
    counts = remote_counts(remote)
    assert set(counts) == {ONTOLOGY_IRI} | {REPORT_BASE + rid for rid in REPORTS}
    assert counts == local_counts(kg_module)


@pytest.mark.parametrize("args", QUERIES, ids=lambda a: " ".join(a))
def test_remote_query_equals_local(remote, run, args, kg_module):
    for fmt in ("json", "csv", "tsv", "table"):
        local = run("query", *args, "--format", fmt, "--kg", kg_module)
        far = run("query", *args, "--format", fmt, "--endpoint", remote + "/query")
        assert local.code == far.code == 0, far.err
        assert far.out == local.out, (fmt, far.out[:500], local.out[:500])


def test_remote_query_output_file(remote, run, tmp_path):
    out = tmp_path / "r.json"
    r = run("query", "case-summary", "--format", "json", "--endpoint", remote + "/query", "-o", out)
    assert r.code == 0, r.err
    assert len(json.loads(out.read_text())["results"]["bindings"]) == len(REPORTS)


def test_remote_ask_and_inline_sparql(remote, run):
    r = run("query", "--sparql", "ASK { ?r a sko:CaseReport }", "--endpoint", remote + "/query")
    assert r.code == 0 and r.out == "yes\n", r.err


@pytest.mark.parametrize("value", [
    '} } INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> } #',
    '"quoted \\" } ) ( {"',
    "line\nbreak } # not a comment",
    "'''triple''' \"\"\"quotes\"\"\"",
])
def test_params_are_terms_remotely(remote, run, value, kg_module):
    """A literal parameter comes back exactly; it cannot end the VALUES block or the query."""
    q = "SELECT ?v (STRLEN(?v) AS ?n) WHERE { }"
    far = run("query", "--sparql", q, "--param", f"v={value}", "--format", "json", "--endpoint", remote + "/query")
    local = run("query", "--sparql", q, "--param", f"v={value}", "--format", "json", "--kg", kg_module)
    assert far.code == local.code == 0, far.err
    assert far.out == local.out
    got = json.loads(far.out)["results"]["bindings"]
    expect = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value.strip()
    assert [b["v"]["value"] for b in got] == [expect]
    assert remote_counts(remote) == local_counts(kg_module), "nothing was written"


def test_push_is_idempotent_and_replaces(tmp_path, kg_copy, run):
    with oxigraph_rw(tmp_path) as base:
        for _ in range(2):
            r = run("push", "--endpoint", base + "/store", "--kg", kg_copy)
            assert r.code == 0, r.err
            assert len(re.findall(r"^PUT <", r.out, re.M)) == N_GRAPHS
            assert remote_counts(base) == local_counts(kg_copy)
        # A report loses its title: the pushed graph loses that triple too (PUT replaces).
        before = local_counts(kg_copy)[REPORT_BASE + REPORTS[0]]
        path = kg_copy / f"{REPORTS[0]}.ttl"
        text = path.read_text(encoding="utf-8")
        new = re.sub(r' ;\n    sko:title "[^"]*"', "", text, count=1)
        assert new != text
        path.write_text(new, encoding="utf-8")
        assert run("push", "--endpoint", base + "/store", "--kg", kg_copy).code == 0
        counts = remote_counts(base)
        assert counts == local_counts(kg_copy)
        assert counts[REPORT_BASE + REPORTS[0]] == before - 1


def test_push_fails_half_way(run):
    def handler(h, method, n):
        if n <= 2:
            reply(h, 201, "text/plain", b"")
        else:
            reply(h, 500, "text/plain", b"disk full")

    with fake_http(handler) as (base, seen):
        r = run("push", "--endpoint", base + "/store", "--kg", GRAPH)
    assert r.code == 2
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert "HTTP 500" in lines[0] and "disk full" in lines[0]
    assert f"2 of {N_GRAPHS} graphs went in (ontology, {REPORTS[0]})" in lines[0]
    assert f"{N_GRAPHS - 2} did not ({', '.join(REPORTS[1:])})" in lines[0]
    assert [m for m, _ in seen] == ["PUT"] * 3
    assert "graph=https%3A%2F%2Fw3id.org%2Fsarcokg%2Fontology" in seen[0][1]


def test_push_malformed_report_sends_nothing(run, kg_copy):
    (kg_copy / "zzz.ttl").write_text("@prefix : <x:> .\n:a :b \n", encoding="utf-8")
    with fake_http(lambda h, m, n: reply(h, 201, "text/plain", b"")) as (base, seen):
        r = run("push", "--endpoint", base + "/store", "--kg", kg_copy)
    assert r.code == 2 and "zzz.ttl" in r.err and "malformed Turtle" in r.err
    assert seen == []


# -- bad endpoints -----------------------------------------------------------

def _html(h, method, n):
    reply(h, 200, "text/html; charset=utf-8", b"<!doctype html><html><body><h1>Welcome</h1></body></html>")


def _error(h, method, n):
    reply(h, 503, "text/plain", b"Service Unavailable: maintenance")


def _json_not_sparql(h, method, n):
    reply(h, 200, "application/sparql-results+json", b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": ')


def _check_one_line(r, url_start, needle):
    assert r.code == 2, (r.out, r.err)
    assert r.out == ""
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("sarcokg: " + url_start), lines[0]
    assert re.search(needle, lines[0], re.I), lines[0]
    assert "Traceback" not in r.err


@pytest.mark.parametrize("kind", ["unreachable", "http-error", "timeout", "html", "not-http", "bad-json"])
def test_bad_endpoint(kind, run, tmp_path):
    out = tmp_path / "out.json"

    def go(base_url, needle, *extra):
        q = run("query", "case-summary", "--format", "json", "--endpoint", base_url + "/query", "-o", out, *extra)
        _check_one_line(q, base_url, needle)
        assert not out.exists() and list(tmp_path.iterdir()) == [], "nothing half-written"
        if kind == "bad-json":
            return
        p = run("push", "--endpoint", base_url + "/store", "--kg", GRAPH, *extra)
        _check_one_line(p, base_url, needle)
        assert f"0 of {N_GRAPHS} graphs went in" in p.err

    if kind == "unreachable":
        go(f"http://{HOST}:{free_port()}", "cannot connect")
    elif kind == "http-error":
        with fake_http(_error) as (base, _):
            go(base, "HTTP 503.*maintenance")
    elif kind == "timeout":
        with silent_server() as port:
            go(f"http://{HOST}:{port}", r"no answer within 0\.5 s", "--timeout", "0.5")
    elif kind == "html":
        with fake_http(_html) as (base, _):
            go(base, "text/html|HTML page")
    elif kind == "not-http":
        with non_http_server() as port:
            go(f"http://{HOST}:{port}", "not HTTP")
    elif kind == "bad-json":
        with fake_http(_json_not_sparql) as (base, _):
            go(base, "malformed SPARQL JSON results")


def test_remote_syntax_error(remote, run):
    r = run("query", "--sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", remote + "/query")
    _check_one_line(r, remote, "HTTP 400")


@pytest.mark.parametrize("url", ["ftp://example.org/sparql", "not a url", "http://"])
def test_not_an_http_url(run, url):
    for args in (("query", "case-summary", "--endpoint", url), ("push", "--endpoint", url)):
        r = run(*args)
        assert r.code == 2 and "not an http:// or https:// URL" in r.err, r.err


def test_update_is_not_sent(run):
    with fake_http(_error) as (base, seen):
        r = run("query", "--sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--endpoint", base + "/query")
    assert r.code == 2 and "update" in r.err and seen == []


def test_construct_is_refused_before_sending(run):
    with fake_http(_error) as (base, seen):
        r = run("query", "--sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", base + "/query")
    assert r.code == 2 and "CONSTRUCT" in r.err and seen == []


def test_bind_values_places_the_block_in_the_outermost_group():
    from sarcokg.interop.remote import bind_values
    from sarcokg.query.run import parse_param
    b = dict([parse_param('v="a\\" } {"')])
    text = 'PREFIX x: <http://x/> # not { this\nSELECT ("{" AS ?brace) ?v WHERE { BIND(1 AS ?one) } ORDER BY ?v'
    out = bind_values(text, b)
    assert out.startswith('PREFIX x: <http://x/> # not { this\nSELECT ("{" AS ?brace) ?v WHERE { VALUES (?v) ')
    sols = list(ox.Store().query(out))
    assert [s["v"].value for s in sols] == ['a\\" } {']
    sub = bind_values("SELECT * WHERE { SELECT ?v WHERE { } }", b)
    assert [s["v"].value for s in ox.Store().query(sub)] == ['a\\" } {']
