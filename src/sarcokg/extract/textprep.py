"""Text preparation: a same-length normalised view, sentences, sections.

Every offset the extractor produces points into the text it was given, so the
normalised view (lowercase, dashes and slashes as spaces, curly quotes
straight) keeps the length of the original: one character for one character.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from re import _constants as _sc  # type: ignore[attr-defined]
from re import _parser as _sp  # type: ignore[attr-defined]

import ahocorasick

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
DASH = "[" + DASHES + "]"
_TRANS = {ord(c): " " for c in DASHES + "/\u00a0\u2009\u202f"}
_TRANS.update({ord("\u2019"): "'", ord("\u2018"): "'", ord("\u201c"): '"', ord("\u201d"): '"'})


_SPACE_RX = re.compile("[" + DASHES + "/\u00a0\u2009\u202f]")
_QUOTES_RX = re.compile("[\u2018\u2019\u201c\u201d]")


_QUOTE_AS_APOSTROPHE_RX = re.compile(r'(?<=[A-Za-z])"(?=s\b)')
_REPL = [(c, " ") for c in DASHES + "/\u00a0\u2009\u202f"] + [("\u2019", "'"), ("\u2018", "'"),
                                                               ("\u201c", '"'), ("\u201d", '"')]


# a field of a RIS record (a citation manager's export) on its own line: 'TY  - JOUR', 'T1  - A title',
# 'PY  - 2006/1', 'DO  - 10.1000/x'
RIS_FIELD_RX = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])[ \t]{1,2}-[ \t]+(?P<value>\S[^\n]*?)[ \t]*$", re.M)


def ris_fields(text: str) -> dict[str, re.Match]:
    """The first field of each tag when the page holds a RIS record (its TY line), else {}."""
    head = text[:4000]
    if not (head.startswith("TY ") or "\nTY " in head):
        return {}
    out: dict[str, re.Match] = {}
    for m in RIS_FIELD_RX.finditer(text):
        out.setdefault(m.group("tag"), m)
    return out if "TY" in out else {}


def ris_tag_at(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a RIS tag at the start of its line ('T1  - ' is no vertebra)?"""
    if start and text[start - 1] != "\n":
        return False
    m = RIS_FIELD_RX.match(text, start)
    return m is not None and m.end("tag") == end


def spaced(text: str) -> str:
    """Dashes, slashes and odd spaces to a plain space, curly quotes straight; same length."""
    if len(text) < 200:   # a name or a phrase (the lexicon's 7,000 names): one translate is quicker
        if text.isascii() and "-" not in text and "/" not in text:
            return text   # (the only ASCII characters translated are the hyphen and the slash)
        return text.translate(_TRANS)
    for c, r in _REPL:
        if c in text:
            text = text.replace(c, r)
    if '"s' in text:   # an apostrophe a page's conversion made a double quote: 'Askin"s tumor'
        text = _QUOTE_AS_APOSTROPHE_RX.sub("'", text)
    return text


_LAST_LOWERED: tuple[str, str] = ("", "")


def lowered(text: str) -> str:
    """text.lower() of the same length, computed once for the report being read (split_sentences, Zones and metadata
    all ask for it; a text with accents or dashes lowers character by character, slowly). The last
    text's is kept, found by identity: one tuple, read and replaced whole, so threads cannot mix two."""
    global _LAST_LOWERED
    last = _LAST_LOWERED
    if last[0] is text:
        return last[1]
    low = text.lower()
    if len(low) != len(text):
        # a few characters lower to two (the dotted \u0130 of a Turkish name): those stay as they are, so
        # that every offset into the view is one into the text
        low = "".join((c.lower() if len(c.lower()) == 1 else c) for c in text)
    if "\u2011" in low or "\u2010" in low:
        # the typographic hyphens (a publisher's non-breaking 'en\u2011bloc', 'middle\u2011aged') read as the
        # plain one, which the patterns spell: one character for one, so every offset holds
        low = low.replace("\u2011", "-").replace("\u2010", "-")
    _LAST_LOWERED = (text, low)
    return low


def normalise(text: str, sp: str | None = None) -> str:
    """Lowercase, dashes/slashes/odd spaces to a space; same length as text."""
    low = (sp if sp is not None else spaced(text)).lower()
    if len(low) == len(text):
        return low
    # a few characters change length when lowercased (Turkish dotted I): one by one
    return "".join((c.lower() if len(c.lower()) == 1 else c) for c in text.translate(_TRANS))


# ------------------------------------------------------- caseless patterns
class Caseless:
    """A case-insensitive pattern for a lowercased view (Sentence.low, Zones.low).

    re.I makes the regex engine fold the case of each character it tries, which
    is several times slower. On a lowercased view the same pattern without re.I
    finds the same matches, since the pattern's own letters are lowercase ASCII
    (checked here): only a view with a character that re.I takes for such a
    letter but lowering leaves as it is (dotless \u0131, long \u017f, the
    dotted \u0130 that split_sentences keeps, the Kelvin sign) gets the re.I
    pattern. Matches are of the view: take text from the original by position.
    """

    _FOLDS = ("\u0131", "\u017f", "\u0130", "\u212a")

    def __init__(self, pattern: str, flags: int = 0, keyed: bool = False):
        """keyed: tried only where one of its opening words occurs, or only when the word it needs
        does (Keyed); for a pattern whose words are rare in the strings searched."""
        syntax = re.sub(r"\\[^u]|\(\?P<\w+>|\(\?P=\w+\)", "", pattern)   # escapes, group names
        literal = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), syntax)
        cased = sorted({c for c in literal if c.lower() != c or c.upper() != c}
                       - set("abcdefghijklmnopqrstuvwxyz"))
        if cased:
            raise ValueError(f"a Caseless pattern needs lowercase ASCII letters, not {cased}: {pattern!r}")
        self.pattern, self.flags = pattern, flags
        self.plain = re.compile(pattern, flags & ~re.I)
        self._folding: re.Pattern | None = None
        self._keyed = Keyed(self.plain) if keyed else None

    @property
    def folding(self) -> re.Pattern:
        """The pattern with re.I (compiled when first needed: rarely)."""
        if self._folding is None:
            self._folding = re.compile(self.pattern, self.flags | re.I)
        return self._folding

    def on(self, low: str) -> re.Pattern | Keyed:
        """The compiled pattern to run on this lowercased view."""
        if not low.isascii():   # (isascii() reads a flag of the string: an ASCII view holds none of the four)
            for c in self._FOLDS:
                if c in low:
                    return self.folding
        return self._keyed or self.plain

    def search(self, low: str) -> re.Match | None:
        return self.on(low).search(low)

    def match(self, low: str) -> re.Match | None:
        return self.on(low).match(low)

    def finditer(self, low: str):
        return self.on(low).finditer(low)


# ------------------------------------------------------ keyed patterns
_ZERO_WIDTH_OPS = (_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT)
_SCOPED_I_RX = re.compile(r"\(\?[a-zA-Z]*i[a-zA-Z-]*:")


def _zero_width(items) -> bool:
    """Does a parsed sequence consume no character (word boundaries, lookarounds)?"""
    for op, av in items:
        if op in _ZERO_WIDTH_OPS:
            continue
        if op is _sc.SUBPATTERN and _zero_width(av[3].data):
            continue
        if op is _sc.BRANCH and all(_zero_width(alt.data) for alt in av[1]):
            continue
        return False
    return True


def openings(items) -> set[str] | None:
    """The literal strings one of which every match of a parsed pattern opens with (its zero-width
    assertions before them skipped): {'department', 'http', ...} for r'\\bdepartment\\b|https?://';
    None when some alternative opens with no literal (a class, a repeat, an empty alternative)."""
    lit: list[str] = []
    for op, av in items:
        if op is _sc.LITERAL:
            lit.append(chr(av))
            continue
        if lit:
            break
        if op in _ZERO_WIDTH_OPS or _zero_width([(op, av)]):
            continue
        alts = [av[3]] if op is _sc.SUBPATTERN else av[1] if op is _sc.BRANCH else None
        if alts is None:
            return None
        out: set[str] = set()
        for alt in alts:
            found = openings(alt.data)
            if found is None:
                return None
            out |= found
        return out
    return {"".join(lit)} if lit else None


def needed(items) -> str:
    """The longest literal run every match holds (outside any alternation or repeat), or ''."""
    best, run = "", []
    for op, av in [*items, (None, None)]:
        if op is _sc.LITERAL:
            run.append(chr(av))
            continue
        best = max(best, "".join(run), key=len)
        run = []
        if op is _sc.SUBPATTERN:
            best = max(best, needed(av[3].data), key=len)
    return best


class Keyed:
    """A compiled pattern tried only where one of its opening words occurs.

    Every match of the pattern opens with one of a few literal words (openings()), so a
    match can start only where one of them occurs: the words are found with str.find (in C,
    many times quicker than the regex engine trying every position, which it does for a
    pattern that opens with \\b, a lookbehind or a case-insensitive word, having no first
    character to skip to), and the pattern is matched at each of those places in order. The
    matches are those of the plain pattern: the leftmost first, each search going on after
    the last match's end (lookbehinds and \\b still see the text before the place). A
    case-insensitive pattern's words are looked for in the lowercased string, unless it holds
    a letter re.I takes for an ASCII one that lowercasing keeps apart (dotless \u0131, long
    \u017f, the dotted \u0130, the Kelvin sign) or changes length: then the plain pattern runs.
    Worth it for words that are rare in the strings searched."""

    def __init__(self, rx: re.Pattern):
        tree = _sp.parse(rx.pattern, rx.flags).data
        found = openings(tree)
        need = needed(tree)
        if (not found or "" in found) and not need:
            raise ValueError(f"no opening words and no word needed in {rx.pattern[:80]!r}")
        self.rx = rx
        self.pattern = rx.pattern
        self.caseless = bool(rx.flags & re.I) or _SCOPED_I_RX.search(rx.pattern) is not None
        words = {w.lower() if self.caseless else w for w in found or () if w}
        # a word that another opens ('date of publication', 'date') adds no place
        self.words = tuple(sorted(w for w in words if not any(w != v and w.startswith(v) for v in words)))
        self.need = need.lower() if self.caseless else need

    def _view(self, s: str, pos: int, end: int) -> str | None:
        """The string the words are looked for in, with the offsets of s (None: cannot tell)."""
        if not self.caseless:
            return s
        part = s[pos:end] if pos or end < len(s) else s
        view = part.lower()
        if len(view) != len(part) or not view.isascii() and any(c in view for c in Caseless._FOLDS):
            return None
        return " " * pos + view if part is not s else view   # (the padding is not searched)

    def places(self, s: str, pos: int = 0, endpos: int | None = None) -> list[int] | None:
        """Where in s[pos:endpos] a match can start, in order (None: anywhere)."""
        end = len(s) if endpos is None else min(endpos, len(s))
        view = self._view(s, pos, end)
        if view is None:
            return None
        if not self.words:   # a word every match holds: none, no match
            return None if view.find(self.need, pos, end) >= 0 else []
        out: list[int] = []
        for w in self.words:
            i = view.find(w, pos, end)
            while i >= 0:
                out.append(i)
                i = view.find(w, i + 1, end)
        if len(self.words) > 1:
            out.sort()
        return out

    def finditer(self, s: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        places = self.places(s, pos, endpos)
        end = len(s) if endpos is None else endpos
        if places is None:
            yield from self.rx.finditer(s, pos, end)
            return
        last = pos
        match = self.rx.match
        for p in places:
            if p < last:
                continue
            m = match(s, p, end)
            if m is not None:
                yield m
                last = m.end()

    def search(self, s: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        """The first match finditer() gives (its loop, without a generator)."""
        places = self.places(s, pos, endpos)
        end = len(s) if endpos is None else endpos
        if places is None:
            return self.rx.search(s, pos, end)
        match = self.rx.match
        for p in places:   # (every place is at pos or after it)
            m = match(s, p, end)
            if m is not None:
                return m
        return None

    def match(self, s: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        return self.rx.match(s, pos, len(s) if endpos is None else endpos)


def literal_words(items) -> list[str] | None:
    """The strings a parsed pattern made of literal words only can match ('tumou?rs|foci' ->
    tumors, tumours, foci); None when it holds anything else (a class, \\b, a repeat)."""
    out = [""]
    for op, av in items:
        if op is _sc.LITERAL:
            out = [w + chr(av) for w in out]
            continue
        if op is _sc.SUBPATTERN:
            alts = [av[3].data]
        elif op is _sc.BRANCH:
            alts = [alt.data for alt in av[1]]
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            alts = [[], av[2].data]    # an optional part: without it, then with it
        else:
            return None
        tails: list[str] = []
        for alt in alts:
            found = literal_words(alt)
            if found is None:
                return None
            tails += found
        out = [w + t for w in out for t in tails]
    return out


class Words:
    """A pattern that is an alternation of literal words, asked only whether a string holds one
    of them ('pain|ache|weakness|...'): one Aho-Corasick pass (pyahocorasick, C) that stops at the
    first word, instead of the regex engine trying a match at every position that holds the first
    letter of a word (most positions, for a long list). search() answers as bool(rx.search(s))."""

    def __init__(self, rx: re.Pattern):
        words = literal_words(_sp.parse(rx.pattern, rx.flags).data)
        if not words or "" in words or rx.flags & re.I:
            raise ValueError(f"not an alternation of literal words: {rx.pattern[:80]!r}")
        self.rx = rx
        self.pattern = rx.pattern
        self.words = tuple(sorted(set(words)))
        self._auto = word_automaton(self.words)

    def search(self, s: str) -> bool:
        for _hit in self._auto.iter(s):
            return True
        return False


def gate_words(items) -> set[str] | None:
    """Literal strings one of which every match of a parsed pattern holds: those its first part that
    consumes a character (past \\b and lookarounds) can match, each alternative of an alternation
    by its literal words when it is made of them only ('to be (?:given|started)' -> 'to be given',
    'to be started'), else by its own first part; None when that is not a literal run or alternation."""
    for op, av in items:
        if op in _ZERO_WIDTH_OPS or _zero_width([(op, av)]):
            continue
        if op is _sc.LITERAL:
            return openings(items)
        if op is _sc.SUBPATTERN:
            return gate_words(av[3].data)
        if op is not _sc.BRANCH:
            return None
        out: set[str] = set()
        for alt in av[1]:
            words = literal_words(alt.data)
            found = set(words) if words and "" not in words else gate_words(alt.data)
            if not found:
                return None
            out |= found
        return out
    return None


class Gated:
    """rx.search(s), run only when s holds a piece of one of the literal words every match of rx holds
    (gate_words(); each cut to its longest run without white space, so that a string whose white
    space is written otherwise holds it too): one Aho-Corasick pass (C) turns away a string that
    cannot hold a match, before the regex engine tries every position of it (a pattern that opens
    with \\b has no first character to skip to). For patterns searched in many short strings that
    seldom hold one of their words (a negation's or a hypothesis's words before each mention)."""

    def __init__(self, rx: re.Pattern, words: str | None = None):
        """words: the words, space-separated, as the pattern gives them (written out so that a process does
        not parse the pattern again at start-up; tests/test_speed_shortcuts.py checks them against it)."""
        self.rx = rx
        self.pattern = rx.pattern
        if words is not None:
            self.words = tuple(words.split())
            self._auto = word_automaton(self.words)
            return
        found = gate_words(_sp.parse(rx.pattern, rx.flags).data)
        if not found or rx.flags & re.I or _SCOPED_I_RX.search(rx.pattern):
            raise ValueError(f"no opening words, or a caseless pattern: {rx.pattern[:80]!r}")
        pieces = {max(w.split(), key=len) if w.split() else "" for w in found}
        if "" in pieces:
            raise ValueError(f"an opening word of white space only: {rx.pattern[:80]!r}")
        # a piece that holds another adds nothing: where it occurs, so does the other
        self.words = tuple(sorted(w for w in pieces if not any(v != w and v in w for v in pieces)))
        self._auto = word_automaton(self.words)

    def possible(self, s: str) -> bool:
        """Does s hold one of the words (can it hold a match)?"""
        for _hit in self._auto.iter(s):
            return True
        return False

    def search(self, s: str) -> re.Match | None:
        for _hit in self._auto.iter(s):
            return self.rx.search(s)
        return None


def need_words(items) -> set[str] | None:
    """Literal strings one of which every match of a parsed pattern holds: of the parts of the sequence
    that every match passes through (a literal run, a group, an alternation each of whose alternatives
    needs some, a part repeated at least once), the one whose shortest string is longest; None when no
    part needs any ('(?:[\\w-]+\\s+)?grafts?|(?:cell\\s+)?carcinomas?' -> {'graft', 'carcinoma'})."""
    best: set[str] | None = None
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _sc.LITERAL:
            run.append(chr(av))
            continue
        found: set[str] | None = None
        if run:
            found = {"".join(run)}
            run = []
            if best is None or min(map(len, found)) > min(map(len, best)):
                best = found
        if op is _sc.SUBPATTERN:
            found = need_words(av[3].data)
        elif op is _sc.BRANCH:
            found = set()
            for alt in av[1]:
                got = need_words(alt.data)
                if not got:
                    found = None
                    break
                found |= got
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT) and av[0] >= 1:
            found = need_words(av[2].data)
        else:
            continue
        if found and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found
    return best


class Needs:
    """rx.match(s) and rx.search(s), run only when s holds one of the literal strings every match of rx
    holds (need_words()): one Aho-Corasick pass (C) turns away a string that cannot hold a match. A
    case-insensitive pattern's strings are looked for in s lowercased, unless s holds a letter re.I
    takes for an ASCII one that lowercasing keeps apart (Caseless._FOLDS): then rx runs. For patterns
    with many alternatives, each after a few optional words, tried on short windows after a mention."""

    def __init__(self, rx: re.Pattern, words: str | None = None):
        """words: as for Gated (space-separated, as the pattern gives them; checked by the tests)."""
        self.rx = rx
        self.pattern = rx.pattern
        self.caseless = bool(rx.flags & re.I)
        if words is not None:
            self.words = tuple(words.split())
            self._auto = word_automaton(self.words)
            return
        found = need_words(_sp.parse(rx.pattern, rx.flags).data)
        if not found or "" in found or _SCOPED_I_RX.search(rx.pattern):
            raise ValueError(f"no word every match needs, or scoped flags: {rx.pattern[:80]!r}")
        needed = {w.lower() for w in found} if self.caseless else found
        # a string that holds another adds nothing: where it occurs, so does the other
        self.words = tuple(sorted(w for w in needed if not any(v != w and v in w for v in needed)))
        self._auto = word_automaton(self.words)

    def possible(self, s: str) -> bool:
        """Can s hold a match (does it hold one of the words)?"""
        if self.caseless:
            if not s.isascii() and any(c in s for c in Caseless._FOLDS):
                return True
            s = s.lower()
        for _hit in self._auto.iter(s):
            return True
        return False

    def match(self, s: str) -> re.Match | None:
        return self.rx.match(s) if self.possible(s) else None

    def search(self, s: str) -> re.Match | None:
        return self.rx.search(s) if self.possible(s) else None


def word_automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton of literal words (each its own value), made once."""
    auto = ahocorasick.Automaton()
    for w in words:
        auto.add_word(w, w)
    auto.make_automaton()
    return auto


def top_alternatives(pattern: str) -> list[str]:
    """The alternatives of a pattern's source at its top level, as written ('a|b(?:c|d)|[|]' -> ['a',
    'b(?:c|d)', '[|]']): the |'s outside any group, set or escape."""
    parts: list[str] = []
    cur: list[str] = []
    depth, i, n = 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            cur.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":   # a set: up to its closing ] (one right after [ or [^ is a member)
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            j += pattern[j:j + 1] == "]"
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            cur.append(pattern[i:j + 1])
            i = j + 1
            continue
        if c == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            depth += (c == "(") - (c == ")")
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


class AnyOf:
    """bool(rx.search(s)) for a pattern that is an alternation, some of whose alternatives are literal
    words ('push|near|(?:rior|eral) to'): the words in one Aho-Corasick pass (Words), each other
    alternative by a pattern of its own, run only when the literal run every match of it holds
    occurs. A string holds a match of the alternation when it holds one of some alternative, so
    the answer is the same; the regex engine would try each of the alternatives at every position
    that holds the first letter of one (most positions, for a long list)."""

    def __init__(self, rx: re.Pattern):
        parts = top_alternatives(rx.pattern)
        if len(parts) < 2 or rx.flags & (re.I | re.X) or re.search(r"\\\d|\(\?P=|\(\?[a-zA-Z-]+[):]", rx.pattern):
            raise ValueError(f"not an alternation of independent parts: {rx.pattern[:80]!r}")
        self.rx = rx
        self.pattern = rx.pattern
        words: list[str] = []
        self.others: list[tuple[str, re.Pattern]] = []
        for part in parts:
            tree = _sp.parse(part, rx.flags).data
            found = literal_words(tree)
            if found and "" not in found:
                words += found
            else:
                self.others.append((needed(tree), re.compile(part, rx.flags)))
        if not words:
            raise ValueError(f"no literal words among the alternatives of {rx.pattern[:80]!r}")
        self.words = tuple(sorted(set(words)))
        self._auto = word_automaton(self.words)   # (without compiling the words as a pattern)

    def search(self, s: str) -> bool:
        for _hit in self._auto.iter(s):
            return True
        for need, part in self.others:
            if need in s and part.search(s) is not None:
                return True
        return False


# ---------------------------------------------------------------- sentences
_ABBREV_BEFORE_DOT = re.compile(
    r"(?:\b(?:et al|e\.g|i\.e|vs|Fig|Figs|Dr|Mr|Mrs|Ms|Prof|No|Vol|approx|ca|St|Jr|resp|cf|incl|min|max)"
    r"|\b[A-Z])$")
_ABBREVS = ("et al", "e.g", "i.e", "vs", "Fig", "Figs", "Dr", "Mr", "Mrs", "Ms", "Prof", "No", "Vol", "approx", "ca",
            "St", "Jr", "resp", "cf", "incl", "min", "max")
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def word_char(c: str) -> bool:
    return c.isalnum() or c == "_"     # the regex engine's \\w


def abbrev_before_dot(head: str) -> bool:
    """_ABBREV_BEFORE_DOT.search(head), told by endswith: head ends (or ends before a last line break,
    where $ matches too) with an abbreviation or a capital that no word character comes before."""
    for h in (head, head[:-1]) if head.endswith("\n") else (head,):
        if h[-1:] in _CAPITALS and (len(h) == 1 or not word_char(h[-2])):
            return True
        if h.endswith(_ABBREVS):
            for w in _ABBREVS:
                if h.endswith(w) and (len(h) == len(w) or not word_char(h[-len(w) - 1])):
                    return True
    return False


# (and a reference's number printed after the full stop, superscript lost: 'arrangement.1 The diagnosis',
# 'pancreas.2,3 We report': the number ends the sentence; a decimal has a digit before its point)
# (one set of first characters, [.!?)], each branch told by what it follows: the regex engine then skips
# from one of them to the next; an alternation of two first characters made it try every position)
_SPLIT = re.compile(r"[.!?)](?:(?<=[.!?])(?=[\"'\u201d\u2019)\]]*\s+[\"'\u201c\u2018(\[]?[A-Z0-9])"
                    r"|(?<=[a-z]\.)\d{1,3}(?:[,\u2013-]\d{1,3})*(?=\s+[\"'\u201c\u2018(\[]?[A-Z])"
                    # or in brackets: 'gastrointestinal tract.[4,5] ASPS in the forearm'
                    r"|(?<=[.!?])\[\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\](?=\s+[\"'\u201c\u2018(]?[A-Z])"
                    # a page that lost the space after a bracket: '( 25 to 30% )We present a case'
                    r"|(?<=\))(?=(?:We|The|This|Our|In|A|An|He|She)\s)"
                    # a scraped page that lost the space after a full stop: 'without clear boundaries.The patient'
                    # (a word of three small letters before it, a capitalised word after; not 'e.g.', 'Fig.')
                    r"|(?<=[a-z]{3}\.)(?=[A-Z][a-z]+\b))")
# headings glued to the next sentence in scraped abstracts ("MethodsA 51-year-old")
_GLUED = re.compile(
    r"(?<=[a-z.)])(?=(?:Background|Purpose|Methods|Results|Conclusions?|Study Design|Case Report|"
    r"Case Presentation|Objectives?|Introduction|Discussion)(?:[A-Z]|\s*[:\-\u2013]))")


_GLUED_HINT = re.compile(r"(?:Background|Purpose|Methods|Results|Conclusion|Study Design|Case Report|"
                         r"Case Presentation|Objective|Introduction|Discussion)")


# a line broken inside a sentence (a PDF's hard wrap): it ends with a word or a comma and the next line
# goes on in lower case ('the tumour was located\nin the thigh'); the two are read as one line
_WRAP_END_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz,;-")
_WRAP_NEXT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz(")


def _logical_lines(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lm in _LINE_RX.finditer(text):
        a, b = lm.span()
        if out and out[-1][1] + 1 == a:
            j = out[-1][1] - 1
            while j > out[-1][0] and text[j] == " ":
                j -= 1
            k = a
            while k < b - 1 and text[k] == " ":
                k += 1
            if text[j] in _WRAP_END_CHARS and text[k] in _WRAP_NEXT_CHARS:
                out[-1] = (out[-1][0], b)
                continue
        out.append((a, b))
    return out


_LINE_RX = re.compile(r"[^\n]+")


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    text: str
    low: str = ""                  # lowercase text, same length
    line_start: bool = False       # begins a line
    heading: str | None = None     # section heading that opens this sentence / line
    zone: str = "other"            # title | case | lit | boiler | meta | other
    generic: bool = False
    caseref: bool = False
    anchor: bool = False
    index: int = 0


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    low = lowered(text)
    # _GLUED can only match where a hint word starts, so it is tried there
    # alone, not at every position (and none starts inside another: the
    # capitals inside hint words follow a space, which _GLUED rules out). The
    # hint words are found in one scan of the text: none holds a line break,
    # so they are the ones a scan of each line would find.
    hints = [h.start() for h in _GLUED_HINT.finditer(text)]
    hi = 0
    for ls, le in _logical_lines(text):
        line = text[ls:le]
        cuts = [0]
        for m in _SPLIT.finditer(line):
            head = line[max(0, m.start() - 8):m.start()]
            if abbrev_before_dot(head):   # _ABBREV_BEFORE_DOT.search(head)
                continue
            cuts.append(m.end())
        while hi < len(hints) and hints[hi] < le:
            p = hints[hi] - ls
            hi += 1
            if p > 0 and _GLUED.match(line, p):
                cuts.append(p)
        cuts = sorted(set(cuts)) + [len(line)]
        first = True
        for a, b in zip(cuts, cuts[1:], strict=False):
            seg = line[a:b]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg.rstrip())
            if trail <= lead:
                continue
            s, e = ls + a + lead, ls + a + trail
            out.append(Sentence(s, e, text[s:e], low[s:e], first))   # (line_start: positional is quicker)
            first = False
    for i, sent in enumerate(out):
        sent.index = i
    return out


# ---------------------------------------------------------------- sections
_NUM = r"^(?:\d+(?:\.\d+)*\.?\s*)?"
_END = r")(?=[^a-z]|$)"
CASE_HEADS = re.compile(_NUM + r"(?i:case (?:presentation|report|description|history|summary|details)|"
    r"clinical (?:presentation|case|history|summary)|presentation of (?:the )?case|description|"
    r"methods|results|investigations?|interventions? and outcomes?|treatment|outcome|follow[ -]?up|"
    r"patient and methods|case|"
    # a radiology case collection's fields ('Chief complaint:', 'Findings:', 'Diagnosis:')
    r"chief complaints?|patient data|findings|diagnosis" + _END)
LIT_HEADS = re.compile(_NUM + r"(?i:introduction(?: and importance)?|background(?:/aims?)?(?: context)?|"
    r"discussion|conclusions?|summary and conclusions?|highlights|keywords?|key ?words|learning points|"
    r"purpose|objectives?|aims?|relevance and impact|literature review|review of (?:the )?literature|"
    r"significance|clinical relevance|what is known|lessons?" + _END)
BOILER_HEADS = re.compile(r"^(?i:(?:list of )?references|bibliography|footnotes|acknowledge?ments?|funding|"
    r"competing interests|"
    r"conflicts? of interest|author contributions|contributors|related (?:articles|resources|content)|"
    r"citations?|cited by|correspondence|about this article|disclaimer|copyright|permissions|"
    r"request permissions|newsletter|share|download|similar articles|ethics|consent|abbreviations|"
    r"data availability|supplementary|full text links|peer review|view abstract|statistics from|"
    r"talk to us|skip to|mesh terms|publication types|substances|grants? and funding|linkout|"
    r"supplementary concepts|original language|asjc scopus subject areas|cite this|fingerprint|"
    r"access to document" + _END)


_HEAD_PREFIXES = tuple(
    "case clinical presentation description method result investigation intervention treatment outcome follow "
    "chief finding diagnosis "
    "patient introduction background discussion conclusion summary highlight keyword key learning purpose objective "
    "aim relevance literature review significance what lesson reference bibliography footnote acknowledg funding "
    "competing conflict author contributor related citation cited correspondence about disclaimer copyright "
    "permission request newsletter share download similar ethic consent abbreviation data supplementary full peer "
    "view statistics talk skip mesh publication substance grant linkout original asjc cite fingerprint "
    "access list".split())


_HEAD_PREFIX_MAX = max(map(len, _HEAD_PREFIXES))
# the prefixes by their first letter: str.startswith(a tuple) tries each of the 90, most lines need none
_HEAD_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _p in _HEAD_PREFIXES:
    _HEAD_BY_FIRST[_p[0]] = (*_HEAD_BY_FIRST.get(_p[0], ()), _p)


def head_word(low: str) -> bool:
    """low.startswith(_HEAD_PREFIXES), for a lowercased string: only the prefixes of its first letter."""
    return low.startswith(_HEAD_BY_FIRST.get(low[:1], ()))
_HEAD_START_RX = re.compile(r"[\s\-\u2022*#]*[0-9.\s]*(?:" + "|".join(map(re.escape, _HEAD_PREFIXES)) + ")", re.I)


_BULLETS = frozenset("-\u2022*#")
_NUMBERING = frozenset("0123456789.")


def _after_bullets(line: str) -> str:
    """The head of line past what _HEAD_START_RX's [\\s\\-\\u2022*#]*[0-9.\\s]* can take. Neither set holds
    a letter, so a heading word can start only where the two runs, taken whole, end: the match of
    the pattern is a heading word at the start of what this returns."""
    i, n = 0, len(line)
    while i < n and (line[i] in _BULLETS or line[i].isspace()):   # (\\s: what str.isspace() says)
        i += 1
    while i < n and (line[i] in _NUMBERING or line[i].isspace()):
        i += 1
    return line[i:i + _HEAD_PREFIX_MAX]


def heading_of(line: str) -> tuple[str, str] | None:
    """(kind, heading text) when a line or sentence opens with a section heading."""
    # most lines open with no heading word: one anchored match (a superset of the test below) rejects them;
    # a line that opens with an ASCII letter has no bullet or number before the word, so for it the match
    # is a startswith of its lowercased head (ASCII: re.I folds no other letter onto it)
    head = line[:_HEAD_PREFIX_MAX]
    if head[:1].isalpha() and head.isascii():
        if not head_word(head.lower()):
            return None
    elif _HEAD_PREFIX_MAX and (word := _after_bullets(line)).isascii():
        if not head_word(word.lower()):   # (the anchored match, for a line that opens with a bullet or number)
            return None
    elif not _HEAD_START_RX.match(line):
        return None
    s = line.strip().lstrip("-\u2022*# ").strip()
    if not s or not head_word(s.lstrip("0123456789. ").lower()):
        return None
    short = len(s) <= 60 and not s.endswith(".")
    for kind, rx in (("boiler", BOILER_HEADS), ("lit", LIT_HEADS), ("case", CASE_HEADS)):
        m = rx.match(s)
        if not m:
            continue
        rest = s[m.end():]
        # a bare heading line, or "Heading: text", or a glued "HeadingText"
        if short and len(rest.strip(" :-\u2013")) == 0:
            return kind, m.group(0)
        if rest.strip() == "." and len(s) <= 40:   # a structured abstract's 'Results.' as its own sentence
            return kind, m.group(0)
        if rest[:1] in (":", "-", "\u2013", "\u2014") or rest[:1].isupper() or rest.lstrip(" \t")[:1] == ":":
            return kind, m.group(0)   # (a colon spaced off its heading, 'Keywords : ...', too)
        if rest.startswith(" ") and short and kind != "case":
            return kind, m.group(0)
        # a flattened structured abstract: 'Case presentation Six years old ...', 'Conclusions The ...'
        if _SPACED_HEAD_RX.match(m.group(0)) and _SPACED_REST_RX.match(rest):
            return kind, m.group(0)
    return None


# headings of structured abstracts that a scraped page runs into their text with a space only
_SPACED_HEAD_RX = re.compile(r"(?i)case (?:presentation|report|description)|background|conclusions?|introduction|"
                             r"discussion|methods|results|purpose|objectives?")
_SPACED_REST_RX = re.compile(r" (?:[A-Z][a-z]+|A|An)\b(?! [A-Z])")
