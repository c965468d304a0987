"""The tumour: histological type, grade, size."""
from __future__ import annotations

import re

from sarcokg.model.facts import Span, Value
from sarcokg.model.namespaces import SKO
from sarcokg.model.terms import Terms

from .context import Zones, negated
from .lexicon import Mention
from .textprep import DASH, Caseless

# Caseless: run on the lowercased Sentence.low, without re.I's slow scan
DIAG_RX = Caseless(r"\b(?:revealed?|confirm\w*|diagnos\w*|prov\w+ to be|consistent with|histolog\w*|patholog\w*|"
                     r"histopatholog\w*|showed|identified as|compatible with|suggested|diagnostic for)\b")
DIFFERENTIAL_RX = Caseless(r"\b(?:differential|mimick?\w*|misdiagnos\w*|initially|ruled out|rule out|"
                           r"initial\s+(?:[\w-]+\s+)?diagnos\w*)\b", keyed=True)
NOS = "SARCNOS"   # OncoTree Sarcoma, NOS
GROUPING = {SKO + "Sarcoma", SKO + "BoneTumour", SKO + "SoftTissueTumour", SKO + "Tumour"}

# the grading systems a grade is given in: 'FNCLCC grade 3', 'Trojani grade 2', 'French Federation grade 3'
_SYSTEM = (r"(?:FNCLCC|FNLCC|Trojani|Coindre|NCI|French(?:\s+Federation(?:\s+of\s+Cancer\s+Centers)?)?|"
           r"histologic(?:al)?|tumou?r|WHO|World\s+Health\s+Organi[sz]ation)")
GRADE_WORD_RX = re.compile(
    r"\b(high|intermediate|low)(?:\s*" + DASH + r"?\s*(?:to|or|/|" + DASH + r")\s*" + DASH
    + r"?\s*(?:high|intermediate|low))?\s*" + DASH + r"?\s*(?:histo(?:pathologic|logic)(?:al)?\s+)?grade\b"
    r"|\bgrade\s*(?:was\s+)?(high|intermediate|low)\b"
    r"|\b(poorly|well|moderately)\s*" + DASH + r"?\s*differentiated\b"
    r"|\b" + _SYSTEM + r"\s+grade\s*(?:of\s+)?(I{1,3}|[123])\b"
    r"|\bgrade\s*" + DASH + r"?\s*(I{1,3}|[123])\s*(?:/\s*(?:III|3)|\(\s*of\s+(?:III|3)\s*\))?\s+"
    # (a score in brackets between: 'grade 3 (FNCLCC score 6 of 8) malignant peripheral nerve sheath tumour')
    r"(?=(?:\([^()]{1,30}\)\s*)?(?:[\w-]+\s+){0,4}?\w*(?:sarcoma|oma|tumou?r|lesion)\b)"
    # 'a sarcoma of intermediate degree of differentiation' (a high degree of it is a low grade)
    r"|\b(high|intermediate|moderate|low)\s+degree\s+of\s+differentiation\b"
    # (and its stage before the grade: 'leiomyosarcoma pT2 - grade 1')
    r"|\b\w*(?:sarcoma|oma|tumou?r)\s*,?\s*(?:p?T[1-4][abc]?\s*[-,]?\s*)?\(?\s*(?:" + _SYSTEM
    + r"\s+)?grade\s*(I{1,3}|[123])\b(?!\s*/\s*[12]\b)",
    re.I)
_GRADE_OF_DEGREE = {"high": "low", "low": "high", "moderate": "intermediate", "intermediate": "intermediate"}
_COMPONENT_AFTER_RX = re.compile(r"\s*(?:[\w-]+\s+){0,2}?components?\b", re.I)
# the differentiation of cells, not a grade: 'well-differentiated smooth muscle cells'
_CELLS_AFTER_RX = re.compile(r"\s*(?:[\w-]+\s+){0,2}?cells\b", re.I)
# a definition of the kind of tumour, not this one: 'Chordoma is a low-grade malignant tumour ...'
_DEFINITION_RX = re.compile(r"\s*(?!(?:The|This|That|These|Our|Her|His|Its|It|A|An|Histolog|Patholog)\b)[A-Z][a-z]+"
                            r"(?:[\s-]+[a-z]+){0,3}\s+(?:is|are)\s+(?:an?|typically|usually|generally|considered)\b")
_LIPO_AFTER_RX = re.compile(r"\s*(?:[\w-]+\s+)?lipo", re.I)
NOT_TUMOUR_GRADE_RX = re.compile(r"^\s*\w*\s*(?:toxicit|neuropath|fever|dysplasia|inflammation|squamous|"
                                 r"intraepithelial|adverse|nausea|mucositis|anemia|neutropenia)", re.I)
_LIKE_AFTER_RX = re.compile(r"\s*" + DASH + r"?\s*like\b", re.I)
# an abbreviation that is also a gene's name, as a gene: 'EWS-FLI1', 'EWS/WT1', 'EWS rearrangement'
_GENE_AFTER_RX = re.compile(r"(?:\s*(?:-|/|::|\u2010|\u2013)\s*[A-Z][A-Z0-9]|\s+(?:gene|rearrange|translocat|"
                            r"fusion|transcript|RNA|mRNA|protein|break))")
_COMPONENT_BEFORE_RX = re.compile(r"\b(?:focus|foci|component|components|area|areas|portion|island|islands)\s+of\s+"
                                  r"(?:an?\s+)?$", re.I)
SIZE_RX = re.compile(r"(\d+(?:\.\d+)?)\s*(cm|mm)?(?:\s*[x\u00d7*]\s*(\d+(?:\.\d+)?)\s*(cm|mm)?)?"
                     r"(?:\s*[x\u00d7*]\s*(\d+(?:\.\d+)?)\s*(cm|mm)?)?", re.I)
SIZE_CUE_RX = re.compile(r"\b(?:mass|tumou?r|lesion|measur\w*|diameter|sized?|nodule)\b", re.I)


def is_generic(terms: Terms, key: str) -> bool:
    t = terms.find("tumour", key)
    if t is None:
        return True
    return t.iri in GROUPING or t.label.endswith(", NOS") or t.key in ("BONE", "SOFT_TISSUE")


def _narrower(terms: Terms, a, b) -> bool:
    """a is a kind of b: by the ontology, or by its name ('Uterine Leiomyosarcoma' < 'Leiomyosarcoma')."""
    if terms.is_subclass(a.iri, b.iri):
        return True
    la, lb = a.label.lower(), b.label.lower()
    return len(la) > len(lb) and re.search(r"\b" + re.escape(lb) + r"\b", la) is not None


def _says(seen: dict[int, bool], s, rx) -> bool:
    """Does sentence s match rx (looked for once a sentence)?"""
    hit = seen.get(s.index)
    if hit is None:
        hit = seen[s.index] = rx.search(s.low) is not None
    return hit


def extract_types(text: str, terms: Terms, zones: Zones, mentions: list[Mention]) -> list[Value]:
    """Candidate types, best first: diagnosis sentences > introduction > title > frequency."""
    scores: dict[str, list] = {}
    differential: dict[int, bool] = {}   # by sentence: many mentions share one
    diagnosis: dict[int, bool] = {}
    for m in mentions:
        if m.axis != "tumour":
            continue
        s = zones.usable(m.start)
        if s is None:
            continue
        if negated(text, s, m.start, m.end) or _says(differential, s, DIFFERENTIAL_RX):
            continue
        if _LIKE_AFTER_RX.match(text, m.end) or (m.source == "abbreviation" and _GENE_AFTER_RX.match(text, m.end)):
            continue      # 'osteosarcoma-like features': a resemblance; 'EWS-FLI1': a gene
        sc = scores.setdefault(m.key, [0, 0, 0, 0, -m.start, []])
        if s.zone == "title":
            sc[2] += 1
        else:
            if _says(diagnosis, s, DIAG_RX):
                sc[0] += 1
            if zones.intro is not None and s is zones.intro:
                sc[1] += 1
            sc[3] += 1
        sc[5].append(m)
    if not scores:
        return _named_elsewhere(text, terms, zones, mentions)

    # a benign lesion (ICD-O behaviour /0) the case also has, or first took the tumour for, ranks behind
    # a sarcoma it names ('Maffucci syndrome with haemangiomas ... a chondrosarcoma of C2'), unless the
    # title names the lesion or the text calls it malignant ('a malignant solitary fibrous tumour')
    finals = _finals(zones, scores, diagnosis) if len(scores) > 1 else set()
    sarcoma_named = any(terms.is_subclass(terms.get("tumour", k).iri, SKO + "Sarcoma") for k in scores)

    def rank(k: str):
        sc = scores[k]
        behind = sarcoma_named and terms.get("tumour", k).benign and sc[2] == 0 and \
            not any(text[max(0, m.start - 10):m.start].lower() == "malignant " for m in sc[5])
        return (not is_generic(terms, k), not behind, k in finals, sc[0] > 0, sc[1] > 0, sc[2] > 0,
                sc[0] + sc[1] + sc[2] + sc[3], sc[4])

    order = sorted(scores, key=rank, reverse=True)
    best = order[0]
    # prefer a more specific type of the same family that the case also names
    bt = terms.get("tumour", best)
    for k in order[1:]:
        t = terms.get("tumour", k)
        if _narrower(terms, t, bt) and not is_generic(terms, k):
            best = k
            bt = t
    order.remove(best)
    order.insert(0, best)
    out = []
    for i, k in enumerate(order):
        if i > 0 and is_generic(terms, k):
            continue
        ms = scores[k][5]
        conf = 0.9 if i == 0 else 0.5
        out.append(Value(k, spans=[Span(m.start, m.end, text[m.start:m.end]) for m in ms[:3]], confidence=conf))
    return _unspecified(terms, _kind_named_elsewhere(text, terms, zones, mentions, out))


def _finals(zones: Zones, scores: dict[str, list], diagnosis: dict[int, bool]) -> set[str]:
    """The types named as the final diagnosis: each beats the one the case first took the tumour for
    ('diagnosed with leiomyoma ... The final diagnosis was endometrial stromal sarcoma')."""
    final: dict[int, bool] = {}
    out = set()
    for k, sc in scores.items():
        for m in sc[5]:
            s = zones.usable(m.start)
            if s is not None and diagnosis.get(s.index) and _says(final, s, _FINAL_DIAGNOSIS_RX):
                out.add(k)
    return out


def _kind_named_elsewhere(text: str, terms: Terms, zones: Zones, mentions: list[Mention],
                          out: list[Value]) -> list[Value]:
    """The case says only 'sarcoma' ('a cervical spine sarcoma'): a kind of sarcoma the page names
    elsewhere ('... diagnosed as extraskeletal Ewing sarcoma' in its abstract) is the better guess;
    not a benign look-alike named in the discussion."""
    if not out or not is_generic(terms, out[0].value):
        return out
    named = _named_elsewhere(text, terms, zones, mentions)
    if named and not is_generic(terms, named[0].value) and \
            terms.is_subclass(terms.get("tumour", named[0].value).iri, SKO + "Sarcoma"):
        return named + out
    return out


def _unspecified(terms: Terms, types: list[Value]) -> list[Value]:
    """A case that names no kind of sarcoma has the OncoTree type 'Sarcoma, NOS', not the
    grouping class (which has no code)."""
    if types and types[0].value == "sarcoma" and terms.find("tumour", NOS) is not None:
        first = types[0]
        types[0] = Value(NOS, spans=first.spans, confidence=min(first.confidence, 0.6))
    return types


_GRADE_OF_WORD = {"poorly": "high", "moderately": "intermediate", "well": "low", "i": "low", "1": "low",
                  "ii": "intermediate", "2": "intermediate", "iii": "high", "3": "high"}


def _grade_of(m: re.Match, sentence: str) -> str | None:
    """The grade a GRADE_WORD_RX match states, None when it states none."""
    w = next(g for g in m.groups() if g).lower()
    if "degree" in m.group(0).lower():
        return _GRADE_OF_DEGREE[w]
    if w == "well" and _LIPO_AFTER_RX.match(sentence, m.end()):
        return None   # well-differentiated liposarcoma is a subtype, not a grade
    return _GRADE_OF_WORD.get(w, w)


def extract_grade(text: str, zones: Zones, mentions: list[Mention]) -> Value | None:
    """The first grade the case states for the tumour; a biopsy's grade gives way to a later one
    (the operation's specimen: 'biopsy: grade I' ... 'histopathologic diagnosis: grade II')."""
    first = None
    for s, v in _grades(text, zones, mentions):
        if first is None and "biops" not in s.low:
            return v
        if first is not None and "biops" not in s.low and _FINAL_PATHOLOGY_RX.search(s.low):
            return v
        first = first or v
    return first


_FINAL_DIAGNOSIS_RX = re.compile(r"\b(?:final|definitive|definite|revised|corrected)\s+(?:histopathological\s+|"
                                 r"histological\s+|pathological\s+)?diagnosis\b")
_FINAL_PATHOLOGY_RX = re.compile(r"histolog|patholog|specimen|final diagnosis|definitive diagnosis")


# a grade in numbers beside the name of the type, however the type is written: 'SFT/HPC grade 3',
# 'grade II monophasic RSS' (tried where GRADE_WORD_RX finds none in the sentence)
_GRADE_NUM_RX = re.compile(r"\bgrade\s*" + DASH + r"?\s*(I{1,3}|[123])\b(?!\s*/\s*[12]\b)", re.I)
_WORDS_BETWEEN_RX = re.compile(r"^[\s,]*(?:[\w-]+\s+){0,2}?$")
_AFTER_TYPE_RX = re.compile(r"^\s*(?:/\s*[\w-]+\s*)?,?\s*$")   # 'SFT grade 3', 'SFT/HPC grade 3'


def _beside_type(s, m: re.Match, tumour_spans: list[tuple[int, int]]) -> bool:
    """Is the grade m of sentence s written just after a type's name, or up to two words before one?"""
    a, b = s.start + m.start(), s.start + m.end()
    return any((0 <= a - e <= 12 and _AFTER_TYPE_RX.match(s.text[e - s.start:m.start()]))
               or (0 <= ts - b <= 30 and _WORDS_BETWEEN_RX.match(s.text[m.end():ts - s.start]))
               for ts, e in tumour_spans)


def _grades(text: str, zones: Zones, mentions: list[Mention]):
    """The grades the case's sentences state for the tumour, in text order: (sentence, value)."""
    tumour_pos = [m.start for m in mentions if m.axis == "tumour"]
    for s in zones.sents:
        if not ((s.zone == "case" and not s.generic) or s.zone == "title"):
            continue
        if "grade" not in s.low and "differentiat" not in s.low:
            continue
        for m in GRADE_WORD_RX.finditer(s.text):
            if NOT_TUMOUR_GRADE_RX.match(s.text[m.end():m.end() + 30]):
                continue
            if _COMPONENT_BEFORE_RX.search(s.text[max(0, m.start() - 30):m.start()]):
                continue      # 'a focus of low-grade chondrosarcoma': a component's grade, not the tumour's
            has_tumour = any(s.start <= p < s.end for p in tumour_pos) or re.search(
                r"\b(?:sarcoma|tumou?r|neoplasm|malignancy|lesion)\b", s.text, re.I)
            if not has_tumour:
                continue
            if _COMPONENT_AFTER_RX.match(s.text, m.end()) or _CELLS_AFTER_RX.match(s.text, m.end()):
                continue      # 'a low-grade chondrosarcoma component': a part's grade; cells' differentiation
            if _DEFINITION_RX.match(s.text):
                continue      # 'Chordoma is a low-grade malignant tumour': what the kind is, not this one
            grade = _grade_of(m, s.text)
            if grade is None:
                continue
            a, b = s.start + m.start(), s.start + m.end()
            yield s, Value(grade, spans=[Span(a, b, text[a:b])], confidence=0.85)
            break
        else:
            spans = [(m.start, m.end) for m in mentions if m.axis == "tumour" and s.start <= m.start < s.end]
            for m in _GRADE_NUM_RX.finditer(s.text) if spans and not _DEFINITION_RX.match(s.text) else ():
                if NOT_TUMOUR_GRADE_RX.match(s.text[m.end():m.end() + 30]) or \
                        _COMPONENT_BEFORE_RX.search(s.text[max(0, m.start() - 30):m.start()]) or \
                        _COMPONENT_AFTER_RX.match(s.text, m.end()):
                    continue      # a side effect's grade; a component's ('a focus of grade 3 ...')
                if _beside_type(s, m, spans) and (grade := _GRADE_OF_WORD.get(m.group(1).lower())):
                    a, b = s.start + m.start(), s.start + m.end()
                    yield s, Value(grade, spans=[Span(a, b, text[a:b])], confidence=0.85)
                    break


def extract_size(text: str, zones: Zones, mentions: list[Mention]) -> Value | None:
    tumour_pos = [m.start for m in mentions if m.axis == "tumour"]
    for s in zones.sents:
        if s.zone != "case" or s.generic or not ("cm" in s.low or "mm" in s.low):
            continue
        if not SIZE_CUE_RX.search(s.text) and not any(s.start <= p < s.end for p in tumour_pos):
            continue
        for m in SIZE_RX.finditer(s.text):
            nums = [m.group(i) for i in (1, 3, 5)]
            units = [m.group(i) for i in (2, 4, 6)]
            unit = next((u for u in reversed(units) if u), None)
            if unit is None:
                continue
            vals = [float(n) for n in nums if n]
            cm = max(vals) / (10 if unit.lower() == "mm" else 1)
            if cm <= 0 or cm > 100:
                continue
            a, b = s.start + m.start(), s.start + m.end()
            return Value(round(cm, 2), spans=[Span(a, b, text[a:b])], confidence=0.7)
    return None


_REFERENCES_RX = re.compile(r"\W*(?:references|bibliography)\b")


def _named_elsewhere(text: str, terms: Terms, zones: Zones, mentions: list[Mention]) -> list[Value]:
    """The type when no sentence of the case names one: a page whose case part
    was not recognised as such (an abstract without headings, a page cut
    before the case) still names its tumour in its other parts. The specific
    type named most often outside the references, not negated or in a
    differential, ahead of the earliest; the confidence says it is a guess."""
    counts: dict[str, list] = {}
    refs = next((s.start for s in zones.sents if s.heading == "boiler" and _REFERENCES_RX.match(s.low)), len(text))
    for m in mentions:
        if m.axis != "tumour" or m.start >= refs or is_generic(terms, m.key) or \
                (m.source == "abbreviation" and _GENE_AFTER_RX.match(text, m.end)):
            continue
        s = zones.at(m.start)
        if s is None or s.zone == "boiler" or negated(text, s, m.start, m.end) or DIFFERENTIAL_RX.search(s.low):
            continue
        counts.setdefault(m.key, []).append(m)
    if not counts:
        return _by_fusion(text, terms, zones, refs) or _unspecified(terms, _sarcoma_named(text, terms, zones,
                                                                                         mentions, refs))
    key = max(counts, key=lambda k: (len(counts[k]), -counts[k][0].start))
    ms = counts[key]
    return [Value(key, spans=[Span(m.start, m.end, text[m.start:m.end]) for m in ms[:3]], confidence=0.5)]


# a gene pair as papers write a fusion: 'SS18-SSX', 'SYT/SSX1', 'EWSR1::FLI1', 'PAX3-FKHR'
_FUSION_RX = re.compile(r"\b([A-Z][A-Z0-9]{1,7})\s*(?:-|/|::|\u2013|\u2010)\s*([A-Z][A-Z0-9]{1,7})\b")
# previous HGNC symbols still written for fusion partners
_GENE_ALIASES = {"SYT": "SS18", "EWS": "EWSR1", "FKHR": "FOXO1", "ASPL": "ASPSCR1", "CHOP": "DDIT3", "TLS": "FUS",
                 "TEC": "NR4A3", "CHN": "NR4A3", "TAZ": "WWTR1"}


def _by_fusion(text: str, terms: Terms, zones: Zones, refs: int) -> list[Value]:
    """A page that names its tumour only by an abbreviation may still name the gene fusion that
    defines the type ('SYT-SSX fusion' is synovial sarcoma): the ontology's sko:definingFusion."""
    if "-" not in text and "/" not in text and "::" not in text:
        return []
    table: dict[tuple[str, str], str] = {}
    for t in terms.by_axis["tumour"].values():
        for f in t.fusions:
            a, b = f.split("-")
            table[(a, b)] = t.key
    for m in _FUSION_RX.finditer(text, 0, refs):
        a, b = (_GENE_ALIASES.get(g, g) for g in m.groups())
        key = next((k for (x, y), k in table.items() if x == a and (y == b or (y.startswith(b) and
                                                                              y[len(b):].isdigit()))), None)
        s = zones.at(m.start())
        if key is None or s is None or s.zone == "boiler" or negated(text, s, m.start(), m.end()):
            continue
        return [Value(key, spans=[Span(m.start(), m.end(), m.group(0))], confidence=0.5)]
    return []


def _sarcoma_named(text: str, terms: Terms, zones: Zones, mentions: list[Mention], refs: int) -> list[Value]:
    """The last resort: the page says 'sarcoma' (a kind of it named nowhere)."""
    found = [(m.start, m.end) for m in mentions if m.axis == "tumour" and m.key == "sarcoma" and m.start < refs]
    if not found and "sarcoma" in zones.low:
        # a kind of sarcoma the ontology has no name for ('a fibromyxosarcoma'): a sarcoma (not a named type
        # the case put aside, in a differential or a negation)
        named = [(m.start, m.end) for m in mentions if m.axis == "tumour"]
        found = [(m.start(), m.end()) for m in _ANY_SARCOMA_RX.finditer(zones.low, 0, refs)
                 if not any(a <= m.start() < b for a, b in named)
                 and not ((s := zones.at(m.start())) is not None and DIFFERENTIAL_RX.search(s.low))]
    ms = [(a, b) for a, b in found if (s := zones.at(a)) is not None and s.zone != "boiler"
          and not negated(text, s, a, b)]
    if not ms:
        return []
    return [Value("sarcoma", spans=[Span(a, b, text[a:b]) for a, b in ms[:3]], confidence=0.4)]


# (a carcinosarcoma is a carcinoma, a pseudosarcoma no sarcoma)
_ANY_SARCOMA_RX = re.compile(r"\b(?!carcino|pseudo)[a-z]{3,}sarcomas?\b")
