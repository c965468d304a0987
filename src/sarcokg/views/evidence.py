"""Show a report's facts with their stored mentions, and their context when the text is at hand.

Every fact's evidence is stored in the report graph: the exact mention
(oa:exact) and its character offsets (oa:start, oa:end) into the source text.
Those are shown always. The context around each mention needs the text itself:
the file given with --text, else the one KG/sources.tsv says the report was
ingested from, else KG/<file> or KG/sources/<file>; a text is used only when
its SHA-256 is the one the graph records.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.common.files import read_report
from sarcokg.common.text import plural
from sarcokg.model.namespaces import OA, PREFIXES, PROV, SKO
from sarcokg.store.kgstore import read_triples

EV_QUERY = """
SELECT ?node ?prop ?value ?start ?end ?exact ?method ?conf WHERE {
  ?ev a sko:Evidence ; sko:evidenceFor ?node ; sko:evidenceProperty ?prop ;
      prov:wasGeneratedBy ?method ; sko:confidence ?conf .
  OPTIONAL { ?ev oa:start ?start ; oa:end ?end ; oa:exact ?exact }
  OPTIONAL { ?node ?prop ?value }
} ORDER BY ?start ?end ?node ?prop ?value
"""
SOURCE_QUERY = f"PREFIX sko: <{SKO}> SELECT ?file ?sha WHERE {{ ?r sko:sourceFile ?file ; sko:sourceSha256 ?sha }}"


@dataclass
class Mention:
    node: str
    property: str
    value: str
    method: str
    confidence: float
    start: int | None = None
    end: int | None = None
    exact: str | None = None
    before: str | None = None      # context, when the text is at hand
    after: str | None = None
    matches: bool | None = None    # the text at the offsets is the stored mention


@dataclass
class Evidence:
    report: str
    source_file: str
    source_sha256: str
    text: str | None               # the file the context was read from, if any
    note: str                      # why there is no context, when there is none
    mentions: list[Mention]


def _short(v: str) -> str:
    for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if v.startswith(ns):
            return f"{p}:{v[len(ns):]}"
    return v


def _candidates(kg: Path, rid: str, name: str) -> list[Path]:
    from sarcokg.ingest.pipeline import read_sources
    found = []
    recorded = read_sources(kg).get(rid)
    if recorded is not None:
        found.append(Path(recorded[1]))
    return found + [kg / name, kg / "sources" / name]


def _text(kg: Path, rid: str, source: str, sha: str, given: Path | None) -> tuple[Path | None, str | None, str]:
    """The text path and content whose SHA-256 is sha, or None and why not."""
    if given is not None:
        rt = read_report(given)
        if rt.sha256 != sha:
            raise InputError(f"{given}: not the text this graph was made from (SHA-256 differs); "
                             "evidence offsets would be wrong")
        return given, rt.text, ""
    changed = None
    for cand in _candidates(kg, rid, source):
        if not cand.is_file():
            continue
        try:
            rt = read_report(cand)
        except InputError:
            continue
        if rt.sha256 == sha:
            return cand, rt.text, ""
        changed = cand
    if changed is not None:
        return None, None, f"{changed} has changed since ingest (SHA-256 differs): no context shown"
    return None, None, f"source text {source} not at hand (give it with --text FILE): no context shown"


def _mention(row: ox.QuerySolution, text: str | None, context: int) -> Mention:
    value = row["value"]
    shown = _short(value.value) if isinstance(value, ox.NamedNode) else (value.value if value is not None else "")
    m = Mention(node=row["node"].value.rsplit("/", 1)[-1], property=_short(row["prop"].value), value=shown,
                method="curator" if row["method"].value.endswith("CuratorAssertion") else "rules",
                confidence=round(float(row["conf"].value), 2))
    if row["start"] is None:
        return m
    m.start, m.end, m.exact = int(row["start"].value), int(row["end"].value), row["exact"].value
    if text is not None:
        m.matches = text[m.start:m.end] == m.exact
        m.before = text[max(0, m.start - context):m.start].replace("\n", " ")
        m.after = text[m.end:m.end + context].replace("\n", " ")
    return m


def _select(store: ox.Store, text: str) -> ox.QuerySolutions:
    solutions = store.query(text)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def collect(report: str, kg: Path, text_path: Path | None, context: int) -> Evidence:
    rid = Path(report).stem
    graph_file = kg / f"{rid}.ttl"
    if not graph_file.is_file():
        raise InputError(f"{graph_file}: no such report graph")
    store = ox.Store()
    for s, p, o in read_triples(graph_file):
        store.add(ox.Quad(s, p, o))
    meta = list(_select(store, SOURCE_QUERY))
    if not meta:
        raise InputError(f"{graph_file}: no sko:sourceFile in the report graph")
    source, sha = meta[0]["file"].value, meta[0]["sha"].value
    path, text, note = _text(kg, rid, source, sha, text_path)
    prefixes = f"PREFIX sko: <{SKO}>\nPREFIX oa: <{OA}>\nPREFIX prov: <{PROV}>\n"
    mentions = [_mention(row, text, context) for row in _select(store, prefixes + EV_QUERY)]
    return Evidence(rid, source, sha, str(path) if path else None, note, mentions)


def as_text(ev: Evidence) -> str:
    where = f"context from {ev.text}" if ev.text else ev.note
    lines = [f"{ev.report}: {plural(len(ev.mentions), 'stored mention')}; {where}"]
    for m in ev.mentions:
        head = f"{m.node} {m.property} = {m.value}  ({m.method}, {m.confidence:.2f})"
        if m.start is None:
            lines.append(f"{'-':>13} {head}  no mention in the text")
            continue
        flag = "  [MISMATCH: text differs at these offsets]" if m.matches is False else ""
        lines.append(f"{m.start:>6}-{m.end:<6} {head}{flag}")
        if m.before is not None:
            lines.append(f"               ...{m.before}[[{m.exact}]]{m.after}...")
        else:
            lines.append(f"               \"{m.exact}\"")
    return "\n".join(lines) + "\n"


def as_json(ev: Evidence) -> str:
    return json.dumps(asdict(ev), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def show_evidence(report: str, kg: Path, text_path: Path | None, context: int, fmt: str = "text") -> str:
    ev = collect(report, kg, text_path, context)
    return as_json(ev) if fmt == "json" else as_text(ev)
