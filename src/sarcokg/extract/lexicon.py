"""The dictionary matcher, built once per Terms from the ontology's names.

Labels and synonyms are matched case-insensitively on the normalised view of
the text (sarcokg.extract.textprep.normalise); abbreviations, and synonyms that
are written like abbreviations ("RT", "C-ion RT", "IL-2"), case-sensitively on
the same view without lowercasing. Matches must sit on word boundaries; within
one axis the leftmost-longest match wins, across axes matches may overlap
("retroperitoneal liposarcoma" is a site inside a tumour mention).

Spelling variants made by rule, not by word list: plural -s / -is -> -es / -y -> -ies,
tumor <-> tumour, -ization <-> -isation, 'X of Y' <-> 'X of the Y'.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from operator import attrgetter

import ahocorasick

from sarcokg.model.terms import Terms

from .cues import cue_table
from .textprep import _TRANS, normalise, spaced

AXES = ("tumour", "site", "intervention", "agent", "regimen", "outcome", "survival")
# a tumour name must name a tumour: labels such as "Myxoid" or "Spindle Cell"
# (halves of an OncoTree name split at a slash) would match adjectives
_TUMOUR_NOUN = re.compile(r"(?:oma|sarcoma|tumou?r|neoplasm|fibromatosis|desmoid)s?\b", re.I)


@dataclass(unsafe_hash=True, slots=True)   # hashable by value; slots: made by the hundred per report
class Mention:
    axis: str
    key: str
    start: int
    end: int
    source: str = "lexicon"      # lexicon | abbreviation | local

    def __len__(self) -> int:
        return self.end - self.start


_LONG_LOWER_RX = re.compile(r"[a-z]{4,}")


def _looks_like_abbreviation(s: str) -> bool:
    # (the length first: most names are longer; the lexicon asks this of its 7,000 names at start-up)
    return len(s) <= 12 and sum(map(str.isupper, s)) >= 2 and not _LONG_LOWER_RX.search(s)


_PREFIXED_RX = re.compile(r"\b(extra|intra|para|retro|peri)(skeletal|osseous|medullary|dural|spinal|peritoneal|"
                          r"vertebral|cranial|thoracic|abdominal|articular|muscular)")


def _variants(name: str) -> set[str]:
    out = {name}
    if "tumor" in name:
        out.add(name.replace("tumor", "tumour"))
    if "tumour" in name:
        out.add(name.replace("tumour", "tumor"))
    if "ization" in name:
        out.add(name.replace("ization", "isation"))
    if "isation" in name:
        out.add(name.replace("isation", "ization"))
    for v in list(out):   # 'clear cell sarcoma of kidney' is also written 'of the kidney', and the other way round
        if " of the " in v:
            out.add(v.replace(" of the ", " of "))
        elif " of " in v:
            out.add(v.replace(" of ", " of the "))
    for v in list(out):   # 'extraskeletal' is also written 'extra skeletal' / 'extra-skeletal' (a space in the view)
        if not ("tra" in v or "para" in v or "retro" in v or "peri" in v):   # no prefix (extra, intra, ...)
            continue
        spaced = _PREFIXED_RX.sub(r"\1 \2", v)
        if spaced != v:
            out.add(spaced)
    return out | {p for v in out for p in _plurals(v)}


def _plurals(v: str) -> tuple[str, ...]:
    """A name's plurals by rule: English, and the Latin one of an anatomical '-us' or '-a'
    ('humeri', 'tibiae')."""
    if not v[-1:].isalpha():
        return ()
    if v.endswith("sis"):
        return (v[:-3] + "ses",)
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        return (v[:-1] + "ies",)    # 'mastectomy' -> 'mastectomies', 'biopsy' -> 'biopsies'
    if v.endswith("us") and len(v) > 4:
        return (v[:-2] + "i",)      # 'humerus' -> 'humeri'
    if v.endswith("a") and len(v) > 4:
        return (v + "s", v + "e")   # 'tibia' -> 'tibias', 'tibiae'
    return () if v.endswith("s") else (v + "s",)


class Lexicon:
    def __init__(self, terms: Terms):
        self.terms = terms
        self._ci = ahocorasick.Automaton()
        self._cs = ahocorasick.Automaton()
        ci: dict[str, list] = {}
        cs: dict[str, list] = {}
        for axis in AXES:
            for key, term in sorted(terms.by_axis.get(axis, {}).items()):
                names = [term.label] + list(term.synonyms)
                for name in names:
                    if axis == "tumour" and not _TUMOUR_NOUN.search(name):
                        continue
                    if _looks_like_abbreviation(name):
                        for v in {name, name + "s"}:
                            cs.setdefault(v.translate(_TRANS), []).append((axis, key))
                        continue
                    for v in _variants(normalise(name).strip()):
                        ci.setdefault(v, []).append((axis, key))
                for ab in term.abbreviations:
                    for v in {ab, ab + "s"}:
                        cs.setdefault(v.translate(_TRANS), []).append((axis, key))
        # the context cue phrases ride in the caseless automaton, which reads the same view
        # (normalised text) as cue_positions(): one pass over it finds both (match(cues=))
        cues = cue_table()
        for table, auto, cued in ((ci, self._ci, cues), (cs, self._cs, {})):
            for pat in [*table, *(p for p in cued if p not in table)]:
                if not pat.strip():
                    continue
                targets = table.get(pat, [])
                if len(targets) > 1:   # one term per axis: the first in key order
                    first: dict[str, tuple[str, str]] = {}
                    for t in targets:
                        first.setdefault(t[0], t)
                    targets = list(first.values())
                auto.add_word(pat, (len(pat), tuple(targets), cued.get(pat, ())))
            auto.make_automaton()

    def collapsed_agents(self) -> dict[str, str]:
        """Single-word agent names (label and synonyms, 7 letters or more) by their collapsed spelling."""
        if getattr(self, "_collapsed", None) is None:
            table: dict[str, str] = {}
            for key, term in sorted(self.terms.by_axis.get("agent", {}).items()):
                for name in [term.label] + list(term.synonyms):
                    n = name.lower()
                    if len(n) >= 7 and n.isalpha():
                        table.setdefault(_collapse(n), key)
            self._collapsed = table
        return self._collapsed

    def scrambled_agents(self) -> dict[tuple[str, str, str], str]:
        """Agent names (8 letters or more) by first three letters, last three and the letters in between
        sorted: two letters of the middle swapped ('temolozomide') still find their drug; a key two
        names share is left out."""
        if getattr(self, "_scrambled", None) is None:
            table: dict[tuple[str, str, str], str | None] = {}
            for key, term in sorted(self.terms.by_axis.get("agent", {}).items()):
                for name in [term.label] + list(term.synonyms):
                    n = _collapse(name.lower())
                    if len(n) >= 8 and n.isalpha():
                        k = (n[:3], n[-3:], "".join(sorted(n[3:-3])))
                        table[k] = key if table.get(k, key) == key else None
            self._scrambled = {k: v for k, v in table.items() if v is not None}
        return self._scrambled

    # ------------------------------------------------------------------
    @staticmethod
    def _boundary(view: str, s: int, e: int) -> bool:
        if s > 0 and view[s - 1].isalnum():
            return False
        if e < len(view) and view[e].isalnum():
            return False
        return True

    def match(self, text: str, norm: str, sp: str | None = None,
              cues: list[tuple[int, tuple[str, ...]]] | None = None) -> list[Mention]:
        """The dictionary's mentions in text (norm: its normalise() view; sp: its spaced() view).
        cues: a list to which the context cue phrases on word boundaries of norm are added, as
        (start, classes), for cues.cue_positions()."""
        cands: list[Mention] = []
        case_view = sp if sp is not None else spaced(text)
        if len(case_view) != len(text):
            case_view = text
        add = cands.append
        for view, auto, src in ((norm, self._ci, "lexicon"), (case_view, self._cs, "abbreviation")):
            size = len(view)
            for end, (n, targets, kinds) in auto.iter(view):
                s = end - n + 1
                # on word boundaries (_boundary, inlined: most hits are inside longer words)
                if s and view[s - 1].isalnum():
                    continue
                e = end + 1
                if e < size and view[e].isalnum():
                    continue
                if kinds and cues is not None:
                    cues.append((s, kinds))
                for axis, key in targets:
                    add(Mention(axis, key, s, e, src))
        return resolve(cands)


def resolve(cands: list[Mention]) -> list[Mention]:
    """Leftmost-longest, non-overlapping within each axis."""
    out: list[Mention] = []
    by_axis: dict[str, list[Mention]] = {}
    for m in cands:
        by_axis.setdefault(m.axis, []).append(m)
    for _axis, ms in by_axis.items():
        # by (start, -length): by end descending, then by start (both sorts stable, keys read in C)
        ms.sort(key=_END, reverse=True)
        ms.sort(key=_START)
        last_end = -1
        for m in ms:
            if m.start >= last_end:
                out.append(m)
                last_end = m.end
    out.sort(key=_START_END)
    return out


_START_END = attrgetter("start", "end")   # (m.start, m.end), read in C
_START = attrgetter("start")
_END = attrgetter("end")
_ABBR_DEF = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-\u2010 ]{0,10}?[A-Za-z0-9])\s*[),;]")
_AXIS_PREF = {"tumour": 0, "intervention": 1, "agent": 2, "outcome": 3, "survival": 4, "site": 5}


def abbreviations(text: str, mentions: list[Mention]) -> list[Mention]:
    """mentions with the report's own abbreviations: those it defines for a mention ('Ewing sarcoma
    (ES)' -> ES is ES) added, matched case-sensitively as whole words; the lexicon's abbreviations it
    spells out as something else ('progesterone receptors (PR)': PR is no partial response here) left
    out. One pass over the parentheses finds both."""
    if "(" not in text:
        return mentions
    defs, foreign = _definitions(text, mentions)
    if foreign:
        mentions = [m for m in mentions if not (m.source == "abbreviation" and text[m.start:m.end] in foreign)]
    if not defs:
        return mentions
    out = [Mention(defs[ab].axis, defs[ab].key, a, b, "local")
           for a, b, ab in find_words(text, sorted(defs, key=len, reverse=True))]
    return merge(mentions, out)


def _definitions(text: str, mentions: list[Mention]) -> tuple[dict[str, Mention], set[str]]:
    """The abbreviations defined for a mention that ends right before the parenthesis (with its long
    form), and those whose long form no mention is but whose words' initials spell them."""
    ends: dict[int, list[Mention]] = {}
    for mention in mentions:
        ends.setdefault(mention.end, []).append(mention)
    defs: dict[str, Mention] = {}
    foreign: set[str] = set()
    for dm in _ABBR_DEF.finditer(text):
        ab = dm.group(1)
        if sum(1 for c in ab if c.isupper()) < 2 or _LONG_LOWER_RX.search(ab):   # (r"[a-z]{4,}")
            continue
        p = dm.start() - 1
        while p >= 0 and text[p] in " \t":
            p -= 1
        long_forms = ends.get(p + 1)
        if not long_forms:
            if _spelled_out(text, p + 1, ab):
                foreign.add(ab)
            continue
        lf = min(long_forms, key=lambda m: _AXIS_PREF.get(m.axis, 9))
        defs.setdefault(ab, lf)
        if ab.endswith("s") and len(ab) > 2:
            defs.setdefault(ab[:-1], lf)
    return defs, foreign


def _spelled_out(text: str, end: int, ab: str) -> bool:
    """Do the words before end spell ab by their initials ('progesterone receptors' before '(PR)')?"""
    letters = [c for c in ab if c.isalpha()]
    if not 2 <= len(letters) <= 5 or not ab.isalnum():
        return False
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", text[max(0, end - 80):end])[-len(letters):]
    return len(words) == len(letters) and all(w[0].lower() == c.lower() for w, c in zip(words, letters, strict=True))


_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def find_words(text: str, words: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, word) of each match of (?<![A-Za-z0-9])(w1|w2|...)s?(?![A-Za-z0-9]), as finditer
    gives them, without compiling that pattern: each report defines its own abbreviations, and a
    pattern made for one report costs more to compile than the whole text costs to search."""
    starts = sorted({i for w in words for i in _occurrences(text, w)})
    n, last, out = len(text), 0, []
    for p in starts:
        if p < last or (p > 0 and text[p - 1] in _ASCII_ALNUM):
            continue
        for w in words:             # the alternatives in their order, as the regex tries them
            if not text.startswith(w, p):
                continue
            e = p + len(w)
            if e < n and text[e] == "s" and not (e + 1 < n and text[e + 1] in _ASCII_ALNUM):
                end = e + 1         # s? takes the s
            elif not (e < n and text[e] in _ASCII_ALNUM):
                end = e
            else:
                continue            # glued to a longer word: the next alternative
            out.append((p, end, w))
            last = end
            break
    return out


def _occurrences(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


# drug-like words: the endings of generic drug names ('-rubicin', '-famide', '-platin', '-tinib', '-mab', '-taxel')
# found by its ending (a literal alternation the regex engine skips to), the word start found backwards
_DRUG_ENDING_RX = re.compile(r"(?:icin|mide|platin|platinum|nib|mab|taxel|stine|bine|xate|sine|mycin|tecan|zine|lide|"
                             r"mus)(?![a-z0-9])")


def _collapse(w: str) -> str:
    """A word with doubled letters single: 'doxorrubicin' and 'doxorubicin' are one."""
    return re.sub(r"(.)\1+", r"\1", w)


def misspelt_agents(lex: Lexicon, norm: str, mentions: list[Mention]) -> list[Mention]:
    """Drug names written with a letter doubled or undoubled ('doxorrubicin', 'ifosfamid'):
    a drug-like word whose letters, doubled letters made single, spell one agent's name.
    Looked for only near a drug treatment already named (a drug, a regimen, chemotherapy ...)."""
    wins: list[list[int]] = []
    for mention in mentions:
        if mention.axis in ("agent", "regimen") or (mention.axis == "intervention" and "therap" in mention.key):
            a, b = max(0, mention.start - 200), mention.end + 200
            if wins and a <= wins[-1][1]:
                wins[-1][1] = max(wins[-1][1], b)
            else:
                wins.append([a, b])
    if not wins:
        return []
    table = lex.collapsed_agents()
    taken = {m.start for m in mentions if m.axis == "agent"}
    out = []
    for a, b in wins:
        for m in _DRUG_ENDING_RX.finditer(norm, a, min(b, len(norm))):
            s, e = m.start(), m.end()
            while s > 0 and "a" <= norm[s - 1] <= "z":
                s -= 1
            if e - s < 7 or s in taken or (s > 0 and norm[s - 1].isalnum()):
                continue
            w = _collapse(norm[s:e])
            key = table.get(w)
            if key is None and len(w) >= 8:
                key = lex.scrambled_agents().get((w[:3], w[-3:], "".join(sorted(w[3:-3]))))
            if key is not None:
                out.append(Mention("agent", key, s, e, "local"))
    return out


_CACHE: dict[int, tuple[Terms, Lexicon]] = {}


def lexicon_for(terms: Terms) -> Lexicon:
    hit = _CACHE.get(id(terms))
    if hit is None or hit[0] is not terms:
        hit = (terms, Lexicon(terms))
        _CACHE[id(terms)] = hit
    return hit[1]


def merge(mentions: list[Mention], extra: list[Mention]) -> list[Mention]:
    """Add extra mentions that overlap nothing of their axis."""
    if not extra:
        return mentions
    out = list(mentions)
    # within an axis the mentions are sorted and do not overlap, so their ends grow with their starts:
    # the last one starting before x ends is the only one that can overlap x
    by_axis: dict[str, list[tuple[int, int]]] = {}
    for m in mentions:
        by_axis.setdefault(m.axis, []).append((m.start, m.end))
    added: dict[str, list[tuple[int, int]]] = {}
    for x in extra:
        spans = by_axis.get(x.axis, ())
        i = bisect.bisect_left(spans, (x.end, -1))
        if i > 0 and spans[i - 1][1] > x.start:
            continue
        if any(a < x.end and x.start < b for a, b in added.get(x.axis, ())):
            continue
        added.setdefault(x.axis, []).append((x.start, x.end))
        out.append(x)
    out.sort(key=_START_END)
    return out


def find_key(mentions: list[Mention], axis: str) -> Mention | None:
    for m in mentions:
        if m.axis == axis:
            return m
    return None
