"""The knowledge graph folder (--kg) loaded into an Oxigraph store.

The ontology goes into the named graph <ontology IRI>, each report file
<id>.ttl into the named graph <report base><id>; queries see the union.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pyoxigraph as ox

from .errors import InputError
from .namespaces import ONTOLOGY_FILE, ONTOLOGY_IRI, REPORT_BASE, ROOT


def ontology_path(ontology_dir: Optional[Path] = None) -> Path:
    return (ontology_dir or ROOT / "ontology") / ONTOLOGY_FILE


def report_files(kg: Path) -> list[Path]:
    if not kg.exists():
        raise InputError(f"{kg}: no such knowledge-graph folder")
    if not kg.is_dir():
        raise InputError(f"{kg}: not a folder")
    files = sorted(p for p in kg.glob("*.ttl") if p.is_file())
    if not files:
        raise InputError(f"{kg}: no report graphs (*.ttl) in this folder")
    return files


def report_graph(report_id: str) -> ox.NamedNode:
    return ox.NamedNode(REPORT_BASE + report_id)


def parse_into(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    try:
        with open(path, "rb") as fh:
            store.bulk_load(fh, format=ox.RdfFormat.TURTLE, to_graph=graph)
    except SyntaxError as e:
        line = f":{e.lineno}" if e.lineno else ""
        msg = str(e.msg if hasattr(e, "msg") else e).split(": ", 1)[-1]
        raise InputError(f"{path}{line}: malformed Turtle: {msg}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from None


@dataclass
class KG:
    store: ox.Store
    reports: list[Path]


def load(kg: Path, ontology_dir: Optional[Path] = None) -> KG:
    files = report_files(kg)
    store = ox.Store()
    parse_into(store, ontology_path(ontology_dir), ox.NamedNode(ONTOLOGY_IRI))
    for f in files:
        parse_into(store, f, report_graph(f.stem))
    return KG(store, files)
