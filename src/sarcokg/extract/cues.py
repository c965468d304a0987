"""Context cue words found in one pass (pyahocorasick), not by one regex per sentence.

Cue classes: 'generic' (the sentence speaks of patients in general or of the
literature), 'anchor' (it speaks of this patient), 'caseref' (it points at the
reported case). Matched on the normalised view (lowercase, dashes as spaces)
on word boundaries.
"""
from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from .textprep import Keyed


def _generic_phrases() -> list[str]:
    words = ("literature", "previously reported", "previously published", "previously described", "case reports",
             "reported cases", "cases", "incidence", "prevalence", "typically", "usually", "commonly", "most common",
             "most frequent", "frequent sites", "frequent site", "common sites", "common site",
             "generally", "often", "frequently", "unusual", "account for", "accounts for", "should", "may", "might",
             "could", "can be", "can cause", "can occur", "advised", "recommended", "remains unclear",
             "remain unclear", "remains controversial", "remain controversial", "whether", "prognosis",
             "survival rate", "survival rates", "per million", "et al", "studies", "trial", "trials", "seem", "seems",
             "suggest", "likely", "possibility", "rate", "rates", "exploration", "mainstay", "subtype", "subtypes",
             "differential diagnosis", "differential diagnoses", "patients",
             # the lesson drawn from the case, not its course
             "has shown that", "have shown that", "highlights", "illustrates", "is effective", "are effective",
             "first choice", "treatment of choice", "in conclusion", "we conclude", "best managed", "best treated",
             # what drives outcomes in general: 'the most important factors affecting survival are ...'
             "factors affecting", "prognostic factor", "prognostic factors",
             # what a treatment does in general: 'response to chemotherapy is limited', 'radiotherapy is
             # also an adjuvant treatment', 'the standard treatment'
             "is limited", "are limited", "remains limited", "standard treatment", "standard therapy",
             "standard of care", "treatment option", "treatment options", "therapeutic option",
             "therapeutic options", "is also an adjuvant", "is an adjuvant",
             # a generalisation: 'such tumours tend to grow faster than those of the limbs'
             "tend to", "tends to", "than those",
             # where a kind of tumour occurs: 'angiosarcoma occurs predominantly in soft tissues'
             "occurs predominantly", "occur predominantly", "occurs mainly", "occur mainly", "occurs mostly",
             "occur mostly", "arises predominantly", "arise predominantly", "arises mainly", "arise mainly",
             # what others have done: 'taxanes have been used for the treatment of various tumours'
             "have been used", "has been used", "have been reported", "has been reported", "have been described",
             "has been described",
             # what research is still to do: 'further studies are needed to confirm ...'
             "are needed to", "is needed to", "are warranted", "is warranted")
    out = list(words)
    for v in ("is", "are"):
        for art in ("", "a ", "an "):
            for adv in ("", "very ", "extremely ", "relatively "):
                for adj in ("rare", "uncommon", "unusual", "common", "aggressive", "slow"):
                    out.append(f"{v} {art}{adv}{adj}")
    return out


# the authors telling this case: 'we report', 'we herein describe' ('we are reporting' was tried and
# dropped: a blind set fell, docs/extraction.md)
_WE_TELL = tuple(f"{who} {adv}{verb}" for who in ("we", "the authors") for adv in ("", "herein ", "hereby ")
                 for verb in ("present", "report", "describe"))
ANCHOR = ("our patient", "the patient", "this patient", "he", "she", "his", "her", "him", *_WE_TELL, "underwent",
          "year old", "years old", "in our case", "in this case",
          # advice given in the past is advice given to this patient: 'radiotherapy was recommended'
          "was recommended", "were recommended", "was advised", "were advised",
          # the authors as the ones who treated this patient: 'we excised the tumour to near total'
          "we excised", "we resected", "we removed", "we operated", "we performed", "we treated", "we administered",
          "we irradiated", "we amputated")
# the phrases that point at the patient once the case is told
_PATIENT_REF = ("our patient", "the patient", "this patient", "in our case", "in this case")
CASEREF = (*_WE_TELL, "we reported", "we presented", *_PATIENT_REF, "the case of",
           # 'the current study presents a case of ...', 'this report describes the case'
           "presents a case", "presents the case", "describes a case", "describes the case", "reports a case",
           "reports the case", "reported a case", "reported the case", "report of a case", "this paper reports",
           "this paper reported", "the reported case", "the case reported here",
           # the case told by a verb in another form: 'by introducing a case of ...', 'presenting the case'
           *(f"{verb} {det} case" for verb in ("presenting", "reporting", "describing", "introducing", "introduces",
                                               "introduced") for det in ("a", "an", "the", "this")),
           # the report as the subject: 'the present case report aimed to ...', 'this case report describes'
           *(f"{det} case report {verb}" for det in ("this", "the present", "our")
             for verb in ("aims", "aimed", "describes", "presents", "reports", "details")))
# the sentence that introduces the case ('we report a case of ...', 'the case of a man with ...')
CASE_INTRO = tuple(p for p in CASEREF if p not in _PATIENT_REF)
_GENERIC_RX = Keyed(re.compile(r"%|\[\s*\d|\(citation"))
# a reference's number printed after the full stop, its superscript lost: 'have been unsuccessful.3 These'
# (not a figure's or a table's number: 'fig.1 shows')
# (the full stop first: the engine skips from one to the next)
_REF_AFTER_STOP_RX = re.compile(r"\.(?<=[a-z]{3}\.)(?<!fig\.)(?<!figs\.)(?<!table\.)(?<!vol\.)\d{1,3}(?:[, ]\d{1,3})*"
                                r"(?=\s|$)")
_OWN_STUDIES = ("imaging ", "radiological ", "radiologic ", "laboratory ", "staging ", "diagnostic ", "further ",
                "additional ", "blood ", "imaging  ", "image ", "radiographic ", "histological ", "histologic ",
                "pathological ", "pathologic ", "immunohistochemical ", "cytogenetic ", "molecular ", "genetic ",
                "electrophysiological ", "electrophysiologic ", "serological ", "serologic ", "her ", "his ")
_OWN_LEN = max(map(len, _OWN_STUDIES))
# 'the patients who ...', 'the patients with ...', 'the patients treated ...': a population
_POPULATION_AFTER_RX = re.compile(r" (?:who|with|in whom|treated|that|undergoing|receiving)\b")
_CASEREF_RX = re.compile(r"report (?:the|a|an) (?:\w+ ){0,2}case\b")


# a percentage that measures the patient's own tumour: 'in >50% of tumour cells', 'a ki 67 index of 20%'
# and the specimen's response to treatment: '(> 95%) necrosis', '90% tumour necrosis', '30% reduction',
# 'a 33% partial response' (not a response rate)
_CELLS_AFTER_RX = re.compile(r"\s*(?:of\s+(?:the\s+)?(?:tumou?r|neoplastic|malignant|atypical)?\s*(?:cells|nuclei)|"
                             r"(?:positiv|stain|expression)|\)?\s*(?:tumou?r\s+)?(?:necrosis|necrotic|viable|"
                             r"regression|reduction|shrinkage)|\s*(?:partial\s+)?response(?!\s+rates?))")
_INDEX_BEFORE = ("ki 67", "ki67", "mib 1", "mib1", "index", "labelling", "labeling", "proliferat")


def _own_measure(norm: str, m: re.Match) -> bool:
    if m.group(0) != "%":
        return False
    return bool(_CELLS_AFTER_RX.match(norm, m.end())) or any(w in norm[max(0, m.start() - 30):m.start()]
                                                              for w in _INDEX_BEFORE)


@lru_cache(maxsize=1)
def cue_table() -> dict[str, tuple[str, ...]]:
    """Cue phrase -> its classes (the lexicon's automaton carries them too: Lexicon.match(cues=))."""
    table: dict[str, set[str]] = {}
    for kind, phrases in (("generic", _generic_phrases()), ("anchor", ANCHOR), ("caseref", CASEREF)):
        for p in phrases:
            table.setdefault(p, set()).add(kind)
    return {p: tuple(sorted(kinds)) for p, kinds in table.items()}


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for p, kinds in cue_table().items():
        auto.add_word(p, (len(p), kinds))
    auto.make_automaton()
    return auto


def cue_positions(norm: str, found: list[tuple[int, tuple[str, ...]]] | None = None) -> dict[str, list[int]]:
    """Start offsets of cue phrases by class, on word boundaries of the normalised text.

    found: the cue phrases on word boundaries of norm, (start, classes), when a pass over it has
    found them already (Lexicon.match(cues=) does, in its own pass over the same view)."""
    out: dict[str, list[int]] = {"generic": [], "anchor": [], "caseref": []}
    if found is None:
        found = []
        n = len(norm)
        for end, (ln, kinds) in _automaton().iter(norm):
            s, e = end - ln + 1, end + 1
            if (s > 0 and norm[s - 1].isalnum()) or (e < n and norm[e].isalnum()):
                continue
            found.append((s, kinds))
    for s, kinds in found:
        for k in kinds:
            if k == "generic" and norm.startswith("patients", s) and norm[max(0, s - 4):s] == "the " \
                    and not _POPULATION_AFTER_RX.match(norm, s + 8):
                continue      # 'the patients' is a typo for this patient, not a population ('the patients who')
            if k == "generic" and norm.startswith("patients", s) \
                    and norm[max(0, s - 8):s].endswith(("both ", "the two ")):
                continue      # 'both patients', 'the two patients': the report's own two cases
            if k == "anchor" and norm.startswith("underwent", s) and norm[max(0, s - 13):s] == "patients who ":
                continue      # 'the patients who underwent ...': a population's treatment, not this patient's
            if k in ("anchor", "caseref") and norm.startswith(("the patient", "he ", "she "), s) \
                    and norm[max(0, s - 9):s].endswith(("in which ", "in whom ")):
                continue      # 'three cases have been reported in which the patient presented with ...': theirs
            if k == "generic" and norm.startswith("studies", s) and norm[max(0, s - _OWN_LEN):s].endswith(_OWN_STUDIES):
                continue      # the patient's 'imaging studies', not the literature's
            out[k].append(s)
    out["generic"] += [m.start() for m in _GENERIC_RX.finditer(norm) if not _own_measure(norm, m)]
    out["generic"] += [m.start() for m in _REF_AFTER_STOP_RX.finditer(norm)]
    out["caseref"] += [m.start() for m in _CASEREF_RX.finditer(norm)]
    return out
