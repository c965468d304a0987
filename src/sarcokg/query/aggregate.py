"""Aggregate queries evaluated in two stages, so their rows can be kept per report.

A query marked `# sarcokg:per-report` that groups (`GROUP BY ?a ?b`, or
aggregates without GROUP BY) is split in two:

1. the solutions of its WHERE pattern (`SELECT * WHERE {...}`), which come
   from one report each, so they are computed and cached per report like the
   rows of any per-report query (rowcache), keeping the group keys and the
   aggregated variables only;
2. the aggregates over the solutions of all reports, computed here, then one
   small query over the groups (a VALUES block) that evaluates the projection
   with each aggregate replaced by its value, and applies the query's own ORDER
   BY, LIMIT and OFFSET, so every term comes out as Oxigraph writes it.

The aggregates follow SPARQL 1.1 as Oxigraph evaluates it: COUNT skips unbound
values; SUM, AVG, MIN and MAX of a group with an unbound value are unbound;
the sum and the average of nothing are 0; AVG is SUM / COUNT. Supported:
COUNT(*), COUNT, SUM, AVG (each with DISTINCT), MIN and MAX, over one variable
each; SUM, AVG, MIN and MAX over xsd:integer and xsd:decimal values only.
Anything else (GROUP_CONCAT, SAMPLE, HAVING, SELECT DISTINCT, FROM, GROUP BY
an expression, a tie between two forms of one number) is not planned or
raises Unsupported, and the query runs on the store as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import lru_cache

from sarcokg.model.namespaces import REPORT_BASE

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_.\-]*(?::[^\s(){}\[\],;]*)?|:[^\s(){}\[\],;]*)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<ws>\s+)
  | (?P<other>.)
''', re.X | re.S)
_AGGREGATES = {"COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE", "GROUP_CONCAT"}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBER = re.compile(r'(?:"([^"]*)"\^\^<' + re.escape(_XSD) + r'(integer|decimal)>)|([+-]?\d*\.\d+)|([+-]?\d+)')
_EXACT = Context(prec=80)
_LOCAL = "<" + REPORT_BASE   # a report node, in SPARQL TSV form


class Unsupported(Exception):
    """These solutions cannot be aggregated here (the store answers instead)."""


@dataclass(frozen=True)
class Aggregate:
    function: str            # COUNT, SUM, AVG, MIN, MAX
    distinct: bool
    var: str | None       # None for COUNT(*)


@dataclass(frozen=True)
class Plan:
    rows_query: str          # stage 1: the WHERE pattern's solutions
    keys: tuple[str, ...]    # group key variables, without '?'
    aggregates: tuple[Aggregate, ...]
    columns: tuple[str, ...]  # what stage 1 keeps: keys, then aggregated variables
    head: str                # stage 2: prologue and projection, aggregates replaced
    tail: str                # stage 2: the query's ORDER BY, LIMIT, OFFSET

    def add(self, totals: dict, rows, sign: int = 1) -> None:
        """Add (sign 1) or take away (sign -1) the solutions of whole reports
        (lists of SPARQL TSV cells, '' unbound) to or from `totals`, the
        aggregates' states by group key (JSON-ready). Every state can be taken
        away again, so a changed report's old solutions leave the totals
        exactly. A report's solutions must not be split between calls."""
        index = {c: i for i, c in enumerate(self.columns)}
        key_at = [index[k] for k in self.keys]
        at = [index[a.var] if a.var else None for a in self.aggregates]
        groups: dict[str, list] = {}
        for row in rows:
            groups.setdefault("\t".join(row[i] for i in key_at), []).append(row)
        for key, group in groups.items():
            state = totals.get(key)
            if state is None:
                state = totals[key] = [0, *(_empty(a) for a in self.aggregates)]
            state[0] += sign * len(group)
            for agg, i, st in zip(self.aggregates, at, state[1:], strict=True):
                if agg.function == "COUNT" and agg.distinct:
                    # report nodes: the distinct ones of these reports, counted; others by value
                    local = {r[i] for r in group if r[i].startswith(_LOCAL)}
                    st[0] += sign * len(local)
                    for r in group:
                        if r[i] and r[i] not in local:
                            _count(st[1], r[i], sign)
                else:
                    for r in group:
                        _add(agg, st, r[i] if i is not None else None, sign)
            if state[0] == 0:
                del totals[key]   # no solution left in the group

    def finish(self, totals: dict) -> str:
        """Stage 2's query text: the aggregates of every group in a VALUES block."""
        if not self.keys and not totals:
            # aggregates without GROUP BY give one row, even over nothing
            totals = {"": [0, *(_empty(a) for a in self.aggregates)]}
        lines = []
        for key in sorted(totals):
            cells = [c or "UNDEF" for c in key.split("\t")] if self.keys else []
            for agg, state in zip(self.aggregates, totals[key][1:], strict=True):
                cells.extend(_final(agg, state))
            lines.append("(" + " ".join(cells) + ")")
        values = [v for i, a in enumerate(self.aggregates)
                  for v in ((f"sarcokg_sum{i}", f"sarcokg_count{i}") if a.function == "AVG" else (f"sarcokg_agg{i}",))]
        head = " ".join("?" + v for v in (*self.keys, *values))
        return f"{self.head}\nWHERE {{ VALUES ({head}) {{\n" + "\n".join(lines) + f"\n}} }}\n{self.tail}"


@lru_cache(maxsize=1 << 16)
def _number(cell: str) -> tuple[Decimal, bool]:
    """(value, is decimal) of an xsd:integer or xsd:decimal cell (memoised: MIN and
    MAX read every value of every group on each run, and values repeat)."""
    m = _NUMBER.fullmatch(cell)
    if not m:
        raise Unsupported(f"not an xsd:integer or xsd:decimal: {cell}")
    lexical, datatype, short_decimal, short_integer = m.groups()
    if lexical is not None:
        return Decimal(lexical), datatype == "decimal"
    return Decimal(short_decimal or short_integer), short_decimal is not None


# States, one per aggregate and group, each a JSON-ready list that solutions
# can be added to and taken from (counts of values, not sets):
#   COUNT(*), COUNT(x)            [n]
#   COUNT(DISTINCT x)             [report nodes, {other value: solutions}]; the nodes of
#                                 one report are named in its file only (rowcache.confined),
#                                 so the distinct ones of disjoint reports add up
#   SUM, AVG                      [sum, count, unbound, decimals]
#   SUM/AVG DISTINCT, MIN, MAX    [{value: solutions}, unbound]
def _empty(agg: Aggregate) -> list:
    if agg.var is None or (agg.function == "COUNT" and not agg.distinct):
        return [0]
    if agg.function == "COUNT":
        return [0, {}]
    if agg.function in ("SUM", "AVG") and not agg.distinct:
        return ["0", 0, 0, 0]
    return [{}, 0]


def _count(counts: dict, value: str, sign: int) -> None:
    n = counts.get(value, 0) + sign
    if n:
        counts[value] = n
    else:
        del counts[value]


def _add(agg: Aggregate, state: list, value: str | None, sign: int) -> None:
    if agg.var is None:
        state[0] += sign
    elif agg.function == "COUNT":
        if value:
            state[0] += sign
    elif agg.function in ("SUM", "AVG") and not agg.distinct:
        if value:
            number, is_decimal = _number(value)
            state[0] = str(_EXACT.plus(Decimal(state[0]) + sign * number))
            state[1] += sign
            state[3] += sign * is_decimal
        else:
            state[2] += sign
    elif value:
        _number(value)   # numbers only
        _count(state[0], value, sign)
    else:
        state[1] += sign


def _final(agg: Aggregate, state: list) -> list[str]:
    """The VALUES cells of one aggregate from its state."""
    if agg.var is None or (agg.function == "COUNT" and not agg.distinct):
        return [str(state[0])]
    if agg.function == "COUNT":
        return [str(state[0] + len(state[1]))]
    undef = ["UNDEF", "UNDEF"] if agg.function == "AVG" else ["UNDEF"]
    if (state[2] if agg.function in ("SUM", "AVG") and not agg.distinct else state[1]):
        return undef          # an unbound value makes SUM, AVG, MIN and MAX unbound
    if agg.function in ("MIN", "MAX"):
        numbers = {c: _number(c)[0] for c in state[0]}
        if not numbers:
            return undef
        best = (min if agg.function == "MIN" else max)(numbers.values())
        forms = [c for c, n in numbers.items() if n == best]
        if len(forms) > 1:
            raise Unsupported("a tie between two forms of one number")   # the store keeps the first it meets
        return forms
    if agg.distinct:
        values = [_number(v) for v in state[0]]
        total = _EXACT.plus(sum((n for n, _ in values), Decimal(0)))
        count, is_decimal = len(values), any(d for _, d in values)
    else:
        total, count, is_decimal = Decimal(state[0]), state[1], state[3] > 0
    literal = f'"{format(total, "f")}"^^<{_XSD}{"decimal" if is_decimal else "integer"}>'
    return [literal] if agg.function == "SUM" else [literal, str(count)]


def _prologue_only(toks) -> bool:
    """Only PREFIX and BASE declarations before SELECT."""
    i = 0
    while i < len(toks):
        word = toks[i][1].upper()
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 2][0] == "iri":
            i += 3
        elif word == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            i += 2
        else:
            return False
    return True


def plan(text: str) -> Plan | None:
    """The two-stage plan of an aggregate query; None when the query does not
    aggregate (its rows are kept as they are) or when it is not supported."""
    # the last alternative takes any character: the matches cover the text
    toks = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]
    words = [v.upper() if k == "word" else v for k, v, _ in toks]
    if "SELECT" not in words or "sarcokg_" in text:   # not a SELECT, or our variable names are taken
        return None
    select = words.index("SELECT")
    try:
        end = _projection_end(toks, words, select)
        body_start = end + 1 if words[end] == "WHERE" else end
        close = _block_end(toks, words, body_start)
        keys, k = _modifiers(toks, words, close + 1)
        aggregates, projection = _projection(text, toks, words, select, end)
    except Unsupported:
        return None
    if not aggregates and not keys:
        return None       # not an aggregate query
    prologue = text[:toks[select][2]]
    where = text[toks[body_start][2]:toks[close][2] + 1]
    columns = tuple(dict.fromkeys([*keys, *(a.var for a in aggregates if a.var)]))
    return Plan(rows_query=f"{prologue}SELECT * WHERE {where}\n",
                keys=tuple(keys), aggregates=tuple(aggregates), columns=columns,
                head=f"{prologue}SELECT {projection}", tail=text[toks[k][2]:] if k < len(words) else "")


def _projection_end(toks: list, words: list[str], select: int) -> int:
    """The index of WHERE or the '{' that ends the projection; Unsupported for
    a prologue other than PREFIX and BASE, DISTINCT, REDUCED, FROM."""
    end = select + 1
    if not _prologue_only(toks[:select]) or words[end:end + 1] in (["DISTINCT"], ["REDUCED"]):
        raise Unsupported("a prologue, DISTINCT or REDUCED")
    while end < len(words) and words[end] not in ("WHERE", "{", "FROM"):
        end += 1
    body_start = end + 1 if words[end:end + 1] == ["WHERE"] else end
    if words[body_start:body_start + 1] != ["{"]:
        raise Unsupported("FROM, or no group pattern")
    return end


def _block_end(toks: list, words: list[str], start: int) -> int:
    """The index of the '}' closing the block that opens at `start`."""
    depth = 0
    for j in range(start, len(words)):
        if toks[j][0] == "open":
            depth += 1
        elif toks[j][0] == "close":
            depth -= 1
            if depth == 0:
                return j
    raise Unsupported("an unclosed block")


def _modifiers(toks: list, words: list[str], k: int) -> tuple[list[str], int]:
    """(GROUP BY variables, the index where ORDER BY, LIMIT, OFFSET start);
    Unsupported for HAVING, VALUES, GROUP BY an expression, an aggregate in ORDER BY."""
    keys = []
    if words[k:k + 2] == ["GROUP", "BY"]:
        k += 2
        while k < len(words) and toks[k][0] == "var":
            keys.append(toks[k][1][1:])
            k += 1
    if k < len(words) and words[k] not in ("ORDER", "LIMIT", "OFFSET") \
            or any(toks[m][0] == "word" and words[m] in _AGGREGATES for m in range(k, len(words))):
        raise Unsupported("HAVING, VALUES, GROUP BY an expression, an aggregate after the pattern")
    return keys, k


def _aggregate_at(toks: list, words: list[str], m: int) -> tuple[Aggregate, int]:
    """The aggregate call starting at token m and the index of its ')'; Unsupported: another call."""
    n = m + 2 + (words[m + 2] == "DISTINCT")
    star = words[n] == "*" and words[m] == "COUNT" and n == m + 2
    if words[m] in ("SAMPLE", "GROUP_CONCAT") or words[m + 1] != "(" or words[n + 1] != ")" \
            or not (star or toks[n][0] == "var"):
        raise Unsupported("an aggregate of another form")
    return Aggregate(words[m], n > m + 2, None if star else toks[n][1][1:]), n + 1


def _projection(text: str, toks: list, words: list[str], select: int, end: int) -> tuple[list[Aggregate], str]:
    """The aggregates of the projection, and the projection with each replaced
    by the variable(s) of its value."""
    aggregates: list[Aggregate] = []
    pieces: list[str] = []
    last, m = toks[select + 1][2], select + 1
    while m < end:
        if not (toks[m][0] == "word" and words[m] in _AGGREGATES):
            m += 1
            continue
        agg, close = _aggregate_at(toks, words, m)
        i = len(aggregates)
        aggregates.append(agg)
        pieces.append(text[last:toks[m][2]])
        if agg.function == "AVG":
            pieces.append(f"(IF(?sarcokg_count{i} = 0, 0, ?sarcokg_sum{i} / ?sarcokg_count{i}))")
        elif agg.function == "SUM":
            pieces.append(f"(?sarcokg_agg{i} + 0)")    # Oxigraph's own form of the number
        else:
            pieces.append(f"?sarcokg_agg{i}")
        last = toks[close][2] + 1
        m = close + 1
    pieces.append(text[last:toks[end][2]])
    return aggregates, "".join(pieces).strip()
