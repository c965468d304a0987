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

Logging in (`credentials`), as HTTP tools do: HTTP Basic or Digest, whichever
the server asks for (urllib's handlers, one password manager), with the user
from --user or a `user:password@host` URL and the password from that URL,
the SARCOKG_PASSWORD environment variable, ~/.netrc (the entry for the host)
or a prompt that does not echo; with neither, an entry of ~/.netrc for the
host is used. The user and password are taken out of the URL before it is
used or shown, so no message names them.

Results from another engine read like a local run's (`normalise`): a boolean
written 1 or 0 (Virtuoso) becomes true or false, and integers and decimals
take the canonical form Oxigraph writes them in (+05 as 5, 30.0 as 30, 1.50
as 1.5), so the same value reads the same wherever it was stored.
"""
from __future__ import annotations

import base64
import http.client
import json
import netrc
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import ONTOLOGY_IRI, VERSION, sparql_prefixes

MAX_ANSWER = 512 * 1024 * 1024
JSON_RESULTS = "application/sparql-results+json"
USER_AGENT = f"sarcokg/{VERSION}"
PASSWORD_ENV = "SARCOKG_PASSWORD"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def _short(text: str, n: int = 160) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:n] + ("..." if len(text) > n else "")


@dataclass(frozen=True)
class Credentials:
    """A login for one server; the password never shows in a repr or a message."""

    user: str
    password: str = field(repr=False)


def without_login(url: str) -> str:
    """The URL with any user and password taken out (what is used and shown)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc.rsplit("@", 1)[-1]:
        raise InputError(f"--endpoint {without_login(url)!r}: not an http:// or https:// URL")
    return url


def credentials(url: str, user: str | None = None,
                prompt: Callable[[str], str] | None = None) -> tuple[str, Credentials | None]:
    """(the URL without its login, the login to use or None).

    The user: --user, else the URL's. The password: the URL's (for its own
    user), else SARCOKG_PASSWORD, else ~/.netrc's entry for the host (and that
    user), else `prompt`. Without a user, the ~/.netrc entry for the host, if any."""
    check_url(url)
    parts = urllib.parse.urlsplit(url)
    clean = without_login(url)
    host = parts.hostname or ""
    url_user = urllib.parse.unquote(parts.username) if parts.username is not None else None
    url_password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    name = user if user is not None else url_user
    if name is None:
        entry = _netrc(host)
        return clean, Credentials(entry[0], entry[1]) if entry else None
    if url_password is not None and name == url_user:
        return clean, Credentials(name, url_password)
    if os.environ.get(PASSWORD_ENV) is not None:
        return clean, Credentials(name, os.environ[PASSWORD_ENV])
    entry = _netrc(host)
    if entry and entry[0] == name:
        return clean, Credentials(name, entry[1])
    if prompt is None:
        raise InputError(f"{clean}: no password for {name!r}: set {PASSWORD_ENV} or add the host to ~/.netrc")
    return clean, Credentials(name, prompt(f"password for {name} at {host}"))


def _netrc(host: str) -> tuple[str, str] | None:
    """(login, password) of ~/.netrc's entry for the host (or its default entry)."""
    path = Path(os.path.expanduser("~")) / ".netrc"
    if not host or not path.is_file():
        return None
    try:
        found = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as e:   # its message may quote a token: name the line only
        raise InputError(f"{path}: cannot read it (line {e.lineno})") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read it ({e.strerror})") from None
    if not found or found[2] is None:
        return None
    return found[0] or "", found[2]


def _challenge(headers, scheme: str) -> str | None:
    """The server's WWW-Authenticate challenge of this scheme, if it makes one."""
    for h in headers.get_all("WWW-Authenticate") or []:
        if h.strip().lower().startswith(scheme + " "):
            return h.strip()
    return None


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """HTTP Digest (RFC 7616). Once a server has challenged, later requests of the
    same opener carry the answer from the start (nonce count going up), so a body
    is not sent to be refused; a refused login gives the 401 back at once."""

    challenge: str | None = None

    def http_request(self, req):
        if self.challenge is not None and not req.has_header("Authorization"):
            auth = self.get_authorization(req, urllib.request.parse_keqv_list(
                urllib.request.parse_http_list(self.challenge.split(" ", 1)[1])))
            if auth:
                req.add_unredirected_header(self.auth_header, "Digest " + auth)
        return req

    https_request = http_request

    def http_error_401(self, req, fp, code, msg, headers):
        challenge = _challenge(headers, "digest")
        stale = challenge is not None and re.search(r'stale\s*=\s*"?true', challenge, re.I) is not None
        if challenge is None or (req.get_header("Authorization") and not stale):
            return None
        self.challenge = challenge
        req.remove_header(self.auth_header)
        return self.retry_http_digest_auth(req, challenge)


class _Basic(urllib.request.HTTPBasicAuthHandler):
    """HTTP Basic, when the server asks for it (urllib's own raises on a Digest
    challenge); then on every later request of the opener from the start."""

    asked = False

    def http_request(self, req):
        if self.asked and not req.has_header("Authorization"):
            user, password = self.passwd.find_user_password(None, req.full_url)
            if user is not None:
                token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                req.add_unredirected_header(self.auth_header, "Basic " + token)
        return req

    https_request = http_request

    def http_error_401(self, req, fp, code, msg, headers):
        if req.get_header("Authorization") or _challenge(headers, "basic") is None:
            return None
        self.asked = True
        return super().http_error_401(req, fp, code, msg, headers)


def opener(url: str, auth: Credentials | None) -> urllib.request.OpenerDirector:
    """An opener for one server: no proxies (the URL given), the login when asked."""
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, auth.user, auth.password)
        handlers += [_Digest(passwords), _Basic(passwords)]   # whichever the server asks for
    return urllib.request.build_opener(*handlers)


def request(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None,
            timeout: float = 60.0, auth: Credentials | None = None,
            session: urllib.request.OpenerDirector | None = None) -> Answer:
    """One HTTP exchange with bounded waits; network failures raise a one-line InputError.

    HTTP error statuses are returned, not raised, so the caller can say what failed.
    `url` must carry no login (see `credentials`): it is named in messages. `session`:
    an `opener` kept over several requests to one server (the login given from the start)."""
    check_url(url)
    url = without_login(url)
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"User-Agent": USER_AGENT, **(headers or {})})
    deadline = time.monotonic() + timeout
    session = session or opener(url, auth)
    try:
        try:
            resp = session.open(req, timeout=timeout)
        except urllib.error.HTTPError as e:
            resp = e
        except ValueError as e:   # urllib: a login scheme it does not speak (neither Basic nor Digest)
            raise InputError(f"{url}: the server asks for a login sarcokg cannot give "
                             f"({' '.join(str(e).split())[:80]})") from None
        with resp:
            chunks, size = [], 0
            while resp.fp is not None:   # an HTTPError made by an auth handler has no body
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
            status = resp.status if hasattr(resp, "status") else resp.code
            return Answer(status, ctype, b"".join(chunks))
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


def http_error(url: str, ans: Answer, what: str, auth: Credentials | None = None) -> InputError:
    reason = http.client.responses.get(ans.status, "")
    detail = _short(ans.body.decode("utf-8", "replace")) if ans.body else ""
    if auth is not None and detail:
        detail = detail.replace(auth.password, "***") if auth.password else detail
    if ans.status == 401:
        detail = (f"the login as {auth.user!r} was refused" if auth is not None else
                  f"the server asks for a login: give --user NAME (the password from {PASSWORD_ENV}, "
                  "~/.netrc or a prompt)")
    return InputError(f"{without_login(url)}: {what} failed: HTTP {ans.status} {reason}".rstrip()
                      + (f": {detail}" if detail else ""))


# -- binding parameters ---------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
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

def run_remote(endpoint: str, label: str, text: str, params: list[str], timeout: float = 60.0,
               auth: Credentials | None = None):
    """Run a query on a SPARQL 1.1 endpoint: QuerySolutions or QueryBoolean, its
    terms written as a local run writes them (`normalise`)."""
    from sarcokg.query.run import parse_param
    check_url(endpoint)
    endpoint = without_login(endpoint)
    bindings = dict(parse_param(p) for p in params)
    form = query_form(text)
    if form in ("CONSTRUCT", "DESCRIBE"):
        raise InputError("a CONSTRUCT or DESCRIBE query gives triples; use 'sarcokg export' or a SELECT query")
    # The project prefixes on the query's first line, so line numbers in the endpoint's errors stay right.
    full = sparql_prefixes().replace("\n", " ") + bind_values(text, bindings)
    body = urllib.parse.urlencode({"query": full}).encode("utf-8")
    ans = request(endpoint, "POST", body, {"Content-Type": "application/x-www-form-urlencoded",
                                           "Accept": f"{JSON_RESULTS}, application/json;q=0.5"}, timeout, auth)
    if ans.status >= 400:
        raise http_error(endpoint, ans, f"the query {label}", auth)
    if ans.status >= 300:
        raise InputError(f"{endpoint}: answered HTTP {ans.status} (a redirect) instead of results")
    if ans.content_type not in (JSON_RESULTS, "application/json"):
        raise InputError(f"{endpoint}: answered {ans.content_type or 'no content type'}, not SPARQL JSON "
                         "results: is this a SPARQL 1.1 query endpoint?")
    if b"operation has been cancelled" in ans.body[-200:]:
        raise InputError(f"{endpoint}: the endpoint cancelled the query {label} (its time limit)")
    try:
        data = normalise(ans.body)
        # Parsing is lazy: read every solution once so a broken answer fails here, before any
        # output is written, then hand over a fresh parse of the (now known good) answer.
        check = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        if isinstance(check, ox.QuerySolutions):
            for _ in check:
                pass
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as e:
        raise InputError(f"{endpoint}: malformed SPARQL JSON results ({' '.join(str(e).split())[:100]})") from None


def normalise(body: bytes) -> bytes:
    """SPARQL JSON results with their literals in the local output's forms: booleans
    true/false (not 1/0), integers and decimals canonical (no sign, no leading zeros,
    no trailing fraction zeros: Oxigraph keeps numbers by value and writes them so).
    The answer is returned as it is when it is not such a document."""
    try:
        doc = json.loads(body)
        rows = doc["results"]["bindings"] if isinstance(doc, dict) and "results" in doc else None
    except (ValueError, TypeError, KeyError):
        return body          # let the results parser say what is wrong
    if not isinstance(rows, list):
        return body
    changed = False
    for row in rows:
        for term in row.values() if isinstance(row, dict) else ():
            if not isinstance(term, dict) or term.get("type") not in ("literal", "typed-literal"):
                continue
            value = _lexical(term.get("datatype"), term.get("value"))
            if value is not None and value != term["value"]:
                term["value"], changed = value, True
    return json.dumps(doc, ensure_ascii=False).encode("utf-8") if changed else body


def _lexical(datatype, value) -> str | None:
    """The local form of a boolean, integer or decimal lexical value; None to keep it."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    if datatype == XSD + "boolean":
        return {"1": "true", "0": "false", "true": "true", "false": "false"}.get(v)
    if datatype not in (XSD + "integer", XSD + "decimal") or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", v):
        return None
    if datatype == XSD + "integer":
        return str(int(v)) if "." not in v else None
    try:
        number = Decimal(v)
    except InvalidOperation:
        return None
    return format(number.normalize(), "f") if number else "0"


# -- push (Graph Store HTTP Protocol) ----------------------------------------

def graph_url(endpoint: str, graph: str) -> str:
    sep = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return endpoint + sep + urllib.parse.urlencode({"graph": graph})


def push(endpoint: str, kg: Path, timeout: float = 60.0, progress: Callable[[str], None] | None = None,
         auth: Credentials | None = None) -> int:
    """PUT the ontology and each report into its named graph; the number of graphs.

    Every file is parsed before anything is sent, so a malformed file stops
    the push before it starts. PUT replaces a graph, so pushing twice gives
    the same remote store. `auth`: the login to give when the store asks."""
    from sarcokg.model.namespaces import REPORT_BASE
    from sarcokg.store.kgstore import ontology_path, report_files
    check_url(endpoint)
    endpoint = without_login(endpoint)
    files = report_files(kg)
    graphs = [(ONTOLOGY_IRI, ontology_path())] + [(REPORT_BASE + f.stem, f) for f in files]
    for _, path in graphs:
        _ntriples(path)  # fail on a bad file before the first PUT
    session = opener(endpoint, auth)
    if auth is not None:
        # The login is made with a body-less request (a store that refuses a PUT may close
        # the connection while its body is still being sent); the PUTs then carry it.
        probe = request(graph_url(endpoint, ONTOLOGY_IRI), "HEAD", None, {}, timeout, auth, session)
        if probe.status == 401:
            raise InputError(f"{http_error(endpoint, probe, 'the login', auth)}; 0 of {len(graphs)} graphs went in")
    done: list[str] = []
    for i, (graph, path) in enumerate(graphs):
        data = _ntriples(path)
        url = graph_url(endpoint, graph)
        try:
            ans = request(url, "PUT", data, {"Content-Type": "application/n-triples"}, timeout, auth, session)
            if ans.status >= 300:
                raise http_error(endpoint, ans, f"PUT <{graph}>", auth)
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
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return data if data is not None else b""
