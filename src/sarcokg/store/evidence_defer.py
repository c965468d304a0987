"""Evidence loaded into the store on first use.

About two thirds of a report graph's triples are evidence, most queries never
read them, and indexing them is most of a cold build. So a bulk build loads
each report's facts and leaves its evidence for the first query that may
read it (sync.complete). Exact because split_body() takes only evidence
triples, from the writer's form matched by a strict grammar (any other file
is loaded whole), and may_read_evidence() says True for any query that might
match one (docs/architecture.md lists the cases; True whenever in doubt).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from sarcokg.model.namespaces import EVIDENCE, EVIDENCE_PROPERTIES, HAS_EVIDENCE, PREFIXES, RDF

_QNAME = {iri: f"{p}:{iri[len(ns):]}".encode() for iri in EVIDENCE_PROPERTIES
          for p, ns in PREFIXES.items() if iri.startswith(ns)}
assert len(_QNAME) == len(EVIDENCE_PROPERTIES)

_LOCAL = rb":[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?"                 # a node of the report
_PNAME = rb"[A-Za-z][A-Za-z0-9_\-]*" + _LOCAL                                  # sko:Foo, xsd:decimal
# a string's characters as (?:[^"\\\n\r]|\\.)*, unrolled: the same strings, a run at a time, not a character
_STRING = rb'"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"(?:\^\^' + _PNAME + rb"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?"
_NUMBER = rb"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_OBJECT = rb"(?:" + _STRING + rb"|" + _NUMBER + rb"|" + _LOCAL + rb"|" + _PNAME + rb")"
_OBJECTS = _OBJECT + rb"(?:, " + _OBJECT + rb")*"
_PREDICATE = rb"(?:" + rb"|".join(re.escape(q) for q in sorted(_QNAME.values())) + rb")"
_EVIDENCE_HEAD = _LOCAL + rb" a sko:Evidence"
_BLOCK = _EVIDENCE_HEAD + rb"(?: ;\n    " + _PREDICATE + rb" " + _OBJECTS + rb")* \.\n"
_TAIL = re.compile(_BLOCK + rb"(?:\n" + _BLOCK + rb")*")
_HEAD_END = b" a sko:Evidence ;\n"
_NAME = re.compile(_LOCAL)
_LINK_START = b"\n    " + _QNAME[HAS_EVIDENCE] + b" "
_LINK = re.compile(_LINK_START[1:] + _LOCAL + rb"(?:, " + _LOCAL + rb")* ;\n")
_SUBJECT = re.compile(_LOCAL + rb" ")


def split_body(body: bytes) -> tuple[bytes, bytes] | None:
    """(facts, evidence) of the statements of a report file in the writer's
    form, each itself a run of Turtle statements with the same prefixes;
    None when the file does not fit the strict form (load it whole).

    The evidence part is the trailing sko:Evidence blocks plus the
    sko:hasEvidence lines taken out of the fact blocks (never a block's last
    line, which ends in ' .')."""
    end = body.find(_HEAD_END)
    if end < 0:
        return None
    start = body.rfind(b"\n", 0, end) + 1   # the line of the first evidence block
    if _NAME.fullmatch(body, start, end) is None or (start and body[start - 2:start] != b"\n\n"):
        return None
    head, tail = body[:start], body[start:]
    if _TAIL.fullmatch(tail) is None:
        return None
    links, kept, pos = [], [], 0
    i = head.find(_LINK_START)
    while i >= 0:
        m = _LINK.match(head, i + 1)
        if m is None:
            return None
        block = head.rfind(b"\n\n", 0, i + 1)
        block = 0 if block < 0 else block + 2
        subject = _SUBJECT.match(head, block)
        if subject is None:
            return None
        links.append(subject.group(0) + head[m.start() + 4:m.end() - 3] + b" .\n")
        kept.append(head[pos:m.start()])
        pos = m.end()
        i = head.find(_LINK_START, pos - 1)
    kept.append(head[pos:])
    return b"".join(kept), b"".join(links) + b"\n" + tail


@lru_cache(maxsize=256)
def may_read_evidence(query: str) -> bool:
    """May the query match a triple that split_body() defers? (See the module
    docstring; True whenever in doubt.)

    The analysis runs on a thread of its own: rdflib's parser (pyparsing)
    keeps exceptions whose tracebacks form reference cycles, and a cycle that
    reached the caller's frames would keep the caller's objects alive (an
    open store, and with it the store's lock) until the next garbage
    collection."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as one:
        return one.submit(_analyse, query).result()


def _analyse(query: str) -> bool:
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery
        parsed = translateQuery(parseQuery(query), initNs=dict(PREFIXES))
    except Exception:   # rdflib may not read every query Oxigraph does
        return True
    return _reads(parsed.algebra)


def _path_reads(p) -> bool:
    """Whether a property path may match an evidence triple."""
    from rdflib.paths import NegatedPath, Path
    from rdflib.term import URIRef
    if isinstance(p, NegatedPath):
        return True
    if isinstance(p, URIRef):
        return str(p) in EVIDENCE_PROPERTIES or str(p) == RDF + "type"
    if isinstance(p, Path):
        return any(_path_reads(v) for v in vars(p).values()
                   for v in (v if isinstance(v, (list, tuple)) else [v]))
    return False


def _triple_reads(triple) -> bool:
    """Whether a triple pattern may match an evidence triple (anything but a triple: True)."""
    from rdflib.term import BNode, URIRef, Variable
    if len(triple) != 3:
        return True
    _, p, o = triple
    if isinstance(p, (Variable, BNode)):
        return True
    if isinstance(p, URIRef):
        if str(p) == RDF + "type":
            return not isinstance(o, URIRef) or str(o) == EVIDENCE
        return str(p) in EVIDENCE_PROPERTIES
    return _path_reads(p)


def algebra_nodes(node) -> Iterator:
    """Every CompValue of a parsed query's algebra (rdflib), each once, the
    patterns of EXISTS included (rdflib keeps them as attributes)."""
    from rdflib.plugins.sparql.parserutils import CompValue
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, CompValue):
            yield n
            stack.extend(n.values())
            stack.extend(vars(n).values())
        elif isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, (list, tuple, set)):
            stack.extend(n)


def _reads(node) -> bool:
    """Whether any pattern of a query's algebra may match an evidence triple."""
    for n in algebra_nodes(node):
        if n.name in ("DescribeQuery", "ServiceGraphPattern") or n.name.startswith("Service"):
            return True
        # BGP and TriplesBlock hold triples; a pattern never seen as one is read as evidence
        if "triples" in n and any(_triple_reads(t) for t in n["triples"] or ()):
            return True
    return False
