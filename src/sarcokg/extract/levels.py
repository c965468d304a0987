"""Vertebral levels as people write them.

'L2 vertebra', 'T3 and T4', 'T11-L2', 'C5\u2013C6', 'C6-7', 'from C6 to T1', 'L4/L5',
'the fifth cervical vertebra', 'from the sixth cervical to the second thoracic
vertebrae'. Ranges are expanded through the spine order of the ontology
(Terms.vertebrae()). Levels named only for a procedure (fusion C5-T3, L3
laminectomy), a dermatome, a nerve root or a neurological level, or old
history ('18 years ago') are left out.
"""
from __future__ import annotations

import re

from sarcokg.model.facts import LevelFact, Span
from sarcokg.model.terms import Terms

from .context import Zones, negated
from .textprep import DASH, Caseless, Keyed, Sentence, Words, ris_tag_at

_REGION = {"c": "C", "t": "T", "th": "T", "l": "L", "s": "S", "co": "Co", "d": "T"}   # D: dorsal = thoracic
# D1..D12 (dorsal) is a notation only in a sentence about the spine: D2 is also a receptor, a dimer, a day
_SPINE_HINT = re.compile(r"vertebr|spin|dorsal|thoracic|lumbar|cervical|myelo|paraplegi|laminect|corpect", re.I)
# (?:Co|Th|[CTLS]) spelled as alternatives that each start with a letter, so the
# regex engine can skip ahead to those letters instead of trying every position
LEVEL = r"(?:Co|Th|C|T|L|S|D)(?:\s?|-)\d{1,2}"
_LEVEL_RX = re.compile(r"(?P<a>" + LEVEL + r")(?:\s*(?:" + DASH + r"|/|\bto\b|\bthrough\b|\bthru\b)\s*"
                       r"(?P<b>" + LEVEL + r"|\d{1,2})(?![\d]))?(?![A-Za-z\d])")
ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
       "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
       "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10, "11th": 11, "12th": 12}
_ORD = "|".join(ORD)
_REG_WORD = {"cervical": "C", "thoracic": "T", "dorsal": "T", "lumbar": "L", "sacral": "S", "coccygeal": "Co"}
_RW = "cervical|thoracic|dorsal|lumbar|sacral|coccygeal"
_SPELLED_RX = Caseless(   # on the lowercased Sentence.low, without re.I's slow scan
    r"\b(?:the\s+)?(?P<o1>" + _ORD + r")\s+(?P<r1>" + _RW + r")(?:\s+vertebra\w*|\s+vertebral body)?"
    r"(?:\s*(?:to|through|" + DASH + r"|and)\s*(?:the\s+)?(?P<o2>" + _ORD + r")(?:\s+(?P<r2>" + _RW + r"))?)?"
    r"(?=\s+vertebra|\s+level|\s*$|\s*[,.;)])"
    r"|\b(?:the\s+)?(?P<p1>" + _ORD + r")(?:\s*,\s*(?P<p2>" + _ORD + r"))?\s*(?:,\s*)?(?P<pj>and|to|through|" + DASH
    + r")\s*(?:the\s+)?(?P<p3>" + _ORD + r")\s+(?P<pr>" + _RW + r")\s+(?:vertebra\w*|spine|vertebral\s+bod\w+|levels?)"
    # 'thoracic vertebrae 3 to 5', 'lumbar vertebra 2'
    r"|\b(?P<nr>" + _RW + r")\s+vertebra[e]?\s+(?P<n1>\d{1,2})"
    r"(?:\s*(?:" + DASH + r"|to|through|and)\s*(?P<n2>\d{1,2}))?\b")
_REGION_WORD_HINT = Keyed(re.compile(_RW))
_ORD_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
              "eleventh", "twelfth", "1st", "2nd", "3rd", "th cervical", "th thoracic", "th lumbar", "th dorsal")
# any(o in low for o in _ORD_WORDS) in one Aho-Corasick pass (19 scans of the whole text before)
_ORD_HINT = Words(re.compile("|".join(map(re.escape, _ORD_WORDS))))
_EXCL_AFTER = re.compile(
    # an MRI weighting, also misspelt or broken over a line: 'T2-weighed', 'T1-weigted', 'T2-weight- ed'
    r"^\s*(?:" + DASH + r"\s*)?(?:weig\w*|wi?s?\b|(?:and|or|/|,)\s*t[12]\s*(?:" + DASH + r"\s*)?(?:weig\w*|wi?\b|"
    r"(?:hyper|hypo|iso)[- ]?intens\w*|signal)"
    # a sequence's signal compared with the other's: 'low on T1 corresponding to high on T2'
    r"|corresponding\b"
    # the extent of an incision: 'a C6-T7 midline incision'
    r"|(?:[\w-]+\s+){0,3}?incisions?\b"
    # a TNM stage: 'T2/N0/M1', 'T2 N0 M0'
    r"|/?\s*n[0-3x]\b"
    # a sensory or motor level: 'stopped at T10 sensory recovery'; a root's territory: 'the S1 distribution'
    r"|(?:sensory|motor|distributions?|territor(?:y|ies))\b"
    # a myotome's muscle power, graded out of 5: 'L2-L3 is MRC 3/5', 'L5 4/5', 'L4 power 4+/5'
    r"|(?:(?:is|was|were|are)\s+)?(?:(?:mrc|power|strength)\b|[0-5][+-]?\s*/\s*5\b)"
    # the second of two disc spaces: 'the T11-12 and L2-3 disc levels'
    r"|(?:and|,|&)\s*(?:co|th|[ctlsd])[\s-]?\d{1,2}(?:\s*(?:" + DASH + r"|/)\s*(?:(?:co|th|[ctlsd])[\s-]?)?\d{1,2})?"
    r"\s+(?:intervertebral\s+)?dis[ck]"
    r"|levels?\s+(?:of\s+)?(?:sensory|motor|sensation|paraplegi\w*|an?a?esthesia|"
    r"hyp[oa]?esthesia|numbness|deficits?|weakness|injury|cord)\b|dermatom\w*|nerve|root|radicul\w*|dis[ck]\b|dis[ck]s\b|"
    r"intervertebral|segment\w*\s+(?:fusion|fixation)|exposure|osteotom\w*|wire\s+saw|"
    r"(?:\w+\s+){0,2}?(?:fusion|fixation|instrumentation|"
    r"stabili[sz]ation|(?:hemi)?laminectom\w*|laminoplast\w*|laminotom\w*|facetectom\w*|di[sc]kectom\w*|arthrodesis|screws?|rods?|"
    r"decompression|foraminotom\w*|pedicle screw\w*)"
    # an MRI sequence, not a vertebra: 'T1/T2 sagittal images', 'T2 hyperintense'
    r"|(?:sagittal|axial|coronal|images?|imaging|sequences?|signal|(?:hyper|hypo|iso)[- ]?intens\w*|stir\b|flair\b|"
    r"(?:hyper|hypo|hipo|iso)[- ]?s(?:ignal|inal)\w*)"
    # a condition of the spine at that level, not the tumour: 'C3/4 junctional kyphosis'
    r"|(?:(?:proximal\s+)?junctional\s+)?(?:kyphosis|scoliosis|spondylolisthesis|spondylosis|herniat\w*)"
    r"|kyphotic"
    # a segment of the liver (Couinaud), not a sacral vertebra: 'S1/S3/S4/S5 hepatectomy', 'S6 of the liver',
    # the first of a list of them: 'in the S4 and S7 regions of the liver'
    r"|(?:(?:(?:and|,|&|/)\s*s\d\s*)+)?(?:(?:partial\s+)?hepatectom\w*|segmentectom\w*|(?:hepatic|liver)\s+segments?\b|"
    r"(?:(?:segments?|regions?)\s+)?of\s+the\s+liver\b))",
    re.I)
_EXCL_BEFORE = Keyed(re.compile(
    r"(?:(?:fusion|fixation|instrumentation|stabili[sz]ation|reconstruction|screws?|rods?|cages?|plates?|fixed|fused|"
    r"arthrodesis|laminectom\w*|decompression|decompressed|osteotom\w*)\s+(?:\w+\s+){0,3}?"
    r"(?:from|at|of|to|between|in|into|on|across|spanning|over)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+(?:and|to|through)\s+(?:the\s+)?)?(?:\w+\s+)?"
    r"|(?:fusion|fixation|instrumentation|stabili[sz]ation|screws?|rods?|arthrodesis|laminectom\w*|decompression)"
    r"\s+(?:(?:of|at)\s+)?(?:levels?\s+)?"
    r"|(?:radiculopathy|dermatome|root|myelopathy|cord|(?:sensory|motor|neurolog\w*) level(?:\s+(?:at|of))?)\s*\(?\s*"
    r"|(?:weakness|numbness|pain|paraesthesias?|paresthesias?|hyp[oa]?esthesia|sensory loss|deficits?)"
    r"\s+(?:\w+\s+){0,2}?"
    r"(?:at|of|below|from|in)\s+(?:the\s+)?(?:level\s+of\s+)?"
    # (a compression fracture of T12 is the vertebra's own lesion, not a compression at its level)
    r"|(?:cord|canal|compression(?!\s+fractures?\b)|stenosis|myelopathy)\s+(?:[\w-]+\s+){0,2}?(?:at|of)\s+"
    r"(?:the\s+)?(?:level\s+of\s+)?"
    # an incidental benign lesion at that level: 'vertebral body hemangiomas within T10 and L3', 'a Schmorl node at L2'
    r"|(?:h(?:a)?emangiomas?|cysts?|schmorl\S*\s+nodes?|bone\s+islands?|enostos[ie]s|osteophytes?)"
    r"\s+(?:[\w-]+\s+){0,2}?(?:at|of|in|within|involving)\s+(?:the\s+)?(?:levels?\s+(?:of\s+)?)?"
    r"|(?:figure|fig\.?|table|supplementary|appendix)\s*"
    # 'liver segments S2 and S3', 'Couinaud segment S7'
    r"|(?:couinaud|hepatic|liver)\s+segments?\s+"
    # an MRI sequence named by its plane: 'the axial T1 (Fig. 1)', 'sagittal fat-suppressed T2'
    r"|(?:axial|sagittal|coronal)\s+(?:[\w-]+\s+)?"
    r"|(?:signal|(?:hyper|hypo|iso)[- ]?intens\w*|enhancement)\s+(?:on|in)\s+(?:the\s+|both\s+)?)$", re.I))
_EXCL_WORDS = ("weakness", "numbness", "pain", "paresthes", "paraesthes", "esthesia", "sensory loss", "deficit",
               "compression", "stenosis", "canal", "fusion", "fixation", "instrument", "stabili", "screw", "rod",
               "fixed", "fused", "arthrodesis", "osteotom", "cage", "plate", "reconstruction",
               "laminectom", "decompress", "radiculopathy", "dermatom", "root", "myelopathy", "cord", "level",
               "fig", "table", "supplement", "appendix", "signal", "intens", "enhancement", "emangioma", "cyst",
               "schmorl", "island", "enostos", "osteophyt", "axial", "sagittal", "coronal", "segment")
_NUMBERED_HINT = Keyed(re.compile(r"(?:" + _RW + r") vertebrae? \d"))
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|/\s*|" + DASH + r"\s*)$")
_HISTORY_AFTER = re.compile(r"^[^.;]{0,60}?\b\d+\s+years?\s+ago\b", re.I)


def _order(terms: Terms) -> tuple[list[str], dict[str, int]]:
    """The vertebrae in spine order, and each one's place (once per Terms)."""
    hit = _ORDERS.get(id(terms))
    if hit is None or hit[0] is not terms:
        vs = [t.key for t in terms.vertebrae()]
        hit = _ORDERS[id(terms)] = (terms, vs, {k: i for i, k in enumerate(vs)})
    return hit[1], hit[2]


_ORDERS: dict[int, tuple] = {}


_NORM_RX = re.compile(r"(?i)(co|th|[ctlsd])(?:\s?|-)(\d{1,2})$")


def _norm(tok: str) -> str | None:
    m = _NORM_RX.match(tok.strip())
    if not m:
        return None
    reg = _REGION[m.group(1).lower()]
    if m.group(1) in ("c", "t", "l", "s", "d"):   # lower-case single letters are not notations
        return None
    return f"{reg}{int(m.group(2))}"


def _expand(a: str, b: str | None, order: list[str], idx: dict[str, int]) -> list[str]:
    if a not in idx:
        return []
    if b is None:
        return [a]
    if b.isdigit():
        b = a.rstrip("0123456789") + b   # 'T11-12': the region letters of a
    if b not in idx:
        return [a]
    i, j = idx[a], idx[b]
    if j < i:
        i, j = j, i
    if j - i > 12:
        return [a, b]
    return order[i:j + 1]


_STAGE_OF_CANCER_AFTER_RX = re.compile(r"\s*(?:N\d|M\d|(?:[a-z-]+\s+){0,2}(?:adeno)?(?:carcinoma|cancer)s?\b)")


def _notation_groups(t: str, order: list[str], idx: dict[str, int]) -> list[tuple[int, int, list[str]]]:
    """The levels that sentence text t names in notation ('T11-12', 'L4'): (start, end, levels) each."""
    groups = []
    for m in _LEVEL_RX.finditer(t):
        if m.start() > 0 and t[m.start() - 1].isalnum():
            continue      # pT1, HCT116: part of a word
        if t[max(0, m.start() - 3):m.start()].upper() == "PD-":
            continue      # PD-L1: a protein's name (a level after another word's hyphen stays: 'clivus-C2')
        if m.group("b") is None and _STAGE_OF_CANCER_AFTER_RX.match(t, m.end()):
            continue      # 'T1 prostatic adenocarcinoma': a stage of another cancer
        if m.group("b") is None and ris_tag_at(t, m.start(), m.end()):
            continue      # 'T1  - A title' of a RIS record
        a = _norm(m.group("a"))
        if a is None:
            continue
        if m.group("a")[0] == "D" and not _SPINE_HINT.search(t):
            continue
        b = m.group("b")
        bn = None
        if b is not None:
            bn = b if b.isdigit() else _norm(b)
        groups.append((m.start(), m.end(), _expand(a, bn, order, idx)))
    return groups


def _spelled_groups(s: Sentence, order: list[str], idx: dict[str, int]) -> list[tuple[int, int, list[str]]]:
    """The levels that sentence s spells out ('the third lumbar vertebra', 'thoracic vertebrae 3 to 5'):
    (start, end, levels) each; 'and' lists the levels named, 'to' a range."""
    t = s.text
    groups = []
    for m in _SPELLED_RX.finditer(s.low):
        if m.group("pr"):
            r = _REG_WORD[m.group("pr")]
            ords = [ORD[m.group(g)] for g in ("p1", "p2", "p3") if m.group(g)]
            if m.group("pj") == "and" or m.group("p2"):
                lv = [x for x in (f"{r}{o}" for o in ords) if x in idx]
            else:
                lv = _expand(f"{r}{ords[0]}", f"{r}{ords[-1]}", order, idx)
            groups.append((m.start(), m.end(), lv))
            continue
        if m.group("nr"):
            r = _REG_WORD[m.group("nr")]
            a, b = f"{r}{int(m.group('n1'))}", (f"{r}{int(m.group('n2'))}" if m.group("n2") else None)
            and_ = re.search(r"\band\b", s.low[m.start():m.end()])
            lv = [x for x in (a, b) if x and x in idx] if and_ else _expand(a, b, order, idx)
            groups.append((m.start(), m.end(), lv))
            continue
        r1 = _REG_WORD[m.group("r1").lower()]
        a = f"{r1}{ORD[m.group('o1').lower()]}"
        b = None
        if m.group("o2"):
            r2 = _REG_WORD[m.group("r2").lower()] if m.group("r2") else r1
            b = f"{r2}{ORD[m.group('o2').lower()]}"
        if m.group("o2") and re.search(r"\band\b", t[m.start():m.end()]):
            lv = [x for x in (a, b) if x in idx]
        else:
            lv = _expand(a, b, order, idx)
        groups.append((m.start(), m.end(), lv))
    return groups


def _listed_before_excluded(t: str, groups: list[tuple[int, int, list[str]]]) -> set[int]:
    """The groups listed before one that what follows excludes ('along the L4, L5 and S1 distribution',
    'the C5, C6 and C7 nerve roots'): the whole list is the nerve roots'."""
    out: set[int] = set()
    for j in range(len(groups) - 1, 0, -1):
        if (j in out or _EXCL_AFTER.match(t[groups[j][1]:groups[j][1] + 40])) \
                and _LIST_GAP.match(t[groups[j - 1][1]:groups[j][0]]):
            out.add(j - 1)
    return out


def _add_levels(text: str, s: Sentence, groups: list[tuple[int, int, list[str]]],
                found: dict[str, LevelFact]) -> None:
    """The levels of sentence s's groups into found, but for those a procedure, a neurological
    level, an MRI sequence or a past history names, or a negation denies."""
    t = s.text
    listed = _listed_before_excluded(t, groups)
    prev_excl_end = None
    for i, (gs, ge, lv) in enumerate(groups):
        if not lv:
            continue
        win = s.low[max(0, gs - 50):gs]
        if i in listed or _EXCL_AFTER.match(t[ge:ge + 40]) or (any(w in win for w in _EXCL_WORDS) and
                                                _EXCL_BEFORE.search(t[max(0, gs - 50):gs])) or \
                (prev_excl_end is not None and _LIST_GAP.match(t[prev_excl_end:gs])):
            prev_excl_end = ge     # 'screws in T9, T10 and T12': the whole list is the procedure's
            continue
        prev_excl_end = None
        if " ago" in s.low[ge:ge + 70] and _HISTORY_AFTER.match(t[ge:]):
            continue
        start, end = s.start + gs, s.start + ge
        if negated(text, s, start, end):
            continue
        for v in lv:
            f = found.get(v)
            span = Span(start, end, text[start:end])
            if f is None:
                found[v] = LevelFact(v, spans=[span], confidence=0.85 if s.zone == "case" else 0.7)
            elif span not in f.spans:
                f.spans.append(span)


def extract_levels(text: str, terms: Terms, zones: Zones) -> list[LevelFact]:
    order, idx = _order(terms)
    found: dict[str, LevelFact] = {}
    notations = zones.hits(_LEVEL_RX, lower=False)
    spelled_hint = (_ORD_HINT.search(zones.low)
                    or ("vertebra" in zones.low and _NUMBERED_HINT.search(zones.low)))
    spelled = zones.hits(_REGION_WORD_HINT) if spelled_hint else {}
    for s in zones.sents:
        if not ((s.zone == "case" and not s.generic) or s.zone == "title"):
            continue
        if s.index not in notations and s.index not in spelled:
            continue
        groups = _notation_groups(s.text, order, idx) if s.index in notations else []
        if s.index in spelled:
            groups += _spelled_groups(s, order, idx)
        groups.sort(key=lambda g: g[0])
        _add_levels(text, s, groups, found)
    return [found[k] for k in order if k in found]
