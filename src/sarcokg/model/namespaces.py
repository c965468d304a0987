"""The one place for namespaces, prefixes and the version."""
from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    VERSION: str   # the installed package's version (pyproject.toml); "0.0.0" run from a source tree


@cache
def _version() -> str:
    from importlib import metadata
    try:
        return metadata.version("sarcokg")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0.0.0"


def __getattr__(name: str) -> str:
    """VERSION, looked up when first asked for: importing importlib.metadata and finding the
    installed package cost about 170 M instructions, which `sarcokg ingest` (and each of its
    worker processes) would pay at start without using the version."""
    if name == "VERSION":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

SKO = "https://w3id.org/sarcokg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/sarcokg/ontology"
REPORT_BASE = "https://w3id.org/sarcokg/report/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OBO = "http://purl.obolibrary.org/obo/"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"

PART_OF = OBO + "BFO_0000050"

# The evidence model: a sko:Evidence node per mention, linked from its report.
OA_START, OA_END, OA_EXACT = (OA + x for x in ("start", "end", "exact"))
GENERATED_BY = PROV + "wasGeneratedBy"
HAS_EVIDENCE, EVIDENCE, EVIDENCE_FOR, EVIDENCE_PROPERTY, CONFIDENCE = (
    SKO + x for x in ("hasEvidence", "Evidence", "evidenceFor", "evidenceProperty", "confidence"))
# the properties only evidence uses (sko:hasEvidence links a report to it)
EVIDENCE_PROPERTIES = frozenset({OA_START, OA_END, OA_EXACT, GENERATED_BY, HAS_EVIDENCE, EVIDENCE_FOR,
                                 EVIDENCE_PROPERTY, CONFIDENCE})

# Fixed prefixes of every file the project writes, in this order.
PREFIXES: dict[str, str] = {
    "sko": SKO,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "obo": OBO,
    "oboInOwl": OBOINOWL,
    "prov": PROV,
    "oa": OA,
    "dcterms": DCTERMS,
}



# What a report id (its file's stem) may be; the shapes say the same (ontology/shapes.ttl, shapes:report-id).
REPORT_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def report_id_problem(report_id: str) -> str | None:
    """Why report_id cannot be a report id (one line, no IRI), or None when it can."""
    if REPORT_ID.fullmatch(report_id):
        return None
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", report_id).lstrip(".-") or "report"
    return (f"{report_id!r} cannot be a report id (the file name without its extension): use letters, digits, "
            f"'_', '.' and '-', not starting with '.' or '-'; rename it, e.g. to {safe}")


def report_ns(report_id: str) -> str:
    """Namespace of the nodes of one report graph."""
    return f"{REPORT_BASE}{report_id}/"


def report_iri(report_id: str) -> str:
    return report_ns(report_id) + "report"


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
