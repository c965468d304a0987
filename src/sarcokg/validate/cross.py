"""The rules across reports, evaluated over a few values kept per report.

Two reports with the same PMID or DOI (one case published twice, or a wrong
identifier), and a report node whose id is not its file's stem (two files, one
id). Each report's values are read from the plain-term index its validation
parses anyway (`shacl_fast.parse_index`), kept in the validation cache beside
its results, and the rules are a group-by over them in Python, so they need no
store: at 100,000 reports a fraction of a second.

They give exactly what these rules gave as SPARQL over the folder's Oxigraph
store (tests/test_validate.py keeps that SPARQL as its oracle):

- a value is the exact RDF term, as the store holds it: an IRI and a literal
  of the same text differ, so do literals that differ by datatype or
  language; a typed literal is taken in the form the store keeps (Oxigraph
  keeps numbers, booleans and dates by value: "01"^^xsd:integer and
  "1"^^xsd:integer are one term there, written "1");
- a blank node is never shared between reports, so it is never a value;
- the id rule takes a node typed exactly sko:CaseReport in the same report,
  and compares its sko:reportId's text with the file's stem (a blank-node id
  has no text and is left out, as SPARQL's STR() errs on it).

The one difference: a blank node as the focus of a result is written as any
blank node in a result is (`shacl.BLANK`, "a blank node"), where the store
gave a label of its own that changed from one store to the next.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import pyoxigraph as ox

from sarcokg.model.namespaces import RDF, REPORT_BASE, SKO, XSD
from sarcokg.model.turtle import BNode, Lit

CROSS_CHECKS = {
    "duplicate PMID": ("sko:pmid", "The same PMID is in two report graphs: one case published twice, "
                                   "or a wrong PMID. Keep one report or fix the PMID."),
    "duplicate DOI": ("sko:doi", "The same DOI is in two report graphs: one case published twice, "
                                 "or a wrong DOI. Keep one report or fix the DOI."),
}
ID_MESSAGE = "The report id must be the file's stem; another file may already hold this id."
COMPONENT = "SPARQL"     # the component of these results (they were SPARQL rules; the output keeps the name)

_SHARED = {prop.split(":")[1]: message for prop, message in CROSS_CHECKS.values()}   # {"pmid": message, ...}
_TYPE, _CASE_REPORT, _REPORT_ID = RDF + "type", SKO + "CaseReport", SKO + "reportId"
_XSD_STRING = XSD + "string"
_BLANK = "_:"   # as shacl.BLANK (shacl imports this module)


@lru_cache(maxsize=4096)
def _stored(value: str, datatype: str) -> str:
    """The lexical form the store keeps of a typed literal (Oxigraph keeps some
    datatypes by value), asked of Oxigraph itself: rare (identifiers are strings)."""
    s, p = ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p")
    store = ox.Store()
    store.add(ox.Quad(s, p, ox.Literal(value, datatype=ox.NamedNode(datatype))))
    got = next(iter(store.quads_for_pattern(s, p, None))).object
    assert isinstance(got, ox.Literal)
    return got.value


def term_form(term) -> tuple[str, str] | None:
    """(text, kind) of a plain term, as the store holds it: kind "<" for an
    IRI, "" for a simple literal, "@lang", or "^^datatype"; None for a blank
    node (and anything else a report cannot share)."""
    if type(term) is str:
        return term, "<"
    if type(term) is Lit:
        value, datatype, language = term
        if language:
            return value, "@" + language
        if datatype == _XSD_STRING:
            return value, ""
        return _stored(value, datatype), "^^" + datatype
    return None


def index_values(stem: str, index: dict) -> list[list[str]]:
    """The values of one report (its plain-term index) that the rules read:
    [kind, focus, text, term kind] rows, kind "pmid" or "doi" for a value that
    may be shared, "id" for a report id that is not the stem (a result already)."""
    out: list[list[str]] = []
    graph = REPORT_BASE + stem
    for s, m in index.items():
        focus = _BLANK if type(s) is BNode else s
        for kind in _SHARED:
            for o in m.get(SKO + kind, ()):
                form = term_form(o)
                if form is not None:
                    out.append([kind, focus, *form])
        ids = m.get(_REPORT_ID)
        if ids and _CASE_REPORT in m.get(_TYPE, ()):
            for o in ids:
                form = term_form(o)
                if form is not None and REPORT_BASE + form[0] != graph:
                    out.append(["id", focus, *form])
    return out


def cross_results(values: Mapping[str, list], result) -> list:
    """The rules' results over {file name: index_values rows} of every report;
    result: the class of a result (shacl.Result), called (report, focus, path,
    component, value, message). Sorted, without repeats."""
    first: dict[tuple[str, str, str], str] = {}   # a value's first holder
    shared: set[tuple[str, str, str]] = set()     # values held by two reports or more
    for name, rows in values.items():
        for kind, _, text, form in rows:
            if kind != "id":
                key = (kind, text, form)
                if first.setdefault(key, name) != name:
                    shared.add(key)
    out = set()
    for name, rows in values.items():
        for kind, focus, text, form in rows:
            if kind == "id":
                out.add(result(name, focus, _REPORT_ID, COMPONENT, text, ID_MESSAGE))
            elif (kind, text, form) in shared:
                out.add(result(name, focus, SKO + kind, COMPONENT, text, _SHARED[kind]))
    return sorted(out)
