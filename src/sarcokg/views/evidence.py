"""Show a report's facts with their mentions in context, for a curator."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.files import read_report
from sarcokg.model.namespaces import OA, PREFIXES, PROV, SKO
from sarcokg.store.kgstore import read_triples

EV_QUERY = """
SELECT ?node ?prop ?value ?start ?end ?exact ?method ?conf WHERE {
  ?ev a sko:Evidence ; sko:evidenceFor ?node ; sko:evidenceProperty ?prop ;
      prov:wasGeneratedBy ?method ; sko:confidence ?conf .
  OPTIONAL { ?ev oa:start ?start ; oa:end ?end ; oa:exact ?exact }
  OPTIONAL { ?node ?prop ?value }
} ORDER BY ?start ?end ?node ?prop
"""


def _find_text(kg: Path, name: str) -> Path | None:
    for cand in [kg / name, kg / "sources" / name]:
        if cand.is_file():
            return cand
    return None


def _short(v: str) -> str:
    for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if v.startswith(ns):
            return f"{p}:{v[len(ns):]}"
    return v


def show_evidence(report: str, kg: Path, text_path: Path | None, context: int) -> str:
    rid = Path(report).stem
    graph_file = kg / f"{rid}.ttl"
    if not graph_file.is_file():
        raise InputError(f"{graph_file}: no such report graph")
    store = ox.Store()
    for s, p, o in read_triples(graph_file):
        store.add(ox.Quad(s, p, o))
    meta = list(store.query(f"PREFIX sko: <{SKO}> SELECT ?file ?sha WHERE {{ ?r sko:sourceFile ?file ; sko:sourceSha256 ?sha }}"))
    if not meta:
        raise InputError(f"{graph_file}: no sko:sourceFile in the report graph")
    source, sha = meta[0]["file"].value, meta[0]["sha"].value
    path = text_path or _find_text(kg, source)
    if path is None:
        raise InputError(f"{rid}: source text {source} not found; give it with --text FILE")
    rt = read_report(path)
    if rt.sha256 != sha:
        raise InputError(f"{path}: not the text this graph was made from (SHA-256 differs); evidence offsets would be wrong")
    text = rt.text
    prefixes = f"PREFIX sko: <{SKO}>\nPREFIX oa: <{OA}>\nPREFIX prov: <{PROV}>\n"
    lines = [f"{rid}: evidence in {path}"]
    for row in store.query(prefixes + EV_QUERY):
        node = row["node"].value.rsplit("/", 1)[-1]
        prop = _short(row["prop"].value)
        value = row["value"]
        shown = _short(value.value) if isinstance(value, ox.NamedNode) else (value.value if value else "")
        if row["start"] is None:
            lines.append(f"{'-':>13} {node} {prop} = {shown}  (curator, no mention in the text)")
            continue
        start, end = int(row["start"].value), int(row["end"].value)
        ok = text[start:end] == row["exact"].value
        left = text[max(0, start - context):start].replace("\n", " ")
        right = text[end:end + context].replace("\n", " ")
        method = "curator" if row["method"].value.endswith("CuratorAssertion") else "rules"
        flag = "" if ok else "  [MISMATCH: text differs at these offsets]"
        lines.append(f"{start:>6}-{end:<6} {node} {prop} = {shown}  ({method}, {float(row['conf'].value):.2f}){flag}\n"
                     f"               ...{left}[[{text[start:end]}]]{right}...")
    return "\n".join(lines) + "\n"
