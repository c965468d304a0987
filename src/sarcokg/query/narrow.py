"""A parameter that narrows a kept per-report result, so the query is not sent to the store.

A query's header line `# sarcokg:narrows PARAM ?COLUMN from DEFAULT` promises
that binding PARAM to a class T gives exactly the rows of its answer with
PARAM unbound (defaulting to DEFAULT) whose COLUMN holds the skos:notation
of a class within T along the ontology's part-of hierarchy, with T in the
column PARAM. That is exact when each notation names one class within
DEFAULT and every class within T is within DEFAULT (checked on the ontology
each time); anything else goes to the store.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from sarcokg.model.namespaces import ONTOLOGY_IRI, PREFIXES

MARK = re.compile(r"^#\s*sarcokg:narrows\s+(\w+)\s+\?(\w+)\s+from\s+(\S+)\s*$", re.M)
_PATH = "(<http://www.w3.org/2000/01/rdf-schema#subClassOf>|<http://www.w3.org/2000/01/rdf-schema#subClassOf>/" \
        "<http://www.w3.org/2002/07/owl#someValuesFrom>)*"
_NOTATION = "<http://www.w3.org/2004/02/skos/core#notation>"


def narrowing(text: str) -> tuple[str, str, str] | None:
    """(parameter, column, default class IRI) a query declares, or None."""
    m = MARK.search(text)
    if m is None:
        return None
    prefix, _, local = m.group(3).partition(":")
    default = m.group(3)[1:-1] if m.group(3).startswith("<") else PREFIXES.get(prefix, "") + local
    return m.group(1), m.group(2), default


@lru_cache(maxsize=2)
def _ontology(path: str, _mtime: int) -> ox.Store:
    store = ox.Store()
    store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_IRI))
    return store


def notations_within(ontology: Path, target: str, default: str) -> set[str] | None:
    """The notations (as SPARQL TSV cells) of the classes within `target`;
    None when filtering by them would not be exact (see the module docstring)."""
    store = _ontology(str(ontology), ontology.stat().st_mtime_ns)
    q = (f"SELECT ?n (COUNT(DISTINCT ?v) AS ?classes) (MAX(?in) AS ?within) WHERE {{ GRAPH ?g {{ ?v {_NOTATION} ?n }} "
         f"FILTER EXISTS {{ GRAPH ?g {{ ?v {_PATH} <{default}> }} }} "
         f"BIND(EXISTS {{ GRAPH ?g {{ ?v {_PATH} <{target}> }} }} AS ?in) }} GROUP BY ?n")
    outside = (f"ASK {{ GRAPH ?g {{ ?v {_NOTATION} ?n ; {_PATH} <{target}> }} "
               f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?v {_PATH} <{default}> }} }} }}")
    if store.query(outside):
        return None
    out = set()
    for row in store.query(q):   # type: ignore[union-attr]
        if int(row["classes"].value) > 1:
            return None           # one notation, two classes: the rows cannot tell which
        if row["within"].value == "true":
            out.add(str(row["n"]))
    return out


def narrowed(tsv: bytes, param: str, column: str, target: ox.NamedNode, keep: set[str]) -> bytes | None:
    """The kept result (SPARQL TSV) narrowed to rows whose `column` is in `keep`,
    with `target` in the `param` column; None when the header lacks either."""
    head, _, body = tsv.partition(b"\n")
    names = head.decode("utf-8").split("\t")
    if f"?{column}" not in names or f"?{param}" not in names:
        return None
    col, at = names.index(f"?{column}"), names.index(f"?{param}")
    cell = str(target).encode("utf-8")
    out = [head]
    if keep:
        # the lines whose cell `col` is one of `keep`, found by one regular expression over the
        # rows (a cell holds no raw tab or newline: SPARQL TSV escapes them)
        cells = b"|".join(re.escape(k.encode("utf-8")) for k in sorted(keep))
        rows = re.compile(rb"\n((?:[^\t\n]*\t){%d}(?:%s)(?:\t[^\n]*)?)(?=\n)" % (col, cells))
        found = rows.findall(b"\n" + body)
        if at == len(names) - 1 and all(line.endswith(b"\t") for line in found):
            out += [line + cell for line in found]     # the parameter's column last, unbound: the cell after it
        else:
            for line in found:
                split = line.split(b"\t")
                split[at] = cell
                out.append(b"\t".join(split))
    return b"\n".join(out) + b"\n"
