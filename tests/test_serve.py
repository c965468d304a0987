"""sarcokg serve: a read-only SPARQL 1.1 Protocol endpoint (Oxigraph server) on loopback."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest

from .conftest import ROOT
from .netutil import HOST, free_port, http, port_closed, sparql, stop, wait_listening

CASE_SUMMARY = (ROOT / "queries" / "case-summary.rq").read_text(encoding="utf-8")


def start(kg, port, *extra, log=None):
    proc = subprocess.Popen([sys.executable, "-m", "sarcokg.cli", "serve", "--kg", str(kg), "--port", str(port),
                             *extra], stdout=subprocess.DEVNULL, stderr=log or subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, cwd=ROOT)
    return proc


def wait_for_text(path, text, wait=30.0) -> str:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        got = path.read_text(errors="replace")
        if text in got:
            return got
        time.sleep(0.05)
    raise TimeoutError(f"{text!r} not in {path} after {wait} s")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The bundled graph (a copy) served on a free loopback port: (endpoint URL, kg, process)."""
    import shutil

    from .conftest import GRAPH
    kg = tmp_path_factory.mktemp("serve") / "kg"
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    port = free_port()
    proc = start(kg, port, "--timeout", "2")
    try:
        wait_listening(port, proc)
        yield f"http://{HOST}:{port}", kg, proc
    finally:
        stop(proc)


def test_results_equal_local_query(served, run):
    base, kg, _ = served
    local = json.loads(run("query", "case-summary", "--kg", kg, "--format", "json").out)
    t = time.perf_counter()
    remote = sparql(base + "/query", CASE_SUMMARY)
    latency = time.perf_counter() - t
    assert remote["head"]["vars"] == local["head"]["vars"]
    assert remote["results"]["bindings"] == local["results"]["bindings"]
    assert len(remote["results"]["bindings"]) == len(list(kg.glob("*.ttl")))
    assert latency < 5, latency


def test_get_request_and_union_default_graph(served):
    base, _, _ = served
    q = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/sarcokg/ontology#CaseReport> }"
    status, ctype, body = http(base + "/query?" + urllib.parse.urlencode({"query": q}),
                               headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "5"


def test_update_is_refused(served):
    base, _, _ = served
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = sparql(base + "/query", count)["results"]["bindings"][0]["n"]["value"]
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    status, _, _ = http(base + "/update", urllib.parse.urlencode({"update": update}).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= status < 500, status
    status, _, _ = http(base + "/update", update.encode(), {"Content-Type": "application/sparql-update"})
    assert 400 <= status < 500, status
    status, _, _ = http(base + "/store?default", b"<urn:x:a> <urn:x:b> <urn:x:c> .",
                        {"Content-Type": "application/n-triples"}, method="PUT")
    assert 400 <= status < 500, status
    assert sparql(base + "/query", count)["results"]["bindings"][0]["n"]["value"] == before


def test_query_timeout(served):
    base, _, _ = served
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    t = time.perf_counter()
    status, _, body = http(base + "/query", urllib.parse.urlencode({"query": heavy}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded",
                            "Accept": "application/sparql-results+json"}, timeout=60)
    assert time.perf_counter() - t < 45
    assert status >= 400 or b"cancelled" in body, (status, body[:200])


def test_other_commands_run_while_serving(served, run):
    _, kg, _ = served
    r = run("query", "case-summary", "--kg", kg, "--format", "csv")
    assert r.code == 0, r.err


def test_stops_on_sigterm_and_sigint(kg_copy, tmp_path):
    for sig in (signal.SIGTERM, signal.SIGINT):
        port = free_port()
        log = tmp_path / f"serve-{int(sig)}.log"
        with open(log, "wb") as fh:
            proc = start(kg_copy, port, log=fh)
        try:
            wait_listening(port, proc)
            wait_for_text(log, f"http://{HOST}:{port}/query")
            assert list((kg_copy / ".sarcokg").glob("serve-*")), "serves a snapshot"
        finally:
            code = stop(proc, sig)
        err = log.read_text()
        assert code == 0, err
        assert len(err.strip().splitlines()) == 1, err
        assert port_closed(port), "the Oxigraph server was left running"
        assert not list((kg_copy / ".sarcokg").glob("serve-*")), "the snapshot was left behind"


def test_port_in_use(kg_copy, run):
    with socket.socket() as s:
        s.bind((HOST, 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = run("serve", "--kg", kg_copy, "--port", port)
    assert r.code == 2
    assert r.err.strip() == f"sarcokg: {HOST}:{port}: port already in use; choose another with --port"


def test_bad_kg(run, tmp_path):
    r = run("serve", "--kg", tmp_path / "none", "--port", free_port())
    assert r.code == 2 and "no such knowledge-graph folder" in r.err
    assert len(r.err.strip().splitlines()) == 1


def _headers(url: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict]:
    """(status, response headers in lower case) of one request."""
    import urllib.error
    import urllib.request
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}


ORIGIN = "http://yasgui.example.org"
ASK = "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})


def test_no_cors_headers_by_default(served):
    base, _, _ = served
    status, headers = _headers(base + ASK, headers={"Origin": ORIGIN, "Accept": "application/sparql-results+json"})
    assert status == 200
    assert "access-control-allow-origin" not in headers


@pytest.mark.slow
def test_cors_on_request(kg_copy, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as fh:
        proc = start(kg_copy, port, "--cors", log=fh)
    try:
        wait_listening(port, proc)
        assert "cross-origin requests allowed" in wait_for_text(log, "Ctrl-C")
        base = f"http://{HOST}:{port}"
        status, headers = _headers(base + ASK, headers={"Origin": ORIGIN,
                                                        "Accept": "application/sparql-results+json"})
        assert status == 200
        assert headers.get("access-control-allow-origin") in ("*", ORIGIN), headers
        # the preflight a browser sends before a POST of a form or a SPARQL query
        status, headers = _headers(base + "/query", "OPTIONS", {
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert status in (200, 204), status
        assert headers.get("access-control-allow-origin") in ("*", ORIGIN), headers
        # POST is a CORS-safelisted method; the content-type header must be allowed
        assert "content-type" in headers.get("access-control-allow-headers", "").lower(), headers
    finally:
        assert stop(proc) == 0
