"""Context of a mention: whose case, negated, hypothetical, another tumour.

Zones: a report's sentences are the index patient's case from the sentence that
introduces the patient ("A 35-year-old man ...") on, until a literature section
(introduction, discussion, conclusion, keywords, ...) or boilerplate
(references, footnotes, copyright ...) starts; a later case heading opens the
case again. Before the introduction only sentences that point at the case
("we report a case", "the patient") count. Inside the case, sentences that
speak of patients in general (incidence, literature, "usually", "may") are
generic and give no facts, unless they also point at the patient.
"""
from __future__ import annotations

import bisect
import re

from .cues import cue_positions
from .textprep import (
    DASH,
    DASHES,
    Caseless,
    Gated,
    Keyed,
    Sentence,
    heading_of,
    lowered,
    normalise,
    word_automaton,
    word_char,
)

# These patterns run on lowercased text (Sentence.low): no re.I, which is slow.
AGE_RX = re.compile(
    r"(?<![\d./])(?<!\d[\-\u2013\u2010])(?<!\d\s[\-\u2013]\s)(?<!\dto\s)(?<!\d\sto\s)(?<!\d\sand\s)\b(\d{1,3})"
    # 'a 2.2-year-old girl' (the whole years)
    r"(?:\s+1/2|\u00bd|\.\d)?\s*" + DASH
    + r"?\s*(?:years?|yrs?)\s*" + DASH + r"?\s*old\b"
    r"|\baged\s+(\d{1,3})\b(?!\s*(?:" + DASH + r"|to)\s*\d)"
    r"|\b(\d{1,3})\s*" + DASH + r"?\s*(?:yo|y/o)\b"
    # '70 years of age', '70 year age' (not 'less than 25 years of age': a population's)
    r"|(?<![\d.])(?<!than\s)(?<!under\s)(?<!over\s)(?<!above\s)(?<!below\s)(?<!least\s)(?<!most\s)"
    r"(?<!between\s)(?<!and\s)(?<!to\s)(?<!of\s)(?<!aged\s)(?<!age\s)\b(\d{1,3})\s*" + DASH
    + r"?\s*(?:years?|yrs?)\s+(?:of\s+)?age\b"
    # 'a 70-year-male', 'a 20 year lady': 'old' left out
    r"|\b(\d{1,3})\s*" + DASH + r"?\s*(?:years?|yrs?)(?:\s*" + DASH + r"\s*|\s+)(?:male|female|man|woman|boy|girl|"
    r"child|lady|gentleman)\b")
# \ban? written as a(?<!\wa)n? (the word boundary checked after the a), so that the
# regex engine jumps from one "a" to the next instead of trying every position
# ('a 54-year-woman': the noun glued on by a hyphen)
INTRO_NOUN_RX = re.compile(r"a(?<!\wa)n?\s+(?:[\w-]+\s+){0,3}?(?:\w+-)*(?:(?:female|male)\s+patient|man|woman|boy|girl|"
                           r"gentleman|lady|infant|teenager|adolescent|newborn|neonate|toddler)\b(?!\s*(?:'s|\u2019s))")
# 'a young female.', 'a male with ...': the sex word as the noun
INTRO_SEX_RX = re.compile(r"a(?<!\wa)n?\s+(?:[\w-]+\s+){0,2}?(?:\w+-)*(?:female|male)"
                          r"(?=\s*[.,;]|\s+(?:with|who|presenting|presented|aged)\b)")

# the hint of an age, old|\bage[ds]?\b|yo\b|y/o, as substring tests first (_age_hint): the regex tries
# its four alternatives at every position of every sentence is_intro() is asked about
_AGE_WORD_RX = re.compile(r"\bage[ds]?\b")
_YO_RX = re.compile(r"yo\b")


_DIGITS_RX = re.compile(r"\d+")


def age_search(low: str) -> re.Match | None:
    """AGE_RX.search(low), run only when low holds a word one of its branches needs (years, yrs, yo,
    y/o, aged), and tried only where a match can start: every branch opens with \\b and a digit, or
    with 'aged', so at the start of a run of digits or at an 'aged' (AGE_RX.search would try its
    lookbehinds at every position). The places in order, the first match is the leftmost."""
    if not ("y" in low and ("year" in low or "yr" in low or "yo" in low or "y/o" in low) or "aged" in low):
        return None
    places = [m.start() for m in _DIGITS_RX.finditer(low)]
    i = low.find("aged")
    if i >= 0:
        while i >= 0:
            places.append(i)
            i = low.find("aged", i + 1)
        places.sort()
    for p in places:
        m = AGE_RX.match(low, p)
        if m is not None:
            return m
    return None


def _age_hint(low: str) -> bool:
    return "old" in low or "y/o" in low or ("age" in low and _AGE_WORD_RX.search(low) is not None) \
        or ("yo" in low and _YO_RX.search(low) is not None)


def _intro_noun_possible(low: str) -> bool:
    """Does low hold one of the nouns INTRO_NOUN_RX cannot match without? (woman and gentleman hold man)"""
    return "man" in low or "patient" in low or "boy" in low or "girl" in low or "lady" in low \
        or "infant" in low or "teenager" in low or "adolescent" in low or "newborn" in low or "neonate" in low \
        or "toddler" in low


# 'May' that is no modal: a stain ('May-Gr\u00fcnwald-Giemsa': no modal has a dash after), or the month:
# capitalised after a word, a number or a comma ('in May 2019', '3 May', 'on May 3'), or before a number
_MAY_NOT_MODAL_RX = re.compile(r"May(?=[" + DASHES + r"])|(?<=[a-z0-9,;)]\s)May\b|\bMay(?=[\s,]*\d)")


def month_may(text: str, a: int, b: int) -> set[int]:
    """Offsets in text[a:b] of a 'May' that is no modal (the month, a stain)."""
    out = set()
    i = text.find("May", a, b)
    while i >= 0:   # the pattern tried at each 'May' only (its lookbehind would be tried at every position)
        if _MAY_NOT_MODAL_RX.match(text, i) is not None:
            out.add(i)
        i = text.find("May", i + 3, b)
    return out


# the past tense of a clinical course: 'was resected', 'were given', 'showed', 'revealed'
_NARRATIVE_RX = re.compile(r"\b(?:was|were|had|showed|revealed|demonstrated|underwent|received|presented|developed|"
                           r"appeared|began|found|confirmed|performed|removed|resected|treated|died|recurred|relapsed|"
                           r"progressed|administered|"
                           # an abstract told in the present: 'the tumour is located in ...', 'she undergoes ...'
                           r"located|shows|reveals|undergoes|receives|presents|consisted|included|comprised)\b")
_REPORT_RX = re.compile(r"\b(?:we|the authors) (?:(?:herein |hereby )?(?:present|report|describe)|reported|presented|"
                        r"described)\b"
                        r"|\b(?:study|report|article|paper)\s+(?:presents|describes|reports)\s+(?:a|the)\s+(?:\w+\s+){0,2}?case\b")


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
# ages written in words: 'a forty year old man', 'a twenty-three-year-old woman', 'six years old boy'
_WORD_NUMBER = (r"(?:(?P<tens>" + "|".join(_TENS) + r")(?:[\s-](?P<unit>" + "|".join(_UNITS) + r"))?|(?P<teen>"
                + "|".join(_TEENS) + r")|(?P<only>" + "|".join(_UNITS) + r"))")
WORD_AGE_RX = re.compile(r"\b" + _WORD_NUMBER
                         + r"(?:\s*[\-\u2010\u2013]?\s*(?:years?|yrs?)\s*[\-\u2010\u2013]?\s*old\b"
                         # 'old' left out: 'a nine years girl', 'a forty-year man'
                         r"|\s*[\-\u2010\u2013]?\s*(?:years?|yrs?)(?:\s*[\-\u2010\u2013]\s*|\s+)(?:male|female|man|woman|boy|"
                         r"girl|child|lady|gentleman)\b)"
                         # 'a girl aged one year and nine months', 'aged twelve years'
                         r"|\baged\s+" + _WORD_NUMBER.replace("?P<", "?P<a_") + r"\s+(?:years?|yrs?)\b")


def word_age(m: re.Match) -> int:
    g = "" if m.group("tens") or m.group("teen") or m.group("only") else "a_"   # 'N years old' or 'aged N years'
    if m.group(g + "teen"):
        return _TEENS[m.group(g + "teen")]
    if m.group(g + "only"):
        return _UNITS[m.group(g + "only")]
    return _TENS[m.group(g + "tens")] + (_UNITS[m.group(g + "unit")] if m.group(g + "unit") else 0)


# a population's age, not the patient's: 'the median age of patients is 25 years old'
_POPULATION_AGE_RX = re.compile(r"\b(?:median|mean|average|peak)\s+age\b|\bages?\s+(?:range|ranged|ranging)\b"
                                # an age bound of a population: 'in children less than 15 years old'
                                r"|\b(?:less|younger|older|more)\s+than\s+\d{1,3}\s*(?:years?|yrs?)\b")


# 'we surgically treated a patient with ...', 'we encountered a young man ...'
_WE_TREATED_RX = re.compile(r"\b(?:(?:we|the authors) (?:\w+ )?(?:treated|operated on|managed|encountered|saw|report|"
                            r"present|describe)|"
                            r"(?:report|study|paper|article) (?:describes|presents|reports)) "
                            r"(?:a|an) (?:[\w-]+ ){0,3}?(?:patient|man|woman|boy|girl|child|lady|gentleman)\b")


def is_intro(low: str) -> bool:
    """Does this (lowercased) sentence introduce the patient?"""
    if ("we " in low or "describes" in low or "presents" in low or "reports" in low) and _WE_TREATED_RX.search(low):
        return True
    if ("median" in low or "mean" in low or "average" in low or "peak" in low or "rang" in low or "than" in low) \
            and _POPULATION_AGE_RX.search(low):
        return False
    return bool((_age_hint(low) and (age_search(low) or (("old" in low or "aged " in low or "year" in low)
                                                          and WORD_AGE_RX.search(low))))
                or ("patient" in low or " a" in low or low[:1] == "a") and _intro_noun_possible(low)
                and INTRO_NOUN_RX.search(low)
                or ("male" in low and INTRO_SEX_RX.search(low)))


# the generic / anchor / case-reference cues are phrases in cues.py (one automaton pass), not regexes here

NEG_RX = re.compile(
    r"\b(?:no|not|without|neither|nor|negative for|free of|absence of|absent|unable to|unsuitable for|declined|refused|"
    r"refusal of|refusing|unnecessary|"
    r"instead of|rather than|contraindicated|did not|never|ruled out|excluded)\b")
HYPO_RX = re.compile(
    r"\b(?:may|might|could|would|should|consider(?:ed|ation)?|candidate for|plan(?:ned)? to|recommend(?:ed)?|"
    r"advised|if|whether|risk of|potential(?:ly)?|possible|option|suggests?|prevent(?:ion|ing|s)?|minimi[sz]e|"
    r"scheduled|planned|"
    r"will|to be (?:given|started)|awaiting|pending|"
    # a presumption, not a finding: 'initially felt to be consistent with a renal primary'
    r"(?:thought|felt|believed|presumed)\s+to\s+be)\b")
# NEG_RX and HYPO_RX searched only in a string that holds one of their words (the tails before mentions:
# about one in ten does); the words written out as Gated() finds them in the patterns, which a process
# then does not parse again at start-up (tests/test_speed_shortcuts.py checks that they still are)
NEG_GATE = Gated(NEG_RX, "absence absent contraindicated declined did excluded free instead negative "
                    "neither never no rather refusal refused refusing ruled unable unnecessary unsuitable without")
HYPO_GATE = Gated(HYPO_RX, "advised awaiting believed candidate consider could felt given if may might "
                     "minimi option pending plan possible potential presumed prevent recommend risk "
                     "scheduled should started suggest thought whether will would")
# [;:,]|\b(?:but|however|although|which|who|then|after|followed)\b, written so that
# every alternative starts with a literal character (the word boundary checked
# just after it: (?<!\wb) is \b before that b): the regex engine then jumps
# from one of those characters to the next instead of trying every position
BREAK_RX = re.compile(r";|:|,|b(?<!\wb)ut\b|h(?<!\wh)owever\b|a(?<!\wa)(?:lthough|fter)\b|"
                      r"w(?<!\ww)(?:hich|ho)\b|t(?<!\wt)hen\b|f(?<!\wf)ollowed\b")
POST_NEG_RX = re.compile(r"^\s*(?:" + DASH + r"|\s)?free\b|"
                         # the first items of a list that is free as a whole: 'metastasis or local recurrence free'
                         r"^\s*" + DASH + r"?\s*(?:and|or|/|&)\s*(?:[a-z]+\s+){0,2}?"
                         r"(?:recurrence|relapse|metastas[ie]s|metastatic|disease|tumou?r|progression)\s*" + DASH
                         # (a survival measure named after it is no predicate: 'the partial response and
                         # progression-free survival were good')
                         + r"?\s*free\b(?!\s+(?:survival|interval|period))|"
                         r"^\s*(?:was|were|is|are|had to be) (?:\w+ly )?"
                         # (given, but to no effect: 'chemotherapy was not effective')
                         r"(?:not(?!\s+(?:very\s+|well\s+|fully\s+)?(?:effective|successful|efficacious|curative|"
                         r"sufficient|helpful|beneficial|tolerated|useful))|"
                         r"ruled out|excluded|rejected|abandoned|cancell?ed|deferred|declined|refused|turned down|"
                         r"withheld|contraindicated|impossible|unfeasible|not feasible|deemed (?:not|un)\w*)\b"
                         # judged too hard, so not done: 'corpectomy would have been difficult', 'resection was
                         # considered to be challenging'
                         r"|^\s*(?:would have been|(?:was|were) (?:considered|deemed|judged|thought)(?: to be)?)"
                         r" (?:too )?"
                         r"(?:\w+ )?(?:difficult|challenging|impossible|risky|hazardous|unsafe|dangerous)\b")

# other tumours, and the lesions most often irradiated years before a radiation-induced sarcoma
# (thymoma, Hodgkin's disease, Wilms' tumour, craniopharyngioma, meningioma, pituitary adenoma)
_OTHER_TUMOURS = (r"carcinoma|adenocarcinoma|lymphoma|melanoma|leuka?emia|germinoma|seminoma|glioma|glioblastoma|"
                  r"astrocytoma|medulloblastoma|retinoblastoma|neuroblastoma|myeloma|mesothelioma|thymoma|"
                  r"craniopharyngioma|meningioma|pituitary\s+adenoma|hodgkin(?:'s|\u2019s)?\s+disease|"
                  r"wilms(?:'|\u2019)?s?\s+tumou?r")
OTHER_CANCER_RX = re.compile(
    r"\b(?:" + _OTHER_TUMOURS + r"|(?:breast|lung|ovarian|prostate|colon|colorectal|"
    r"gastric|renal|thyroid|cervical|endometrial|bladder|ductal|lobular|skin|pancreatic|liver|kidney)\s+cancer)s?\b")
# (searched in most case sentences, which name a sarcoma: only where one of its words occurs)
OTHER_CANCER_GATE = Gated(OTHER_CANCER_RX, "astrocytoma bladder breast carcinoma cervical colon colorectal "
                            "craniopharyngioma ductal endometrial gastric germinoma glioblastoma "
                            "glioma hodgkin kidney leukaemia leukemia liver lobular lung lymphoma "
                            "medulloblastoma melanoma meningioma mesothelioma myeloma neuroblastoma "
                            "ovarian pancreatic pituitary prostate renal retinoblastoma seminoma skin "
                            "thymoma thyroid wilms")
_PATIENT_SUBJECT_RX = re.compile(r"(?:she|he|(?:the|our|this) patient)\s+(?:was|had|has|received|underwent|"
                                 r"died|developed|remained|remains|is|presented|showed|succumbed)\b")
HISTORY_RX = re.compile(r"\b(?:history of|previous(?:ly)?|prior)\b")
_FOR_OTHER_RX = re.compile(r"\bfor\s+(?:a|an|the|his|her)?\s*(?:[\w-]+\s+){0,2}?(?:" + _OTHER_TUMOURS
                           + r"|(?:breast|lung|prostate|colon|thyroid|cervical|bladder|renal|gastric)\s+cancer)s?\b")


# function words of Portuguese and Spanish: a sentence of which a quarter are these is not English
_ROMANCE_WORDS = frozenset("de da do das dos em uma um com para que não nao foi pelo pela pelos pelas el la los las "
                           "del con una fue por y es en su lo al e o na nos ao à são sao está esta há fueron foram "
                           "ha".split())
# words of Portuguese and Spanish that English text hardly has, as substring tests (a regex with \b
# tried at every position of the page costs more than the rest of the zone work)
_ROMANCE_HINTS = (" uma ", " com ", " não ", " foi ", " una ", " con ", " fue ", " los ", " las ", " del ", " são ")
# any(h in low for h in _ROMANCE_HINTS) in one scan: each hint opens with a space, which the regex engine
# skips to (a third of the time of eleven substring scans of a page that holds none of them)
_ROMANCE_HINT_RX = re.compile("|".join(map(re.escape, _ROMANCE_HINTS)))
_WORD_RX = re.compile(r"[a-z\u00e0-\u00ff]+")


def _romance(low: str) -> bool:
    words = _WORD_RX.findall(low)
    return len(words) >= 6 and sum(w in _ROMANCE_WORDS for w in words) >= 0.25 * len(words)


def _zone_outside_case(s: Sentence, h: tuple[str, str] | None, state: str | None, intro_i: int | None) -> str | None:
    """Sets the zone of sentence s, outside a case section; the state after it (a case heading
    before any introduction opens the case)."""
    if state == "boiler":
        s.zone = "boiler"
    elif state is None and intro_i is None and h is not None and h[0] == "case":
        state = "case"
        s.zone = "case"
    elif s.caseref and state != "boiler":
        s.zone = "case"
    elif state == "lit" and (s.anchor or s.caseref) and not s.generic and _PATIENT_SUBJECT_RX.match(s.low):
        s.zone = "case"   # the patient's course told under a discussion heading ('She received ...')
    else:
        s.zone = "lit" if state == "lit" else "other"
    return state


# boilerplate headings that are a page's buttons and links, not sections: 'Download PDF', 'Share',
# 'Skip to main content', 'Cite this article'
_UI_LINE_RX = re.compile(r"(?i)download|share|skip to|view abstract|talk to us|full text links|request permissions|"
                         r"cite this|newsletter")
_COPULA_RX = re.compile(r"\b(?:is|are|was|were)\b")
# a bare 'Abstract' line
_ABSTRACT_HEAD_RX = re.compile(r"\s*(?:abstract|summary)\s*:?\s*$")


_FOLLOW_UP_RX = re.compile(r"follow[\s\-\u2010]*up|followed up|\bsurvived\b|\balive\b|disease[\s-]free|doing well"
                           r"|\bno\s+(?:[\w-]+\s+){0,2}?(?:recurrence|relapse|progression)\b")


def _case_zone(s: Sentence, state: str, run: int, strict: bool = False) -> int:
    """The zone of a sentence in the case ('closing': an abstract's conclusion; strict: one under a
    heading on a line of its own, of which only the follow-up it tells is the case's); returns the run
    of generic sentences (two in a row are a literature passage inside the case section)."""
    if state == "closing":   # (the course told in the past tense is the case's too: 'there was no recurrence')
        s.zone = "case" if not s.generic and (_FOLLOW_UP_RX.search(s.low) or not strict and (
            s.anchor or _NARRATIVE_RX.search(s.low))) else "lit"
        return run
    if s.generic:
        run += 1
    elif s.anchor or s.caseref or run < 2:
        run = 0
    s.zone = "lit" if run >= 2 else "case"
    return run


def _after_heading(s: Sentence, h: tuple[str, str], state: str, body: bool,
                   abstract: bool = False) -> tuple[str, bool]:
    """The state a heading opens, and whether the page is past its abstract (a heading on its own
    line in the case, or the keywords). A structured abstract's own inline 'Conclusion: ...' opens
    'closing': its general advice is no case, the follow-up it tells is ('no recurrence at the
    3-year follow-up'). abstract: the page's 'Abstract' line is the last part heading seen (its
    sections may stand on lines of their own)."""
    inline = len(s.text.strip()) > len(h[1]) + 2
    # (or its heading on a line of its own with the colon, as a page lays out a structured abstract)
    closing = state in ("case", "closing") and (abstract or (not body and (inline or s.text.rstrip().endswith(":")))) \
        and h[1].lower().startswith("conclusion")
    state = "closing" if closing else h[0]
    return state, body or (state == "case" and not inline) or h[1].lower().startswith("keyword")


def title_like(text: str, s: Sentence) -> bool:
    """A sentence that is a whole line without a full stop, as a title is: 'Chordoma in a
    Middle-Aged Man' names the patient without introducing the case."""
    line_end = text.find("\n", s.end)
    rest = text[s.end:len(text) if line_end < 0 else line_end]
    body = s.text.rstrip()
    return s.line_start and not rest.strip() and not body.endswith((".", "!", "?", ":")) and len(body) <= 300


class Zones:
    """Sentence lookup by offset, and the case/generic classification."""

    def __init__(self, text: str, sentences: list[Sentence], title_span: tuple[int, int] | None,
                 norm: str | None = None, intro_seen: dict[int, bool] | None = None,
                 cues: list[tuple[int, tuple[str, ...]]] | None = None):
        """intro_seen: is_intro() of sentences already asked, by index (extract() asks it of the
        first ones, to bound the title search); the others are asked here. cues: the cue phrases
        of norm as Lexicon.match(cues=) found them; else they are looked for here."""
        self.text = text
        self._intro_seen = intro_seen or {}
        self._cues = cues
        self.norm = norm if norm is not None else normalise(text)
        self.sents = sentences
        self._starts = [s.start for s in sentences]
        self.title_span = title_span
        self.intro: Sentence | None = None
        self.low = lowered(text)
        self._classify()
        if _ROMANCE_HINT_RX.search(self.low):
            self._second_language()

    def _second_language(self) -> None:
        """A bilingual page (an English report with its abstract in Portuguese or Spanish, as SciELO
        pages have): the other language's sentences repeat the case, and the English rules misread
        them ('fusão de L3 a L5'). They leave the case when the page tells it in English too."""
        case = [s for s in self.sents if s.zone == "case"]
        other = [s for s in case if _romance(s.low)]
        if other and len(case) - len(other) >= 3:
            for s in other:
                s.zone = "other"

    def hits(self, rx: re.Pattern | Caseless | Keyed, lower: bool = True) -> dict[int, list[re.Match]]:
        """Matches of rx over the whole (lowercased) text, by sentence index: one scan, not one per sentence."""
        out: dict[int, list[re.Match]] = {}
        src = self.low if lower and len(self.low) == len(self.text) else self.text
        run = rx if not isinstance(rx, Caseless) else rx.on(src) if src is self.low else rx.folding
        for m in run.finditer(src):
            s = self.at(m.start())
            if s is not None:
                out.setdefault(s.index, []).append(m)
        return out

    def _is_intro(self, s: Sentence) -> bool:
        seen = self._intro_seen.get(s.index)
        return is_intro(s.low) if seen is None else seen

    def at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        s = self.sents[i]
        return s if pos < s.end else None

    def _classify(self) -> None:
        cues = cue_positions(self.norm, self._cues)
        at = self.at
        text = self.text
        gen_pos = cues["generic"]
        if "May" in text:   # the month May and the stain 'May-Gr\u00fcnwald-Giemsa' are not the modal 'may'
            not_modal = month_may(text, 0, len(text))
            if not_modal:
                gen_pos = [p for p in gen_pos if p not in not_modal]
        anchors, refs, gens = ({s.index for s in map(at, ps) if s is not None}
                               for ps in (cues["anchor"], cues["caseref"], gen_pos))
        intro_i = self._find_intro(anchors, refs, gens)
        if intro_i is not None:
            self.intro = self.sents[intro_i]
        self._zone(intro_i, anchors, refs, gens)
        if intro_i is None:
            self._case_gaps_without_intro()
            self._narrative_without_intro()

    def _find_intro(self, anchors: set[int], refs: set[int], gens: set[int]) -> int | None:
        """Marks the title's sentences; the index of the sentence that introduces the patient,
        else of the first that says it reports the case ('We report a woman in her sixties ...')."""
        intro_i = first_ref = titled = None
        for s in self.sents:
            if self.title_span and s.start >= self.title_span[0] and s.end <= self.title_span[1] + 1 \
                    and not (s.index in gens and s.index not in anchors and len(s.text) > 60
                             and s.text.rstrip().endswith(".") and _COPULA_RX.search(s.low)):
                s.zone = "title"   # (a long generic sentence taken for the title is no title: 'X is a rare ...')
                continue
            if intro_i is None and self._is_intro(s) and (s.index not in gens or s.index in anchors):
                if title_like(self.text, s):   # a title that names the patient: prose past it introduces the case
                    titled = s.index if titled is None else titled
                elif heading_of(s.text) is None or len(s.text) > 40:
                    intro_i = s.index
            if first_ref is None and s.index in refs and _REPORT_RX.search(s.low):
                first_ref = s.index
        intro_i = titled if intro_i is None else intro_i
        return first_ref if intro_i is None else intro_i

    def _zone(self, intro_i: int | None, anchors: set[int], refs: set[int], gens: set[int]) -> None:
        """Each sentence's heading, cue flags and zone, walking the sections in order: the case from
        the introduction on, then what each heading opens ('lit' at a question heading)."""
        state = None   # None before the introduction, then case | closing (an abstract's conclusion) | lit | boiler
        resume = None  # the state a boilerplate block interrupted (case only)
        run = 0        # consecutive generic sentences: a literature passage inside the case section
        body = False   # a heading on a line of its own seen since the case began: past the abstract
        abstract = False   # in a structured abstract under its own 'Abstract' line (no discussion, keywords yet)
        strict = False     # the abstract's conclusion under a heading on a line of its own
        for s in self.sents:
            h = heading_of(s.text)
            if h is not None:
                s.heading = h[0]
            s.anchor = s.index in anchors
            s.caseref = s.index in refs
            s.generic = s.index in gens and not s.anchor and not s.caseref
            if s.zone == "title":
                continue
            if h is not None and h[0] == "boiler" and _UI_LINE_RX.match(h[1]):
                s.zone = "boiler"   # a page's button or link, one line: the section it stands in goes on
                continue
            if h is not None:
                run = 0
                abstract = abstract and h[0] != "boiler" and not h[1].lower().startswith(("keyword", "key word",
                                                                                          "discussion"))
            elif s.line_start and len(s.low) < 16 and _ABSTRACT_HEAD_RX.fullmatch(s.low):
                abstract = True
            if intro_i is not None and s.index == intro_i:
                state = "case"
            elif h is not None and state is not None:
                if h[0] == "boiler" and state != "boiler":
                    resume = state if state == "case" else None
                strict = abstract and state == "case" and s.text.strip() == h[1].strip()   # no colon, no text
                state, body = _after_heading(s, h, state, body, abstract)
            elif state == "boiler" and (intro_i is None or s.index < intro_i) and _ABSTRACT_HEAD_RX.match(s.low):
                # a correspondence or rights block ends where the abstract begins: the case a heading
                # opened before it goes on (a page headed 'Case report'), else nothing is open yet
                state = resume
            elif h is None and s.line_start and s.text.rstrip().endswith("?") and state is not None:
                state = "lit"     # a question heading (FAQ boxes)
            if state in ("case", "closing"):
                run = _case_zone(s, state, run, strict)
            else:
                state = _zone_outside_case(s, h, state, intro_i)
                if state is None and s.zone == "other" and not s.generic and h is None and s.index \
                        and self._after_case(s.index) and (s.anchor or _NARRATIVE_RX.search(s.low)):
                    # an abstract that tells the case before its introduction: 'We report a case of ...
                    # She received ...' (the sentences that go on from the report's sentence about the patient)
                    s.zone = "case"

    def _after_case(self, i: int) -> bool:
        """Is the sentence before i, past up to three general remarks ('Chordoma is a rare bone tumour.'),
        one of the case?"""
        for j in range(i - 1, max(-1, i - 5), -1):
            x = self.sents[j]
            if not x.generic or x.zone == "case":
                return x.zone == "case"
        return False

    def _case_gaps_without_intro(self) -> None:
        """No introduction (an abstract that never gives age or sex): a plain sentence between two
        sentences of the case belongs to it ('Overall survival was 11 months.')."""
        ss = self.sents
        for i in range(1, len(ss) - 1):
            x = ss[i]
            if x.zone == "other" and not x.generic and x.heading is None and \
                    ss[i - 1].zone == "case" and ss[i + 1].zone == "case":
                x.zone = "case"

    def _narrative_without_intro(self) -> None:
        """A page that never introduces its patient (no age, no sex, no 'we report') but tells a
        course: after the first sentence that points at the case, the clinical narrative that is
        neither literature nor boilerplate is the case's ('the mass was resected', 'chemotherapy
        ... was performed'). Only when the page has almost no case sentence otherwise."""
        ss = self.sents
        if sum(1 for x in ss if x.zone == "case") > 2:
            return
        start = next((x.index for x in ss if x.caseref or x.zone == "case"), None)
        if start is None:
            return
        for x in ss[start:]:
            if x.zone == "other" and not x.generic and x.heading is None and _NARRATIVE_RX.search(x.low):
                x.zone = "case"

    def usable(self, pos: int, allow_title: bool = True) -> Sentence | None:
        """The sentence at pos when facts may be read from it."""
        s = self.at(pos)
        if s is None:
            return None
        if s.zone == "title":
            return s if allow_title else None
        if s.zone != "case" or s.generic:
            return None
        return s


# what BREAK_RX cannot match without: a segment with none of these has no break
_BREAK_PARTS = (",", ";", ":", "but", "however", "although", "after", "which", "who", "then", "followed")


_BREAK_WORDS = word_automaton(_BREAK_PARTS)


def _last_break(seg: str) -> int:
    """The end of BREAK_RX's last match in seg (0: none), from one Aho-Corasick pass over its parts: a
    mark (, ; :) breaks where it stands, a word where no word character is glued to it on either side
    (BREAK_RX's lookbehind and \\b). Its matches cannot overlap, so the last is the one that ends last."""
    cut = 0
    n = len(seg)
    for end, w in _BREAK_WORDS.iter(seg):
        e = end + 1
        if len(w) > 1:
            s = e - len(w)
            if (s and word_char(seg[s - 1])) or (e < n and word_char(seg[e])):
                continue
        cut = e   # (hits come in the order of their ends)
    return cut


def _clause_before(sent: Sentence, pos: int, limit: int = 60) -> str:
    a = max(0, pos - sent.start - limit)
    seg = sent.low[a:pos - sent.start]
    cut = _last_break(seg)
    if " and " in seg and ("remain" in seg or " is" in seg or " was" in seg or " has been" in seg or "stay" in seg
                           or "continu" in seg or "receiv" in seg or "underw" in seg):
        # a second predicate of the subject opens a clause: 'discharged without further treatment and
        # remains alive ...' (the negation stays in the first)
        for m in AND_PREDICATE_RX.finditer(seg, cut):
            cut = m.end()
    return seg[cut:]


AND_PREDICATE_RX = re.compile(r"\band\s+(?:(?:she|he|the patient)\s+)?(?:remains|remained|is|was|has been|stays|"
                               r"stayed|continues|continued|received|receives|underwent|undergoes)\b")


# words that open a clause, not a list item: 'no fever, and she received radiotherapy'
_CLAUSE_WORDS = frozenset("she he it they we patient was were is are had has have received underwent showed "
                          "revealed demonstrated found".split())


# what NEG_RX cannot match without ('no' covers not, nor, did not): a window with none of these has no negation
_NEG_PARTS = ("no", "neither", "without", "free of", "negative", "absen", "declin", "refus", "never", "ruled", "exclud",
              "instead", "rather", "unable", "unsuitable", "contraind", "unnecessary")


# a passive the negation denies, ending its clause: 'could not be obtained', 'was not performed'
_PASSIVE_DENIED_RX = re.compile(r"\bnot\s+(?:be\s+|been\s+)?(?:\w+ly\s+)?\w+(?:ed|en)\s*$"
                                r"|\b(?:was|were)\s+not\s+(?:\w+ly\s+)?\w+(?:ed|en)\s*$")


def _list_negated(sent: Sentence, pos: int, window: int) -> bool:
    """A negation that governs a list: 'no skin changes, ulcers, or enlarged lymph nodes'."""
    a = max(0, pos - sent.start - 160)
    seg = sent.low[a:pos - sent.start]
    if "," not in seg or not any(w in seg for w in _NEG_PARTS):
        return False
    parts = seg.split(",")
    n = len(parts)
    for i, part in enumerate(reversed(parts[-6:])):
        words = part.split()
        if words and words[0] in ("or", "and", "nor"):
            words = words[1:]
        if i and NEG_GATE.search(" ".join(words[-window:])):
            if _PASSIVE_DENIED_RX.search(part):
                return False   # a clause the negation closes: 'resection could not be obtained, and X was given'
            # not an item that opens with its own negation inside a list: 'a mass, without X, and liver metastases'
            return not (NEG_RX.match(part.strip()) and (a > 0 or i < n - 1))
        if len(words) > (2 if i == 0 else 3) or ";" in part or ":" in part or \
                any(w in _CLAUSE_WORDS for w in words):
            return False
    return False


def negated(text: str, sent: Sentence, start: int, end: int, window: int = 6) -> bool:
    before = _clause_before(sent, start)
    words = before.split()
    tail = " ".join(words[-window:])
    # a list item ends the clause with at most two words (and, or, nor before them): only then a list
    if NEG_GATE.search(tail) or (len(words) <= 3 and _list_negated(sent, start, window)):
        return True
    if len(words) > window and words[-1] in ("or", "either") and NEG_GATE.search(" ".join(words[-12:])):
        # 'without local recurrence in the tibia or pulmonary metastases': the negation goes on;
        # 'not to subject the patient to either radiation therapy or ...': it governs the pair
        return True
    return post_negated(sent.low[end - sent.start:end - sent.start + 50])


# what POST_NEG_RX's branches need: 'free', or one of these words first (past white space)
_POST_NEG_OPENERS = ("was", "were", "is", "are", "had", "would")


def post_negated(after: str) -> bool:
    """bool(POST_NEG_RX.match(after)), tried only when after holds 'free' (its first two branches need it)
    or opens, past white space, with a word the others open with."""
    if "free" not in after and not after.lstrip().startswith(_POST_NEG_OPENERS):
        return False
    return POST_NEG_RX.match(after) is not None   # each of its branches opens with ^: search() would try every position


def _only_the_month(text: str, start: int, before: str, tail: str) -> bool:
    """Is every hypothetical word of tail a 'may' that is the month ('resected in May 2019')?"""
    if any(m.group(0) != "may" for m in HYPO_RX.finditer(tail)):
        return False
    a = start - len(before)
    months = month_may(text, a, start)
    return bool(months) and all(a + i in months for i in (m.start() for m in re.finditer(r"\bmay\b", before)))


# advice or a plan told after its treatment: 'radiotherapy was recommended', 'chemotherapy was planned'
POST_HYPO_RX = re.compile(r"\s*(?:(?:\w+\s+){0,2}?(?:was|were|is|are)\s+(?:also\s+|then\s+|therefore\s+)?"
                          r"(?:recommended|advised|planned|proposed|suggested|considered|scheduled|offered)\b"
                          # weighed and not chosen: 'we thought that surgery would be too invasive'
                          r"|would\s+(?:\w+\s+)?(?:be|have|lead|cause|result|require|mean)\b)")


def hypothetical(text: str, sent: Sentence, start: int, end: int) -> bool:
    before = _clause_before(sent, start, 80)
    tail = " ".join(before.split()[-8:])
    if HYPO_GATE.search(tail) and not _only_the_month(text, start, before, tail):
        return True
    if POST_HYPO_RX.match(sent.low, end - sent.start) is not None:   # anchored: a few steps
        return True
    head = _list_head(sent, start)
    return head is not None and HYPO_GATE.search(" ".join(head.split()[-8:])) is not None


# what opens a list of examples: 'the potential primary sites, including the lung, thyroid and breast'
_EXAMPLES_RX = re.compile(r"(?:including|such\s+as|e\.\s?g\.|namely|like)\s")


def _list_head(sent: Sentence, pos: int) -> str | None:
    """The words before the comma that opens a list of examples holding the mention at pos ('the potential
    primary sites for X' of 'the potential primary sites for X, including the lung, thyroid and breast'),
    when the mention is one of its short items; None otherwise."""
    a = max(0, pos - sent.start - 160)
    seg = sent.low[a:pos - sent.start]
    if "," not in seg or not ("includ" in seg or "such as" in seg or "e.g" in seg or "namely" in seg
                              or "like" in seg):
        return None
    parts = seg.split(",")
    for i in range(len(parts) - 1, 0, -1):
        words = parts[i].split()
        if words and words[0] in ("or", "and"):
            words = words[1:]
        if _EXAMPLES_RX.match(" ".join(words) + " "):
            return parts[i - 1]
        if len(words) > 3 or ";" in parts[i] or ":" in parts[i] or any(w in _CLAUSE_WORDS for w in words):
            return None
    return None

# a diagnosis only suspected before the pathology, or one the tumour mimicked: 'on suspicion of renal
# carcinoma, a nephrectomy was performed' is the sarcoma's operation, not another cancer's
_SUSPECTED_RX = re.compile(r"\b(?:suspicion of|suspected|suspecting|presumed|presumptive|suspicious (?:for|of)|"
                           r"thought to be|misdiagnosed as|mimick\w*|impression of|(?:working|provisional|"
                           r"preliminary|initial) diagnosis of|"
                           # a first reading the pathology later changed: 'initially reported as a clear cell tumor'
                           r"(?:initially|first|originally|wrongly|erroneously)\s+(?:\w+\s+)?(?:reported|diagnosed|"
                           r"interpreted|read|considered|classified|labell?ed)\s+as|"
                           # a diagnosis to be excluded: 'to rule out a metastatic carcinoma', 'exclusion of'
                           r"(?:exclusion\s+of|exclud(?:e|ed|ing)|rul(?:e|ed|ing)\s+out))\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}$")


def _only_suspected(low: str) -> bool:
    """Is every other cancer the sentence names a suspected one?"""
    return all(_SUSPECTED_RX.search(low, max(0, m.start() - 70), m.start()) is not None
               for m in OTHER_CANCER_RX.finditer(low))


def other_tumour_ranges(text: str, sent: Sentence, index_tumour_positions: list[int]) -> list[tuple[int, int]]:
    """Parts of a sentence about another cancer: 'a history of breast cancer treated with ...'."""
    out: list[tuple[int, int]] = []
    low = sent.low
    if not ("cancer" in low or "oma" in low or "leuk" in low or "hodgkin" in low or "wilms" in low) \
            or not OTHER_CANCER_GATE.search(low) \
            or _only_suspected(low):
        return out
    for m in HISTORY_RX.finditer(low):
        if OTHER_CANCER_RX.search(low[m.end():m.end() + 80]):
            out.append((sent.start + m.start(), sent.end))
    # a treatment given for another tumour: 'whole brain radiotherapy for a pineal germinoma'
    for m in _FOR_OTHER_RX.finditer(low):
        a = max((b.end() for b in BREAK_RX.finditer(low, 0, m.start())), default=0)
        out.append((sent.start + max(a, m.start() - 60), sent.start + m.end()))
    if not out and not any(sent.start <= p < sent.end for p in index_tumour_positions):
        out.append((sent.start, sent.end))
    return out
