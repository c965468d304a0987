"""--param NAME=VALUE: a query parameter as an RDF term, checked against the ontology.

A value naming a term in the ontology's namespace (sko:X, or its full IRI)
must name a term the ontology defines: a misspelt class would otherwise
match nothing and the query would answer 0 rows with exit 0. Unquoted text
with spaces that reads as a term (sko:Lumbar Spine, lumbar spine, a term's
label) is refused too, naming the closest terms; other text, and "quoted
text" always, is a plain string.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

import pyoxigraph as ox

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import PREFIXES, RDFS, SKO, XSD

_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:(\S*)$")
_PNAME_SPACED = re.compile(r"^([A-Za-z][\w.-]*)?:(\S.*)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_param(text: str) -> tuple[ox.Variable, object]:
    """name=value -> (variable, RDF term). Values: <iri>, prefix:local, integers,
    decimals, true/false, "quoted string", or a plain string."""
    if "=" not in text:
        raise InputError(f"--param {text!r}: expected name=value")
    name, value = text.split("=", 1)
    name = name.strip().lstrip("?$")
    if not _NAME.match(name):
        raise InputError(f"--param {text!r}: {name!r} is not a SPARQL variable name")
    return ox.Variable(name), parse_term(value, text)


def parse_term(value: str, context: str):
    v = value.strip()
    if v.startswith("<"):
        if not v.endswith(">") or len(v) < 3 or re.search(r"[\s<>\"{}|^`\\]", v[1:-1]):
            raise InputError(f"--param {context!r}: malformed IRI {v!r}")
        try:
            return _defined(ox.NamedNode(v[1:-1]), context)
        except ValueError as e:
            raise InputError(f"--param {context!r}: malformed IRI {v!r} ({e})") from None
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return ox.Literal(v[1:-1])
    if re.fullmatch(r"[+-]?\d+", v):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "integer"))
    if re.fullmatch(r"[+-]?\d*\.\d+", v):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "decimal"))
    if v in ("true", "false"):
        return ox.Literal(v, datatype=ox.NamedNode(XSD + "boolean"))
    m = _PNAME.match(v)
    if m:
        prefix = m.group(1) or ""
        if prefix not in PREFIXES:
            raise InputError(f"--param {context!r}: unknown prefix {prefix + ':'!r}; known: "
                             + ", ".join(p + ":" for p in PREFIXES))
        try:
            return _defined(ox.NamedNode(PREFIXES[prefix] + m.group(2)), context)
        except ValueError as e:
            raise InputError(f"--param {context!r}: malformed term {v!r} ({e})") from None
    if re.search(r"\s", v) and _term_like(v):
        # unquoted text with spaces that reads as a term (0 rows): the term is meant, or quoted text
        raise InputError(f"--param {context!r}: {v!r} is not a term{_closest(v)}; "
                         "quote the value (\"...\") to search for this text")
    return ox.Literal(v)


def _defined(node: ox.NamedNode, context: str) -> ox.NamedNode:
    """node, when outside the ontology's namespace or a term the ontology defines."""
    if node.value.startswith(SKO) and node.value not in ontology_terms():
        raise InputError(f"--param {context!r}: the ontology defines no term sko:{node.value[len(SKO):]}"
                         f"{_closest(node.value[len(SKO):])}")
    return node


def _term_like(text: str) -> bool:
    """Does unquoted text read as a term: sko:Spaced Name (a known prefix), or
    a term's label or local name, give or take spaces, case and a typo?"""
    m = _PNAME_SPACED.match(text)
    if m and (m.group(1) or "") in PREFIXES:
        return True
    key = " ".join(text.split()).lower()
    locals_ = [iri[len(SKO):].lower() for iri in ontology_terms()]
    return bool(difflib.get_close_matches(key, ontology_labels(), n=1, cutoff=0.85)
                or difflib.get_close_matches(key.replace(" ", ""), locals_, n=1, cutoff=0.85))


def _closest(text: str) -> str:
    """'; closest: sko:A, sko:B, sko:C': the ontology's terms nearest to text by
    local name or label (difflib), the best three, however far."""
    iris = ontology_terms()
    names = {iri[len(SKO):].lower(): iri for iri in iris}
    names.update((label, iri) for label, iri in ontology_labels().items() if iri in iris)
    key = " ".join(text.split(":", 1)[-1].split()).lower() if _PNAME_SPACED.match(text) else \
        " ".join(text.split()).lower()
    near: list[str] = []
    for cutoff in (0.6, 0.0):
        for k in difflib.get_close_matches(key, names, n=6, cutoff=cutoff) + \
                difflib.get_close_matches(key.replace(" ", ""), names, n=6, cutoff=cutoff):
            if names[k] not in near:
                near.append(names[k])
        if near:
            break
    return "; closest: " + ", ".join(f"sko:{iri[len(SKO):]}" for iri in near[:3]) if near else ""


@lru_cache(maxsize=1)
def ontology_terms() -> frozenset[str]:
    """The IRIs in the ontology's namespace the ontology describes (classes,
    properties, individuals): every subject of ontology/sarcokg.ttl under sko:."""
    from sarcokg.store.kgstore import ontology_path  # the file model/terms.py indexes (classes only)
    with open(ontology_path(), "rb") as fh:
        return frozenset(t.subject.value for t in ox.parse(fh, format=ox.RdfFormat.TURTLE)
                         if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(SKO))


@lru_cache(maxsize=1)
def ontology_labels() -> dict[str, str]:
    """{label in lower case: IRI} of the ontology's terms."""
    from sarcokg.store.kgstore import ontology_path
    out: dict[str, str] = {}
    with open(ontology_path(), "rb") as fh:
        for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDFS + "label" and isinstance(t.subject, ox.NamedNode) \
                    and t.subject.value.startswith(SKO) and isinstance(t.object, ox.Literal):
                out.setdefault(" ".join(t.object.value.split()).lower(), t.subject.value)
    return out
