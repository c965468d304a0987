"""A deterministic writer for Turtle, TriG and N-Triples.

Same triples in, same bytes out: fixed prefixes, subjects in a stable order
(by the rank the caller gives, then IRI), rdf:type first, then predicates and
objects sorted; blank nodes used once are written inline as [ ... ], others
get labels from a hash of their content, so no random identifiers reach a
file. No timestamps, no dependence on dict or set order.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox

from sarcokg.model.namespaces import PREFIXES, RDF, XSD

Triple = tuple  # (subject, predicate, object) of pyoxigraph terms (or of plain terms, below)

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?\d*\.\d+$")
TYPE = RDF + "type"
_XSD_INTEGER, _XSD_DECIMAL, _XSD_BOOLEAN = XSD + "integer", XSD + "decimal", XSD + "boolean"
_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


# -- plain terms ---------------------------------------------------------------
# Building a report graph from pyoxigraph terms costs a Rust object per term,
# and every .value / .datatype read makes a new Python string. Ingest builds,
# checks and writes each report from plain Python values instead: an IRI is a
# str, a literal a Lit, a blank node a BNode. They hash, compare and sort
# like the terms they stand for; plain() and to_ox() convert between the two.

XSD_STRING = XSD + "string"
LANG_STRING = RDF + "langString"


class BNode(str):
    """A blank node as plain text: its label with "_:" in front."""
    __slots__ = ()

    @property
    def label(self) -> str:
        return self[2:]


class Lit(tuple):
    """A literal as plain values: (lexical form, datatype IRI, language tag or "")."""
    __slots__ = ()

    def __new__(cls, value: str, datatype: str = XSD_STRING, language: str = ""):
        return tuple.__new__(cls, (value, LANG_STRING if language else datatype, language))

    value = property(lambda self: self[0])
    datatype = property(lambda self: self[1])
    language = property(lambda self: self[2])


def plain(term):
    """A pyoxigraph term as a plain term (a quoted triple stays as it is)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value
    if kind is ox.Literal:
        return tuple.__new__(Lit, (term.value, term.datatype.value, term.language or ""))
    if kind is ox.BlankNode:
        return BNode("_:" + term.value)
    return term


def to_ox(term):
    """A plain term as a pyoxigraph term."""
    kind = type(term)
    if kind is str:
        return ox.NamedNode(term)
    if kind is Lit:
        v, dt, lang = term
        return ox.Literal(v, language=lang) if lang else ox.Literal(v, datatype=ox.NamedNode(dt))
    if kind is BNode:
        return ox.BlankNode(term.label)
    return term


def ox_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Plain triples as pyoxigraph triples."""
    preds: dict[str, ox.NamedNode] = {}
    out = []
    for s, p, o in triples:
        pn = preds.get(p)
        if pn is None:
            pn = preds[p] = ox.NamedNode(p)
        out.append((to_ox(s), pn, to_ox(o)))
    return out


def plain_value(term) -> str:
    """What pyoxigraph's .value gives for the term: IRI, lexical form or blank-node label."""
    kind = type(term)
    return term if kind is str else term[0] if kind is Lit else term[2:] if kind is BNode else term.value


def group(triples: Iterable[Triple]) -> dict:
    """{subject: {predicate IRI: [objects]}}, in first-seen order: the index both the
    writer and the fast SHACL engine work from (built once per report)."""
    out: dict = {}
    for s, p, o in triples:
        m = out.get(s)
        if m is None:
            out[s] = {p.value: [o]}
            continue
        vs = m.get(p.value)
        if vs is None:
            m[p.value] = [o]
        else:
            vs.append(o)
    return out


def index_add(index: dict, s, p, o) -> None:
    """Put one plain triple into a {subject: {predicate: [objects]}} index."""
    m = index.get(s)
    if m is None:
        index[s] = {p: [o]}
        return
    vs = m.get(p)
    if vs is None:
        m[p] = [o]
    else:
        vs.append(o)


def group_plain(triples: Iterable[Triple]) -> dict:
    """group() for plain triples (predicates are already IRI strings)."""
    out: dict = {}
    for s, p, o in triples:
        index_add(out, s, p, o)
    return out


def decimal_lexical(x: float | int | Decimal) -> str:
    """Canonical-looking xsd:decimal text: 30 -> '30.0', 0.25 -> '0.25'."""
    return _decimal_text(str(x))


@lru_cache(maxsize=4096)   # reports repeat the same few numbers (confidences, doses, months)
def _decimal_text(text: str) -> str:
    s = format(Decimal(text).normalize(), "f")
    return s if "." in s else s + ".0"


def decimal(x: float | int | Decimal) -> ox.Literal:
    return ox.Literal(decimal_lexical(x), datatype=ox.NamedNode(XSD + "decimal"))


def integer(x: int) -> ox.Literal:
    return ox.Literal(str(int(x)), datatype=ox.NamedNode(XSD + "integer"))


def boolean(x: bool) -> ox.Literal:
    return ox.Literal("true" if x else "false", datatype=ox.NamedNode(XSD + "boolean"))


_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def escape(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    out = []
    for ch in text:
        if ch in _ESC:
            out.append(_ESC[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


# kept across writers (bounded): ':local' by the local part of an own-namespace IRI (Writer.iri)
_OWN_NAMES: dict[str, str] = {}
# by the prefixes other than the own (':') one: a subject's predicates -> (their written order, joined by NUL)
_ORDERS: dict[tuple, dict[tuple, tuple[list, str]]] = {}
# by the prefixes other than the own one: a typed literal (not a string) -> its text (Writer.plain_literal)
_TYPED: dict[tuple, dict[tuple, str]] = {}


class Writer:
    def __init__(self, prefixes: dict[str, str] | None = None, shared: dict[str, str] | None = None):
        """shared: a cache of abbreviated IRIs that writers with the same prefixes
        reuse, except for the default (':') namespace, which is each writer's own."""
        self.prefixes = dict(PREFIXES if prefixes is None else prefixes)
        # longest namespace first, so a nested namespace wins
        self._ns = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))
        self._own = self.prefixes.get("")
        self._iri: dict[str, str] = {}
        self._shared = shared if shared is not None and self._own else self._iri
        # an IRI of the own namespace (a report's nodes) is written ':local' when its local part is a
        # name and no namespace is tried before the own one (none extends it): its text then depends on
        # the local part alone, and is kept across writers in _OWN_NAMES (reports name their nodes alike)
        own = self._own or ""
        self._own_fast = bool(own) and next(p for p, ns in self._ns if ns.startswith(own)) == ""
        # the written order of a subject's predicates, kept across writers with the same other prefixes
        # (_plain_body); a predicate under the own namespace would be named by it, so such an order is
        # neither kept nor taken (_own_mark found in the predicates joined by NUL, which no IRI holds)
        others = tuple(kv for kv in self._ns if kv[0] != "")
        self._orders = _ORDERS.setdefault(others, {}) if len(_ORDERS) < 64 else {}
        self._typed = _TYPED.setdefault(others, {}) if len(_TYPED) < 64 else {}
        self._own_mark = "\x00" + own if own else ""

    # -- terms -------------------------------------------------------------
    def iri(self, value: str) -> str:
        own = self._own
        if own and value.startswith(own):
            if self._own_fast:
                known = _OWN_NAMES.get(value[len(own):])
                if known is not None:
                    return known
            cache = self._iri
        else:
            cache = self._shared
        cached = cache.get(value)
        if cached is not None:
            return cached
        out = f"<{value}>"
        for prefix, ns in self._ns:
            if value.startswith(ns) and _LOCAL.match(value[len(ns):]):
                out = f"{prefix}:{value[len(ns):]}"
                break
        if len(cache) < 100_000:
            cache[value] = out
        if out[:1] == ":" and self._own_fast and len(_OWN_NAMES) < 100_000:
            _OWN_NAMES[out[1:]] = out
        return out

    def literal(self, lit: ox.Literal) -> str:
        dt = lit.datatype.value if lit.datatype else XSD + "string"
        v = lit.value
        if lit.language:
            return f'"{escape(v)}"@{lit.language}'
        if dt == XSD + "integer" and _INT.match(v):
            return v
        if dt == XSD + "decimal" and _DEC.match(v):
            return v
        if dt == XSD + "boolean" and v in ("true", "false"):
            return v
        if dt == XSD + "string":
            return f'"{escape(v)}"'
        return f'"{escape(v)}"^^{self.iri(dt)}'

    def plain_literal(self, lit: Lit) -> str:
        """literal() for a plain Lit: the same text."""
        v, dt, lang = lit
        if lang:
            return f'"{escape(v)}"@{lang}'
        if dt == XSD_STRING:
            return f'"{escape(v)}"'
        # numbers and booleans recur in every report (offsets, confidences): their text is kept across
        # writers with the same other prefixes, as it depends on those alone, unless the datatype is in
        # the own namespace (then iri() may name it by the writer's own prefix)
        known = self._typed.get(lit)
        if known is not None:
            return known
        bare = bool((dt == _XSD_INTEGER and _INT.match(v)) or (dt == _XSD_DECIMAL and _DEC.match(v))
                    or (dt == _XSD_BOOLEAN and v in ("true", "false")))
        out = v if bare else f'"{escape(v)}"^^{self.iri(dt)}'
        own = self._own
        if len(self._typed) < 100_000 and not (own and dt.startswith(own)):
            self._typed[lit] = out
        return out

    # -- documents ---------------------------------------------------------
    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items())

    def body(self, triples: Iterable[Triple], rank: Callable[[str, list], int] | None = None,
             indent: str = "", grouped: dict | None = None) -> str:
        """Turtle statements for the triples (or their group() index), deterministic."""
        by_subject = group(triples) if grouped is None else grouped
        refs: dict = defaultdict(int)
        for pos in by_subject.values():
            for objs in pos.values():
                for o in objs:
                    if type(o) is ox.BlankNode:
                        refs[o] += 1
        labels = self._bnode_labels(by_subject) if refs or any(
            type(s) is ox.BlankNode for s in by_subject) else {}
        inline = {b for b, n in refs.items() if n == 1 and b in by_subject}

        iri, literal = self.iri, self.literal
        NamedNode, Literal = ox.NamedNode, ox.Literal

        def term(t, depth: int) -> str:
            kind = type(t)
            if kind is NamedNode:
                return iri(t.value)
            if kind is Literal:
                return literal(t)
            if t in inline:
                return "[ " + pred_list(t, depth + 1, inline_mode=True) + " ]"
            return f"_:{labels[t]}"

        def pred_list(subject, depth: int, inline_mode: bool = False) -> str:
            pos = by_subject[subject]
            names = {p: ("a" if p == TYPE else iri(p)) for p in pos}
            parts = []
            for p in sorted(pos, key=lambda p: (p != TYPE, names[p])):
                objs = [iri(o.value) if type(o) is NamedNode else literal(o) if type(o) is Literal
                        else term(o, depth) for o in pos[p]]
                parts.append(f"{names[p]} {', '.join(sorted(set(objs)) if len(objs) > 1 else objs)}")
            sep = " ; " if inline_mode else " ;\n" + indent + "    "
            return sep.join(parts)

        def subject_key(s):
            types = sorted(o.value for o in by_subject[s].get(TYPE, ()) if type(o) is NamedNode)
            r = rank(s.value if type(s) is NamedNode else "", types) if rank else 0
            name = s.value if type(s) is NamedNode else "~" + labels[s]
            return (r, name)

        out = []
        for s in sorted((s for s in by_subject if s not in inline), key=subject_key):
            head = self.iri(s.value) if isinstance(s, ox.NamedNode) else f"_:{labels[s]}"
            out.append(f"{indent}{head} {pred_list(s, 0)} .\n")
        return "\n".join(out)

    def plain_body(self, index: dict, rank: Callable[[str, list], int] | None = None,
                   indent: str = "") -> str:
        """body() for a group_plain() index of plain terms: the same bytes.

        Report graphs have no blank nodes, so this path leaves out the
        blank-node labelling and inlining; an index with blank nodes is
        converted and written by body()."""
        try:
            return self._plain_body(index, rank, indent)
        except _BlankNodeFound:
            triples = ox_triples((s, p, o) for s, pos in index.items() for p, objs in pos.items() for o in objs)
            return self.body(triples, rank, indent)

    def _plain_body(self, index: dict, rank, indent: str) -> str:
        iri, literal = self.iri, self.plain_literal
        # memos for this document: IRI or literal -> its text, and the predicates of a
        # subject (in the index's order) -> (predicate, its text) in written order;
        # subjects of one kind have the same predicates, so most lookups hit
        names: dict = {}
        orders: dict = {}
        typed = self._typed

        def text(o) -> str:
            kind = type(o)
            if kind is str:
                t = names.get(o)
                if t is None:
                    t = names[o] = iri(o)
                return t
            if kind is Lit:
                # (a typed literal an earlier writer wrote is in plain_literal()'s memo: read here, without the call)
                t = names[o] = typed.get(o) or literal(o)
                return t
            raise _BlankNodeFound

        kept, mark = self._orders, self._own_mark

        def order(preds: tuple) -> list:
            known = kept.get(preds)     # (order, predicates joined) written by an earlier document
            if known is not None and not (mark and mark in known[1]):
                out = orders[preds] = known[0]
                return out
            pn = [(p, "a" if p == TYPE else iri(p)) for p in preds]
            out = orders[preds] = sorted(pn, key=lambda x: (x[0] != TYPE, x[1]))
            joined = "\x00" + "\x00".join(preds)
            if not (mark and mark in joined) and len(kept) < 10_000:
                kept[preds] = (out, joined)
            return out

        def subject_key(s):
            if type(s) is not str:
                raise _BlankNodeFound
            ts = index[s].get(TYPE, ())
            if len(ts) == 1:   # the usual case, without the sort
                types = [ts[0]] if type(ts[0]) is str else []
            else:
                types = sorted(o for o in ts if type(o) is str)
            return (rank(s, types) if rank else 0, s)

        sep = " ;\n" + indent + "    "
        out = []
        for s in sorted(index, key=subject_key):
            pos = index[s]
            preds = tuple(pos)
            parts = []
            for p, pname in orders.get(preds) or order(preds):
                objs = pos[p]
                if len(objs) == 1:
                    o = objs[0]
                    kind = type(o)   # text(o) for a term met before, inlined
                    t = names.get(o) if kind is str or kind is Lit else None
                    parts.append(f"{pname} {t if t is not None else text(o)}")
                else:
                    parts.append(f"{pname} {', '.join(sorted({text(o) for o in objs}))}")
            out.append(f"{indent}{text(s)} {sep.join(parts)} .\n")
        return "\n".join(out)

    def _bnode_labels(self, by_subject: dict) -> dict:
        """Content-derived labels: stable across runs whatever the parser named them.

        A blank node's label hashes what it says (its outgoing triples, nested
        blank nodes by their own content) and where it is used (the subjects
        and predicates pointing at it), so two equal restrictions on two
        classes still get different, stable labels.
        """
        memo: dict = {}

        def content(b, stack=()) -> str:
            if b in memo:
                return memo[b]
            if b in stack:
                return "cycle"
            parts = []
            for p, objs in by_subject.get(b, {}).items():
                for o in objs:
                    ov = "[" + content(o, stack + (b,)) + "]" if isinstance(o, ox.BlankNode) else str(o)
                    parts.append(p + " " + ov)
            memo[b] = hashlib.sha1("\n".join(sorted(parts)).encode()).hexdigest()
            return memo[b]

        incoming: dict = defaultdict(list)
        for s, pos in by_subject.items():
            for p, objs in pos.items():
                for o in objs:
                    if isinstance(o, ox.BlankNode):
                        src = "[" + content(s) + "]" if isinstance(s, ox.BlankNode) else str(s)
                        incoming[o].append(src + " " + p)
        bnodes = {s for s in by_subject if isinstance(s, ox.BlankNode)} | set(incoming)
        digest = {b: hashlib.sha1((content(b) + "\n" + "\n".join(sorted(incoming[b]))).encode()).hexdigest()[:12]
                  for b in bnodes}
        labels: dict = {}
        used: dict[str, int] = defaultdict(int)
        for b in sorted(bnodes, key=lambda b: digest[b]):
            d = digest[b]
            used[d] += 1
            labels[b] = f"b{d}" if used[d] == 1 else f"b{d}x{used[d]}"
        return labels

    def document(self, triples: Iterable[Triple], comment: str = "",
                 rank: Callable[[str, list], int] | None = None, grouped: dict | None = None) -> str:
        return self._head(comment) + self.body(triples, rank, grouped=grouped)

    def plain_document(self, index: dict, comment: str = "",
                       rank: Callable[[str, list], int] | None = None) -> str:
        """document() for a group_plain() index of plain terms."""
        return self._head(comment) + self.plain_body(index, rank)

    def _head(self, comment: str) -> str:
        head = "".join(f"# {line}\n" for line in comment.splitlines()) if comment else ""
        return head + self.header() + "\n"


class _BlankNodeFound(Exception):
    """Raised inside plain_body() to hand an index with blank nodes to body()."""


def canonical_bnodes(triples: Iterable[Triple]) -> list[Triple]:
    """The same triples with blank nodes renamed by content (stable labels)."""
    triples = list(triples)
    labels = Writer()._bnode_labels(group(triples))
    if not labels:
        return triples

    def t(x):
        return ox.BlankNode(labels[x]) if isinstance(x, ox.BlankNode) else x

    return [(t(s), p, t(o)) for s, p, o in triples]


def ntriples(triples: Iterable[Triple]) -> list[str]:
    """Sorted N-Triples lines, blank nodes labelled by content."""
    return sorted(f"{s} {p} {o} .\n" for s, p, o in canonical_bnodes(triples))
