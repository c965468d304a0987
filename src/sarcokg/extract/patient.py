"""The index patient: age at presentation, sex, presenting symptoms."""
from __future__ import annotations

import re

from sarcokg.model.facts import Span, Symptom, Value

from .context import WORD_AGE_RX, Zones, age_search, word_age
from .textprep import DASH, Caseless, Keyed, Sentence
from .timeexpr import NUM, to_months, word_number

# (a form of address names the sex too: "Madam K., 34 years old")
FEMALE = {"woman", "female", "girl", "lady", "women", "mother", "daughter", "wife", "madam", "madame", "mrs"}
MALE = {"man", "male", "boy", "gentleman", "men", "father", "son", "husband"}
SEX_WORD_RX = re.compile(r"\b(" + "|".join(sorted(FEMALE | MALE)) + r")\b", re.I)
PRONOUN_RX = re.compile(r"\b(she|her|hers|he|his|him)\b", re.I)

# on the lowercased Sentence.low, without re.I's slow scan (groups read from the text by position)
HISTORY_RX = Caseless(
    r"\b(?P<num>" + NUM + r")\s*" + DASH + r"?\s*(?P<unit>years?|months?|weeks?|days?)\s*" + DASH
    + r"?\s*history of (?P<what>[^.;:()]+)", keyed=True)   # keyed: run only on a sentence with 'history of'
COMPLAINT_RX = Keyed(re.compile(
    r"\b(?:presented|presenting|complained|complaining|admitted|referred|reported)\b(?:\s+\w+){0,6}?\s+"
    r"(?:with|of)\s+(?P<what>[^.;:()]+)", re.I))
DUR_RX = re.compile(r"\b(?:for|of)\s+(?:the\s+)?(?:last\s+|past\s+)?(?P<num>" + NUM + r")\s*" + DASH
                    + r"?\s*(?P<unit>years?|months?|weeks?|days?)(?:'s)?(?:\s+duration)?", re.I)
# an infant's age in months: 'a 17-month-old boy', 'an 8 months old girl'
# (and in words, or in weeks and days: 'an eight-month-old girl', 'a 3-week-old boy': 0)
MONTHS_OLD_RX = re.compile(r"\b(?P<num>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                           r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\s*" + DASH
                           + r"?\s*(?P<unit>months?|weeks?|days?)\s*" + DASH + r"?\s*old\b")
# a patient at birth: 'a newborn girl', 'a neonate' (age 0)
NEWBORN_RX = re.compile(r"\b(?:new[\s-]?born|neonate)\b")
# the patient's data as labelled fields, as radiology case collections give them ('Age: 20 years',
# 'Gender: Male', 'Age / Sex : 22 / M'): a field starts a line, follows a '|' or a wide gap
_FIELD = r"(?:^|[\n|]|[ \t]{2})[ \t]*"
AGE_FIELD_RX = re.compile(_FIELD + r"(?:patient(?:'s)?\s+)?age\s*(?:/\s*(?:sex|gender)\s*)?:\s*(\d{1,3})\s*"
                          r"(?:years?|yrs?|y)?(?:\s*old)?\b(?:\s*/\s*(male|female|m|f)\b)?", re.I)
SEX_FIELD_RX = re.compile(_FIELD + r"(?:sex|gender)\s*:\s*(male|female|m|f)\b", re.I)


def extract_age(text: str, zones: Zones) -> Value | None:
    order = []
    if zones.intro is not None:
        order.append(zones.intro)
    order += [s for s in zones.sents if s.zone == "title"]
    order += [s for s in zones.sents if s.zone == "case" and not s.generic]
    for s in order:
        m = age_search(s.low)
        if not m:
            m = WORD_AGE_RX.search(s.low) if ("old" in s.low or "aged " in s.low or "year" in s.low) else None
            if m:
                age = word_age(m)
            elif s is zones.intro and (m := NEWBORN_RX.search(s.low)):
                age = 0
            elif ("month" in s.low or "week" in s.low or "day" in s.low) and (m := MONTHS_OLD_RX.search(s.low)):
                # 'a 17-month-old boy': 1, the whole years
                age = int(word_number(m.group("num")) or 0) // 12 if m.group("unit").startswith("mo") else 0
            else:
                continue
        else:
            g = next(i for i in (1, 2, 3, 4, 5) if m.group(i))
            age = int(m.group(g))
        if age > 110:
            continue
        a, b = s.start + m.start(), s.start + m.end()
        return Value(age, spans=[Span(a, b, text[a:b])], confidence=0.95 if s is zones.intro else 0.8)
    low = zones.low
    f = AGE_FIELD_RX.search(text) if ("age:" in low or "age :" in low or "age /" in low) else None
    if f is not None and int(f.group(1)) <= 110:
        return Value(int(f.group(1)), spans=[Span(f.start(1), f.end(1), f.group(1))], confidence=0.8)
    return None


def _sex_field(text: str, zones: Zones) -> Value | None:
    """The sex as a labelled field ('Gender: Male', 'Age / Sex : 22 / M'), when no sentence says it."""
    low = zones.low
    if not ("sex:" in low or "sex :" in low or "gender:" in low or "gender :" in low or "age /" in low):
        return None
    f = SEX_FIELD_RX.search(text)
    g = 1
    if f is None:
        f, g = AGE_FIELD_RX.search(text), 2
        if f is None or f.group(2) is None:
            return None
    sex = "female" if f.group(g)[0] in "fF" else "male"
    return Value(sex, spans=[Span(f.start(g), f.end(g), f.group(g))], confidence=0.8)


# the sex noun right after an age: 'an 89-year-old male', 'a 15-year-old boy with ...'
_AGE_SEX_RX = re.compile(r"\s*,?\s*(?:[\w-]+\s+){0,2}?(" + "|".join(sorted(FEMALE | MALE)) + r")\b")


def extract_sex(text: str, zones: Zones, age: Value | None = None) -> Value | None:
    cands = []
    if zones.intro is not None:
        cands.append(zones.intro)
    cands += [s for s in zones.sents if s.zone == "title"]
    if zones.intro is not None:
        # the patient introduced twice: 'We report ... in a newborn baby. A newborn baby girl was referred ...'
        cands += [s for s in zones.sents[zones.intro.index + 1:zones.intro.index + 2]
                  if s.zone == "case" and not s.generic]
    for s in cands:
        m = SEX_WORD_RX.search(s.text)
        if m:
            sex = "female" if m.group(1).lower() in FEMALE else "male"
            a, b = s.start + m.start(), s.start + m.end()
            return Value(sex, spans=[Span(a, b, text[a:b])], confidence=0.95)
    if age is not None:
        # no sex word where the patient is introduced ('... in an 89-year-old'): the patient's age
        # written again with a sex noun after it, in any part of the page (an abstract's methods)
        found = _sex_after_age(text, zones, age.value)
        if found is not None:
            return found
    f = m_ = 0
    first: dict = {}
    for s in zones.sents:
        if s.zone != "case" or s.generic:
            continue
        for m in PRONOUN_RX.finditer(s.text):
            w = m.group(1).lower()
            key = "female" if w in ("she", "her", "hers") else "male"
            first.setdefault(key, (s.start + m.start(), s.start + m.end()))
            if key == "female":
                f += 1
            else:
                m_ += 1
    if f or m_:
        sex = "female" if f > m_ else "male"
        a, b = first[sex]
        return Value(sex, spans=[Span(a, b, text[a:b])], confidence=0.6)
    return _sex_field(text, zones)


def _sex_after_age(text: str, zones: Zones, age: int) -> Value | None:
    for s in zones.sents:
        if s.generic or s.zone == "other":
            continue
        m = age_search(s.low)
        if m is None:
            continue
        g = next(i for i in (1, 2, 3, 4, 5) if m.group(i))
        if int(m.group(g)) != age:
            continue
        w = _AGE_SEX_RX.match(s.low, m.end())
        if w is not None:
            sex = "female" if w.group(1) in FEMALE else "male"
            a, b = s.start + w.start(1), s.start + w.end(1)
            return Value(sex, spans=[Span(a, b, text[a:b])], confidence=0.9)
    return None


# organs only one sex has: a tumour there says the patient's sex when no word does
_FEMALE_ORGANS = {"uterus", "ovary", "vagina", "vulva", "cervix uteri", "fallopian tube"}
_MALE_ORGANS = {"prostate", "testis", "penis", "scrotum", "spermatic cord", "epididymis"}


def sex_of_organ(sites) -> Value | None:
    for f in sites:
        if f.metastatic or not f.spans:
            continue
        for organs, sex in ((_FEMALE_ORGANS, "female"), (_MALE_ORGANS, "male")):
            if f.site in organs:
                sp = f.spans[0]
                return Value(sex, spans=[Span(sp.start, sp.end, sp.text)], confidence=0.6)
    return None


# a subject heading of the page's index terms on a line of its own (MeSH: '• Child', '• Male')
_INDEX_SEX_RX = re.compile(r"^[ \t]*(?:[\u2022*\-][ \t]*)?(Male|Female)[ \t]*$", re.M)


def sex_of_index_terms(text: str) -> Value | None:
    """The sex the page's index terms give, when they give one only."""
    found = {m.group(1).lower(): m for m in _INDEX_SEX_RX.finditer(text)} if ("Male" in text or "Female" in text) \
        else {}
    if len(found) != 1:
        return None
    (sex, m), = found.items()
    return Value(sex, spans=[Span(m.start(1), m.end(1), m.group(1))], confidence=0.7)


def _clean_symptom(s: str) -> str:
    s = re.split(r"\b(?:that|which|who|since|after|following|and (?:a|an|was|the)|in the \d)\b", s)[0]
    return s.strip(" ,")


def _add_symptom(out: list[Symptom], text: str, tumour_at: list[tuple[int, int]], a: int, b: int,
                 months, confidence: float) -> None:
    """text[a:b] as a symptom, or what follows 'with' after the tumour it names
    ('a uterine LMS with abnormal bleeding': abnormal bleeding)."""
    ends = [y for x, y in tumour_at if a <= x and y <= b]
    if ends:
        w = text.find(" with ", max(ends), b)
        if w < 0:
            return
        a = w + len(" with ")
        if any(a <= x < b for x, _ in tumour_at) or a >= b:
            return
    out.append(Symptom(text[a:b], months, spans=[Span(a, b, text[a:b])], confidence=confidence))


def _history_symptoms(s: Sentence, text: str, tumour_at: list[tuple[int, int]], out: list[Symptom]) -> None:
    """The symptoms of sentence s told as a history ('a 3-month history of back pain')."""
    for m in HISTORY_RX.finditer(s.low):
        what = _clean_symptom(s.text[m.start("what"):m.end("what")])
        months = to_months(word_number(s.text[m.start("num"):m.end("num")]),
                           s.text[m.start("unit"):m.end("unit")])
        for part in re.split(r",\s*|\s+and\s+", what):
            part = part.strip()
            if not part or len(part.split()) > 6:
                continue
            i = s.text.find(part, m.start("what"))
            a, b = s.start + i, s.start + i + len(part)
            _add_symptom(out, text, tumour_at, a, b, months, 0.7)


def _complaint_symptoms(s: Sentence, text: str, tumour_at: list[tuple[int, int]], out: list[Symptom]) -> None:
    """The symptoms of sentence s told as a complaint ('presented with pain and swelling for 2 months'),
    each with the duration it names, if any."""
    for m in COMPLAINT_RX.finditer(s.text):
        what = m.group("what")
        dur = DUR_RX.search(what)
        months = to_months(word_number(dur.group("num")), dur.group("unit")) if dur else None
        if dur:
            what = what[:dur.start()]
        what = _clean_symptom(what)
        for part in re.split(r",\s*|\s+and\s+", what):
            part = part.strip()
            if not part or len(part.split()) > 10 or re.match(r"(?i)(a|an)\s+\d", part):
                continue
            i = s.text.find(part, m.start("what"))
            if i < 0:
                continue
            a, b = s.start + i, s.start + i + len(part)
            _add_symptom(out, text, tumour_at, a, b, months, 0.5)


def extract_symptoms(text: str, zones: Zones, mentions=()) -> list[Symptom]:
    """What the patient presented with; not the tumour itself ('presented with a chordoma
    of the clivus': a part naming a tumour type, by its lexicon mentions, is none,
    except what it says the tumour came with)."""
    out: list[Symptom] = []
    tumour_at = [(m.start, m.end) for m in mentions if m.axis == "tumour"]
    if zones.intro is None:
        return out
    sents = [zones.intro] + [s for s in zones.sents[zones.intro.index + 1: zones.intro.index + 2] if s.zone == "case"]
    for s in sents:
        _history_symptoms(s, text, tumour_at, out)
        if out:
            continue
        _complaint_symptoms(s, text, tumour_at, out)
    return out
