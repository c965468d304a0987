"""Outcomes in timeline order: responses, recurrence, progression, new metastasis, death, NED, follow-up.

Each observation is read from one sentence of the case with the time nearest to
it ('at 10 months after diagnosis', 'six months later' = six months after the
previous observation). The last observation is the current status. Rules:
a negated recurrence/progression/metastasis after treatment is 'no evidence of
disease' ('no signs of local recurrence', 'progression-free') unless disease
is known to persist (a partial response before it and no surgery since);
metastases named before any treatment are the presentation, not an event;
a follow-up time without a status ('well at 17 months') keeps the
previous status.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

import ahocorasick

from sarcokg.model.facts import OutcomeFact, Span
from sarcokg.model.terms import Terms

from .context import AND_PREDICATE_RX, BREAK_RX, Zones, hypothetical, month_may, negated
from .cues import CASE_INTRO
from .lexicon import Mention
from .textprep import Caseless
from .timeexpr import NUM, TimeExpr, find_times, to_months, word_number

NED_RX = re.compile(r"\b(?:no|without)\s+(?:\w+\s+){0,2}?(?:evidence|signs?|suspicion|indications?)\s+of\s+"
                    r"(?:[\w-]+\s+){0,3}?(?:disease|tum\w*|recurrence|relapse|regrowth|malignancy|metasta\w*)"
                    # 'no residual or recurrent tumour was found at follow-up'
                    r"|\bno\s+(?:residual\s+(?:or|and|/)\s+)?recurrent\s+(?:tumou?rs?|disease|lesions?|mass(?:es)?)\b"
                    # 'has remained free of angiosarcoma', 'is still free from illness'
                    r"|\bfree\s+(?:from|of)\s+(?:any\s+)?(?:illness|\w*sarcoma|chordoma|malignancy|cancer)\b"
                    # 'the Kaposi sarcoma was cured', 'she has been completely cured'
                    r"|\b(?:was|were|is|are|been)\s+(?:completely\s+|totally\s+|fully\s+)?cured\b",
                    re.I)
PD_RX = re.compile(r"\b(?:disease|tumou?r)\s+(?:was|is|remained|has)\s+(?:still\s+)?(?:progressive|in progress(?:ion)?|"
                   r"progressing)\b|\bprogressed\b|\brefractory\b", re.I)
REC_RX = re.compile(r"\brecurred\b|\bre-?occurred\b"
                    # 'presented with a recurrent tumour', 'recurrent tumours in the operation area', 'a recurrent
                    # stromal cell sarcoma'
                    r"|\brecurrent\s+(?:(?!(?:and|or)\s)[\w-]+\s+){0,2}?(?:tumou?rs?|mass(?:es)?|disease|lesions?|sarcoma|"
                    r"nodules?)\b",
                    re.I)
# a death said by what came after it: 'the patient survived for only three years', 'diagnosed post mortem'
DEATH_RX = re.compile(r"\bsurvived\s+(?:for\s+)?only\b|\bpost[\s-]?mortem\b", re.I)
RESP_RX = re.compile(r"\b(?:tumou?r|durable|significant|objective|radiological|radiologic|"
                     r"good|favou?rable|marked|dramatic|symptomatic|sustained|lasting|long-lasting|prolonged|"
                     r"excellent|remarkable|spectacular|impressive|striking|substantial|considerable|"
                     r"satisfactory|robust|ongoing|continued|continuing|major|radiographic|meaningful)"
                     # ('an impressive treatment response')
                     r"\s+(?:and\s+\w+\s+)?(?:(?:treatment|therapeutic|clinical|tumou?r|metabolic)\s+)?response\b"
                     # 'a response was observed'
                     r"|\ban?\s+(?:[\w-]+\s+)?response\s+(?:was|has\s+been)\s+(?:observed|noted|seen|achieved|obtained)\b",
                     re.I)
AWD_RX = re.compile(r"\b(?:residual|persistent|persisting|remaining)\s+(?:[\w-]+\s+)?"
                    r"(?:tumou?r|disease|mass|metasta\w*)\b"
                    r"|\btumou?r\s+residual\b|\b(?:disease|tumou?r|metasta\w*)\s+(?:has\s+|have\s+)?persist(?:s|ed|ing)?\b"
                    r"|\balive\s+with\s+(?:[\w-]+\s+){0,3}?(?:disease|tumou?rs?|metasta\w*|lesions?|nodules?)\b"
                    # alive while the tumour is still treated: 'alive for 2 years on a second-line chemotherapy'
                    r"|\balive\s+(?:[\w-]+\s+){0,4}?(?:under|on|receiving|undergoing)\s+(?:(?:a|an|the|her|his)\s+)?"
                    r"(?!(?:adjuvant|maintenance|prophylactic|no|follow)\b)(?:[\w-]+\s+){0,2}?"
                    r"(?:chemotherapy|treatment|therapy|regimen)\b"
                    # 'a small mass remained below the conus' (not 'remained stable' or 'free')
                    r"|\b(?:tumou?r|mass|lesion|disease)\s+(?:[\w-]+\s+){0,1}?remained\b(?!\s+(?:\w+\s+)?(?:stable|"
                    r"unchanged|the same|free|absent|undetect\w*|controlled|under))", re.I)
# the tumour unchanged: 'the lesions remained stable', 'no change in the size of the mass'
SD_RX = re.compile(r"\b(?:tumou?rs?|disease|lesions?|mass(?:es)?|metasta\w*|nodules?)\s+(?:[\w-]+\s+){0,2}?"
                   r"(?:has\s+|have\s+)?(?:remained|remains|was|were|is|are|being)\s+(?:\w+\s+)?(?:stable|unchanged)\b"
                   r"|\bno\s+(?:significant\s+)?change\s+in\s+(?:the\s+)?(?:size\s+of\s+(?:the\s+)?)?"
                   r"(?:tumou?rs?|lesions?|mass(?:es)?|metasta\w*|nodules?)\b"
                   r"|\b(?:stable|unchanged)\s+(?:[\w-]+\s+){0,2}?(?:nodules?|lesions?|metasta\w*|mass(?:es)?|tumou?rs?)\b"
                   r"|\b(?:tumou?rs?|disease|lesions?|mass(?:es)?|metasta\w*|nodules?)\s+(?:(?:has|have)\s+been|remains?|"
                   r"remained|is|was|are|were)\s+(?:\w+\s+)?(?:controlled|(?:kept\s+)?under\s+control)\b"
                   # 'a prolonged stabilization', 'stabilization of the disease', 'the disease was stabilized'
                   r"|\b(?:disease|tumou?r|prolonged|long[\s-]term|durable|lasting)\s+stabili[sz]ation\b"
                   r"|\bstabili[sz]ation\s+of\s+(?:the\s+)?(?:disease|tumou?rs?|lesions?|metasta\w*)\b"
                   # the tumour stopped growing: 'the tumour growth was arrested', 'no further growth'
                   r"|\bgrowth\s+(?:was|has\s+been|had\s+been|is)\s+(?:\w+\s+)?(?:arrested|halted|stopped)\b"
                   r"|\bno\s+further\s+(?:tumou?r\s+)?growth\b"
                   r"|\b(?:disease|tumou?rs?|lesions?|metasta\w*)\s+(?:was|were|has\s+been|have\s+been|had\s+been)\s+"
                   r"stabili[sz]ed\b"
                   # the treatment as the subject: 'the combination had stabilized the metastases'
                   r"|\b(?:has|have|had)\s+stabili[sz]ed\s+(?:the\s+|his\s+|her\s+|all\s+)?(?:[\w-]+\s+)?"
                   r"(?:disease|tumou?rs?|lesions?|metasta\w*|nodules?)\b", re.I)
# 'did not die', 'no death': a negation right before; 'never woke and died' is a death
_DEATH_NEG_RX = re.compile(r"\b(?:not|never|no|without|nor)\s+(?:\w+\s+)?$")
MODAL_RX = re.compile(r"\b(?:would|could|might|may|can)\b")
# a response qualified by how it was seen: 'complete metabolic response', 'partial radiological response'
QUAL_RESP_RX = re.compile(r"\b(?P<k>complete|partial|near[\s-]complete)\s+(?:metabolic|radiologic(?:al)?|clinical|"
                          r"pathologic(?:al)?|morphologic(?:al)?|imaging|clinico-?radiologic(?:al)?)\s+"
                          r"(?:response|remission|regression)\b", re.I)
# lesions gone: complete, or partial when some are left ('had disappeared, except for two residual nodules')
GONE_RX = re.compile(r"\b(?:tumou?rs?|mass(?:es)?|lesions?|metasta\w*|nodules?)\s+(?:[\w-]+\s+){0,3}?"
                     r"(?:had\s+|have\s+|has\s+)?(?:completely\s+)?(?:disappeared|resolved|vanished)\b"
                     # the noun: 'complete tumour disappearance', 'disappearance of the lung nodules'
                     r"|\b(?:tumou?r|mass|lesion|nodule)\s+(?:disappearance|resolution)\b"
                     r"|\b(?:disappearance|resolution)\s+of\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,2}?"
                     r"(?:tumou?rs?|mass(?:es)?|lesions?|metasta\w*|nodules?)\b", re.I)
_LEFT_RX = re.compile(r"\b(?:except|residual|remaining|most of|partial|persist\w*|but|almost|nearly|"
                      r"near[\s-]+complete\w*)\b")
# the tumour smaller: a response even where the word is not written
SHRINK_RX = re.compile(r"\b(?:tumou?rs?|mass(?:es)?|lesions?|metasta\w*|nodules?)(?!\s+markers?)\s+(?:[\w-]+\s+){0,3}?"
                       r"(?:shrank|shrunk|shrunken|decreased|regressed|diminished|reduced\s+in\s+size)\b"
                       # the same tumour's later turn: 'the mass first grew, covering the cornea, but then regressed'
                       r"|\bbut\s+(?:eventually\s+|then\s+|later\s+|subsequently\s+|gradually\s+)?"
                       r"(?:shrank|shrunk|regressed)\b"
                       # 'a residual mass with marked reduction in size'
                       r"|\b(?:tumou?rs?|mass(?:es)?|lesions?|metasta\w*|nodules?)\s+(?:with|showing|showed|demonstrat\w*)\s+"
                       r"(?:an?\s+)?(?:[\w-]+\s+)?(?:reduction|decrease|shrinkage|regression)\s+in\s+(?:its\s+)?size\b"
                       # 'a significantly decreased tumour load', 'reduced tumour burden'
                       r"|\b(?:decreased|reduced|diminished)\s+(?:tumou?r\s+)(?:load|burden|size|volume)\b"
                       # the noun before what shrank: 'marked shrinkage of his liver disease', 'rapid remission of
                       # the pulmonary metastases'
                       r"|\b(?:shrinkage|regression|remission|reduction)\s+(?:in\s+size\s+)?of\s+(?:the\s+|his\s+|her\s+)?"
                       r"(?:[\w-]+\s+){0,2}?(?:disease|tumou?rs?|lesions?|metasta\w*|mass(?:es)?|nodules?)\b"
                       # the noun: 'marked tumour regression', 'significant mass shrinkage' (not a pathology grade)
                       r"|(?<!complete\s)\b(?:tumou?r|mass|lesion|nodule)\s+(?:regression|shrinkage)\b"
                       r"(?!\s+(?:grade|score|rate))"
                       # 'the lesions have gradually reduced'
                       r"|\b(?:tumou?rs?|mass(?:es)?|lesions?|metasta\w*|nodules?)\s+(?:have|has|had)\s+(?:\w+\s+)?"
                       r"reduced\b(?!\s+(?:the|its|their|his|her)\b)"
                       # what a treatment did: 'radiation therapy reduced the size of the tumour'
                       r"|\b(?:decreased|reduced|diminished)\s+the\s+(?:size|volume)\s+of\s+(?:the\s+)?(?:[\w-]+\s+)?"
                       r"(?:tumou?rs?|mass(?:es)?|lesions?|metasta\w*|nodules?)\b"
                       # a share of the tumour gone: 'over 90% tumour reduction' (all of it is no partial response)
                       r"|(?<![\d.])(?!100\b)\d{1,2}\s*%\s+(?:tumou?r\s+(?:reduction|shrinkage|regression|decrease)\b"
                       r"|(?:reduction|shrinkage|regression|decrease)\s+(?:in|of)\s+(?:the\s+)?(?:tumou?r|lesion|mass))"
                       r"|\b(?:shrinkage|regression|reduction|decrease)\s+(?:in\s+(?:the\s+)?size\s+)?(?:of|in)\s+(?:the\s+)?"
                       r"(?:[\w-]+\s+){0,2}?(?:tumou?rs?|mass(?:es)?|lesions?|metasta\w*|nodules?)\b", re.I)
# after a treatment, the lesions gone: 'nine months after treatment, no nodular lesions were observed'
NO_LESION_RX = re.compile(r"\b[Nn]o\s+(?:residual\s+|visible\s+|nodular\s+|skin\s+|cutaneous\s+|remaining\s+)?"
                          r"(?:lesions?|nodules?)\s+(?:were|was|are|is|could\s+be)\s+(?:\w+\s+)?(?:observed|seen|detected|"
                          r"found|visible|present)\b")
NEW_LESION_RX = re.compile(r"\bnew\s+(?:[\w-]+\s+){0,3}?(?:nodules?|lesions?|masses|mass|foci|deposits)\b")
FOLLOW_RX = Caseless(r"follow[\s\-\u2010]*up|followed up|followup|last seen|survived|survival|\balive\b|doing well|"
                       r"re-?examined|re-?evaluated|seen again|"
                       r"\bcurrently\b|last visit|\bremained\b|\bremains\b|at present|\bnow\b|at this writing|"
                       r"time of (?:this )?writing|time of this report|symptom[\s-]free|"
                       r"free of symptoms|post-?treatment", keyed=True)  # on Sentence.low
_HINTS = {"no evidence of disease": ("no ", "without", "free ", "cured"),
          "progressive disease": ("progress", "refractory"),
          "recurrence": ("recur", "occurred"), "partial response": ("response",),
          "alive with disease": ("residual", "persist", "remaining", "alive", "remained"),
          "distant metastasis": ("new ",),
          "no evidence of disease  ": ("lesion", "nodul"),   # NO_LESION_RX's own words (its key, stripped, is NED)
          "stable disease": ("stable", "unchanged", "no change", "no significant change", "controlled",
                             "under control", "stabili", "arrested", "halted", "stopped", "further growth"),
          "partial response ": ("shrank", "shrunk", "shrink", "decreas", "regress", "diminish", "reduction",
                              "reduced"),
          "response": ("response", "remission", "regression"), "gone": ("disappear", "resolved", "vanished",
                                                                           "resolution"),
          "death": ("survived", "mortem")}


def _hint_automaton():
    auto = ahocorasick.Automaton()
    for h in sorted({h for hs in _HINTS.values() for h in hs}):
        auto.add_word(h, h)
    auto.make_automaton()
    return auto


_HINT_AUTO = _hint_automaton()   # every hint word of every rule, overlapping ones too, in one pass
PERSIST = {"partial response", "stable disease", "progressive disease", "alive with disease", "distant metastasis"}
CARRY_STOP = {"recurrence", "local recurrence", "distant metastasis", "progressive disease", "alive with disease"}
WEAK_NEG = {"recurrence", "local recurrence", "progressive disease", "distant metastasis"}


# disease a treatment is aimed at, not a status: 'radiotherapy was delivered to the remaining tumour',
# 'resection of the residual mass', 'the residual tumour was excised'
_DISEASE = ("distant metastasis", "recurrence", "progressive disease", "alive with disease")
_AIMED_BEFORE_RX = re.compile(r"\b(?:resect\w*|excis\w*|remov\w*|debulk\w*|irradiat\w*|radiotherapy|radiation|boost|"
                              r"delivered|directed|treat\w*|surgery)\s+(?:[\w-]+\s+){0,3}?(?:of|to|at|on|for)\s+"
                              r"(?:the\s+|a\s+|her\s+|his\s+)?$")
_AIMED_AFTER_RX = re.compile(r"\s*(?:was|were)\s+(?:\w+\s+)?(?:resected|excised|removed|irradiated|treated|debulked)\b")
# a symptom that progressed is no progression of the disease: 'leg weakness that progressed over 7 months'
_SYMPTOMS = (r"(?:weakness|pain|numbness|paresis|paraparesis|paraplegia|symptoms?|deficits?|dysfunction|difficulty|"
             r"claudication|swelling|myelopathy|dyspn\w*|cough)")
_SYMPTOM_PROGRESSED_RX = re.compile(r"\b" + _SYMPTOMS + r"\s+(?:\w+\s+){0,3}$")
# a change of the tumour's kind, not its growth: 'progression to an aggressive phenotype'
_TRANSFORM_AFTER_RX = re.compile(r"\s+(?:to|into)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:phenotype|form|variant|"
                                 r"histolog\w*|grade|subtype)\b")
# and the progression of a symptom: 'gradual progression of back pain'
_SYMPTOM_OF_RX = re.compile(r"\s+of\s+(?:the\s+|her\s+|his\s+)?(?:[\w-]+\s+){0,2}?" + _SYMPTOMS + r"\b")
# a response on the way to the next treatment: '..., the tumour shrank, and she then underwent resection'
_NEXT_TX_AFTER_RX = re.compile(r"[^.;]*?\b(?:and|then|before|so)\s+(?:she|he|they|the\s+patient)\s+(?:then\s+)?"
                               r"(?:received|underwent|was\s+(?:given|treated|operated|referred))\b")
# no disease outside one organ says that disease is in it: 'no evidence of extrahepatic disease'
_EXTRA_ORGAN_RX = re.compile(r"\bextra[\s-]?[a-z]{4,}", re.I)


_TARGET_RX = re.compile(r"\b(?:excis\w*|resect\w*|emboli[sz]\w*|biops\w*|removed|ablat\w*|metastasectom\w*|"
                        r"metastectom\w*)")
_STILL_ALIVE_RX = re.compile(r"\b(?:alive|so far|to date|currently|still|at present|ongoing|remains?|surviving)\b")


@dataclass
class _Ev:
    status: str | None
    start: int
    end: int
    weak: bool = False
    survival: str | None = None
    inferred: bool = False      # read from what the tumour did ('shrank'), not a status word


# the disease a time is counted from: '36 months after the diagnosis of metastatic disease' (no new event)
_TIME_ANCHOR_RX = re.compile(r"\b(?:after|following|since|from)\s+(?:the\s+|her\s+|his\s+)?(?:diagnos[ie]s|detection|"
                             r"discovery|onset|appearance)\s+of\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}$")
# a time spent free of it says a treatment came before: 'in the clinic for 7 years without tumour recurrence'
_YEARS_WITHOUT_RX = re.compile(r"\b(?:years?|months?)\s+(?:\w+\s+){0,2}?(?:without|free\s+of|with\s+no)\s")
_OWN_NEGATION_RX = re.compile(r"(?:no|without)\s", re.I)
# a negation that governs a list of findings: 'no evidence of local recurrence and distant metastasis'
_LIST_NEG_RX = re.compile(r"\b(?:no|without|free of)\s+(?:the\s+|any\s+)?(?:(?:evidence|signs?)\s+of\s+)?"
                          # 'no complications such as dislocation or tumour recurrence'
                          r"(?:[\w-]+\s+(?:such\s+as|including)\s+)?"
                          r"(?:[\w-]+(?:\s+[\w-]+){0,2}\s*(?:,|\band\b|\bor\b|\bnor\b)\s*(?:and\s+|or\s+)?){1,4}"
                          r"(?:[\w-]+\s+){0,2}$")
# an item of the list that says its own state is no longer under the negation: 'no recurrences,
# stable lung metastases' (after a comma or 'and'; 'no recurrence or new metastases' is one negation)
_STATE_ITEM_RX = re.compile(r"(?:,|\band\b)\s*(?:and\s+)?(?:stable|unchanged|persist\w*|residual|progressive|"
                            r"progressing|growing|enlarg\w*|increas\w*|new)\s+(?:[\w-]+\s+){0,2}$")
_CLAUSE_END_RX = re.compile(r";|:|\b(?:but|however|although|after|which|who|then|followed|while|whereas|until)\b")


_LAST_SEEN_RX = re.compile(r"\b(?:latest|last|most recent)\s+(?:follow[\s\-\u2010\u2011]*up|visit|examination|imaging|"
                           r"scan|ct|mri)")
# an organ donor's death, not the patient's: 'a kidney from a deceased donor'
_DONOR_AFTER_RX = re.compile(r"[\s-]*(?:(?:organ|kidney|renal|liver|heart|graft)\s+)?donors?\b")
_MARGIN_BEFORE_RX = re.compile(r"\b(?:margins?|edges?|borders?)\s+(?:\w+\s+){0,2}$")
# what a treatment did to the metastases named after it
_CHANGED_BEFORE_RX = re.compile(r"\b(?:resolution|disappearance|regression|shrinkage|reduction|decrease|response)\s+"
                                r"(?:in|of)\s+(?:the\s+|all\s+|his\s+|her\s+|both\s+)?(?:[\w-]+\s+){0,3}?$")
# short of complete: 'a near-complete response', 'nearly complete remission', 'incomplete' (glued: 'in complete
# remission' is complete)
_NEAR_BEFORE_RX = re.compile(r"\b(?:near|nearly|almost)[\s-]*$|\bin$")
# the time before the patient was seen: 'for the past 6 years', 'during the last 6 months'
_PRESENTING_HISTORY_RX = re.compile(r"\b(?:for|over|during|in|within)\s+the\s+(?:past|last|previous|preceding)\b")
# what a specimen shows, not the patient's status: 'no evidence of tumour cells in the re-excised tissue'
_SPECIMEN_AFTER_RX = re.compile(r"\s*(?:cells?\s+)?(?:(?:was|were)\s+(?:\w+\s+)?)?(?:in|within|on)\s+(?:the\s+)?"
                                r"(?:[\w-]+\s+){0,2}?(?:specimens?|sections?|slides?|tissues?|samples?)\b")
_MARGIN_AFTER_RX = re.compile(r"[\s-]*(?:(?:surgical|resection|excision)\s+)?margins?\b")
# a time free of disease that a new illness ended, told as the history: 'disease-free for 30 years, but then
# developed arm weakness' (the interval before the onset or a relapse, not the status at the last visit)
_NEW_ILLNESS = (r"(?:but|until|till|when)\s+(?:then\s+|later\s+|subsequently\s+|eventually\s+|finally\s+)?"
                r"(?:(?:he|she|the\s+patient)\s+)?(?:developed|presented|noticed|experienced|complained|"
                r"was\s+(?:found|admitted|diagnosed|referred)|returned)\b")
_ENDED_AFTER_RX = re.compile(r"[^.;]{0,40}?\b" + _NEW_ILLNESS)
# the same told of a time: 'remained well for 30 years, but then developed ...' (no follow-up of the case)
_TIME_ENDED_RX = re.compile(r"\b(?:years?|months?|weeks?|decades?)\s*,?\s*" + _NEW_ILLNESS)


def _ended_by_new_illness(low: str, at: int | None = None) -> bool:
    """Does the time free of disease at `at` of low (or, None, a time the sentence tells) end in a new
    illness? Tried only where the sentence holds 'but', 'when' or 'til' (one of the patterns' words)."""
    if not ("but" in low or "when" in low or "til" in low):
        return False
    return (_TIME_ENDED_RX.search(low) if at is None else _ENDED_AFTER_RX.match(low, at)) is not None


def _not_an_event(s, m: Mention, survival: list[Mention]) -> bool:
    """A disease word that is no status of its own: the anchor of a time, part of a survival measure's
    name ('progression-free survival'), or a margin ('excised with tumour-free margins')."""
    if any(x.start <= m.start and m.end <= x.end for x in survival):
        return True
    if _MARGIN_AFTER_RX.match(s.low, m.end - s.start) or _DONOR_AFTER_RX.match(s.low, m.end - s.start):
        return True
    before = s.low[max(0, m.start - s.start - 70):m.start - s.start]
    return "of" in before and _TIME_ANCHOR_RX.search(before) is not None


def _survival_event(text: str, s, m: Mention) -> _Ev | None:
    """A survival measure (axis survival) as an event: disease-free survival says no evidence of
    disease, one patient's written-out overall survival a death."""
    if hypothetical(text, s, m.start, m.end):
        return None
    st = "no evidence of disease" if "disease-free" in m.key or "disease free" in m.key else None
    if m.key == "overall survival" and text[m.start:m.end].lower().startswith("overall") \
            and not _STILL_ALIVE_RX.search(s.low) \
            and not _FREE_AFTER_RX.match(s.low, m.end - s.start):   # written out: 'OS' is also osteosarcoma
        # one patient's overall survival is known once the patient has died: 'her overall survival
        # was 14 months' (not 'alive, with an overall survival of 14 months so far')
        st = "death"
    return _Ev(st, m.start, m.end, survival=m.key)


def _qualified(s, m: Mention) -> _Ev | None | Literal[False]:
    """What the words before a metastasis or a complete response make of it: None, the metastases a
    treatment changed ('resolution of the pulmonary metastases': the rules say how); a partial response,
    'a near-complete response'; False, nothing."""
    i = m.start - s.start
    if m.key == "distant metastasis" and _CHANGED_BEFORE_RX.search(s.low, max(0, i - 60), i):
        return None
    if m.key == "complete response" and _NEAR_BEFORE_RX.search(s.low, max(0, i - 12), i):
        return _Ev("partial response", m.start, m.end)
    return False


def _metastasis_an_event(s, m: Mention, after_tx: bool) -> bool:
    """Is the metastasis m of sentence s an event of the course (after treatment)?"""
    i = m.start - s.start
    if s.caseref and any(p in s.low for p in CASE_INTRO):
        return False     # the sentence that introduces the case names what it is about, not an event of its course
    if _TX_CLAUSE_BEFORE_RX.search(s.low, 0, i):
        # the course after a treatment told in one sentence: 'despite excision and radiotherapy, he had
        # metastases ...' (a procedure after the metastasis still works on it)
        if _TARGET_RX.search(s.low, i):
            return False
    elif not after_tx or _TARGET_RX.search(s.low):
        return False     # before treatment, or the metastasis a procedure works on ('was excised', 'embolized')
    # the diagnosis the specimen gives ('histopathology was consistent with a metastasis of GIST')
    return not (_PATHOLOGY_RX.search(s.low) and _DIAGNOSIS_BEFORE_RX.search(s.low, max(0, i - 40), i))


def _outcome_event(text: str, terms: Terms, s, m: Mention, first_tx: int | None, after_tx: bool) -> _Ev | None:
    """An outcome mention (axis outcome) as an event; a negated recurrence, progression or
    metastasis after treatment as a weak 'no evidence of disease'."""
    if hypothetical(text, s, m.start, m.end) or _looked_for(s.low, m.start - s.start):
        return None
    fam = terms.get("outcome", m.key).summary_key
    if (_negated_in_list(text, s, m) if fam != "death"
            else _DEATH_NEG_RX.search(s.low[max(0, m.start - s.start - 25):m.start - s.start])):
        if _UNFELT_BEFORE_RX.search(s.low, max(0, m.start - s.start - 30), m.start - s.start):
            # 'alive without symptomatic lung metastases': not free of them, only of their symptoms (no news)
            return _Ev(None, m.start, m.end)
        # treated: 'excised, and free of ...', 'survived 15 years without recurrence after radical resection'
        treated = after_tx or (first_tx is not None and first_tx < m.start) \
            or _AFTER_TX_RX.match(s.low, m.end - s.start) is not None \
            or (fam == "recurrence" and (FOLLOW_RX.search(s.low) is not None
                                         or _YEARS_WITHOUT_RX.search(s.low) is not None))
        if (m.key in WEAK_NEG or fam in ("recurrence", "progressive disease")) and treated:
            return _Ev("no evidence of disease", m.start, m.end, weak=True)
        return None
    if fam == "progressive disease" and (_SYMPTOM_OF_RX.match(s.low, m.end - s.start)
                                         or _TRANSFORM_AFTER_RX.match(s.low, m.end - s.start)):
        return None      # a symptom's course, or a change of kind, not the disease's growth
    if fam == "progressive disease" and first_tx is not None and m.start < first_tx and \
            _PRESENTING_HISTORY_RX.search(s.low):
        return None      # the history the patient presented with: 'a lump for 6 years, growing over the last month'

    if (qualified := _qualified(s, m)) is not False:
        return qualified
    if m.key == "distant metastasis" and not _metastasis_an_event(s, m, after_tx):
        return None
    if fam == "no evidence of disease" and (_MARGIN_BEFORE_RX.search(s.low, max(0, m.start - s.start - 40),
                                                                     m.start - s.start)
                                            or _SPECIMEN_AFTER_RX.match(s.low, m.end - s.start)):
        return None      # 'the margins were disease-free': the specimen's edges, not the patient
    if fam == "no evidence of disease" and _ended_by_new_illness(s.low, m.end - s.start):
        return None      # an interval a new illness ended: the history, not the last status
    if fam == "no evidence of disease" and _PROGRESSION_AFTER_RX.match(text, m.end, m.end + 20):
        return _Ev("stable disease", m.start, m.end)   # 'alive without disease progression': not free of it
    if fam == "no evidence of disease" and _REMISSION_AFTER_RX.match(text, m.end, m.end + 20):
        return _Ev("alive with disease", m.start, m.end)
    weak = fam == "no evidence of disease" and bool(re.search(r"recurr|relaps", text[m.start:m.end], re.I)) \
        and not re.search(r"disease|tumou?r", text[m.start:m.end], re.I)
    return _Ev(m.key, m.start, m.end, weak=weak)


def _mention_events(text: str, terms: Terms, s, ms: list[Mention], first_tx: int | None,
                    after_tx: bool) -> list[_Ev]:
    """The events the lexicon's outcome and survival mentions ms of sentence s name."""
    evs: list[_Ev] = []
    survival = [m for m in ms if m.axis == "survival"]
    for m in ms:
        if m.axis == "outcome" and _not_an_event(s, m, survival):
            continue
        if m.axis == "survival":
            ev = _survival_event(text, s, m)
        elif m.axis == "outcome":
            ev = _outcome_event(text, terms, s, m, first_tx, after_tx)
        else:
            continue
        if ev is not None:
            evs.append(ev)
    return evs


# a clause of treatment that opens the sentence, before its event: 'Despite wide resection and adjuvant
# radiotherapy, ...', 'After the third course of chemotherapy, ...'
_TX_CLAUSE_BEFORE_RX = re.compile(r"^\s*(?:despite|after|following|in spite of)\s+(?:[\w-]+\s+){0,4}?(?:excision|"
                                  r"resection|surgery|operation|radiotherapy|radiation|chemotherapy|treatment|therapy|"
                                  r"amputation)\b[^,;:]*,")
# the treatment a status is counted from, after it in its sentence: '... without recurrence after the
# multimodal treatment of radical resection'
_AFTER_TX_RX = re.compile(r"[^.;]{0,15}?\bafter\s+(?:the\s+|her\s+|his\s+)?(?:[\w-]+\s+){0,3}?(?:treatment|therapy|"
                          r"resection|surgery|excision|operation|radiotherapy|chemotherapy|amputation)\b")
# a metastasis named as what the pathology of a specimen shows: a diagnosis, not an event of the course
_PATHOLOGY_RX = re.compile(r"histolog|patholog|immunohisto|specimen")
_DIAGNOSIS_BEFORE_RX = re.compile(r"\b(?:consistent|compatible)\s+with\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?$|"
                                  r"\b(?:confirm\w*|in\s+keeping\s+with|diagnostic\s+of)\s+(?:an?\s+|the\s+)?"
                                  r"(?:diagnosis\s+of\s+(?:an?\s+)?)?(?:[\w-]+\s+)?$")
_PROGRESSION_AFTER_RX = re.compile(r"[\s-]*(?:progression|progressing|progressed)\b", re.I)
# 'no evidence of disease remission': the disease did not give way, it is there
_REMISSION_AFTER_RX = re.compile(r"\s+(?:remission|regression|response)\b", re.I)
_START = attrgetter("start")
# what a visit looks for, not what it found: 'unable to afford a scan for radiological assessment of recurrence'
_LOOKED_FOR_BEFORE_RX = re.compile(r"\b(?:assessment|surveillance|screening|monitoring|(?:look|check|search)(?:ing)?)"
                                   r"\s+(?:of|for)\s+(?:(?:any|possible|a|the)\s+)?(?:[\w-]+\s+)?$")
# a survival lived free of the disease: 'an overall survival of 4 years without local or distant recurrence'
_FREE_AFTER_RX = re.compile(r"\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?(?:without|free\s+of|with\s+no)\s")
_LOOKED_WORDS = ("assess", "surveil", "screen", "monitor", "look", "check", "search")


def _looked_for(low: str, i: int) -> bool:
    """Is the mention at i of low what a visit looks for ('assessment of recurrence')?"""
    win = low[max(0, i - 40):i]
    return any(w in win for w in _LOOKED_WORDS) and _LOOKED_FOR_BEFORE_RX.search(win) is not None


_UNFELT_BEFORE_RX = re.compile(r"\b(?:symptomatic|painful|troublesome)\s+(?:[\w-]+\s+)?$")
# the sentence patterns of a status, each with its key in _HINTS (the status, stripped)
_RULES = ((NED_RX, "no evidence of disease"), (PD_RX, "progressive disease"), (REC_RX, "recurrence"),
          (RESP_RX, "partial response"), (SHRINK_RX, "partial response "), (AWD_RX, "alive with disease"),
          (SD_RX, "stable disease"), (QUAL_RESP_RX, "response"), (GONE_RX, "gone"), (DEATH_RX, "death"))
_RULES_AFTER_TX = _RULES + ((NEW_LESION_RX, "distant metastasis"), (NO_LESION_RX, "no evidence of disease  "))


def _rule_status(rx: re.Pattern, st: str, x: re.Match, low: str) -> str:
    """The status a rule's match x says: a qualified response complete or partial, lesions gone
    completely or with some left."""
    if rx is QUAL_RESP_RX:
        near = _NEAR_BEFORE_RX.search(x.string, max(0, x.start("k") - 12), x.start("k")) is not None
        return "partial response" if x.group("k").lower() != "complete" or near else "complete response"
    if rx is GONE_RX:
        return "partial response" if _LEFT_RX.search(low) else "complete response"
    return st.strip()


def _modal(text: str, s) -> bool:
    """A modal verb in sentence s (the month 'May' is none)."""
    months = month_may(text, s.start, s.end)
    return any(s.start + m.start() not in months for m in MODAL_RX.finditer(s.low))


def _rule_match_denied(text: str, s, rx: re.Pattern, st: str, a: int, b: int) -> bool:
    """Is a rule's match at text[a:b] negated, hypothetical or a comment ('such regression would be
    exceptional') rather than the course?"""
    i, j = a - s.start, b - s.start
    if st == "alive with disease" and (negated(text, s, a, b) or _aimed_at(s.low, i, j)):
        return True
    if st == "progressive disease" and _SYMPTOM_PROGRESSED_RX.search(s.low[max(0, i - 50):i]):
        return True
    if st == "no evidence of disease" and (_EXTRA_ORGAN_RX.search(text, a, b)
                                           or _MARGIN_BEFORE_RX.search(s.low, max(0, i - 40), i)
                                           or _SPECIMEN_AFTER_RX.match(s.low, j)
                                           or _ended_by_new_illness(s.low, j)):
        return True     # 'no evidence of extrahepatic disease'; 'resected with the edges free of sarcoma'
    if rx in (SD_RX, SHRINK_RX, GONE_RX) and (hypothetical(text, s, a, b) or _modal(text, s)):
        return True     # 'such regression would be exceptional': a comment, not the course
    if rx in (SHRINK_RX, GONE_RX) and _NEXT_TX_AFTER_RX.match(s.low, j):
        return True
    return st not in ("no evidence of disease", "stable disease") and (negated(text, s, a, b)
                                                                      or hypothetical(text, s, a, b))


def _staging(s, x: re.Match, before_tx: bool) -> bool:
    """Is the absence of metastases x, in a sentence before any treatment that says no follow-up, the
    staging at presentation ('No signs of distant metastases were found.'), not an outcome?"""
    return before_tx and "metasta" in x.group(0).lower() and not FOLLOW_RX.search(s.low)


def _rule_events(text: str, terms: Terms, s, evs: list[_Ev], after_tx: bool, before_tx: bool = False) -> list[_Ev]:
    """evs with the events the sentence patterns find in sentence s where no event is yet."""
    t = s.text
    present = {h for _, h in _HINT_AUTO.iter(s.low)}
    for rx, st in (_RULES_AFTER_TX if after_tx else _RULES):
        if present.isdisjoint(_HINTS[st]):   # no hint word of the rule in the sentence: no scan
            continue
        for x in rx.finditer(t):
            stv = _rule_status(rx, st, x, s.low)
            if terms.find("outcome", stv) is None:
                continue
            a, b = s.start + x.start(), s.start + x.end()
            if rx is RESP_RX and re.search(r"\b(?:no|poor|without|minimal|partial|complete)\s+$", s.low[:x.start()]):
                continue
            if rx in (AWD_RX, SD_RX):   # 'alive with persisting lung metastases': the metastases are the object
                evs = [e for e in evs if not (e.status == "distant metastasis" and e.start < b and a < e.end)]
            if any(e.start < b and a < e.end for e in evs):
                continue
            if _rule_match_denied(text, s, rx, st.strip(), a, b) or (rx is NED_RX and _staging(s, x, before_tx)):
                continue
            weak = st.strip() == "no evidence of disease" and not re.search(r"disease|tum|malignan", x.group(0), re.I)
            inferred = rx in (SHRINK_RX, GONE_RX)
            evs.append(_Ev(stv, a, b, weak=weak or inferred, inferred=inferred))
    return evs


_LOCAL_RX = re.compile(r"\blocal(?:ly)?\b")


def _settle(terms: Terms, low: str, evs: list[_Ev], start: int = 0) -> list[_Ev]:
    """A sentence's events (in text order) settled against each other: metastases seen at the last
    follow-up are lived with; a metastasis beside another status is its object; death wins; a
    partial response beside a complete one stands; no local recurrence beside metastases is no NED."""
    if "local" in low and any(e.status in _DISEASE and not e.weak for e in evs):
        # 'bone and liver metastases without evidence of local tumor recurrence': free of local disease only
        evs = [e for e in evs if not _local_ned(low, e, start)]
    if "last" in low or "latest" in low or "most recent" in low:
        if _LAST_SEEN_RX.search(low) and terms.find("outcome", "alive with disease") is not None:
            # metastases or a recurrence seen at the last follow-up: the patient lives with them
            for e in evs:
                if e.status in ("distant metastasis", "recurrence", "local recurrence") and not e.weak:
                    e.status = "alive with disease"
    statuses = {e.status for e in evs}
    if len(statuses - {None, "distant metastasis", "no evidence of disease"}) > 0:
        # 'progression of the lung metastases', 'died of metastases': the metastasis is the object
        evs = [e for e in evs if e.status != "distant metastasis"]
    if "death" in statuses:      # 'died of progressive disease': the status is death
        evs = [e for e in evs if e.status == "death"]
    if "partial response" in statuses and "complete response" in statuses:
        evs = [e for e in evs if e.status != "complete response"]
    return evs


def _aimed_at(low: str, a: int, b: int) -> bool:
    return bool(_AIMED_BEFORE_RX.search(low[max(0, a - 60):a]) or _AIMED_AFTER_RX.match(low, b))


def _sentence_events(text: str, terms: Terms, s, ms: list[Mention], first_tx: int | None) -> list[_Ev]:
    after_tx = first_tx is not None and s.start > first_tx
    evs = _mention_events(text, terms, s, ms, first_tx, after_tx) if ms else []
    # (no treatment found: every sentence is before one)
    evs = _rule_events(text, terms, s, evs, after_tx, first_tx is None or s.end <= first_tx)
    if not evs:
        return evs
    evs.sort(key=_START)
    return _settle(terms, s.low, evs, s.start)


def _negated_in_list(text: str, s, m: Mention) -> bool:
    if _OWN_NEGATION_RX.match(text, m.start, m.end):
        return False      # a negation of its own ('no recurrence'), a new item of the list: 'no deficit, no recurrence'
    before = s.low[max(0, m.start - s.start - 60):m.start - s.start]
    if "such as" in before or "including" in before:   # a long list: 'no complications such as A, B or C'
        before = s.low[max(0, m.start - s.start - 90):m.start - s.start]
    if _STATE_ITEM_RX.search(before):
        return False
    if negated(text, s, m.start, m.end):
        return True
    if not ("no " in before or "without" in before or "free of" in before):
        return False
    if not (" and " in before or " or " in before or " nor " in before or "," in before):
        return False
    lm = _LIST_NEG_RX.search(before)
    return lm is not None and _CLAUSE_END_RX.search(before, lm.start()) is None \
        and AND_PREDICATE_RX.search(before, lm.start()) is None


_TIME_PREP_RX = re.compile(r"\bafter\s+(?:(?:about|approximately|nearly|almost|only|just)\s+)?$")


def _nearest(times: list[TimeExpr], rel_pos: int, low: str = "") -> TimeExpr | None:
    """The time of an event at rel_pos in a sentence: one in the event's own clause
    first ('metastases developed 10 months later, and he died 18 months after
    diagnosis': 18), a relative time right after the event's word next ('recurred in 6
    months and died 3 months later': 3 months later), then the nearest, a later one
    before an earlier one."""
    if not times:
        return None

    def crosses(t: TimeExpr) -> bool:
        # (a time's own preposition, 'died after 3 months', is no clause break)
        between = low[t.end:rel_pos] if t.end <= rel_pos else _TIME_PREP_RX.sub("", low[rel_pos:t.start])
        return BREAK_RX.search(between) is not None

    return min(times, key=lambda t: (crosses(t), not (t.relative and 0 <= t.start - rel_pos <= 16),
                                     abs(t.start - rel_pos) if t.start >= rel_pos else abs(rel_pos - t.end) + 5,
                                     t.anchor != "diagnosis"))


def _counted_on(times: list[TimeExpr], t: TimeExpr, clock: float | None) -> float:
    """Where a relative time t counts on from: the time told before it in its sentence, whether or not
    that time's event was kept ('recurred in 6 months and died 3 months later': 9), else the clock."""
    base = clock or 0
    for u in times:
        if u.start >= t.start:
            break
        base = base + u.months if u.relative else u.months
    return base


# one moment told from two starting points: '13 years after irradiation and 36 years after the first surgery'
_SAME_MOMENT_RX = re.compile(r"\s+[^.;,()]{1,30}?\s+and\s+")


def _from_the_earlier_start(times: list[TimeExpr], t: TimeExpr, low: str, clock: float | None) -> TimeExpr:
    """t, or the time joined to it by 'and' when both are counted from an event of the case: the longer,
    which counts from the earlier event (the follow-up is from diagnosis or the first treatment)."""
    i = times.index(t)
    for u in times[i - 1:i] + times[i + 1:i + 2]:
        a, b = (t, u) if u.start > t.start else (u, t)
        if a.anchor and b.anchor and _SAME_MOMENT_RX.fullmatch(low, a.end, b.start):
            return max(t, u, key=lambda x: (clock or 0) + x.months if x.relative else x.months)
    return t


def _mentions_by_sentence(zones: Zones, mentions: list[Mention],
                          other_ranges: list[tuple[int, int]]) -> dict[int, list[Mention]]:
    """The outcome and survival mentions of usable sentences (not about another tumour), by sentence index."""
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.axis in ("outcome", "survival"):
            s = zones.usable(m.start, allow_title=False)
            if s is not None and not any(a <= m.start < b for a, b in other_ranges):
                by_sent.setdefault(s.index, []).append(m)
    return by_sent


def _event_time(zones: Zones, s, e: _Ev, evs: list[_Ev], times: list[TimeExpr], clock: float | None,
                pending: tuple[float, TimeExpr, int] | None,
                facts: list[OutcomeFact]) -> tuple[float | None, str | None, tuple[int, int] | None]:
    """When event e of sentence s happened: (months, since what, the time's span). The time nearest it
    in the sentence (a relative one counted on from the clock), else a relative time the sentence
    before left pending, else for a death the overall survival found before."""
    t = None
    if e.survival:
        # 'overall survival was 11 months': the survival's own time follows it, before the next event
        nxt = min((x.start for x in evs if x.start > e.start), default=s.end) - s.start
        t = next((x for x in times if e.end - s.start <= x.start < nxt), None)
    t = t or _nearest(times, e.start - s.start, s.low)
    if t is not None:
        t = _from_the_earlier_start(times, t, s.low, clock)
    months, since, tspan = None, None, None
    if t is not None:
        months = _counted_on(times, t, clock) + t.months if t.relative else t.months
        since = t.anchor or ("diagnosis" if t.relative else None)
        tspan = (s.start + t.start, s.start + t.end)
    elif pending is not None and pending[2] == s.index - 1:
        months, since = pending[0], pending[1].anchor or "diagnosis"
        pt = pending[1]
        ps = zones.sents[pending[2]]
        tspan = (ps.start + pt.start, ps.start + pt.end)
    if e.status == "death" and months is None:
        # 'the overall survival was 7 months ... she died': the time of death is the overall survival
        os_f = next((x for x in reversed(facts) if x.survival_measure == "overall survival"
                     and x.months is not None), None)
        if os_f is not None:
            months, since = os_f.months, "diagnosis"
            tspan = next(((sp.start, sp.end) for sp in os_f.spans[1:]), None)
    return months, since, tspan


def _event_fact(text: str, terms: Terms, e: _Ev, months: float | None, since: str | None,
                tspan: tuple[int, int] | None, removal_pos: list[int], therapy_pos: list[int]) -> OutcomeFact:
    """Event e as an outcome fact, with the spans of the event and of its time."""
    spans = [Span(e.start, e.end, text[e.start:e.end])]
    if tspan:
        spans.append(Span(tspan[0], tspan[1], text[tspan[0]:tspan[1]]))
    status = e.status
    removed = max((p for p in removal_pos if p < e.start), default=None)
    if status == "distant metastasis" and removed is not None \
            and not any(removed < p < e.start for p in therapy_pos) \
            and terms.find("outcome", "recurrence") is not None:
        # metastases after the tumour was removed: a distant relapse; after the therapy that followed the
        # removal (adjuvant chemotherapy, radiotherapy), the disease progressed through it
        status = "recurrence"
    return OutcomeFact(status=status, months=months, since=since if months is not None else None,
                       survival_measure=e.survival, spans=spans, confidence=0.6 if e.weak else 0.8)


class _Operations:
    """Where the case operates: the surgery facts, and, asked for only where a status's persistence
    hangs on it, an operation told only by its aftermath ('post-operative biopsy', after one 'planned';
    not a visit named by it, 'postoperative 9-month follow-up', which looks back at one told before)."""

    def __init__(self, zones: Zones, surgery_pos: list[int]):
        self.zones, self.surgery_pos = zones, surgery_pos
        self._all: list[int] | None = None

    def all(self) -> list[int]:
        if self._all is None:
            extra = [] if "operative" not in self.zones.norm else [
                s.start + x.start() for s in self.zones.sents if s.zone == "case" and "operative" in s.low
                and not FOLLOW_RX.search(s.low) for x in _POSTOP_WORD_RX.finditer(s.low)]
            self._all = sorted(self.surgery_pos + extra) if extra else self.surgery_pos
        return self._all


def _persists(facts: list[OutcomeFact], positions: list[int], pos: int, surgery_pos: list[int],
              kinds: set[str] = PERSIST) -> bool:
    """Does the last status of facts persist at pos (no surgery since)? Then a weak event there is no news."""
    prev = next((x.status for x in reversed(facts) if x.status), None)
    last_pos = positions[-1] if positions else -1
    return prev in kinds and not any(last_pos < p < pos for p in surgery_pos)


def _unsized_then_free(facts: list[OutcomeFact], low: str) -> bool:
    """Is the last status a response the text gives no size ('a good response': not said partial, nor any
    disease left), and does the sentence of a weak 'no evidence of disease' tell a follow-up visit ('no
    recurrence or metastasis was found upon long-term follow-up')? Then the absence is the news."""
    last = next((x for x in reversed(facts) if x.status), None)
    return last is not None and last.status == "partial response" and bool(last.spans) \
        and RESP_RX.fullmatch(last.spans[0].text) is not None and FOLLOW_RX.search(low) is not None \
        and not _NEG_PROGRESSION_RX.search(low)   # (not grown: the response stands)


def _local_ned(low: str, e: _Ev, start: int) -> bool:
    """Is e, of the sentence whose lowercased text low starts at start, an absence of local disease
    only ('no evidence of local recurrence')?"""
    return e.status == "no evidence of disease" and "local" in low and \
        _LOCAL_RX.search(low, max(0, e.start - start - 30), e.end - start) is not None


def _removed_since(facts: list[OutcomeFact], positions: list[int], pos: int, removal_pos: list[int]) -> bool:
    """Was disease that was there at the last status of facts taken out before pos? Then that status
    does not carry on to a follow-up at pos."""
    last_i = max((i for i, x in enumerate(facts) if x.status), default=None)
    return last_i is not None and facts[last_i].status in CARRY_STOP and \
        any(positions[last_i] < p < pos for p in removal_pos)


def extract_outcomes(text: str, terms: Terms, zones: Zones, mentions: list[Mention], first_tx: int | None,
                     surgery_pos: list[int], removal_pos: list[int], therapy_pos: list[int],
                     other_ranges: list[tuple[int, int]]) -> list[OutcomeFact]:
    by_sent = _mentions_by_sentence(zones, mentions, other_ranges)
    ops = _Operations(zones, surgery_pos)
    facts: list[OutcomeFact] = []
    positions: list[int] = []
    no_carry: set[int] = set()
    clock: float | None = None
    pending: tuple[float, TimeExpr, int] | None = None
    follow: tuple[float, TimeExpr, int] | None = None
    t: TimeExpr | None
    for s in zones.sents:
        if s.zone != "case" or s.generic or any(a <= s.start < b for a, b in other_ranges):
            pending = None if pending and pending[2] is not None and pending[2] != s.index - 1 else pending
            continue
        evs = _sentence_events(text, terms, s, by_sent.get(s.index, []), first_tx)
        times = find_times(s.low)
        if not evs:
            if times and FOLLOW_RX.search(s.low) and not _ended_by_new_illness(s.low):
                t = times[-1]
                evs = [_Ev(None, s.start + t.start, s.start + t.end)]
                # ('She was re-examined 4 months after surgery. CT found no recurrence.'): the next sentence's
                # status, if it tells no time of its own, is at this one
                follow = (_counted_on(times, t, clock) + t.months if t.relative else t.months, t, s.index)
            elif times and any(t.relative for t in times):
                t = next(t for t in times if t.relative)
                pending = ((clock or 0) + t.months, t, s.index)
                continue
            else:
                if " ago" in s.low and (t := _treated_ago(s, surgery_pos, first_tx)) is not None:
                    # 'She was operated on 54 months ago. There is no recurrence.': the next status is now
                    pending = (t.months, t, s.index)
                continue
        told: dict[tuple[int, int], float | None] = {}   # a sentence's times, each counted once
        for e in evs:
            months, since, tspan = _event_time(zones, s, e, evs, times, clock, pending, facts)
            if tspan is not None:
                # two events at one relative time ('ten months later, no metastasis or recurrence'):
                # the clock is not moved on twice
                months = told.setdefault(tspan, months)
            f = _event_fact(text, terms, e, months, since, tspan, removal_pos, therapy_pos)
            if e.weak and not e.inferred and facts and not _unsized_then_free(facts, s.low) \
                    and (_persists(facts, positions, e.start, ops.all())
                                     or _local_ned(s.low, e, s.start)
                                     and _persists(facts, positions, e.start, ops.all(), CARRY_STOP)):
                if f.months is None or not _NEG_PROGRESSION_RX.search(s.low):
                    continue   # no news, or free of local disease only while the disease seen before stays
                f.status = None   # not grown at a later visit: the status seen before stands, at its time
            if f.status is None and facts and _removed_since(facts, positions, e.start, removal_pos):
                # disease that was there at the last status and was taken out since: the status does not stand
                no_carry.add(id(f))
            facts.append(f)
            positions.append(e.start)
            if months is not None:
                clock = months
        pending, follow = follow, None
    # (in the same section: a body that tells the case again after its abstract starts over)
    section_end = next((x.start for x in zones.sents if x.heading is not None and x.start > positions[-1]),
                       len(text)) if facts else 0
    if facts and all(f.status in _ON_THE_WAY for f in facts) and \
            any(positions[-1] < p < section_end and not _SINCE_BEFORE_RX.search(text, max(0, p - 30), p)
                for p in ops.all()):
        # the response or progression that led to the operation ('as the disease was progressing, she
        # underwent surgery'): the status after the operation is not told
        return []
    return _tidy(facts, no_carry)


# an operation named as the start of a time, not done anew: '12 months after surgery'
_SINCE_BEFORE_RX = re.compile(r"\b(?:after|since|following|from|post)\s+(?:the\s+|her\s+|his\s+)?(?:[\w-]+\s+)?$",
                              re.I)
# the disease not grown at a visit: 'no signs of tumour progression', 'remains progression-free' (the
# status before it stands)
_NEG_PROGRESSION_RX = re.compile(r"\b(?:no|without)\s+(?:[\w-]+\s+){0,3}?progress|\bprogression[\s-]free\b")
_POSTOP_WORD_RX = re.compile(r"\bpost[\s-]?operative(?:ly)?\b")
# statuses of the course that an operation after them leaves behind
_ON_THE_WAY = {"progressive disease", "partial response", "stable disease"}


# the time from a treatment to the writing: 'operated on for a rib tumour 54 months ago'
_AGO_RX = re.compile(r"\b(?P<num>" + NUM + r")\s*[\s-]\s*(?P<unit>years?|months?)\s+ago\b")


def _treated_ago(s, surgery_pos: list[int], first_tx: int | None) -> TimeExpr | None:
    """The time since the treatment a sentence of the case tells 'N years ago', as a time."""
    if not any(s.start <= p < s.end for p in surgery_pos) and not (first_tx is not None and
                                                                  s.start <= first_tx < s.end):
        return None
    m = _AGO_RX.search(s.low)
    months = to_months(word_number(m.group("num")), m.group("unit")) if m else None
    return TimeExpr(m.start(), m.end(), months, False, "treatment") if m and months else None


def _tidy(facts: list[OutcomeFact], no_carry: set[int] | frozenset[int] = frozenset()) -> list[OutcomeFact]:
    out: list[OutcomeFact] = []
    dead = False
    for f in facts:
        if dead and f.status not in (None, "death"):
            continue      # death ends the timeline: what follows is an autopsy finding or a look back
        dead = dead or f.status == "death"
        if f.status is None and f.months is None:
            continue
        if f.status is None and out and (id(f) not in no_carry or out[-1].months == f.months):
            prev = out[-1]   # (a time without news that is the last status's own time is that status's)
            if prev.status is not None:
                f.status = prev.status      # follow-up without news: the status stands
                f.confidence = min(f.confidence, 0.6)
        if out and out[-1].status == f.status and (f.months is None or out[-1].months == f.months
                                                   or out[-1].months is None):
            prev = out[-1]
            if prev.months is None and f.months is not None:
                prev.months, prev.since = f.months, f.since
            prev.spans += [sp for sp in f.spans if sp not in prev.spans]
            prev.survival_measure = prev.survival_measure or f.survival_measure
            continue
        out.append(f)
    return out
