"""A fast validator for the core-SHACL subset that ontology/shapes.ttl uses.

pySHACL is the reference validator (`sarcokg validate --engine pyshacl`). This
engine compiles the shapes once into Python checks and validates one report's
triples in well under a millisecond, which is what ingest at hundreds of
reports per second and validation of 100,000 reports need. The tests run both
engines on the clean graphs and on every planted violation and require the
same results (focus node, path, constraint component, value, message).

Supported: sh:targetClass; property shapes with an IRI path or a
sh:oneOrMorePath / sh:zeroOrMorePath of one IRI; sh:minCount, sh:maxCount,
sh:datatype, sh:class, sh:in, sh:hasValue, sh:node, sh:pattern, sh:minLength,
sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive,
sh:lessThan, sh:nodeKind; node-level sh:or of property shapes. A shapes file
using anything else is refused, so the engine can never silently skip a rule.

The checks run on plain terms (turtle.py: an IRI is a str, a literal a Lit, a
blank node a BNode): pyoxigraph terms are converted once on the way in, a
report file is parsed straight into them (parse_index), and ingest, which
builds its graphs from plain terms, passes them straight in (validate_index).
Each value check runs once over the values of all focus nodes of a shape;
only when something fails does it run node by node, to say which node failed.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from sarcokg.model.namespaces import RDF, RDFS, SH, XSD
from sarcokg.model.turtle import BNode, Lit, group_plain, plain, plain_value

TYPE = RDF + "type"
SUBCLASS = RDFS + "subClassOf"
_EMPTY: list = []   # shared, never mutated
SUPPORTED = {SH + p for p in (
    "targetClass", "property", "path", "minCount", "maxCount", "datatype", "class", "in", "hasValue",
    "node", "pattern", "minLength", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive",
    "lessThan", "nodeKind", "or", "message", "oneOrMorePath", "zeroOrMorePath", "flags")} | {TYPE}
NUMERIC = {XSD + t for t in ("integer", "decimal", "nonNegativeInteger", "int", "long", "double", "float",
                             "positiveInteger")}
# components whose result for a value does not depend on the focus node or the other values
VALUE_CHECKS = {"Datatype", "Class", "In", "Node", "Pattern", "MinLength", "MinInclusive", "MaxInclusive",
                "MinExclusive", "MaxExclusive", "NodeKind"}
COUNTS = {"MinCount", "MaxCount"}
_INT_RE = re.compile(r"^[+-]?\d+$")
_DEC_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class UnsupportedShape(ValueError):
    pass


@dataclass(frozen=True, order=True)
class FastResult:
    focus: str
    path: str
    component: str
    value: str
    message: str


def _integer(v: str) -> bool:
    return _INT_RE.match(v) is not None


# lexical-form checks of the datatypes that have one; any other lexical form is taken as valid
_LEXICAL: dict[str, Callable[[str], bool]] = {
    XSD + "integer": _integer, XSD + "int": _integer, XSD + "long": _integer,
    XSD + "nonNegativeInteger": lambda v: _integer(v) and int(v) >= 0,
    XSD + "positiveInteger": lambda v: _integer(v) and int(v) > 0,
    XSD + "decimal": lambda v: _DEC_RE.match(v) is not None,
    XSD + "boolean": lambda v: v in ("true", "false", "1", "0"),
}


def _well_formed(v: str, dt: str) -> bool:
    """Is v a valid lexical form of the datatype dt (for the datatypes the shapes use)?"""
    ok = _LEXICAL.get(dt)
    return ok is None or ok(v)


def _number(term) -> Decimal | None:
    if type(term) is not Lit:
        return None
    try:
        return _NUMBERS[term]
    except KeyError:
        pass
    x = None
    if term[1] in NUMERIC and _well_formed(term[0], term[1]):
        try:
            x = Decimal(term[0])
        except InvalidOperation:
            pass
    if len(_NUMBERS) < _MEMO_SIZE:
        _NUMBERS[term] = x
    return x


_NUMBERS: dict = {}   # Lit -> its number or None: reports repeat offsets and confidences
_MEMO_SIZE = 100_000  # at most this many remembered


def plain_index(triples, grouped: dict | None = None) -> dict:
    """{subject: {predicate IRI: [objects]}} of plain terms, from pyoxigraph triples
    (or from their turtle.group() index)."""
    if grouped is None:
        return group_plain((plain(s), p.value, plain(o)) for s, p, o in triples)
    return {plain(s): {p: [plain(o) for o in objs] for p, objs in pos.items()} for s, pos in grouped.items()}


def parse_index(data: bytes) -> dict:
    """plain_index() of a Turtle document's triples, parsed and indexed in one
    pass: each triple's terms are read once and no pyoxigraph triple or tuple
    is kept (validating a report file is mostly this: 155 triples a report).
    A malformed document raises SyntaxError, as ox.parse does."""
    named, literal, blank, new = ox.NamedNode, ox.Literal, ox.BlankNode, tuple.__new__
    out: dict = {}
    for t in ox.parse(data, format=ox.RdfFormat.TURTLE):
        s, o = t.subject, t.object
        kind = type(s)   # plain(), inlined: this loop runs 15 million times at 100,000 reports
        if kind is named:
            s = s.value
        elif kind is blank:
            s = BNode("_:" + s.value)
        kind = type(o)
        if kind is named:
            o = o.value
        elif kind is literal:
            o = new(Lit, (o.value, o.datatype.value, o.language or ""))
        elif kind is blank:
            o = BNode("_:" + o.value)
        p = t.predicate.value
        m = out.get(s)   # model.turtle.index_add, inlined: one call fewer per triple of every report
        if m is None:
            out[s] = {p: [o]}
            continue
        vs = m.get(p)
        if vs is None:
            m[p] = [o]
        else:
            vs.append(o)
    return out


class Data:
    """One report's triples indexed for the checks (plain_index), plus the class hierarchy."""

    def __init__(self, index: dict, hierarchy: dict[str, set[str]], ancestors: Callable[[str], frozenset],
                 closures: dict | None = None):
        """closures: a memo of types() by a node's rdf:type objects, kept across reports (FastValidator's)."""
        self.out: dict = index
        self.hierarchy = hierarchy
        self.ancestors = ancestors
        self._types: dict = {}
        self._closures: dict = {} if closures is None else closures

    def values(self, node, path: tuple[str, str]) -> list:
        kind, pred = path
        if kind == "iri":
            m = self.out.get(node)
            return m.get(pred, _EMPTY) if m is not None else _EMPTY
        # one-or-more / zero-or-more path over one predicate, in data or hierarchy
        if pred == SUBCLASS and type(node) is str:
            anc = self.ancestors(node)
            if node not in self.out and self.out.keys().isdisjoint(anc):
                # no class on the way has triples in the report: the hierarchy alone
                # answers, and its closure is cached (the same nodes as the walk below)
                return [node, *(a for a in anc if a != node)] if kind == "zero" else list(anc)
        seen, todo, res = set(), [node], []
        if kind == "zero":
            res.append(node)
            seen.add(node)
        while todo:
            x = todo.pop()
            nxt = list(self.out.get(x, {}).get(pred, [])) if x in self.out else []
            if pred == SUBCLASS and type(x) is str:
                nxt += self.hierarchy.get(x, ())
            for y in nxt:
                if y not in seen:
                    seen.add(y)
                    res.append(y)
                    todo.append(y)
        return res

    def types(self, node) -> frozenset[str]:
        cached = self._types.get(node)
        if cached is not None:
            return cached
        m = self.out.get(node)
        objs = tuple(m.get(TYPE, _EMPTY)) if m is not None else ()
        # the closure depends on the type objects alone (and the hierarchy, fixed for the validator), and
        # report nodes have a few kinds: it is computed once for each tuple of them (bounded memo)
        out = self._closures.get(objs)
        if out is None:
            direct = {plain_value(t) for t in objs}
            found = set(direct)
            for t in direct:
                found |= self.ancestors(t)
            out = frozenset(found)
            if len(self._closures) < _MEMO_SIZE:
                self._closures[objs] = out
        self._types[node] = out
        return out


def _walk(h: dict[str, set[str]], cls: str) -> set[str]:
    seen, todo = set(), [cls]
    while todo:
        for p in h.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


Check = Callable[["Data", object, list], list]  # (data, focus, values) -> [(component, value)]


@dataclass
class PropertyShape:
    path: tuple[str, str]
    path_text: str
    message: str
    checks: list[tuple[str, Check]] = field(default_factory=list)
    empty_sensitive: bool = False   # a check that can fail with no value at all (set when built)
    # set when built: sh:minCount / sh:maxCount (None if absent), and the checks that
    # judge each value on its own, so they can run over many focus nodes' values at once
    min_count: int | None = None
    max_count: int | None = None
    value_checks: list[Check] = field(default_factory=list)
    batchable: bool = False     # an IRI path with only counts and value checks (all_pass)
    counts_only: bool = False   # an IRI path with only sh:minCount / sh:maxCount (passes)
    less_than: str | None = None   # an IRI path with only sh:lessThan: the other predicate (all_pass)


@dataclass
class NodeShape:
    iri: str
    target: str | None
    properties: list[PropertyShape] = field(default_factory=list)
    ors: list[list[PropertyShape]] = field(default_factory=list)
    message: str = ""


class Shapes:
    def __init__(self, path: Path):
        st = ox.Store()
        with open(path, "rb") as fh:
            st.load(fh, format=ox.RdfFormat.TURTLE)
        self.g: dict = defaultdict(lambda: defaultdict(list))
        for q in st:
            if q.predicate.value.startswith(SH) and q.predicate.value not in SUPPORTED:
                raise UnsupportedShape(f"{path}: {q.predicate.value} is not supported by the fast engine")
            self.g[q.subject][q.predicate.value].append(q.object)
        self.node_shapes: dict = {}
        self.targets: list[NodeShape] = []
        for s, props in list(self.g.items()):
            if SH + "targetClass" in props:
                for cls in props[SH + "targetClass"]:
                    ns = self.node_shape(s)
                    ns.target = cls.value
                    self.targets.append(ns)

    def one(self, s, p):
        v = self.g.get(s, {}).get(SH + p)
        return v[0] if v else None

    def rdf_list(self, head) -> list:
        out = []
        while head is not None and not (isinstance(head, ox.NamedNode) and head.value == RDF + "nil"):
            out.append(self.g[head][RDF + "first"][0])
            head = self.g[head][RDF + "rest"][0]
        return out

    def node_shape(self, s) -> NodeShape:
        key = s
        if key in self.node_shapes:
            return self.node_shapes[key]
        ns = NodeShape(iri=str(s), target=None)
        self.node_shapes[key] = ns
        msg = self.one(s, "message")
        ns.message = msg.value if msg is not None else ""
        for p in self.g[s].get(SH + "property", []):
            ns.properties.append(self.property_shape(p))
        for lst in self.g[s].get(SH + "or", []):
            ns.ors.append([self.property_shape(p) for p in self.rdf_list(lst)])
        return ns

    def _path(self, path) -> tuple[tuple[str, str], str]:
        if isinstance(path, ox.NamedNode):
            return ("iri", path.value), path.value
        inner, kind = self.one(path, "oneOrMorePath"), "one"
        if inner is None:
            inner, kind = self.one(path, "zeroOrMorePath"), "zero"
        if not isinstance(inner, ox.NamedNode):
            raise UnsupportedShape(f"path {path} is not supported by the fast engine")
        return (kind, inner.value), inner.value + ("+" if kind == "one" else "*")

    def _constraints(self) -> list[tuple[str, Callable[[list, dict], tuple[str, Check]]]]:
        """Each supported constraint component and how its check is built, in the
        order the checks run (and report)."""
        return [
            ("minCount", lambda v, c: ("MinCount", _min_count(int(v[0].value)))),
            ("maxCount", lambda v, c: ("MaxCount", _max_count(int(v[0].value)))),
            ("datatype", lambda v, c: ("Datatype", _datatype(v[0].value))),
            ("class", lambda v, c: ("Class", _class(v[0].value))),
            ("in", lambda v, c: ("In", _in({plain(x) for x in self.rdf_list(v[0])}))),
            ("hasValue", lambda v, c: ("HasValue", _has_value(plain(v[0])))),
            ("node", lambda v, c: ("Node", _node(self.node_shape(v[0])))),
            ("pattern", lambda v, c: ("Pattern", _pattern(v[0].value, c.get(SH + "flags")))),
            ("minLength", lambda v, c: ("MinLength", _min_length(int(v[0].value)))),
            *[(comp, _range_builder(comp)) for comp in _RANGES],
            ("lessThan", lambda v, c: ("LessThan", _less_than(v[0].value))),
            ("nodeKind", lambda v, c: ("NodeKind", _node_kind(v[0].value))),
        ]

    def property_shape(self, s) -> PropertyShape:
        p, text = self._path(self.one(s, "path"))
        msg = self.one(s, "message")
        ps = PropertyShape(p, text, msg.value if msg is not None else "")
        c = self.g[s]
        for key, build in self._constraints():
            if SH + key in c:
                ps.checks.append(build(c[SH + key], c))
        if SH + "minCount" in c:
            ps.min_count = int(c[SH + "minCount"][0].value)
        if SH + "maxCount" in c:
            ps.max_count = int(c[SH + "maxCount"][0].value)
        # only these can fail when the path has no value; the rest judge values
        ps.empty_sensitive = any(name in ("MinCount", "HasValue") for name, _ in ps.checks)
        # these look at one value at a time, whatever the focus node
        ps.value_checks = [check for name, check in ps.checks if name in VALUE_CHECKS]
        names = {name for name, _ in ps.checks}
        ps.batchable = p[0] == "iri" and names <= VALUE_CHECKS | COUNTS
        ps.counts_only = p[0] == "iri" and names <= COUNTS
        if p[0] == "iri" and names == {"LessThan"}:
            ps.less_than = c[SH + "lessThan"][0].value   # (the one _less_than() is built with)
        return ps


def property_results(ps: PropertyShape, d: Data, focus) -> list[tuple[str, object]]:
    if ps.path[0] == "iri":
        m = d.out.get(focus)
        vs = m.get(ps.path[1], _EMPTY) if m is not None else _EMPTY
    else:
        vs = d.values(focus, ps.path)
    if not vs and not ps.empty_sensitive:
        return []
    out = []
    for _, check in ps.checks:
        out.extend(check(d, focus, vs))
    return out


def passes(ps: PropertyShape, d: Data, focus) -> bool:
    """not property_results(ps, d, focus), quicker for a shape of counts only."""
    if ps.counts_only:
        m = d.out.get(focus)
        n = len(m.get(ps.path[1], _EMPTY)) if m is not None else 0
        return not ((ps.min_count is not None and n < ps.min_count)
                    or (ps.max_count is not None and n > ps.max_count))
    return not property_results(ps, d, focus)


def any_passes(alternatives: list[PropertyShape], d: Data, focus) -> bool:
    """Does the focus node pass one of the alternatives (of an sh:or)? passes(), inlined."""
    m = d.out.get(focus)
    for ps in alternatives:
        if ps.counts_only:
            n = len(m.get(ps.path[1], _EMPTY)) if m is not None else 0
            if (ps.min_count is None or n >= ps.min_count) and (ps.max_count is None or n <= ps.max_count):
                return True
        elif not property_results(ps, d, focus):
            return True
    return False


def conforms(ns: NodeShape, d: Data, focus) -> bool:
    if not all(passes(ps, d, focus) for ps in ns.properties):
        return False
    for alternatives in ns.ors:
        if not any_passes(alternatives, d, focus):
            return False
    return True


def all_pass(ps: PropertyShape, d: Data, focus_preds: list) -> bool:
    """True if no focus node breaks the shape, checked in bulk: the counts node by
    node, each value check once over all the nodes' values. False means "look
    node by node" (some node may break it, or the shape cannot be checked in bulk).
    focus_preds: each focus node's {predicate: [objects]} (or None)."""
    if not ps.batchable:
        return ps.less_than is not None and _all_less(ps.path[1], ps.less_than, focus_preds)
    pred, lo, hi = ps.path[1], ps.min_count, ps.max_count
    values: list = []
    for m in focus_preds:
        vs = m.get(pred, _EMPTY) if m is not None else _EMPTY
        n = len(vs)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            return False
        values += vs
    if values:
        # a value check judges each value on its own (VALUE_CHECKS), and only whether one fails is asked
        # here: each distinct value once gives the same answer (nodes repeat confidences, methods, targets)
        distinct = list(dict.fromkeys(values)) if len(values) > 1 else values
        for check in ps.value_checks:
            if check(d, None, distinct):
                return False
    return True


def _every_passes_one(alternatives: list[PropertyShape], d: Data, focuses: list, focus_preds: list) -> bool:
    """any_passes(alternatives, d, f) for every focus node f (focus_preds: their d.out.get(f)), each
    alternative's path and counts read once, not once a node (a missing sh:minCount is 0: counts are not
    negative)."""
    alts = [(ps, ps.counts_only, ps.path[1], 0 if ps.min_count is None else ps.min_count, ps.max_count)
            for ps in alternatives]
    for f, m in zip(focuses, focus_preds, strict=True):
        for ps, counts_only, pred, lo, hi in alts:
            if counts_only:
                n = len(m.get(pred, _EMPTY)) if m is not None else 0
                if n >= lo and (hi is None or n <= hi):
                    break
            elif not property_results(ps, d, f):
                break
        else:
            return False
    return True


def _or_failures(alternatives: list[PropertyShape], d: Data, focuses: list, focus_preds: list) -> list:
    """The focus nodes that pass none of the alternatives (of an sh:or), in order."""
    if _every_passes_one(alternatives, d, focuses, focus_preds):   # the usual case
        return []
    return [f for f in focuses if not any_passes(alternatives, d, f)]


def _all_less(pred: str, other: str, focus_preds: list) -> bool:
    """Does every focus node pass a shape whose one check is sh:lessThan other (_less_than's comparisons,
    node by node, without building results)? focus_preds as for all_pass."""
    for m in focus_preds:
        if m is None:
            continue
        ws = m.get(other, _EMPTY)
        for v in m.get(pred, _EMPTY):
            for w in ws:
                a, b = _number(v), _number(w)
                if a is None or b is None or not a < b:
                    return False
    return True


def _text(term) -> str:
    if term is None:
        return ""
    kind = type(term)
    if kind is Lit:
        return term[0]
    if kind is str or kind is BNode:
        return term   # an IRI, or "_:label"
    return "_:" + term.value


class FastValidator:
    def __init__(self, shapes_path: Path, hierarchy: dict[str, set[str]]):
        self.shapes = Shapes(shapes_path)
        self.hierarchy = hierarchy
        self._ancestor_cache: dict[str, frozenset] = {}
        self._closures: dict[tuple, frozenset] = {}   # Data.types() by a node's type objects, for all reports

    def _ancestors(self, cls: str) -> frozenset:
        if cls not in self._ancestor_cache:
            self._ancestor_cache[cls] = frozenset(_walk(self.hierarchy, cls))
        return self._ancestor_cache[cls]

    def validate(self, triples, grouped: dict | None = None) -> list[FastResult]:
        """Results for pyoxigraph triples (pass their turtle.group() index if already built)."""
        return self.validate_index(plain_index(triples, grouped))

    def validate_index(self, index: dict) -> list[FastResult]:
        """Results for a turtle.group_plain() index of plain terms."""
        d = Data(index, self.hierarchy, self._ancestors, self._closures)
        results = []
        by_type: dict = defaultdict(list)
        for s in d.out:
            for t in d.types(s):
                by_type[t].append(s)
        out = d.out
        for ns in self.shapes.targets:
            focuses = by_type.get(ns.target, [])
            if not focuses:
                continue
            # shape by shape over all its focus nodes: the checks run in tight loops
            focus_preds = [out.get(f) for f in focuses]
            for ps in ns.properties:
                if all_pass(ps, d, focus_preds):   # the usual case: nothing to report
                    continue
                direct = ps.path[0] == "iri"
                pred, checks, empty_ok = ps.path[1], ps.checks, not ps.empty_sensitive
                for f in focuses:
                    if direct:
                        m = out.get(f)
                        vs = m.get(pred, _EMPTY) if m is not None else _EMPTY
                    else:
                        vs = d.values(f, ps.path)
                    if not vs and empty_ok:
                        continue
                    for _, check in checks:
                        for comp, v in check(d, f, vs):
                            results.append(FastResult(_text(f), ps.path_text, comp, _text(v), ps.message))
            for alternatives in ns.ors:
                for f in _or_failures(alternatives, d, focuses, focus_preds):
                    results.append(FastResult(_text(f), "", "Or", _text(f), ns.message))
        return sorted(set(results))


@lru_cache(maxsize=2)
def hierarchy_of(ontology_path: str) -> dict[str, set[str]]:
    h: dict[str, set[str]] = defaultdict(set)
    with open(ontology_path, "rb") as fh:
        for t in ox.parse(fh, format=ox.RdfFormat.TURTLE):
            if t.predicate.value == SUBCLASS and isinstance(t.object, ox.NamedNode) \
                    and isinstance(t.subject, ox.NamedNode):
                h[t.subject.value].add(t.object.value)
    return dict(h)


@lru_cache(maxsize=2)
def fast_validator(shapes_path: str, ontology_path: str) -> FastValidator:
    return FastValidator(Path(shapes_path), hierarchy_of(ontology_path))


# The checks of one property shape's constraint components. A check takes the
# data, the focus node and the focus node's values on the path, and returns
# (component, offending value or None) for each failure.

def _min_count(n: int) -> Check:
    return lambda d, f, vs: [("MinCount", None)] if len(vs) < n else []


def _max_count(n: int) -> Check:
    return lambda d, f, vs: [("MaxCount", None)] if len(vs) > n else []


def _datatype(dt: str) -> Check:
    lexical = _LEXICAL.get(dt)
    if lexical is None:
        def datatype(d, f, vs):
            return [("Datatype", v) for v in vs if not (type(v) is Lit and v[1] == dt and not v[2])]
        return datatype
    # whether a lexical form is valid depends on it alone (the datatype is this check's): kept, bounded, across
    # reports, which repeat their offsets, counts and years
    valid: dict[str, bool] = {}

    def well_formed(v: str) -> bool:
        ok = valid.get(v)
        if ok is None:
            ok = bool(lexical(v))
            if len(valid) < _MEMO_SIZE:
                valid[v] = ok
        return ok

    def lexical_datatype(d, f, vs):
        # (a form known valid is answered by the memo, without a call; any other by well_formed())
        return [("Datatype", v) for v in vs
                if not (type(v) is Lit and v[1] == dt and not v[2] and (valid.get(v[0]) or well_formed(v[0])))]
    return lexical_datatype


def _class(cls: str) -> Check:
    return lambda d, f, vs: [("Class", v) for v in vs if type(v) is Lit or cls not in d.types(v)]


def _in(allowed: set) -> Check:
    return lambda d, f, vs: [("In", v) for v in vs if v not in allowed]


def _has_value(hv) -> Check:
    return lambda d, f, vs: [] if hv in vs else [("HasValue", None)]


def _node(target: NodeShape) -> Check:
    return lambda d, f, vs: [("Node", v) for v in vs if conforms(target, d, v) is False]


def _pattern(pattern: str, flags) -> Check:
    rx = re.compile(pattern, re.I if flags and "i" in flags[0].value else 0)
    return lambda d, f, vs: [("Pattern", v) for v in vs if type(v) is BNode or not rx.search(plain_value(v))]


def _min_length(n: int) -> Check:
    return lambda d, f, vs: [("MinLength", v) for v in vs if type(v) is BNode or len(plain_value(v)) < n]


_RANGES: dict[str, Callable[[object, object], bool]] = {
    "minInclusive": lambda x, b: x >= b, "maxInclusive": lambda x, b: x <= b,  # type: ignore[operator]
    "minExclusive": lambda x, b: x > b, "maxExclusive": lambda x, b: x < b,  # type: ignore[operator]
}


def _range_builder(comp: str) -> Callable[[list, dict], tuple[str, Check]]:
    name, op = comp[0].upper() + comp[1:], _RANGES[comp]

    def build(v: list, c: dict) -> tuple[str, Check]:
        bound = _number(plain(v[0]))

        def rng(d, f, vs):
            bad = []
            for value in vs:
                x = _number(value)
                if x is None or not op(x, bound):
                    bad.append((name, value))
            return bad
        return name, rng
    return build


def _less_than(other: str) -> Check:
    def less(d, f, vs):
        bad = []
        m = d.out.get(f)   # d.values(f, ("iri", other)), once for the node, inlined (an IRI path: its objects)
        others = m.get(other, _EMPTY) if m is not None else _EMPTY
        for v in vs:
            for w in others:
                a, b = _number(v), _number(w)
                if a is None or b is None or not a < b:
                    bad.append(("LessThan", v))
        return bad
    return less


def _node_kind(kind: str) -> Check:
    if kind != SH + "IRI":
        raise UnsupportedShape(f"sh:nodeKind {kind} is not supported by the fast engine")
    return lambda d, f, vs: [("NodeKind", v) for v in vs if type(v) is not str]
