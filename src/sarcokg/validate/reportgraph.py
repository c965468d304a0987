"""The rule every file in a knowledge-graph folder must keep: one report graph.

A file <id>.ttl holds exactly one sko:CaseReport node, the report IRI of its
own id (model/namespaces.report_iri), and every node it describes lies under
that report's namespace (report_ns): it says nothing about another report's
nodes, nor links to them. Anything else (an empty file, unrelated triples, a
`sko:` prefix that points elsewhere, triples added to another report's case)
would silently drop out of the queries and exports, or change another case,
so it fails validation, naming the file.

The rule looks at one file at a time, so `sarcokg validate` caches its results
with the file's SHA-256 like the SHACL results (validate/shacl.py).
"""
from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from sarcokg.model.namespaces import RDF, REPORT_BASE, SKO, report_iri, report_ns
from sarcokg.model.turtle import group_plain, plain, plain_value

# the results' constraint component: like the rules across reports, a rule
# outside the shapes, reported as SHACL-SPARQL would (sh:SPARQLConstraintComponent)
COMPONENT = "SPARQL"
CASE_REPORT = SKO + "CaseReport"
TYPE = RDF + "type"


def report_graph_problems(report_id: str, triples: Iterable[tuple]) -> list[tuple[str, str, str]]:
    """(focus, value, message) for each way the (pyoxigraph) triples of file
    <report_id>.ttl break the one-report-graph rule; [] when they keep it."""
    return index_problems(report_id, group_plain((plain(s), p.value, plain(o)) for s, p, o in triples))


def index_problems(report_id: str, index: dict) -> list[tuple[str, str, str]]:
    """report_graph_problems() of a file's triples as a plain-term index
    {subject: {predicate: [objects]}} (validate/shacl_fast.parse_index)."""
    own = report_ns(report_id)
    reports: list[str] = []
    other_types: set[str] = set()
    outside: list[str] = []
    links: list[tuple[str, str]] = []
    n = 0
    for s, preds in index.items():
        if type(s) is str and not s.startswith(own):   # an IRI (a blank node is a BNode)
            outside.append(s)
        for p, objs in preds.items():
            n += len(objs)
            for o in objs:
                if type(o) is not str:
                    continue
                if p == TYPE:
                    if o == CASE_REPORT:
                        reports.append(s if type(s) is str else "_:")
                    elif o.endswith(("#CaseReport", "/CaseReport")):
                        other_types.add(o)
                if o.startswith(REPORT_BASE) and not o.startswith(own):
                    links.append((plain_value(s), o))
    return _problems(report_id, own, n, reports, other_types, outside, links)


def _problems(report_id: str, own: str, n: int, reports: list[str], other_types: set[str], outside: list[str],
              links: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    expected = report_iri(report_id)
    out = []
    if not reports:
        why = ("the file is empty" if n == 0 else
               f"its report's type is <{sorted(other_types)[0]}>: does its sko: prefix point elsewhere?"
               if other_types else f"none of its {n} triples is one")
        out.append((expected, "", f"Not a report graph: no sko:CaseReport node ({why}). Every .ttl in the "
                                  "folder must be one report graph; move other files out of it."))
    elif sorted(set(reports)) != [expected]:
        wrong = sorted({r for r in reports if r != expected})
        out.append((wrong[0] if wrong else expected, "",
                    f"A report graph holds one sko:CaseReport node, <{expected}> (the file's name is its id); "
                    f"this one holds {len(set(reports))}: " + ", ".join(f"<{r}>" for r in sorted(set(reports)))))
    if outside:
        first = sorted(set(outside))
        out.append((first[0], "", f"{len(first)} node(s) described outside this report's namespace <{own}>: "
                                  "a report file describes only its own nodes (another report's case, or "
                                  "unrelated data, must not be changed from here)."))
    if links:
        s, o = min(links)
        out.append((s, o, f"A link to another report's node <{o}>: a report file links only to its own nodes "
                          "and to ontology terms."))
    return out


def first_broken(store: ox.Store, names: list[str]) -> tuple[str, str, int] | None:
    """(file name, message, number of files) for the first report file of a
    loaded store (one named graph per file) that breaks the rule; None when
    every file keeps it. For commands that must not go on without it (an
    export that would silently leave a report out or merge two)."""
    broken = []
    for name in names:
        rid = name[:-len(".ttl")]
        graph = ox.NamedNode(REPORT_BASE + rid)
        problems = report_graph_problems(rid, ((q.subject, q.predicate, q.object)
                                               for q in store.quads_for_pattern(None, None, None, graph)))
        if problems:
            broken.append((name, problems[0][2]))
    return (broken[0][0], broken[0][1], len(broken)) if broken else None
