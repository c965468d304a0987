#!/usr/bin/env python3
"""Every named query on other SPARQL engines, row by row against the local run.

Engines compared with `sarcokg query NAME --kg KG` (the project's Oxigraph
path, row cache included):

- rdflib's SPARQL engine (always; in process, over the same files);
- a running Virtuoso (--virtuoso URL of its /sparql endpoint): the graph is
  pushed into it first with `sarcokg push` when --store names its graph-store
  endpoint (Virtuoso's /sparql-graph-crud-auth takes HTTP Digest: --user dba
  and the password in SARCOKG_PASSWORD);
- Apache Jena ARQ (--jena), run from the Debian package's jars.

Rows are compared as RDF terms, numbers by value (Virtuoso writes the stored
decimal 30.0 as "30", booleans as "1"/"0"), in the query's order (every named
query has an ORDER BY). It installs nothing. The steps that make the engines
(Debian 12, as root), as in docs/stores.md:

    apt-get install virtuoso-opensource libapache-jena-java
    python bench/compare_stores.py --start-virtuoso --jena --kg KG

--start-virtuoso writes a virtuoso.ini into a temporary folder (database,
log, ISQL port and HTTP port there, listening on 127.0.0.1 only), starts
`virtuoso-t +foreground` on it, pushes the graph to
http://127.0.0.1:PORT/sparql-graph-crud-auth as dba (a new database's
password is dba), compares, and stops it. --jena runs `arq.sparql` with the
packaged jars (/usr/share/java) plus a copy of jena-core's xerces message
files at the package path the Debian build's classes look them up under
(xerces/impl/msg, xerces/impl/xpath/regex): without it every riot or arq run
stops with "internal error" at start.

Exit status: 0 when every engine gave every query's rows, 1 when one differed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                             "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
JAVA_LIBS = Path("/usr/share/java")
JENA_DEPS = ["commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
             "dexx.collection", "gson", "guava", "httpclient", "httpcore", "jackson-core", "jackson-databind",
             "jackson-annotations", "jakarta.json-api", "jsonld-java", "protobuf", "thrift", "titanium-json-ld",
             "slf4j-api", "slf4j-simple"]


# -- rows as comparable terms ---------------------------------------------

def term(binding: dict | None):
    """A SPARQL JSON results binding as a comparable value: IRIs and literals as
    RDF terms, numbers by value, booleans by value ('1' is true)."""
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ("iri", value)
    if kind == "bnode":
        return ("bnode",)
    lang = binding.get("xml:lang")
    if lang:
        return ("lang", value, lang.lower())
    dt = binding.get("datatype", XSD + "string")
    if dt in NUMBERS:
        try:
            return ("number", Decimal(value))
        except InvalidOperation:
            return ("literal", value, dt)
    if dt == XSD + "boolean":
        return ("boolean", value.strip() in ("true", "1"))
    return ("literal", value, dt)


def json_rows(data: bytes | str) -> tuple[list[str], list[tuple]]:
    """(variables, rows of terms) of a SPARQL JSON results document."""
    doc = json.loads(data)
    names = doc["head"].get("vars", [])
    return names, [tuple(term(b.get(n)) for n in names) for b in doc["results"]["bindings"]]


def show(value) -> str:
    if value is None:
        return "-"
    if value[0] == "number":
        return format(value[1].normalize(), "f")
    return str(value[1])


def differences(names: list[str], mine: list[tuple], theirs: list[tuple], limit: int = 3) -> list[str]:
    """What differs between two ordered row lists, as short lines ([] when equal)."""
    if mine == theirs:
        return []
    out = []
    if len(mine) != len(theirs):
        out.append(f"{len(mine)} rows here, {len(theirs)} there")
    for i, (a, b) in enumerate(zip(mine, theirs, strict=False)):
        if a != b:
            cols = [f"{n}: {show(x)} here, {show(y)} there" for n, x, y in zip(names, a, b, strict=True) if x != y]
            out.append(f"row {i + 1} ({show(a[0])}): " + "; ".join(cols))
            if len(out) >= limit:
                break
    if len(out) < limit and sorted(map(repr, mine)) == sorted(map(repr, theirs)):
        out.append("same rows in another order")
    return out


# -- engines ----------------------------------------------------------------

def local_rows(kg: Path, name: str) -> tuple[list[str], list[tuple]]:
    """`sarcokg query NAME --kg KG --format json`, in process."""
    from sarcokg.query import run as q
    from sarcokg.store.kgstore import load, release
    label, text = q.resolve(name, None)
    try:
        data = q.serialize(q.run_kg(kg, load(kg, evidence=False), label, text, []), "json")
    finally:
        release(kg)
    return json_rows(data)


def rdflib_graph(kg: Path):
    """The ontology and every report of KG in one rdflib graph (the union the
    project queries: its default graph is the union of the named graphs)."""
    import rdflib

    from sarcokg.store.kgstore import ontology_path, report_files
    g = rdflib.Graph()
    for path in [ontology_path(), *report_files(kg)]:
        g.parse(path, format="turtle")
    return g


def rdflib_rows(graph, text: str) -> tuple[list[str], list[tuple]]:
    from sarcokg.model.namespaces import PREFIXES
    return json_rows(graph.query(text, initNs=dict(PREFIXES)).serialize(format="json"))


def endpoint_rows(endpoint: str, text: str, timeout: float = 120.0) -> tuple[list[str], list[tuple]]:
    """The raw answer of a SPARQL 1.1 Protocol endpoint (no normalisation)."""
    body = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(endpoint, data=body, headers={
        "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as resp:
            return json_rows(resp.read())
    except urllib.error.HTTPError as e:   # the engine's own first line says why
        first = e.read().decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"HTTP {e.code}: {first[0] if first else e.reason}") from None


def jena_classpath(work: Path) -> str:
    """The Debian package's jars plus jena-core's xerces message files copied to
    where the packaged (relocated) classes look for them."""
    fix = work / "jena-messages"
    with zipfile.ZipFile(JAVA_LIBS / "jena-core.jar") as jar:
        prefix = "org/apache/jena/ext/xerces/"
        for info in jar.infolist():
            if info.filename.startswith(prefix) and info.filename.endswith(".properties"):
                target = fix / "xerces" / info.filename[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(info))
    jars = sorted(JAVA_LIBS.glob("jena-*-[0-9]*.jar"))
    jars += [JAVA_LIBS / f"{n}.jar" for n in JENA_DEPS if (JAVA_LIBS / f"{n}.jar").exists()]
    if not jars or not shutil.which("java"):
        raise SystemExit("Jena ARQ: no java or no /usr/share/java/jena-*.jar (apt-get install libapache-jena-java)")
    return os.pathsep.join([*map(str, jars), str(fix)])


def arq_rows(classpath: str, data: Path, query: Path) -> tuple[list[str], list[tuple]]:
    p = subprocess.run(["java", "-cp", classpath, "arq.sparql", "--data", str(data), "--query", str(query),
                        "--results", "json"], capture_output=True, text=True, timeout=600)
    if p.returncode:
        raise RuntimeError(f"arq: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.returncode}")
    return json_rows(p.stdout)


# -- a local Virtuoso -------------------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_virtuoso(work: Path) -> Iterator[str]:
    """virtuoso-t on 127.0.0.1 with a new database in `work`: (base URL); stopped after."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise SystemExit("no virtuoso-t (apt-get install virtuoso-opensource)")
    sql, http = _free_port(), _free_port()
    (work / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=work, sql=sql, http=http))
    log = open(work / "virtuoso.out", "wb")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(work / "virtuoso.ini")],
                            stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=work)
    base = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"virtuoso-t stopped at start (exit {proc.returncode}); see {work}/virtuoso.log")
            try:
                endpoint_rows(base + "/sparql", "SELECT (1 AS ?up) WHERE {}", timeout=5)
                break
            except (OSError, ValueError, KeyError, RuntimeError):
                if time.monotonic() > deadline:
                    raise SystemExit("virtuoso-t did not answer within 120 s") from None
                time.sleep(0.5)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def push(kg: Path, store: str, user: str | None) -> None:
    """`sarcokg push` (its own process: what a user runs)."""
    cmd = [sys.executable, "-m", "sarcokg.cli", "push", "--endpoint", store, "--kg", str(kg)]
    if user:
        cmd += ["--user", user]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"push failed: {p.stderr.strip()}")
    print(p.stderr.strip().splitlines()[-1])


# -- the comparison ---------------------------------------------------------

def cli_bytes(kg: Path, name: str, endpoint: str | None, fmt: str = "csv") -> bytes:
    """What `sarcokg query NAME --format FMT` writes, from --kg or from --endpoint."""
    from sarcokg.interop.remote import run_remote
    from sarcokg.query import run as q
    from sarcokg.store.kgstore import load, release
    label, text = q.resolve(name, None)
    if endpoint is not None:
        return q.serialize(run_remote(endpoint, label, text, [], 600.0), fmt)
    try:
        return q.serialize(q.run_kg(kg, load(kg, evidence=False), label, text, []), fmt)
    finally:
        release(kg)


def compare(kg: Path, engines: dict, names: list[str], endpoint: str | None = None) -> int:
    """Print one line per query and engine; the number of differences. With
    `endpoint`, also whether `sarcokg query --endpoint` writes the local bytes."""
    from sarcokg.common.errors import SarcoKGError
    from sarcokg.query import run as q
    bad = 0
    for name in names:
        text = q.resolve(name, None)[1]
        cols, mine = local_rows(kg, name)
        if endpoint is not None:
            try:
                same = cli_bytes(kg, name, endpoint) == cli_bytes(kg, name, None)
                print(f"{name:34} {'--endpoint':9} csv      " + ("same bytes" if same else "DIFFERENT bytes"))
            except SarcoKGError as e:
                same = False
                print(f"{name:34} {'--endpoint':9} FAILED: {str(e)[:160]}")
            bad += not same
        for engine, rows_of in engines.items():
            try:
                their_cols, theirs = rows_of(name, text)
            except Exception as e:   # an engine that fails a query is a difference, reported
                print(f"{name:34} {engine:9} FAILED: {' '.join(str(e).split())[:200]}")
                bad += 1
                continue
            diff = differences(cols, mine, theirs) if their_cols == cols else [f"columns {their_cols}"]
            print(f"{name:34} {engine:9} {len(theirs):4} rows  " + ("same" if not diff else "DIFFERENT"))
            for line in diff:
                print(f"    {line}")
            bad += bool(diff)
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kg", type=Path, help="knowledge-graph folder (report graphs)")
    ap.add_argument("--synth", type=int, metavar="N", help="instead of --kg: N synthetic reports (bench/synth.py)")
    ap.add_argument("--virtuoso", metavar="URL", help="a running Virtuoso's SPARQL endpoint (…/sparql)")
    ap.add_argument("--store", metavar="URL", help="its graph-store endpoint: push the graph there first")
    ap.add_argument("--user", help="push as this user (password from SARCOKG_PASSWORD or ~/.netrc)")
    ap.add_argument("--start-virtuoso", action="store_true", help="start a new Virtuoso on 127.0.0.1 for the run")
    ap.add_argument("--jena", action="store_true", help="also Jena ARQ from the Debian jars")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("names", nargs="*", help="queries (default: every named query)")
    a = ap.parse_args()
    from sarcokg.query import run as q
    from sarcokg.store.kgstore import report_files
    names = a.names or list(q.named_queries())
    if (a.kg is None) == (a.synth is None):
        ap.error("give --kg or --synth")
    with tempfile.TemporaryDirectory(prefix="sarcokg-compare-") as tmp:
        work = Path(tmp)
        if a.synth is not None:
            sys.path.insert(0, str(Path(__file__).parent))
            from synth import generate
            generate(a.synth, work / "synth", jobs=2)
            a.kg = work / "synth" / "graph"
        print(f"{len(report_files(a.kg))} reports in {a.kg}; {len(names)} named queries")
        engines: dict = {}
        if not a.no_rdflib:
            graph = rdflib_graph(a.kg)
            engines["rdflib"] = lambda name, text: rdflib_rows(graph, text)
        if a.jena:
            classpath = jena_classpath(work)
            data = work / "data.nt"
            data.write_bytes(b"".join(rdflib_graph(a.kg).serialize(format="nt", encoding="utf-8").splitlines(True)))
            engines["jena-arq"] = lambda name, text: arq_rows(classpath, data, q.named_queries()[name])
        with (local_virtuoso(work) if a.start_virtuoso else _nothing()) as base:
            endpoint = base + "/sparql" if base else a.virtuoso
            store = base + "/sparql-graph-crud-auth" if base else a.store
            if base:
                os.environ.setdefault("SARCOKG_PASSWORD", "dba")
            if store:
                push(a.kg, store, a.user or ("dba" if base else None))
            if endpoint:
                engines["virtuoso"] = lambda name, text: endpoint_rows(endpoint, text)
            bad = compare(a.kg, engines, names, endpoint)
    print(f"{bad} difference(s) over {len(names)} queries and {len(engines)} engine(s)")
    return 1 if bad else 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    sys.exit(main())
