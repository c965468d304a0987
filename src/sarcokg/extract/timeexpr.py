"""Time expressions: '8 months postdiagnosis', 'six months later', 'at 3 years'."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .textprep import DASH, Keyed, Words

_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30,
          "thirty-six": 36, "forty": 40, "forty-eight": 48, "sixty": 60, "several": None, "few": None}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ONES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# numbers in words, compounds too: 'fifty-two months', 'thirty one months'
NUM = r"\d+(?:\.\d+|\s+1/2|\u00bd)?|(?:" + "|".join(_TENS) + r")(?:[\s-](?:" + "|".join(_ONES) + r")\b)?|" \
      r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|" \
      r"sixteen|seventeen|eighteen|nineteen|an?"
# 'five and a half years'
NUM = r"(?:" + NUM + r")(?:\s+and\s+(?:(?:a|one)\s+)?half)?"
UNIT = r"years?|yrs?|months?|mos?|weeks?|wks?|days?|decades?"


_HALF_RX = re.compile(r"\s+and\s+(?:(?:a|one)\s+)?half$")   # (compiled once: asked of every time found)
_PARTS_RX = re.compile(r"[\s-]+")


def word_number(s: str) -> float | None:
    s = s.lower()
    half = _HALF_RX.search(s)
    if half:
        n = word_number(s[:half.start()])
        return None if n is None else n + 0.5
    if s.endswith(("1/2", "\u00bd")):     # '6 1/2 years', '6\u00bd years'
        n = word_number(s[:-3 if s.endswith("1/2") else -1].strip())
        return None if n is None else n + 0.5
    if s in _WORDS:
        return _WORDS[s]
    if s.startswith("half"):   # 'half a year'
        return 0.5
    parts = _PARTS_RX.split(s)
    if parts[0] in _TENS:      # 'fifty-two'
        return _TENS[parts[0]] + (_ONES.index(parts[1]) + 1 if len(parts) == 2 and parts[1] in _ONES else 0)
    if s in ("seventeen", "nineteen"):
        return 17 if s == "seventeen" else 19
    try:
        return float(s)
    except ValueError:
        return None


def to_months(n: float | None, unit: str) -> float | None:
    if n is None:
        return None
    u = unit.lower()
    if u.startswith("dec"):
        return round(n * 120, 1)
    if u.startswith("y"):
        return round(n * 12, 1)
    if u.startswith("mo"):
        return round(n, 1)
    if u.startswith("w"):
        return round(n / 4.345, 1)
    if u.startswith("d"):
        return round(n / 30.44, 1)
    return None


@dataclass
class TimeExpr:
    start: int           # offsets into the sentence text
    end: int
    months: float
    relative: bool       # "N months later": after the previous event
    anchor: str | None  # diagnosis | treatment | None


_N = r"(?P<num>" + NUM + r")"
_U = r"(?P<unit>" + UNIT + r")"
_ADJ = r"(?:(?:postoperative|post-operative|follow-?up|postdiagnosis)\s+)?"
# the months after the years of one time: '7 years and 10 months' (find_times adds them up)
_AND_MONTHS = r"(?:\s+and\s+(?:(?P<num2>" + NUM + r")\s*" + DASH + r"?\s*months?|(?P<half>a\s+half)\b))?"
# (pattern, relative, words of which a match has one): a sentence without any
# of the words is not scanned with the pattern (None: always scanned)
PATTERNS: list[tuple[re.Pattern | Keyed, bool, tuple[str, ...] | None]] = [
    # half a year or a month: 'disease free for half a year', 'half a year later' (a pattern of its own: in NUM
    # the word would be tried at every number)
    (re.compile(r"\b(?P<num>half\s+an?)\s+(?P<unit>year|month)\s+(?:later|afterwards?|thereafter)\b"), True, ("half",)),
    (re.compile(r"\b(?:at|after|for|within|in|over|of|from|during|since|by|been)\s+(?:the\s+)?(?P<num>half\s+an?)\s+"
                r"(?P<unit>year|month)\b"), False, ("half",)),
    (re.compile(r"\b" + _N + r"\s*" + DASH + r"?\s*" + _ADJ + _U + r"\s+(?:later|afterwards?|thereafter)\b"), True,
     ("later", "afterward", "thereafter")),
    # ('the 2-year course after radiotherapy')
    # ('16 months have elapsed since surgery')
    (re.compile(r"\b" + _N + r"\s*" + DASH + r"?\s*" + _U + _AND_MONTHS + r"(?:\s+(?:course|period|interval))?"
                + r"(?:\s+(?:have|has|had)\s+(?:elapsed|passed))?"
                + r"['\u2019]?\s*(?:after|since|post\w*|following|from|subsequent\s+to)\b"),
     False, ("after", "since", "post", "following", "from", "subsequent")),
    # ('followed up to one year', 'free of symptoms since 2 years', 'in the next 2.5 years')
    # ('it has now been 3 years without a recurrence')
    (re.compile(r"\b(?:at|after|for|within|in|over|of|from|during|since|up\s+to|until|by|been)\s+(?:the\s+)?"
                r"(?:last\s+|past\s+|first\s+|next\s+)?"
                r"(?:(?:approximately|about|nearly|almost|over|around|roughly|some|more\s+than|at\s+least)\s+)?"
                + _N + r"\s*" + DASH + r"?\s*" + _ADJ + _U + _AND_MONTHS + r"\b"), False, None),
    # ('3 years of periodic follow-up', 'eight months into active follow-up')
    (re.compile(r"\b" + _N + r"\s*" + DASH + r"?\s*" + _U + r"\s*(?:(?:of|into)\s+)?(?:[a-z]+\s+)?follow" + DASH
                + r"?\s*up"), False, ("follow",)),
    # a time free of the disease: '26 months disease-free survival', '5 years recurrence-free'
    (re.compile(r"\b" + _N + r"\s*" + DASH + r"?\s*" + _U + r"\s+(?:of\s+)?(?:disease|recurrence|relapse|progression|"
                r"event|tumou?r)" + DASH + r"?\s*free\b"), False, ("free",)),
    (re.compile(r"\(\s*(?:(?:at\s+least|more\s+than|over|about|approximately)\s+)?" + _N + r"\s*" + _U
                + _AND_MONTHS + r"\s*\)"),
     False, ("(",)),
    # an ordinal: 'at the 4th year follow-up', 'in the 3rd postoperative year'
    (re.compile(r"\b(?:at|in|during|by)\s+(?:the\s+)?(?P<num>\d{1,2})(?:st|nd|rd|th)\s*" + DASH + r"?\s*" + _ADJ
                + r"(?P<unit>year|month)\b"), False,
     ("0th", "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "1th", "2th", "3th")),
    # how long the patient has lived since: 'survived 15 years without recurrence', 'has lived 12 years'
    (Keyed(re.compile(r"\b(?:survived|lived|living|alive)\s+(?:for\s+)?(?:(?:approximately|about|nearly|almost|"
                      r"over|more\s+than|only|just)\s+)?" + _N + r"\s*" + DASH + r"?\s*" + _U + _AND_MONTHS
                      + r"\b")), False,
     ("surviv", "lived", "living", "alive")),
    # 'the follow-up period was 30 months', 'follow-up: 2 years', 'follow-up duration of about 5 years'
    # (Keyed: these two tried only where one of their opening words occurs)
    (Keyed(re.compile(r"(?:follow" + DASH + r"?\s*up|survival|\bos|\bpfs|\bdfs)\s*"
                      r"(?:period|duration|time|interval)?\s*(?:was|is|of|:|=|lasted|exceeded|reached|surpassed)\s*"
                      r"(?:(?:approximately|about|nearly|almost|over|around|more\s+than|only|just)\s+)?" + _N
                      + r"\s*" + DASH + r"?\s*" + _U + _AND_MONTHS + r"\b")), False,
     ("follow", "surviv", "os ", "os:", "os=", "pfs", "dfs")),
]
_YEARS_AND_RX = re.compile(r"\b" + _N + r"\s*" + DASH + r"?\s*(?:years?|yrs?)\s+and\s+$")
_LATER_TX_RX = re.compile(r"['\u2019]?\s*(?:after|following|since|from|of|post)\s+(?:the\s+|her\s+|his\s+)"
                          r"(?:second|third|fourth|repeat(?:ed)?|last|latest|subsequent|most\s+recent)\s+")
# counted from an event of the case's course ('died 3 months after the recurrence'): on from the clock
_AFTER_EVENT_RX = re.compile(r"\s*(?:after|following|since|from|of)\s+(?:the\s+|her\s+|his\s+|this\s+|that\s+)?"
                             r"(?:(?:first|local|locoregional|distant|tumou?r|disease)\s+)?"
                             r"(?:recurrence|relapse|progression|metastas[ie]s)\b")
_ANCHOR_DX = re.compile(r"diagnos")
_ANCHOR_TX = re.compile(r"surg|operat|treatment|therapy|resection|excision|amputation|\brt\b|radio|irradiat|chemo|"
                        r"start|initiation|transplant|procedure")
# year|month|week|day|yr|mo\b|wk|decade: the words in one Aho-Corasick pass, 'mo\b' (which a word list cannot say)
# by a pattern the regex engine skips to the m's of
_HINT = re.compile(r"year|month|week|day|yr|mo\b|wk|decade")
_HINT_WORDS = Words(re.compile(r"year|month|week|day|yr|wk|decade"))
_MO_RX = re.compile(r"mo\b")
_NOT_TIME = re.compile(r"(?:every|each|history of|aged?|old)\s*$")
# a time counted from a stay in hospital, not from the diagnosis or the treatment
_STAY_ANCHOR = re.compile(r"\s*(?:after|following|since|from)\s+(?:the\s+|her\s+|his\s+)?"
                          r"(?:leaving|discharge|admission|hospitali[sz]ation|transfer)\b")


def _with_years_before(sentence: str, a: int, months: float, out: list[TimeExpr],
                       taken: list[tuple[int, int]]) -> tuple[int, float]:
    """A time in months with years written before it ('six years and 10 months after ...'): the
    start and the sum. The years alone, when taken already ('at 2 years'), leave out and taken."""
    yb = _YEARS_AND_RX.search(sentence, max(0, a - 30), a)
    ny = word_number(yb.group("num")) if yb is not None else None
    if yb is None or ny is None:
        return a, months
    start = yb.start("num")
    out[:] = [t for t in out if not (start <= t.start < a)]
    taken[:] = [(x, y) for x, y in taken if not (start <= x < a)]
    return start, round(ny * 12 + months, 1)


_OLD_AFTER_RX = re.compile(r"\s*" + DASH + r"?\s*(?:old|history)", re.I)   # (find_times' patterns, compiled once)
_POSTOP_RX = re.compile(r"postop", re.I)


def _months_of(m: re.Match) -> float | None:
    """A pattern's time in months, with the months or the half after its years ('7 years and 10
    months', 'two years and a half')."""
    months = to_months(word_number(m.group("num")), m.group("unit"))
    if months is None:
        return None
    extra = m.groupdict().get("num2")
    if extra is not None and m.group("unit")[:1] == "y":
        return round(months + (word_number(extra) or 0), 1)
    if m.groupdict().get("half") is not None:   # half of one unit more
        return round(months + (to_months(1, m.group("unit")) or 0) / 2, 1)
    return months


def find_times(sentence: str) -> list[TimeExpr]:
    """Times in a lowercased sentence (Sentence.low)."""
    out: list[TimeExpr] = []
    if not (_HINT_WORDS.search(sentence) or _MO_RX.search(sentence)):   # _HINT.search(sentence)
        return out
    taken: list[tuple[int, int]] = []
    for rx, rel, needs in PATTERNS:
        if needs is not None:
            for w in needs:
                if w in sentence:
                    break
            else:
                continue
        for m in rx.finditer(sentence):
            a, b = m.start("num"), m.end()
            if any(a < y and x < b for x, y in taken):
                continue
            if _NOT_TIME.search(sentence[max(0, a - 14):a]):
                continue
            after = sentence[b:b + 3]
            if _OLD_AFTER_RX.match(sentence[b:b + 12]) or after.startswith("-old"):
                continue
            months = _months_of(m)
            if months is None:
                continue
            if m.group("unit")[:1] == "m" and " and " in sentence[max(0, a - 30):a]:
                a, months = _with_years_before(sentence, a, months, out, taken)
            tail = sentence[m.end("unit"):m.end("unit") + 45]
            if _STAY_ANCHOR.match(tail):
                continue
            anchor = None
            if _ANCHOR_DX.search(tail[:30]) or _ANCHOR_DX.search(m.group(0)):
                anchor = "diagnosis"
            elif _ANCHOR_TX.search(tail[:35]) or _POSTOP_RX.search(m.group(0)):
                anchor = "treatment"
            # counted from a later treatment ('6 months after the second surgery'): on from the clock
            later = not rel and (anchor == "treatment" and _LATER_TX_RX.match(tail) is not None
                                 or anchor is None and _AFTER_EVENT_RX.match(tail) is not None)
            taken.append((a, b))
            out.append(TimeExpr(a, b, months, rel or later, anchor))
    out.sort(key=lambda t: t.start)
    return out
