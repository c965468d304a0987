"""Interventions the patient received, with agents, doses, cycles, RT dose and intent.

The kind is the most specific intervention term named. A drug gives the kind
of its ontology class (a targeted agent gives 'targeted therapy' even when the
text calls it chemotherapy); supportive drugs (mesna) are no agents of the
treatment. Negated ('unsuitable for surgery'), hypothetical ('may require'),
and other-cancer history ('a history of breast cancer treated with ...')
mentions give nothing.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from sarcokg.model.facts import AgentDose, InterventionFact, Span
from sarcokg.model.namespaces import SKO
from sarcokg.model.terms import Terms

from . import rtdose
from .context import HISTORY_RX, Zones, hypothetical, negated
from .lexicon import Mention
from .textprep import Caseless, Keyed, Sentence, heading_of
from .timeexpr import word_number

AGENT_CLASS_KIND = {
    SKO + "ChemotherapyAgent": "chemotherapy",
    SKO + "TargetedAgent": "targeted therapy",
    SKO + "ImmunotherapyAgent": "immunotherapy",
    SKO + "HormonalAgent": "hormone therapy",
    SKO + "SupportiveAgent": None,
}
VERB_RX = Keyed(re.compile(r"(?P<v>resected|excised|removed|amputated|irradiated|operated|debulked)\b"))
# ('was found and re-excised': a second passive verb after 'and', the 're-' of a repeat)
# and up to two adverbs between: 'was later totally removed', 'was then operated on'
PASSIVE_RX = re.compile(r"\b(?:was|were|been|being|is|are)\s+"
                        r"(?:(?:\w+ly|later|then|also|again|thereafter|soon)\s+){0,2}"
                        r"(?:\w+\s+and\s+(?:then\s+|\w+ly\s+)?)?(?:re[-\u2010])?$")
VERB_KIND = {"resected": "resection", "excised": "resection", "removed": "resection", "amputated": "amputation",
             "irradiated": "radiotherapy", "operated": "surgery", "debulked": "debulking"}
# (the radio- of a pair, its word left out: 'radio- and chemotherapy', 'radio and chemotherapy')
COMBINED_RX = Caseless(r"(?:chemo\s*[\-\u2010]?\s*radio\w*|radio\s*[\-\u2010]?\s*(?:(?:and|&)\s+)?chem(?:o\w*|ical)|"
                         r"chemoradiation|radiochemotherapy|chemoradiotherapy)\b", keyed=True)   # for Zones.hits
TUMOURISH_RX = re.compile(r"\b(?:tumou?rs?|mass(?:es)?|lesions?|sarcoma|metasta\w*|nodules?|recurrence)\b", re.I)
# Zones.hits: a dose (rtdose.UNIT). (?<![\d.])\d+ written \d(?<![\d.]\d)\d*, the same matches: with a digit
# first, the regex engine skips from one digit to the next instead of trying its lookbehind at every position
GY_RX = Caseless(r"\d(?<![\d.]\d)\d*(?:[.,]\d+)?\s*" + rtdose.UNIT + r"\b")
GY_PLAIN = r"(?<![\d.])\d+(?:[.,]\d+)?\s*" + rtdose.UNIT + r"\b"   # (as first written: tests/test_speed_shortcuts.py)
INTENT_RX = re.compile(r"\b(palliative|adjuvant|neoadjuvant|neo-adjuvant|curative|salvage|definitive|postoperative|"
                       r"post-operative|preoperative|pre-operative)\b[^.;]{0,25}$", re.I)
_INTENT_WORDS = ("palliative", "adjuvant", "curative", "salvage", "definitive", "operative")
# on .low
AFTER_INTENT_RX = re.compile(r"[^.;,]{0,25}?\b(?:(postoperatively|post-operatively|preoperatively|pre-operatively)|"
                             r"as\s+(?:an?\s+)?(palliative|adjuvant|neoadjuvant|neo-adjuvant|curative|salvage))\b")
INTENT_MAP = {"postoperative": "adjuvant", "post-operative": "adjuvant", "preoperative": "neoadjuvant",
              "pre-operative": "neoadjuvant", "neo-adjuvant": "neoadjuvant", "definitive": "curative"}
DRUG_DOSE_RX = re.compile(r"^\W{0,3}(?:\w+\s+){0,1}?(?:at\s+)?(?:a\s+)?(?:(?:total\s+)?dose\s+of\s+)?"
                          r"(\d+(?:\.\d+)?)\s*(mg/m2|mg/m\u00b2|g/m2|g/m\u00b2|mg/kg|mg|\u00b5g|mcg|MIU|IU)", re.I)
CYCLES_RX = re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
                       r"\s+(?:cycles|courses|rounds)\b"
                       r"|\b(\d{1,2})(?:st|nd|rd|th)\b[^.;]{0,20}\b(?:last\s+)?cycle\b", re.I)
# a treatment named as the cause of the tumour: 'radiation-induced', 'radiotherapy-associated'
_CAUSE_AFTER_RX = re.compile(r"[\s\-\u2010]*(?:induced|associated|related)\b"
                             # radiation as a place or a past exposure: 'in the radiation field', 'radiation
                             # exposure', 'radiation changes'
                             r"|\s+(?:field|fields|exposure|changes|damage|injury|dermatitis|fibrosis|necrosis)\b",
                             re.I)
# after a radiation: 'in this post-radiation background', 'postirradiation changes'
_POST_BEFORE_RX = re.compile(r"\bpost[\s\-\u2010]?$", re.I)
# the patient coming with the sarcoma: 'she presented with a mass', 'four years later he developed symptoms'
_ONSET_RX = re.compile(r"\bpresent(?:ed|s)\s+(?:to\s+|with\s+)|\bcomplain\w*\s+of\b|\bnoticed\b|\breferred\b|"
                       r"\bdeveloped\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:mass|lesion|swelling|nodule|tumou?r|"
                       r"symptoms|pain|ulcer)")
_ONSET_WORDS = ("present", "complain", "notice", "referr", "develop")
_PAST_WORDS = ("histor", "previous", "prior", "before", "earlier", "ago")
# a sentence of the patient's history: 'his medical history was significant for ...', '30 years before'
# (not context.HISTORY_RX: its bare 'prior' is also the sarcoma's own 'radiotherapy prior to surgery')
_PAST_RX = re.compile(r"\b(?:medical|past)\s+history\b|\bhistory\s+of\b|\bpreviously\b|\bprevious\b|"
                      r"\b(?:years?|decades?)\s+(?:before|prior|earlier|ago)\b|\bprior\s+to\s+(?:presentation|admission)\b")
# a sarcoma the report tells as caused by an earlier radiotherapy (two patterns, each tried only on a
# sentence that holds the words it needs)
_RADIATION_CAUSED_RX = re.compile(
    r"\b(?:radiation|radiotherapy|irradiation|rt)[\s\-\u2010]+(?:induced|associated)\b"
    r"|\bpost[\s\-\u2010]?(?:radiation|irradiation|radiotherapy)\s+(?:[\w-]+\s+)?(?:\w*sarcoma|tumou?r)"
    r"|\bpreviously\s+irradiated\b")
_CAUSED_WORDS = ("induced", "associated", "post", "irradiated")
_SARCOMA_AFTER_RX = re.compile(
    r"sarcomas?\s+(?:[\w-]+\s+){0,4}?(?:after|following)\s+(?:previous\s+|prior\s+)?(?:radiotherapy|irradiation|"
    r"radiation|(?:the\s+)?(?:treatment|therapy)\s+(?:of|for)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?(?:cancer|carcinoma|"
    r"lymphoma))\b")


def _radiation_caused(low: str) -> bool:
    """Does a sentence tell the sarcoma as caused by an earlier radiotherapy ('radiation-induced
    osteosarcoma', 'sarcoma after radiotherapy for breast carcinoma')?"""
    if any(w in low for w in _CAUSED_WORDS) and _RADIATION_CAUSED_RX.search(low):
        return True
    return "sarcoma" in low and ("after" in low or "following" in low) and _SARCOMA_AFTER_RX.search(low) is not None
EXTRACORPOREAL_RX = re.compile(r"extracorporeal|ex vivo|in vitro", re.I)
REGIMEN_CUE_RX = re.compile(r"chemo|regimen|protocol|cycle|course|induction|cytotoxic")   # on Sentence.low


@dataclass
class _M:
    kind: str
    start: int
    end: int
    sent: Sentence
    drug: str | None = None
    regimen: bool = False       # a drug named by its regimen's acronym


def _extracorporeal(s) -> bool:
    """Irradiation of a resected graft outside the body is no radiotherapy of the patient."""
    low = s.low
    return ("extracorpor" in low or "ex vivo" in low or "in vitro" in low) and bool(EXTRACORPOREAL_RX.search(low))


def _agent_kind(terms: Terms, key: str) -> str | None:
    t = terms.find("agent", key)
    if t is None:
        return None
    for p in t.parents:
        if p in AGENT_CLASS_KIND:
            return AGENT_CLASS_KIND[p]
    return "chemotherapy"


def _family(terms: Terms, kind: str) -> str:
    t = terms.find("intervention", kind)
    return (t.summary_key if t and t.summary_key else kind) if t else kind


def _generic(terms: Terms, kind: str) -> bool:
    t = terms.find("intervention", kind)
    return t is not None and t.summary_key == kind


def _has_dose_unit(low: str) -> bool:
    """Is there a number right before 'gy', 'rad' or 'cge' anywhere? (a cheap superset of GY_RX, which
    has no literal the regex engine could skip to, so it is only run over texts that pass this)"""
    for unit in ("gy", "rad", "cge"):
        i = low.find(unit)
        while i >= 0:
            j = i - 1
            while j >= 0 and low[j].isspace():
                j -= 1
            if j >= 0 and low[j] == "c" and unit == "gy":      # 'c gy', 'cgy'
                j -= 1
                while j >= 0 and low[j].isspace():
                    j -= 1
            if j >= 0 and low[j].isdigit():
                return True
            i = low.find(unit, i + 1)
    return False


def _usable(text: str, zones: Zones, other_ranges: list[tuple[int, int]], a: int, b: int) -> Sentence | None:
    """The case sentence of text[a:b] when a treatment may be read there: not the title, not about
    another tumour, not negated, not hypothetical."""
    s = zones.usable(a, allow_title=False)
    if s is None or any(x <= a < y for x, y in other_ranges):
        return None
    if negated(text, s, a, b) or hypothetical(text, s, a, b):
        return None
    return s


# (a heart murmur spreads too: 'a systolic murmur with irradiation to the shoulder blade')
_PAIN_WITH_RX = re.compile(r"\b(?:pain|murmurs?)\b[^.;]{0,60}?\b(?:with|and)\s+(?:[\w-]+\s+){0,2}$")
# a regimen's acronym as what the patient was given: 'he was treated with VAC/VI'
_GIVEN_BEFORE_RX = re.compile(r"\b(?:treated|managed)\s+with\s+(?:the\s+|a\s+)?$|"
                              r"\b(?:received|receiving|given|administered)\s+(?:the\s+|a\s+)?$")


def _pain_radiating(text: str, s: Sentence, m: Mention) -> bool:
    """Is the mention 'irradiation' of a pain or a murmur ('back pain with irradiation to the leg')?"""
    if not text.startswith("irradiat", m.start) and not text.startswith("Irradiat", m.start):
        return False
    return _PAIN_WITH_RX.search(s.low, max(0, m.start - s.start - 80), m.start - s.start) is not None


def _spelled_in_place(text: str, m: Mention, mentions: list[Mention]) -> bool:
    """Is the regimen acronym m followed by its drugs in brackets ('VAC (vincristine, adriamycin,
    cyclophosphamide)')? Then the drugs as written are its agents (they are mentions of their own),
    not the acronym's usual reading (the A of VAC is actinomycin D in one protocol, doxorubicin in another)."""
    i = m.end
    while i < len(text) and text[i] in " \t":
        i += 1
    if i >= len(text) or text[i] != "(":
        return False
    close = text.find(")", i, i + 200)
    return close > 0 and sum(1 for x in mentions if x.axis == "agent" and i < x.start < close) >= 2


def _from_mentions(text: str, terms: Terms, zones: Zones, mentions: list[Mention],
                   other_ranges: list[tuple[int, int]]) -> list[_M]:
    """The treatments the lexicon's intervention, agent and regimen mentions name."""
    out: list[_M] = []
    for m in mentions:
        if m.axis not in ("intervention", "agent", "regimen"):
            continue
        if text.startswith("-PCR", m.end) or text.startswith("PCR", m.end):
            continue      # 'RT-PCR' is a laboratory test (reverse transcription), not radiotherapy
        s = _usable(text, zones, other_ranges, m.start, m.end)
        if s is None or (m.axis == "intervention" and _radiation_before(terms, zones, s, m)):
            continue
        if m.axis == "regimen":
            # an acronym (MAP, AI) is a regimen only beside a word of drug treatment
            term = terms.find("regimen", m.key)
            if term is None or _spelled_in_place(text, m, mentions) or not (
                    REGIMEN_CUE_RX.search(s.low) or _GIVEN_BEFORE_RX.search(text, max(0, m.start - 30), m.start)):
                continue
            for key in term.components:
                kind = _agent_kind(terms, key)
                if kind is not None and terms.find("intervention", kind) is not None:
                    out.append(_M(kind, m.start, m.end, s, drug=key, regimen=True))
        elif m.axis == "intervention":
            if _extracorporeal(s) and _family(terms, m.key) == "radiotherapy":
                continue
            if _CAUSE_AFTER_RX.match(text, m.end) or ("ost" in text[max(0, m.start - 6):m.start]
                                                      and _POST_BEFORE_RX.search(text, max(0, m.start - 6), m.start)
                                                      and _family(terms, m.key) == "radiotherapy"):
                continue      # 'radiation-induced sarcoma': the cause of the tumour, not its treatment
            if _pain_radiating(text, s, m):
                continue      # 'chest pain with anterior irradiation': pain that spreads, not radiotherapy
            out.append(_M(m.key, m.start, m.end, s))
        else:
            kind = _agent_kind(terms, m.key)
            if kind is None or terms.find("intervention", kind) is None:
                continue
            out.append(_M(kind, m.start, m.end, s, drug=m.key))
    return out


# the participle as the specimen's or tumour's attribute, or the active verb with its object: 'the
# resected specimen', 'the excised mass', 'we resected the tumour'
_OBJECT_AFTER_RX = re.compile(r"\s+(?:[\w-]+\s+)?(?:specimens?|tumou?rs?|mass(?:es)?|lesions?|sarcomas?|tissues?)\b")


def _from_verbs(text: str, terms: Terms, zones: Zones, mentions: list[Mention],
                other_ranges: list[tuple[int, int]], verbs: dict[int, list[re.Match]]) -> list[_M]:
    """The treatments passive verbs name ('the tumour was resected'); a resection or amputation
    only near a word for the tumour."""
    out: list[_M] = []
    for si, vms in verbs.items():
        s = zones.sents[si]
        if s.zone != "case" or s.generic:
            continue
        for vm in vms:
            if vm.start() > 0 and zones.low[vm.start() - 1].isalnum():
                continue
            kind = VERB_KIND[vm.group("v").lower()]
            if not PASSIVE_RX.search(zones.low[max(s.start, vm.start() - 30):vm.start()]) \
                    and not (kind in ("resection", "amputation") and _OBJECT_AFTER_RX.match(zones.low, vm.end())):
                continue
            a, b = vm.start("v"), vm.end("v")
            if terms.find("intervention", kind) is None or _usable(text, zones, other_ranges, a, b) is None:
                continue
            prev = zones.sents[si - 1].text if si > 0 else ""
            tumour_near = TUMOURISH_RX.search(s.text) or any(
                m.axis == "tumour" and zones.sents[max(0, si - 1)].start <= m.start < s.end for m in mentions) or \
                (re.match(r"\s*(?:it|they|this|these)\b", s.low) and TUMOURISH_RX.search(prev))
            if kind in ("resection", "amputation") and not tumour_near:
                continue
            if kind == "radiotherapy" and _extracorporeal(s):
                continue
            out.append(_M(kind, a, b, s))
    return out


def _from_combined(text: str, terms: Terms, zones: Zones, other_ranges: list[tuple[int, int]],
                   combined: dict[int, list[re.Match]]) -> list[_M]:
    """Chemotherapy and radiotherapy from one word ('chemoradiotherapy')."""
    out: list[_M] = []
    for si, cms in combined.items():
        s = zones.sents[si]
        if s.zone != "case" or s.generic:
            continue
        for cm in cms:
            a, b = cm.start(), cm.end()
            if a > 0 and zones.low[a - 1].isalnum():
                continue
            if _usable(text, zones, other_ranges, a, b) is None:
                continue
            for kind in ("chemotherapy", "radiotherapy"):
                if terms.find("intervention", kind) is not None:
                    out.append(_M(kind, a, b, s))
    return out


def _from_doses(text: str, terms: Terms, zones: Zones, other_ranges: list[tuple[int, int]],
                found: list[_M]) -> list[_M]:
    """A dose in Gy is a radiation dose: 'treated with 50 Gy in 25 fractions' is radiotherapy where
    the sentence names no radiotherapy itself (found: the treatments found so far)."""
    out: list[_M] = []
    has_rt = {m.sent.index for m in found if _family(terms, m.kind) == "radiotherapy"}
    for si, dms in zones.hits(GY_RX).items():
        s = zones.sents[si]
        if si in has_rt or s.zone != "case" or s.generic or _extracorporeal(s):
            continue
        dm = dms[0]
        if _usable(text, zones, other_ranges, dm.start(), dm.end()) is not None:
            out.append(_M("radiotherapy", dm.start(), dm.end(), s))
    return out


def collect(text: str, terms: Terms, zones: Zones, mentions: list[Mention],
            other_ranges: list[tuple[int, int]]) -> list[_M]:
    """Every treatment mention of the case, in text order."""
    out = _from_mentions(text, terms, zones, mentions, other_ranges)
    low = zones.low
    combined = zones.hits(COMBINED_RX) if (("chemo" in low or "radiochemical" in low) and "radi" in low) else {}
    verbs = zones.hits(VERB_RX)   # (Keyed: a text without any of the verbs is not scanned)
    out += _from_verbs(text, terms, zones, mentions, other_ranges, verbs)
    out += _from_combined(text, terms, zones, other_ranges, combined)
    if "approach" in low and terms.find("intervention", "surgery") is not None:
        out += _approaches(text, zones, other_ranges)
    if "ectom" in low and terms.find("intervention", "resection") is not None:
        out += _ectomies(text, zones, other_ranges, [m for m in mentions if m.axis == "intervention"],
                         [m.start for m in mentions if m.axis == "tumour"])
    if _has_dose_unit(low) and terms.find("intervention", "radiotherapy") is not None:
        out += _from_doses(text, terms, zones, other_ranges, out)
    if ("postop" in low or "post-op" in low or "post op" in low) and not _any_surgery(terms, out):
        out += _implied_operation(text, zones, other_ranges)
    out.sort(key=lambda x: x.start)
    return out


# 'improved postoperatively', 'postoperative PET-CT showed ...': the case had an operation
POSTOP_RX = Caseless(r"\bpost[\s-]?operative(?:ly)?\b")


def _any_surgery(terms: Terms, ms: list[_M]) -> bool:
    for m in ms:
        t = terms.find("intervention", m.kind)
        if t is not None and t.summary_key == "surgery":
            return True
    return False


def _implied_operation(text: str, zones: Zones, other_ranges: list[tuple[int, int]]) -> list[_M]:
    """An operation the case implies but does not name: its first 'postoperative(ly)' of the case."""
    for si, pms in sorted(zones.hits(POSTOP_RX).items()):
        s = zones.sents[si]
        if s.zone != "case" or s.generic:
            continue
        for pm in pms:
            if _usable(text, zones, other_ranges, pm.start(), pm.end()) is not None:
                return [_M("surgery", pm.start(), pm.end(), s)]
    return []


# an operation named by its way in: 'treated with a single-stage posterior approach'
APPROACH_RX = Caseless(r"\b(?:treated|managed|operated(?:\s+on)?|resected|removed|excised)\s+(?:\w+\s+){0,2}?"
                       r"(?:with|by|through|via|using)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?approach\b", keyed=True)


# an operation named by its Greek suffix that the ontology does not list: 'glossectomy', 'orchiectomy'
ECTOMY_RX = re.compile(r"[a-z]{3,}ectom(?:y|ies)\b")   # matched from a word's start (_ectomy_words)
# 'a diskectomy and fusion 18 years ago': past history
_YEARS_AGO_RX = re.compile(r"[^.;]{0,40}?\b(?:\d+|\w+)\s+years?\s+(?:ago|earlier|before|previously)\b")


# a sarcoma the radiation of an earlier illness caused
_RADIATION_INDUCED_RX = re.compile(r"\b(?:radiation|radiotherapy|irradiation)[\s-](?:induced|associated|related)\b|"
                                   r"\bpost[\s-]?(?:radiation|irradiation)\s+(?:\w+\s+)?sarcoma")


# (and 'a complication of radiotherapy', 'induced by radiotherapy': the cause a radiation-induced sarcoma names)
_PRIOR_BEFORE_RX = re.compile(r"\b(?:history\s+of|previous|prior|earlier|complications?\s+of|induced\s+by|"
                              r"caused\s+by)\s+(?:\w+\s+)?$")


def _radiation_before(terms: Terms, zones: Zones, s: Sentence, m: Mention) -> bool:
    """Radiotherapy years before a sarcoma the page calls radiation-induced: the cause, not its
    treatment ('had received radiotherapy 8 years previously for a neck tumour')."""
    if terms.get("intervention", m.key).summary_key != "radiotherapy":
        return False
    i = m.start - s.start
    if _YEARS_AGO_RX.match(s.low, m.end - s.start) is None and \
            _PRIOR_BEFORE_RX.search(s.low, max(0, i - 30), i) is None:
        return False
    return _RADIATION_INDUCED_RX.search(zones.low) is not None


def _ectomy_words(zones: Zones) -> dict[int, list[re.Match]]:
    """The '-ectomy' words by sentence: found by the substring, then matched from the start of their word
    (a regex scan of the page would try a word at every letter)."""
    low = zones.low
    out: dict[int, list[re.Match]] = {}
    i = low.find("ectom")
    while i >= 0:
        a = i
        while a > 0 and low[a - 1].isalpha():
            a -= 1
        m = ECTOMY_RX.match(low, a)
        s = zones.at(a) if m is not None and (a == 0 or not low[a - 1].isalnum()) else None
        if m is not None and s is not None:
            out.setdefault(s.index, []).append(m)
        i = low.find("ectom", i + 5)
    return out


def _ectomies(text: str, zones: Zones, other_ranges: list[tuple[int, int]], known: list[Mention],
              tumour_pos: list[int]) -> list[_M]:
    """'-ectomy' is the cutting out of an organ or part: a resection, where no known name covers the word,
    the sentence or the one before speaks of the tumour (a word for it, or its type's name), and it is no
    past history ('a history of cholecystectomy')."""
    out = []
    for si, ems in _ectomy_words(zones).items():
        s = zones.sents[si]
        if s.zone != "case" or s.generic:
            continue
        prev = zones.sents[si - 1].text if si > 0 else ""
        if not (TUMOURISH_RX.search(s.text) or TUMOURISH_RX.search(prev)
                or any(zones.sents[max(0, si - 1)].start <= p < s.end for p in tumour_pos)):
            continue
        for em in ems:
            if any(m.start <= em.start() < m.end for m in known) or \
                    _usable(text, zones, other_ranges, em.start(), em.end()) is None:
                continue
            if HISTORY_RX.search(s.low[max(0, em.start() - s.start - 40):em.start() - s.start]) or \
                    _YEARS_AGO_RX.match(s.low, em.end() - s.start):
                continue
            out.append(_M("resection", em.start(), em.end(), s))
    return out


def _approaches(text: str, zones: Zones, other_ranges: list[tuple[int, int]]) -> list[_M]:
    out = []
    for si, ams in zones.hits(APPROACH_RX).items():
        s = zones.sents[si]
        if s.zone != "case" or s.generic:
            continue
        for am in ams:
            if _usable(text, zones, other_ranges, am.start(), am.end()) is not None:
                out.append(_M("surgery", am.start(), am.end(), s))
    return out


def _sentence_facts(group: list[_M]) -> list[tuple[InterventionFact, list[_M]]]:
    """The treatments of one sentence's mentions (group), each with the mentions it is made of:
    drugs of a kind with the modality word that hosts them ('chemotherapy with doxorubicin'),
    then the modality words left."""
    drugs = [m for m in group if m.drug]
    mods = [m for m in group if not m.drug]
    # a drug whose class differs from the modality word: 'chemotherapy drug sunitinib'
    drug_kinds = {m.kind for m in drugs}
    new: list[tuple[InterventionFact, list[_M]]] = []
    used_mod = set()
    for kind in sorted(drug_kinds, key=lambda k: min(m.start for m in drugs if m.kind == k)):
        dms = [m for m in drugs if m.kind == kind]
        host = next((m for m in mods if m.kind == kind and id(m) not in used_mod), None)
        if host is None and "chemotherapy" not in drug_kinds:
            host = next((m for m in mods if m.kind == "chemotherapy" and id(m) not in used_mod), None)
        parts = dms + ([host] if host else [])
        if host:
            used_mod.add(id(host))
        f = InterventionFact(kind, confidence=0.85)
        for d in dms:
            if d.drug is not None and d.drug not in f.agents:
                f.agents.append(d.drug)
        new.append((f, parts))
    for m in mods:
        if id(m) in used_mod:
            continue
        if m.kind in drug_kinds:
            continue      # the modality word of drugs already taken
        new.append((InterventionFact(m.kind, confidence=0.8), [m]))
    return new


def _intent_before(f: InterventionFact, sent: Sentence, parts: list[_M]) -> None:
    """The intent named just before the treatment's first mention ('palliative radiotherapy')."""
    first = min(p.start for p in parts)
    rel = first - sent.start
    win = sent.low[max(0, rel - 40):rel]
    im = INTENT_RX.search(win) if any(w in win for w in _INTENT_WORDS) else None
    if im:
        w = im.group(1).lower()
        f.intent = INTENT_MAP.get(w, w)


def _radiotherapy_dose(text: str, f: InterventionFact, sent: Sentence, boost_only: dict[int, bool],
                       planned: set[int]) -> None:
    """The sentence's radiation dose and fractions, with their spans; whether it is a boost only
    (into boost_only) or a plan only (into planned)."""
    rt = rtdose.read(sent.text)
    f.dose_gy, f.fractions = rt.dose_gy, rt.fractions
    boost_only[id(f)] = rt.boost_only
    if rt.planned_only:
        planned.add(id(f))
    for a, b in rt.spans:
        a, b = sent.start + a, sent.start + b
        if Span(a, b, text[a:b]) not in f.spans:   # the dose may be the mention itself
            f.spans.append(Span(a, b, text[a:b]))


def _drug_details(text: str, f: InterventionFact, sent: Sentence, parts: list[_M]) -> None:
    """The number of cycles the sentence names, and each drug's dose right after its name."""
    cm = CYCLES_RX.search(sent.text) if ("cycle" in sent.low or "course" in sent.low
                                          or "round" in sent.low) else None
    if cm:
        n = word_number(cm.group(1) or cm.group(2))
        if n:
            f.cycles = int(n)
    for p in parts:
        if not p.drug or p.regimen:   # a dose after a regimen's name is no one drug's
            continue
        dd = DRUG_DOSE_RX.match(text[p.end:min(sent.end, p.end + 45)])
        if dd:
            a, b = p.end + dd.start(1), p.end + dd.end(2)
            f.doses.append(AgentDose(p.drug, float(dd.group(1)), dd.group(2),
                                     spans=[Span(a, b, text[a:b])], confidence=0.8))


def _intent_after(f: InterventionFact, sent: Sentence, group: list[_M]) -> None:
    """The intent named just after the treatment, in the same clause: '50 Gy in 25 fractions
    preoperatively', with no other treatment of the sentence (group) named before the word."""
    end = max(sp.end for sp in f.spans) - sent.start
    am = AFTER_INTENT_RX.match(sent.low[end:end + 40]) if end >= 0 else None
    last = am.lastindex if am else None
    if am and last and not any(end <= m.start - sent.start < end + am.start(last) for m in group):
        w = am.group(last)   # and no other treatment named before the word
        w = w[:-2] if w.endswith("ly") else w
        f.intent = INTENT_MAP.get(w, w)


def build(text: str, terms: Terms, ms: list[_M]) -> list[InterventionFact]:
    facts: list[InterventionFact] = []
    boost_only: dict[int, bool] = {}
    planned: set[int] = set()     # radiotherapy facts whose only dose is a plan
    by_sent: dict[int, list[_M]] = {}
    for m in ms:
        by_sent.setdefault(m.sent.index, []).append(m)
    for si in sorted(by_sent):
        group = by_sent[si]
        sent = group[0].sent
        for f, parts in _sentence_facts(group):
            for p in parts:
                sp = Span(p.start, p.end, text[p.start:p.end])
                if sp not in f.spans:
                    f.spans.append(sp)
            _intent_before(f, sent, parts)
            fam = _family(terms, f.kind)
            if fam == "radiotherapy" and not _extracorporeal(sent):
                _radiotherapy_dose(text, f, sent, boost_only, planned)
            if fam in ("chemotherapy", "targeted therapy", "immunotherapy", "hormone therapy"):
                _drug_details(text, f, sent, parts)
            if f.intent is None and f.spans:
                _intent_after(f, sent, group)
            _merge(terms, facts, f, boost_only.get(id(f), False), planned)
    return facts


def _merge(terms: Terms, facts: list[InterventionFact], f: InterventionFact, boost: bool = False,
           planned: set[int] | None = None) -> None:
    fam = _family(terms, f.kind)
    for g in facts:
        if _family(terms, g.kind) != fam:
            continue
        same_kind = g.kind == f.kind
        generic_pair = _generic(terms, f.kind) or _generic(terms, g.kind)
        if not (same_kind or generic_pair):
            continue
        if f.agents and g.agents and not set(f.agents) <= set(g.agents) and not set(g.agents) <= set(f.agents):
            continue
        if _generic(terms, g.kind) and not _generic(terms, f.kind):
            g.kind = f.kind
        for a in f.agents:
            if a not in g.agents:
                g.agents.append(a)
        g.doses += [d for d in f.doses if all(d.agent != x.agent for x in g.doses)]
        if planned is not None and id(g) in planned and f.dose_gy is not None and id(f) not in planned:
            # the plan, then what was given: the dose delivered replaces the planned one
            g.dose_gy, g.fractions = f.dose_gy, f.fractions
            planned.discard(id(g))
        elif boost and g.dose_gy is not None and f.dose_gy is not None:
            # a boost in a later sentence adds to the first course
            g.dose_gy = round(g.dose_gy + f.dose_gy, 2)
            # the total count is known only when the boost's own count is stated
            g.fractions = g.fractions + f.fractions if g.fractions is not None and f.fractions is not None else None
        else:
            g.dose_gy = g.dose_gy if g.dose_gy is not None else f.dose_gy
            g.fractions = g.fractions if g.fractions is not None else f.fractions
        g.cycles = g.cycles if g.cycles is not None else f.cycles
        g.intent = g.intent or f.intent
        for sp in f.spans:
            if sp not in g.spans:
                g.spans.append(sp)
        return
    facts.append(f)


def _earlier_cancer_ranges(zones: Zones, mentions: list[Mention]) -> list[tuple[int, int]]:
    """In a report of a sarcoma caused by an earlier treatment, the parts of the case told before the
    sarcoma comes (section by section: an abstract and the body each tell the history first), up to the
    sentence that names the sarcoma or tells the patient presenting with it, and any sentence of the
    history: the radiotherapy, chemotherapy and hormone therapy there are the earlier disease's
    ('treated with surgery and radiation in 2004 ... In 2014, she presented with a mass'). Empty for
    any other report."""
    if "radia" not in zones.norm and "radiother" not in zones.norm:   # (a radiation named at all)
        return []
    if not any(s.zone in ("case", "title", "lit") and not s.generic and ("radia" in s.low or "radiother" in s.low)
               and _radiation_caused(s.low) for s in zones.sents):
        return []
    named = sorted(m.start for m in mentions if m.axis == "tumour")
    out: list[tuple[int, int]] = []
    start: int | None = None   # where the section's case began, until the sarcoma comes (-1: it came)
    for s in zones.sents:
        if s.heading is not None:
            start = None
            h = heading_of(s.text)
            if h is None or len(s.text.strip()) <= len(h[1]) + 2:
                continue      # a heading on its own; an inline one opens its section with its text
        if s.zone != "case" or s.generic:
            continue
        if any(w in s.low for w in _PAST_WORDS) and _PAST_RX.search(s.low):
            out.append((s.start, s.end))   # the history, told where it may be: 'his medical history was ...'
        if start == -1:
            continue
        i = bisect_left(named, s.start)
        onset = (i < len(named) and named[i] < s.end and not s.caseref) or (
            any(w in s.low for w in _ONSET_WORDS) and _ONSET_RX.search(s.low) is not None)
        if onset:
            if start is not None:
                out.append((start, s.start))
            start = -1
        elif start is None:
            start = s.start
    return out


def extract_interventions(text: str, terms: Terms, zones: Zones, mentions: list[Mention],
                          other_ranges: list[tuple[int, int]]) -> tuple[list[InterventionFact], int | None]:
    ms = collect(text, terms, zones, mentions, other_ranges)
    earlier = _earlier_cancer_ranges(zones, mentions)
    if earlier:
        ms = [m for m in ms if _family(terms, m.kind) not in ("radiotherapy", "chemotherapy", "hormone therapy")
              or not any(a <= m.start < b for a, b in earlier)]
    first_tx = None
    for m in ms:
        t = terms.find("intervention", m.kind)
        if t is not None and t.summary_key:
            first_tx = m.start
            break
    return build(text, terms, ms), first_tx
