"""Radiation dose and fractions in the many ways papers write them.

A sentence about radiotherapy is read into dose expressions, each a number
with its unit (Gy, cGy, rad: 1 rad = 1 cGy = 0.01 Gy) and its role:

- a total: '50 Gy', '5040 cGy', 'a total dose of 60 Gy', '45 Gy in 25 fractions';
- a dose per fraction: '2 Gy per fraction', '1.8 Gy/fx', '2 Gy daily',
  'fractions of 1.8 Gy', '25 x 2 Gy' (count first), '2 Gy x 25' (dose first);
- a boost: 'a 10 Gy boost', 'boost of 14 Gy', 'plus 10 Gy to the tumour bed'
  added to the first course (doses add up, and fractions when both are given);
- planned versus delivered: 'planned 60 Gy ... received 40 Gy' keeps the dose
  delivered ('received', 'delivered', 'completed', 'stopped/discontinued at').

Fractions: 'in 25 fractions', '25 fractions', '28 fx', '/25 fx', 'x 25',
'25 x'. With a per-fraction dose and a count but no total the total is their
product. A dose that is neither per fraction nor beside a count is a total.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .textprep import Keyed

_NUM = r"(\d+(?:[.,]\d+)?)"
# Gy, cGy, rad(s); for particles the biologically weighted GyE, CGE, Gy (RBE), Gy[RBE]
UNIT = r"(c\s?gy|centigr[ae]ys?|gye|gy|gr[ae]ys?|rads?|cge)"
_X = r"\s*[x\u00d7\*]\s*"
DOSE_RX = re.compile(r"(?<![\w.])" + _NUM + r"\s*" + UNIT + r"(?![a-z])(?:\s*[(\[]\s*rbe\s*[)\]]|-rbe)?", re.I)
PER_AFTER_RX = re.compile(r"^\s*(?:(?:/|per|a|each)\s*(?:fraction|fx|fr|session|day|dose)s?\b|daily\b|"
                          r"once\s+daily|\(?\s*fractions?\)?\s*$)", re.I)
PER_BEFORE_RX = re.compile(r"(?:fractions?|doses|sessions)\s+of\s+(?:\w+\s+)?$|\bdaily\s+(?:dose\s+of\s+)?$"
                           r"|\bper[\s-]fraction\s+(?:dose\s+)?(?:of\s+)?$|\bfraction(?:al)?\s+doses?\s+(?:of\s+)?$",
                           re.I)
# a count written next to the dose: '2 Gy x 25', '25 x 2 Gy'
COUNT_AFTER_RX = re.compile(r"^" + _X + r"(\d{1,2})\b(?!\s*(?:c?gy|mg|cm|mm|%))", re.I)
COUNT_BEFORE_RX = re.compile(r"\b(\d{1,2})" + _X + r"$", re.I)
_WORDN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
          "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-five": 25, "thirty": 30}
# a count of fractions: found by its noun (a literal the regex engine skips to), the count just before it
FX_NOUN_RX = Keyed(re.compile(r"(?:fractions|fx|fr|sessions|treatments)\b", re.I))
FX_COUNT_BEFORE_RX = re.compile(r"(?<![\w.])(\d{1,2}|" + "|".join(sorted(_WORDN, key=len, reverse=True)) + r")\s*"
                                r"(?:daily\s+|equal\s+|once[\s-]daily\s+|twice[\s-]daily\s+)?"
                                # '23 radiotherapy sessions'
                                r"(?:(?:radiotherapy|radiation(?:\s+therapy)?|irradiation|rt|proton|carbon[\s-]ion)\s+)?$",
                                re.I)
FX_LABEL_RX = re.compile(r"\bfractions?\s*[:=]\s*(\d{1,2})\b", re.I)
FX_SINGLE_RX = re.compile(r"\b(?:a\s+)?single[\s-]+(?:daily\s+)?(?:fraction|session|dose)\b", re.I)
SLASH_FX_RX = re.compile(r"^\s*/\s*(\d{1,2})\s*(?:(?:fractions?|fx|fr)\b|#)", re.I)   # '#' is fractions: '60 Gy/30#'
BOOST_NEAR_RX = re.compile(r"(?:\bboost\w*|\bplus|\badditional|\bfurther|\bsequential|\bfollowed\s+by)\s+"
                           r"(?:(?:of|with|a|an)\s+)*$"
                           r"|^\s*(?!(?:with|and|then|followed)\b)(?:\w+\s+){0,2}boost", re.I)
# a boost named by the total it brings the dose to: 'with a boost up to 55 Gy', 'boosted to 60 Gy'
BOOST_TO_RX = re.compile(r"\bboost(?:ed|ing)?\s+(?:up\s+)?to\s+(?:a\s+(?:total|cumulative)\s+(?:dose\s+)?of\s+)?$",
                         re.I)
# ('the treatment plan was 66 Gy in 33 fractions')
PLANNED_RX = re.compile(r"\b(?:planned|intended|prescribed|scheduled|plan\s+(?:was|of|called\s+for|included))\s+"
                        r"(?:\w+\s+){0,4}$", re.I)
DELIVERED_RX = re.compile(r"\b(?:received|delivered|completed|only|stopped|discontinued|terminated|halted|"
                          r"interrupted|ceased|abandoned)\b[^.;]{0,40}$", re.I)
# 'a dose of 70 Gy was planned': the plan named after the dose
PLANNED_AFTER_RX = re.compile(r"^[^.;,]{0,25}?\b(?:was|were|had\s+been|is)\s+(?:initially\s+|originally\s+)?"
                              r"(?:planned|prescribed|intended|scheduled)\b", re.I)


# plain alternations that a window must hold before the anchored patterns above are tried
_PER_HINT = re.compile(r"fraction|dose|session|daily|per")
_BOOST_HINT = re.compile(r"boost|plus|additional|further|sequential|followed")
_PLANNED_HINT = re.compile(r"plan|intended|prescribed|scheduled")
_DELIVERED_HINT = re.compile(r"received|delivered|completed|only|stopped|discontinued|terminated|halted|interrupted|"
                             r"ceased|abandoned")


@dataclass
class Dose:
    gy: float
    start: int
    end: int
    per_fraction: bool = False
    boost: bool = False
    planned: bool = False
    delivered: bool = False
    count: int | None = None         # a count written next to it: '2 Gy x 25'
    count_span: tuple[int, int] | None = None
    cumulative: bool = False          # a boost given as the total it reaches: 'a boost up to 55 Gy'


@dataclass
class RT:
    dose_gy: float | None = None
    fractions: int | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)   # offsets into the string read
    boost_only: bool = False          # the string names only a boost
    planned_only: bool = False        # every dose it names is a plan ('planned to 70 Gy')


def _gy(num: str, unit: str) -> float:
    v = float(num.replace(",", "."))
    u = unit.lower().replace(" ", "")
    return v / 100 if u in ("cgy", "rad", "rads") or u.startswith("centigr") else v   # CGE: cobalt gray equivalent


def doses(s: str, dose_matches: list | None = None) -> list[Dose]:
    out: list[Dose] = []
    for m in (dose_matches if dose_matches is not None else DOSE_RX.finditer(s)):
        num, unit = m.group(1), m.group(2)
        if "," in num and len(num.split(",")[1]) == 3:   # 5,040 cGy: a thousands separator
            num = num.replace(",", "")
        v = _gy(num, unit)
        if not 0 < v <= 150:
            continue
        before, after = s[max(0, m.start() - 40):m.start()], s[m.end():m.end() + 30]
        lb = before.lower()
        d = Dose(v, m.start(), m.end())
        if PER_AFTER_RX.match(after) or (_PER_HINT.search(lb) and PER_BEFORE_RX.search(before)):
            d.per_fraction = True
        ca = COUNT_AFTER_RX.match(after)
        cb = COUNT_BEFORE_RX.search(before)
        if ca:
            d.per_fraction, d.count = True, int(ca.group(1))
            d.count_span = (m.end() + ca.start(1), m.end() + ca.end(1))
        elif cb and not re.search(r"[\d.]\s*$", before[:cb.start()]):
            d.per_fraction, d.count = True, int(cb.group(1))
            k = len(before) - len(before[cb.start():])
            d.count_span = (m.start() - len(before) + k + (cb.start(1) - cb.start()),
                            m.start() - len(before) + k + (cb.end(1) - cb.start()))
        d.boost = bool((_BOOST_HINT.search(lb[-25:]) and BOOST_NEAR_RX.search(before[-25:]))
                       or ("boost" in after[:20].lower() and BOOST_NEAR_RX.match(after[:20])))
        if "boost" in lb[-30:] and BOOST_TO_RX.search(before[-30:]):
            d.boost = d.cumulative = True     # 'a boost up to 55 Gy': the total with the boost, not the boost
        d.planned = bool((_PLANNED_HINT.search(lb) and PLANNED_RX.search(before))
                         or (_PLANNED_HINT.search(after.lower()) and PLANNED_AFTER_RX.match(after)))
        d.delivered = not d.planned and bool(_DELIVERED_HINT.search(lb) and DELIVERED_RX.search(before))
        out.append(d)
    return out


def fraction_counts(s: str, dose_matches: list | None = None) -> list[tuple[int, int, int]]:
    out = []
    for m in FX_NOUN_RX.finditer(s):
        if m.start() > 0 and s[m.start() - 1].isalpha():
            continue
        a = max(0, m.start() - 30)
        c = FX_COUNT_BEFORE_RX.search(s, a, m.start())
        if c:
            v = c.group(1).lower()
            n = _WORDN[v] if v in _WORDN else int(v)
            if 1 <= n <= 60:
                out.append((n, c.start(), m.end()))
    low = s.lower()
    if "fraction" in low:
        for m in FX_LABEL_RX.finditer(s):
            n = int(m.group(1))
            if 1 <= n <= 60:
                out.append((n, m.start(), m.end()))
    if "single" in low:
        for m in FX_SINGLE_RX.finditer(s):
            out.append((1, m.start(), m.end()))
    for d in (dose_matches if dose_matches is not None else DOSE_RX.finditer(s)):
        sm = SLASH_FX_RX.match(s[d.end():d.end() + 15])
        if sm:
            n = int(sm.group(1))
            if 1 <= n <= 60 and not any(a <= d.end() + sm.start(1) < b for _, a, b in out):
                out.append((n, d.end() + sm.start(1), d.end() + sm.end()))
    return sorted(out, key=lambda x: x[1])


def _owner(ds: list[Dose], count: tuple[int, int, int]) -> Dose:
    """The dose a fraction count belongs to: the one it follows ('50 Gy in 25 fractions'), else the first."""
    before = [d for d in ds if d.start < count[1]]
    return before[-1] if before else ds[0]


def _with_boost(rt: RT, total: float | None, n: int | None, b_tot: float | None, b_n: int | None, has_main: bool,
                cumulative: bool) -> tuple[float | None, int | None]:
    """The first course's total and fractions with a boost's added (or, 'a boost up to 55 Gy', the boost's
    figure as the total, whose fractions are then not stated)."""
    if total is not None and b_tot is not None:
        if cumulative:
            return max(total, b_tot), None
        return round(total + b_tot, 2), (n + b_n if (n is not None and b_n is not None) else None)
    if total is None and not has_main:
        rt.boost_only = True
        return b_tot, b_n
    return total, n


def read(s: str) -> RT:
    """The total dose and fractions a string states (None where it does not)."""
    dm = list(DOSE_RX.finditer(s))
    ds = doses(s, dm)
    fx = fraction_counts(s, dm)
    rt = RT()
    if not ds and not fx:
        return rt
    # planned versus delivered: the delivered dose wins
    rt.planned_only = bool(ds) and all(d.planned for d in ds)
    if any(d.delivered for d in ds) and any(d.planned for d in ds):
        ds = [d for d in ds if not d.planned]
    main = [d for d in ds if not d.boost]
    boosts = [d for d in ds if d.boost]
    total: float | None = None
    n: int | None = None
    spans: list[tuple[int, int]] = []

    def course(group: list[Dose], counts: list[tuple[int, int, int]]) -> tuple[float | None, int | None]:
        tot = next((d for d in group if not d.per_fraction), None)
        per = next((d for d in group if d.per_fraction), None)
        cnt = None
        if per is not None and per.count:
            cnt = per.count
            if per.count_span is not None:
                spans.append(per.count_span)
        elif counts:
            cnt = counts[0][0]
            spans.append((counts[0][1], counts[0][2]))
        if tot is not None:
            spans.append((tot.start, tot.end))
            if per is not None:
                spans.append((per.start, per.end))   # no count inferred from total / per: not stated
            return tot.gy, cnt
        if per is not None:
            spans.append((per.start, per.end))
            return (round(per.gy * cnt, 2) if cnt else None), cnt
        return None, cnt

    if main:
        total, n = course(main, [c for c in fx if not _owner(ds, c).boost])
    if boosts:
        b_tot, b_n = course(boosts, [c for c in fx if _owner(ds, c).boost])
        total, n = _with_boost(rt, total, n, b_tot, b_n, bool(main), any(d.cumulative for d in boosts))
    if total is None and n is None and fx:
        n = fx[0][0]
        spans.append((fx[0][1], fx[0][2]))
    rt.dose_gy = total if total is None else (int(total) if float(total).is_integer() else total)
    rt.fractions = n
    rt.spans = sorted(set(sp for sp in spans if sp))
    return rt
