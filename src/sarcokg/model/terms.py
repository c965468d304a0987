"""The ontology's terms as lookup tables: one source of truth for every name.

Loads ontology/sarcokg.ttl (fast, with pyoxigraph) and indexes each class by
its axis (tumour, site, vertebra, intervention, agent, outcome, survival) and
key, with the labels, synonyms and abbreviations the extraction lexicon uses
and the summary keys the case summary uses.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from sarcokg.common.resources import ONTOLOGY_FILE
from sarcokg.common.resources import ontology_dir as package_ontology_dir
from sarcokg.model.namespaces import OBOINOWL, OWL, PART_OF, RDF, RDFS, SKO, SKOS

AXES = {
    "tumour": SKO + "Tumour",
    "vertebra": SKO + "Vertebra",
    "site": SKO + "AnatomicalSite",
    "intervention": SKO + "Intervention",
    "agent": SKO + "Drug",
    "regimen": SKO + "Regimen",
    "outcome": SKO + "OutcomeStatus",
    "survival": SKO + "SurvivalMeasure",
}


@dataclass
class Term:
    iri: str
    axis: str
    key: str                      # the key facts use for this term
    label: str
    synonyms: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    summary_key: str | None = None  # own or inherited case-summary word
    parents: list[str] = field(default_factory=list)
    order: int | None = None   # vertebrae: 1..33
    components: list[str] = field(default_factory=list)   # regimens: the keys of their agents
    fusions: list[str] = field(default_factory=list)      # tumours: defining gene fusions, 'SS18-SSX1'
    benign: bool = False                                   # tumours: ICD-O-3 behaviour /0

    @property
    def local(self) -> str:
        return self.iri[len(SKO):] if self.iri.startswith(SKO) else self.iri


@dataclass
class _Raw:
    """The ontology's statements that the index needs, read in one pass."""

    lit: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    parents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    classes: set[str] = field(default_factory=set)
    some: dict[str, str] = field(default_factory=dict)
    onprop: dict[str, str] = field(default_factory=dict)
    regimen_agents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def first(self, c: str, prop: str) -> str | None:
        values = self.lit.get((c, prop))
        return values[0] if values else None

    @classmethod
    def read(cls, ontology_path: Path) -> _Raw:
        store = ox.Store()
        with open(ontology_path, "rb") as fh:
            store.load(fh, format=ox.RdfFormat.TURTLE)
        raw = cls()
        for q in store:
            s, p, o = q.subject, q.predicate.value, q.object
            sv = s.value if isinstance(s, ox.NamedNode) else "_:" + s.value
            if p == RDF + "type" and isinstance(o, ox.NamedNode) and o.value == OWL + "Class":
                raw.classes.add(sv)
            elif p == RDFS + "subClassOf":
                raw.parents[sv].append(o.value if isinstance(o, ox.NamedNode) else "_:" + o.value)
            elif p == OWL + "someValuesFrom":
                raw.some[sv] = o.value
            elif p == OWL + "onProperty":
                raw.onprop[sv] = o.value
            elif p == SKO + "regimenAgent" and isinstance(o, ox.NamedNode):
                raw.regimen_agents[sv].append(o.value)
            elif isinstance(o, ox.Literal):
                raw.lit[(sv, p)].append(o.value)
        return raw


class Terms:
    """Index of the ontology's classes by axis and key."""

    def __init__(self, ontology_path: Path):
        raw = _Raw.read(ontology_path)
        # part_of restrictions become "part" parents, for summary keys.
        self.is_a: dict[str, list[str]] = {}
        self.part_of: dict[str, list[str]] = {}
        for c in raw.classes:
            self.is_a[c] = sorted(p for p in raw.parents.get(c, []) if not p.startswith("_:"))
            self.part_of[c] = sorted(raw.some[b] for b in raw.parents.get(c, [])
                                     if b.startswith("_:") and raw.onprop.get(b) == PART_OF and b in raw.some)
        self._subclass: dict[tuple[str, str], bool] = {}
        self.terms: dict[str, Term] = {}
        self.by_axis: dict[str, dict[str, Term]] = defaultdict(dict)
        for c in sorted(raw.classes):
            if not c.startswith(SKO):
                continue
            axis = self._axis(c)
            if axis is None or c in AXES.values():
                continue
            term = self._term(c, axis, raw)
            self.terms[c] = term
            self.by_axis[axis][term.key] = term
        for c, agents in raw.regimen_agents.items():
            if c in self.terms:
                self.terms[c].components = sorted(self.terms[a].key for a in agents
                                                  if a in self.terms and self.terms[a].axis == "agent")
        own = {c: raw.first(c, SKO + "summaryKey") for c in raw.classes}
        for t in self.terms.values():
            t.summary_key = self._summary(t.iri, own)

    def _term(self, c: str, axis: str, raw: _Raw) -> Term:
        """One class of an axis as a Term: its key is the form the case model uses."""
        label = raw.first(c, RDFS + "label") or c.rsplit("#", 1)[-1]
        order = raw.lit.get((c, SKO + "spineOrder"))
        if axis == "tumour":
            key = raw.first(c, SKO + "oncotreeCode") or label.lower()
        elif axis == "vertebra":
            key = raw.first(c, SKOS + "notation") or label.lower()
        elif axis == "site":
            key = raw.first(c, SKO + "summaryKey") or label.lower()
        else:
            key = label.lower() if axis != "agent" else label
        return Term(
            iri=c, axis=axis, key=key, label=label,
            synonyms=sorted(set(raw.lit.get((c, OBOINOWL + "hasExactSynonym"), []))),
            abbreviations=sorted(set(raw.lit.get((c, SKO + "abbreviation"), []))),
            fusions=sorted(set(raw.lit.get((c, SKO + "definingFusion"), []))),
            benign=any(m.endswith("/0") for m in raw.lit.get((c, SKO + "icdoMorphology"), [])),
            parents=self.is_a[c], order=int(order[0]) if order else None,
        )

    def _ancestors(self, c: str, with_parts: bool) -> list[str]:
        seen, todo, out = {c}, [c], []
        while todo:
            x = todo.pop(0)
            out.append(x)
            nxt = self.is_a.get(x, []) + (self.part_of.get(x, []) if with_parts else [])
            for p in nxt:
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return out

    def _axis(self, c: str) -> str | None:
        anc = set(self._ancestors(c, with_parts=False))
        for axis, root in AXES.items():  # vertebra before site: more specific first
            if root in anc:
                return axis
        return None

    def _summary(self, c: str, own: dict[str, str | None]) -> str | None:
        for a in self._ancestors(c, with_parts=True):
            if own.get(a):
                return own[a]
        return None

    # -- lookups -----------------------------------------------------------
    def get(self, axis: str, key: str) -> Term:
        try:
            return self.by_axis[axis][key]
        except KeyError:
            raise KeyError(f"no {axis} term with key {key!r} in the ontology") from None

    def find(self, axis: str, key: str) -> Term | None:
        return self.by_axis[axis].get(key)

    def vertebrae(self) -> list[Term]:
        return sorted((t for t in self.by_axis["vertebra"].values() if t.order), key=lambda t: t.order or 0)

    def is_subclass(self, c: str, ancestor: str) -> bool:
        key = (c, ancestor)   # asked for the same few classes in every report: remembered
        hit = self._subclass.get(key)
        if hit is None:
            hit = self._subclass[key] = ancestor in self._ancestors(c, with_parts=False)
        return hit


@lru_cache(maxsize=4)
def load_terms(ontology_dir: str | None = None) -> Terms:
    base = Path(ontology_dir) if ontology_dir else package_ontology_dir()
    return Terms(base / ONTOLOGY_FILE)
