"""Remote stores: queries over the SPARQL 1.1 Protocol, pushes over the Graph Store Protocol.

Queries go as an HTML-form POST (`query=...`), asking for the W3C SPARQL JSON
results format; the answer is parsed (pyoxigraph) and written in the format
asked for, exactly as a local query's results are, so json, csv and tsv are
the W3C results formats and a table is for people.

Parameters are bound as RDF terms, never pasted: each --param becomes one row
of an inline VALUES block, its term written as an N-Triples term (IRIs
checked, literals escaped by pyoxigraph: a quote, backslash or newline inside
a literal is escaped, and braces inside a string literal are only
characters of that string, so no value can end the block or change the
query). The block is placed first in the query's outermost group, after a
lexer (strings, IRIs and comments skipped) finds that group's opening
brace: every triple pattern, BIND and FILTER of the top-level group then
sees the parameter, as with a local run's substitution (the bundled queries'
`BIND(COALESCE(?within, ...))` defaults work the same way remotely). One
difference: a subquery or a nested group is evaluated on its own first
(SPARQL's bottom-up semantics), so there the parameter constrains results
only through the join on that variable.

Errors (unreachable, HTTP errors, no answer in time, an answer that is not
SPARQL) are one line naming the URL; nothing is written until the whole
answer is in and parsed.
"""
from __future__ import annotations

import http.client
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import ONTOLOGY_IRI, VERSION, sparql_prefixes

MAX_ANSWER = 512 * 1024 * 1024
JSON_RESULTS = "application/sparql-results+json"
USER_AGENT = f"sarcokg/{VERSION}"


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def _short(text: str, n: int = 160) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:n] + ("..." if len(text) > n else "")


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"--endpoint {url!r}: not an http:// or https:// URL")
    return url


def request(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None,
            timeout: float = 60.0) -> Answer:
    """One HTTP exchange with bounded waits; network failures raise a one-line InputError.

    HTTP error statuses are returned, not raised, so the caller can say what failed."""
    check_url(url)
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"User-Agent": USER_AGENT, **(headers or {})})
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxies: talk to the URL given
    try:
        try:
            resp = opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as e:
            resp = e
        with resp:
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError()
                block = resp.read(1 << 16)
                if not block:
                    break
                size += len(block)
                if size > MAX_ANSWER:
                    raise InputError(f"{url}: the answer is larger than {MAX_ANSWER >> 20} MB")
                chunks.append(block)
            ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            return Answer(resp.status if hasattr(resp, "status") else resp.code, ctype, b"".join(chunks))
    except TimeoutError:
        raise InputError(f"{url}: no answer within {timeout:g} s (timed out)") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise InputError(f"{url}: no answer within {timeout:g} s (timed out)") from None
        if isinstance(reason, ConnectionRefusedError):
            raise InputError(f"{url}: cannot connect (connection refused): is the endpoint running?") from None
        if isinstance(reason, socket.gaierror):
            raise InputError(f"{url}: cannot resolve the host ({reason.strerror})") from None
        if isinstance(reason, ConnectionError):  # reset or broken pipe: the peer spoke something else
            raise InputError(f"{url}: the answer is not HTTP, or the connection broke "
                             f"({type(reason).__name__}): is this a SPARQL endpoint?") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise InputError(f"{url}: cannot connect ({text})") from None
    except (http.client.HTTPException, ConnectionError) as e:
        what = type(e).__name__
        raise InputError(f"{url}: the answer is not HTTP, or the connection broke ({what}): "
                         "is this a SPARQL endpoint?") from None
    except OSError as e:
        raise InputError(f"{url}: network error ({e.strerror or e})") from None


def http_error(url: str, ans: Answer, what: str) -> InputError:
    reason = http.client.responses.get(ans.status, "")
    detail = _short(ans.body.decode("utf-8", "replace")) if ans.body else ""
    return InputError(f"{url}: {what} failed: HTTP {ans.status} {reason}".rstrip()
                      + (f": {detail}" if detail else ""))


# -- binding parameters ---------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
""", re.X | re.S)


def _tokens(text: str):
    for m in _TOKEN.finditer(text):
        if m.lastgroup not in ("comment",) and not m.group(0).isspace():
            yield m


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside strings, IRIs and comments."""
    for m in _tokens(text):
        if m.lastgroup == "word" and text[m.end():m.end() + 1] == ":":
            continue  # a prefix name, as in PREFIX ask: <...>
        if m.lastgroup == "word" and m.group(0).upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return m.group(0).upper()
        if m.lastgroup == "word" and m.group(0).upper() in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP",
                                                             "CREATE", "ADD", "MOVE", "COPY", "WITH"):
            raise InputError("an update (INSERT, DELETE, ...) is not a query; sarcokg only reads")
    raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def bind_values(text: str, bindings: dict) -> str:
    """The query with an inline VALUES block of the bindings first in its outermost group."""
    if not bindings:
        return text
    names = " ".join(f"?{v.value}" for v in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    toks = list(_tokens(text))
    form = query_form(text)
    depth, groups = 0, 0
    for i, m in enumerate(toks):
        if m.lastgroup == "open":
            if depth == 0:
                groups += 1
                # CONSTRUCT { template } WHERE { pattern }: the pattern is the second group.
                if form == "CONSTRUCT" and groups == 1 and not _short_construct(toks, i):
                    depth += 1
                    continue
                nxt = toks[i + 1] if i + 1 < len(toks) else None
                if nxt is not None and nxt.lastgroup == "word" and nxt.group(0).upper() == "SELECT":
                    # WHERE { SELECT ... }: a subquery cannot follow VALUES in the same group; wrap it.
                    close = _matching(toks, i)
                    return (text[:m.end()] + block + "{" + text[m.end():close.start()] + "}"
                            + text[close.start():])
                return text[:m.end()] + block + text[m.end():]
            depth += 1
        elif m.lastgroup == "close":
            depth -= 1
    raise InputError("cannot bind --param: the query has no WHERE { ... } group")


def _short_construct(toks, i) -> bool:
    return i > 0 and toks[i - 1].lastgroup == "word" and toks[i - 1].group(0).upper() == "WHERE"


def _matching(toks, i):
    depth = 0
    for m in toks[i:]:
        if m.lastgroup == "open":
            depth += 1
        elif m.lastgroup == "close":
            depth -= 1
            if depth == 0:
                return m
    raise InputError("unbalanced braces in the query")


# -- queries ---------------------------------------------------------------

def run_remote(endpoint: str, label: str, text: str, params: list[str], timeout: float = 60.0):
    """Run a query on a SPARQL 1.1 endpoint: QuerySolutions or QueryBoolean."""
    from sarcokg.query.run import parse_param
    check_url(endpoint)
    bindings = dict(parse_param(p) for p in params)
    form = query_form(text)
    if form in ("CONSTRUCT", "DESCRIBE"):
        raise InputError("a CONSTRUCT or DESCRIBE query gives triples; use 'sarcokg export' or a SELECT query")
    # The project prefixes on the query's first line, so line numbers in the endpoint's errors stay right.
    full = sparql_prefixes().replace("\n", " ") + bind_values(text, bindings)
    body = urllib.parse.urlencode({"query": full}).encode("utf-8")
    ans = request(endpoint, "POST", body, {"Content-Type": "application/x-www-form-urlencoded",
                                           "Accept": f"{JSON_RESULTS}, application/json;q=0.5"}, timeout)
    if ans.status >= 400:
        raise http_error(endpoint, ans, f"the query {label}")
    if ans.status >= 300:
        raise InputError(f"{endpoint}: answered HTTP {ans.status} (a redirect) instead of results")
    if ans.content_type not in (JSON_RESULTS, "application/json"):
        raise InputError(f"{endpoint}: answered {ans.content_type or 'no content type'}, not SPARQL JSON "
                         "results: is this a SPARQL 1.1 query endpoint?")
    if b"operation has been cancelled" in ans.body[-200:]:
        raise InputError(f"{endpoint}: the endpoint cancelled the query {label} (its time limit)")
    try:
        # Parsing is lazy: read every solution once so a broken answer fails here, before any
        # output is written, then hand over a fresh parse of the (now known good) answer.
        check = ox.parse_query_results(ans.body, format=ox.QueryResultsFormat.JSON)
        if isinstance(check, ox.QuerySolutions):
            for _ in check:
                pass
        return ox.parse_query_results(ans.body, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as e:
        raise InputError(f"{endpoint}: malformed SPARQL JSON results ({' '.join(str(e).split())[:100]})") from None


# -- push (Graph Store HTTP Protocol) ----------------------------------------

def graph_url(endpoint: str, graph: str) -> str:
    sep = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return endpoint + sep + urllib.parse.urlencode({"graph": graph})


def push(endpoint: str, kg: Path, timeout: float = 60.0, progress: Callable[[str], None] | None = None) -> int:
    """PUT the ontology and each report into its named graph; the number of graphs.

    Every file is parsed before anything is sent, so a malformed file stops
    the push before it starts. PUT replaces a graph, so pushing twice gives
    the same remote store."""
    from sarcokg.model.namespaces import REPORT_BASE
    from sarcokg.store.kgstore import ontology_path, report_files
    check_url(endpoint)
    files = report_files(kg)
    graphs = [(ONTOLOGY_IRI, ontology_path())] + [(REPORT_BASE + f.stem, f) for f in files]
    for _, path in graphs:
        _ntriples(path)  # fail on a bad file before the first PUT
    done: list[str] = []
    for i, (graph, path) in enumerate(graphs):
        data = _ntriples(path)
        url = graph_url(endpoint, graph)
        try:
            ans = request(url, "PUT", data, {"Content-Type": "application/n-triples"}, timeout)
            if ans.status >= 300:
                raise http_error(endpoint, ans, f"PUT <{graph}>")
            if ans.content_type == "text/html" and ans.body.lstrip()[:1] == b"<":
                raise InputError(f"{endpoint}: PUT <{graph}> answered an HTML page: "
                                 "is this a SPARQL 1.1 Graph Store endpoint?")
        except InputError as e:
            left = [g for g, _ in graphs[i:]]
            raise InputError(f"{e}; {len(done)} of {len(graphs)} graphs went in"
                             + (f" ({', '.join(_name(g) for g in done)})" if done else "")
                             + f", {len(left)} did not ({', '.join(_name(g) for g in left)})") from None
        done.append(graph)
        if progress:
            progress(f"PUT <{graph}> {ans.status}")
    return len(done)


def _name(graph: str) -> str:
    from sarcokg.model.namespaces import REPORT_BASE
    return "ontology" if graph == ONTOLOGY_IRI else graph[len(REPORT_BASE):]


def _ntriples(path: Path) -> bytes:
    from sarcokg.store.reportfiles import turtle_error
    try:
        triples = list(ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))
    except SyntaxError as e:
        raise turtle_error(path, e) from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
