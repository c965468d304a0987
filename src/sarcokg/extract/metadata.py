"""Bibliographic metadata: title, authors, journal, year, PMID, DOI."""
from __future__ import annotations

import re
from typing import NamedTuple

from sarcokg.model.facts import Metadata, Span, Value

from .lexicon import Mention
from .textprep import Keyed, heading_of, lowered, ris_fields, top_alternatives

PMID_RX = re.compile(r"\bPMID\s*:?\s*0*(\d{5,9})\b|pubmed(?:\.ncbi\.nlm\.nih\.gov|\.gov)?/(\d{5,9})\b", re.I)
DOI_RX = re.compile(r"(10\.\d{4,9}/[^\s\"<>,;]+)")
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?"
YEAR = r"((?:19|20)\d{2})"
_NOT_RECEIVED = r"^(?![^\n]*(?:[Rr]eceived|[Aa]ccepted|[Rr]evised|[Ss]ubmitted))"
_MONTH_HINTS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


class YearForm(NamedTuple):
    """A way a page prints its publication year: the pattern (group 1 the year), how near to
    publication that date is (the confidence), words one of which its line must hold (so that
    most lines are not searched at all), whether only a page's header is searched, and whether
    it is a citation's form (which a reference list's entries take too)."""
    rx: re.Pattern | Keyed | _AtLineStarts | _DigitsBeforeParen
    conf: float
    hints: tuple[str, ...]
    header_only: bool = False
    cites: bool = False


YEAR_FORMS = [
    # labelled publication dates: "Published online: 3 Feb 2019", "Date: 2008;", "First Online: 12 May 2003"
    YearForm(Keyed(re.compile(
        r"(?:\b|(?<=[a-z]))(?<!un)(?:Published(?: online| Online| in print)?(?: by [^:\n]{3,60}(?=:))?|First Online|"
        # a page's render or access date is no publication date
        r"First published(?: online)?|(?<!received )(?<!accepted )(?<!revised )(?<!submitted )(?<!render )"
        r"(?<!access )(?<!accessed )(?<!retrieved )(?<!download )Date|Epub|"
        r"Issue Date|Publication date|Date of publication|Available online|Online publication date|"
        r"eCollection|Year)"
        r"\s*(?:on\s*)?[:\-\u2013]?\s*"
        r"(?:\d{1,2}[/.]\d{1,2}[/.]|\d{1,2}(?:st|nd|rd|th)?[\s\-])?(?:" + MONTH + r"[\s\-]+)?(?:\d{1,2},?\s+)?" + YEAR
        + r"(?!\d)(?!\s*[\-\u2013]\s*\d{4})", re.I)), 0.9,
        ("publish", "online", "date", "epub", "issue", "available", "ecollection", "year")),
    # citations: "2018; 11:402", "2021;14(9)", "2012 Jun 3;9(4)", "2016 Aug; 12(2)", "2022 Feb 14:9:845512",
    # "2021 Apr:15(4):7-16",
    # a bimonthly issue "2019 Mar/Apr;35(2)"
    # (the year, before an online-first date; a Roman volume, a colon form)
    YearForm(re.compile(
        r"\b" + YEAR + r"\s*(?:" + MONTH + r"(?:\s*[\-\u2013/]\s*" + MONTH + r")?\s*\d{0,2}\s*)?(?:;\s*"
        r"(?:\d|[IVXLC]{1,8}\s*,\s*\d)|:\s*\d{1,4}\s*(?:\(\d{1,3}\)\s*)?:\s*[eE]?\d)"), 0.92, (";", ":"), cites=True),
    # an online journal's citation in the NLM style: "Example J [Internet]. 2023 Apr. 2 [cited 2024 Jul. 24]"
    YearForm(re.compile(r"\[Internet\]\.?\s*" + YEAR + r"(?!\d)"), 0.92, ("[internet]",)),
    # a page's label line that closes with the year: "Journal: Example Oncology, 2024", "Journal: 2023"
    YearForm(re.compile(r"^[ \t]*Journal[ \t]*:[ \t]*(?:[^\n]{3,200}?,[ \t]*)?" + YEAR + r"[ \t]*$", re.M), 0.9,
             ("journal",), header_only=True),
    # "Example Surgery 38(2):402 (1996)", "Example Journal of Case Reports, 2019 4:76"
    YearForm(re.compile(r"\d{1,4}\s*\(\d{1,3}\)\s*:\s*[eE]?\d{1,6}(?:[\-\u2013]\d{1,6})?\s*\(" + YEAR + r"\)"), 0.92,
             (")",), cites=True),
    # no issue: "Example J. Surg. 41:85-89(2012)"
    YearForm(re.compile(r"\b\d{1,4}\s*:\s*[eE]?\d{1,6}(?:[\-\u2013]\d{1,6})?\s*\(" + YEAR + r"\)"), 0.92,
             ("(19", "(20"), cites=True),
    # "Example Med Assoc 100(3): 216-219, 2010"; with the page's "p" and the month, as some publishers
    # print it: "Example Medicine 98(12):p e14865, March 2019"
    YearForm(re.compile(r"\d{1,4}\s*\(\d{1,3}\)\s*:\s*(?:p\.?\s*)?[eE]?\d{1,6}(?:[\-\u2013]\d{1,6})?\s*,\s*(?:"
                        + MONTH + r"\s+)?" + YEAR + r"(?!\d)"), 0.92, (":",), cites=True),
    YearForm(re.compile(r",\s*" + YEAR + r"\s+\d{1,4}\s*(?:\(\d{1,3}\))?\s*:\s*[eE]?\d"), 0.9, (":",), cites=True),
    # the year between the volume and the pages: "Example Medical Journal, 88(8), 1995, pp. 873-875"
    YearForm(re.compile(r"\b\d{1,4}\s*\(\d{1,3}\)\s*,\s*" + YEAR + r"\s*,\s*(?:pp?\.|pages?)\s*\d"), 0.92,
             ("p.", "page"), cites=True),
    # a ResearchGate cover page dated first: "July 2015 \u00b7 Example Reports in Oncology 8(2)"
    YearForm(re.compile(r"(?m)^[ \t]*" + MONTH + r"[ \t]+" + YEAR + r"[ \t]*\u00b7[ \t]*[A-Z]"), 0.9, ("\u00b7",)),
    # a ResearchGate cover page: "Article in Example Journal of Radiology \u00b7 November 2005"
    YearForm(re.compile(r"\bArticle\s+in\s+[^\n\u00b7]{3,120}\u00b7\s*(?:" + MONTH + r"\s+)?" + YEAR + r"(?!\d)"), 0.9,
             ("article",)),
    # "Example Med Sci > Volume 21(2); 2015 > Article"
    YearForm(re.compile(r"\bVol(?:ume)?\.?\s*\d{1,4}\s*\(\d{1,3}\)\s*[;,]\s*" + YEAR + r"(?!\d)", re.I), 0.8,
             ("vol",)),
    # a date line of the page's header: "2009-01-01", "Example Journal \u00b7 2024-04-21"; a year alone
    # (a full stop after it: 'Source: Journal; v. 3, p. 5-9, 2025-02-09.')
    YearForm(re.compile(_NOT_RECEIVED + r"(?:[^\n]{0,80}?[\s\u00b7|,])?" + YEAR + r"-[01]\d-[0-3]\d\.?[ \t]*$",
                        re.M), 0.8,
             ("-",), True),
    YearForm(re.compile(r"^[ \t]*" + YEAR + r"[ \t]*$", re.M), 0.7, ("19", "20"), True),
    # "Example Med J (Basel) (2003) 121: 88-91"
    # (a supplement's pages: "Example Archiv (2023) 483 (Suppl 1):S1-S391")
    YearForm(re.compile(r"\(" + YEAR + r"\)\s*\d{1,4}\s*(?:\((?:Suppl\.?\s*)?\d{1,3}\)\s*)?:\s*[eES]?\d"), 0.92, (")",),
             cites=True),
    # accepted before received: the nearer to publication
    YearForm(re.compile(
        r"\b(?:Accepted|Revised|Accepted for publication)\s*(?:date\s*)?(?:on\s*)?:?\s*(?:\d{1,2}[/.]\d{1,2}[/.]|"
        r"\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + MONTH + r"\s+)?(?:\d{1,2},?\s+)?" + YEAR + r"(?!\d)", re.I), 0.85,
        ("accept", "revis")),
    # "JOURNAL OF EXAMPLE SURGERY 2009 , Vol 31", "March 2004, Volume 12", "2019, 7(2)", "2023, \u2116 2",
    # "2025 Volume 33 Number 1"
    YearForm(re.compile(
        r"\b" + YEAR + r"(?:\s*,\s*(?:Vol(?:ume)?\b|\d{1,4}\s*\(\d{1,3}\)|\d{1,4}\s*:\s*[eE]?\d|\u2116\s*\d|"
        r"(?:No\.?|Issue)\s*\d)|\s+Vol(?:ume)?\.?\s+\d{1,4}\s+(?:Number|No\.?|Issue)\s+\d)", re.I), 0.8,
        (",", "vol")),
    YearForm(re.compile(r"\b" + YEAR + r"\s*,?\s+Vol(?:ume)?\.?\s*\d", re.I), 0.85, ("vol",)),
    # a header line that ends in the full date: "Example J. Surg., 06 January 2023",
    # "Example Journal of Case Reports 2024 September 30" (not a received or accepted date)
    YearForm(re.compile(_NOT_RECEIVED + r"[^\n]{3,80}?,\s*\d{1,2}\s+" + MONTH + r"\s+" + YEAR + r"[ \t]*$", re.M),
             0.85, _MONTH_HINTS, True),
    YearForm(re.compile(_NOT_RECEIVED + r"[^\n]{3,80}?\s" + YEAR + r"\s+" + MONTH + r"\s+\d{1,2}[ \t]*$", re.M),
             0.85, _MONTH_HINTS, True),
    # a full date alone on a line of the page's header: "19 Jul 2023", "22 May, 2019 ,", "May 22, 2019"
    YearForm(re.compile(_NOT_RECEIVED + r"[ \t]*(?:\d{1,2}(?:st|nd|rd|th)?[ \t]+" + MONTH + r"|" + MONTH
                        + r"[ \t]+\d{1,2}(?:st|nd|rd|th)?,?)[ \t]*,?[ \t]*" + YEAR + r"[ \t,.]*$", re.M),
             0.75, _MONTH_HINTS, True),
    # a page's metadata as JSON: "datePublished":"2024-01-01" (schema.org), "publicationDate":"2024-01-01"
    YearForm(re.compile(r"\"(?:datePublished|publicationDate|publication_date|pubDate|epubDate)\"\s*:\s*\"" + YEAR
                        + r"(?!\d)", re.I), 0.9, ("date\"",)),
    # a BibTeX entry of the page's own paper (a 'cite this' block): @article{Key, title={...}, year={2013}, ...}
    YearForm(re.compile(r"@(?:article|inproceedings|incollection|misc|book)\s*\{[^\n]{0,600}?\byear\s*=\s*[{\"]?\s*"
                        + YEAR + r"(?!\d)", re.I), 0.9,
             ("@article", "@inproceedings", "@incollection", "@misc", "@book")),
    # the pages with the months: "Pages 237-241 (September - October 2022)", "pp. 12-18 (2019)"
    YearForm(re.compile(r"\b(?:Pages?|pp\.?)\s*\d{1,5}\s*[\-\u2013]\s*\d{1,5}\s*\((?:" + MONTH + r"\s*(?:[\-\u2013]\s*"
                        + MONTH + r"\s*)?)?" + YEAR + r"\)", re.I), 0.85, ("pages", "pp.")),
    # a header line that opens with the year before its volume: "2010 | Volume : 6 | Issue : 3"
    # (under a label line 'Year': ': 2020 | Volume : 7')
    YearForm(re.compile(r"(?m)^[ \t]*(?::[ \t]*)?" + YEAR + r"[ \t]*\|[ \t]*Vol(?:ume)?\b", re.I), 0.85, ("vol",),
             True),
    # the month before its volume: "December 2011 - Volume 69 - Issue 12" (a journal's breadcrumb)
    YearForm(re.compile(r"\b" + MONTH + r"\s+" + YEAR + r"\s*[\-\u2013,|]\s*Vol(?:ume)?\b", re.I), 0.85, ("vol",)),
    # a publisher's line: "Published by Example Open Access December 31, 2018"
    YearForm(re.compile(r"\bPublished\s+by\s+[^\n\d]{3,80}?\s(?:" + MONTH + r"\s+\d{1,2},?\s+)?" + YEAR + r"(?!\d)"),
             0.85, ("published by",)),
    # a publication line with the publisher or journal before the year, in the page's language: "Published in:
    # Example Chir., 2018, vol. 97", "Publicado: Example Scholar 2020", "Published EXAMPLE ASSOCIATION 2022"
    YearForm(re.compile(r"\b(?:Published|Publi[\u00e9e]|Publicad[oa]|Ver[\u00f6o]ffentlicht)(?:\s+in)?\s*:?\s*"
                        r"[A-Z][^\n\d]{2,80}?[,\s]\s*" + YEAR + r"(?!\d)"), 0.85, ("publi", "ffentlicht")),
    # a month and year alone on a line of the page's header: "July 2017"
    YearForm(re.compile(_NOT_RECEIVED + r"[ \t]*" + MONTH + r"[ \t]+" + YEAR + r"[ \t,.]*$", re.M), 0.7, _MONTH_HINTS,
             True),
    # a year, or a month and year, closing a header line after a bar or a column gap: "Example Journal | 2021",
    # "Case Report      June 2021"
    YearForm(re.compile(_NOT_RECEIVED + r"[^\n|\u00b7]{3,80}?(?:[ \t][|\u00b7]|[ \t]{3,}|\t)[ \t]*(?:" + MONTH
                        + r"[ \t]+)?" + YEAR + r"[ \t,.]*$", re.M), 0.7, ("|", "\u00b7", "   ", "\t"), True),
    # "Volume 2016, Article ID 1234567" (the year as the volume)
    YearForm(re.compile(r"\bVolume\s+" + YEAR + r"\s*,\s*Article\s+ID\b", re.I), 0.85, ("article id",)),
    # an issue dated by month: "Volume 4, Number 2, April 2013" (the date, nearer to publication than
    # the acceptance)
    YearForm(re.compile(r"\bVol(?:ume)?\.?\s*\d{1,4}\s*[,|:;]?\s*(?:No\.?|Issue|Number|Iss\.?)\s*\d{1,4}\s*[,|:;]\s*"
                        r"(?:" + MONTH + r")\s+" + YEAR + r"(?!\d)", re.I), 0.87, ("vol",)),
    # volume-and-issue lines: "Vol. 12, No. 3, 2019", "Volume 7 | Issue 2 | March 2021", "Vol 8 (2019)"
    YearForm(re.compile(
        r"\bVol(?:ume)?\.?\s*\d{1,4}\s*[,|:;(.]?\s*(?:(?:No\.?|Issue|Number|Num\.?|Iss\.?)\s*\d{1,4}\s*[,|:;).]?\s*)?"
        r"(?:\(?\s*(?:" + MONTH + r"\s*(?:[\-\u2013]\s*" + MONTH + r"\s*)?)?(?:\d{1,2},?\s+)?)?" + YEAR
        + r"(?!\d)", re.I),
        0.8, ("vol",)),
    # a volume and number, the city and the months: "vol.53 no.2 Example City Mar./Apr. 2018"
    YearForm(re.compile(r"\bvol\.\s*\d{1,4}\s+no\.\s*\d{1,4}\s+[^\n\d]{2,40}?\s(?:" + MONTH + r"(?:\s*/\s*" + MONTH
                        + r")?\s+)?" + YEAR + r"(?!\d)", re.I), 0.8, ("vol",)),
    # "(2018)" after a volume / article number, "(Nov 2022)" after a journal name
    YearForm(re.compile(r"(?:volume|vol\.?|article number|reports|journal)[^()\n]{0,40}\((?:" + MONTH + r"\s+)?"
                        + YEAR + r"\)", re.I), 0.8, ("(",)),
    # a journal's name with the month and year as the page's first line: "Example Oncology (Jul 2019)";
    # an issue/year: "Ausgabe 1/2017", "Issue 3/2015"
    YearForm(re.compile(r"(?m)^[A-Z][A-Za-z&.,' ]{3,80}\((?:" + MONTH + r")\s+" + YEAR + r"\)[ \t]*$"), 0.8, (")",)),
    YearForm(re.compile(r"\b(?:Issue|Ausgabe|Heft|Nr\.?)\s*\d{1,2}\s*/\s*" + YEAR + r"(?!\d)"), 0.8, ("/",)),
    # a journal abbreviation with the publication date: "Front. Oncol., 03 May 2024", "Exp. Med., 2 March 2020"
    YearForm(re.compile(r"(?m)^[ \t]*(?:[A-Z][a-z]{0,12}\.[ \t]*){1,5},[ \t]*\d{1,2}[ \t]+(?:" + MONTH + r")[ \t]+"
                        + YEAR + r"(?!\d)"), 0.9,
             ("., 0", "., 1", "., 2", "., 3", ".,0", ".,1", ".,2", ".,3")),
    # the page's own citation offered to the reader: "Cite this article as: Author A, Author B (July 06, 2022) Title."
    YearForm(re.compile(r"\bCite this article as:[^\n]{0,400}?\((?:" + MONTH + r"\s+\d{1,2},?\s+)?" + YEAR + r"\)"),
             0.9, ("cite this article",)),
    # the paper's own citation in author-date style: "Lang, J., & Wang, J. (2014). Title"
    YearForm(re.compile(r"\b[A-Z]\.\s*\(" + YEAR + r"\)\.?\s+[A-Z]"), 0.75, (")",)),
    # ... and without the initials' full stop, at the head of the page: "Halliday J (2022) Malignant ..."
    YearForm(re.compile(r"[A-Za-z]\s\(" + YEAR + r"\)\s+[A-Z][a-z]"), 0.75, (")",), True),
    YearForm(re.compile(r"\bReceived\s*(?:date\s*)?(?:on\s*)?:?\s*(?:\d{1,2}[/.]\d{1,2}[/.]|\d{1,2}(?:st|nd|rd|th)?\s+)?(?:"
                        + MONTH + r"\s+)?(?:\d{1,2},?\s+)?" + YEAR + r"(?!\d)", re.I), 0.7, ("receiv",)),
    # "Copyright \u00a9 2016 Name", "\u00a9 The Author(s) 2020", "(c) 2008 Publisher" (a single year, not a range)
    YearForm(re.compile(r"(?:Copyright|\u00a9|\(c\)(?=\s*(?:19|20)\d\d))\s*(?:\u00a9|\(c\))?\s*"
                        r"(?:[A-Za-z][^\n\d\u00a9]{0,60}?\s)?" + YEAR
                        + r"(?!\s*[\-\u2013]\s*\d)(?!\d)", re.I), 0.6, ("copyright", "\u00a9", "(c)")),
]
_HEADER_CHARS = 1500   # how far a header-only form is looked for


def _window(s: str, pos: int, endpos: int | None) -> tuple[int, int]:
    """pos and endpos clamped into s as re's search() clamps them."""
    n = len(s)
    return min(max(pos, 0), n), (n if endpos is None else min(max(endpos, 0), n))


class _AtLineStarts:
    """A pattern whose every match opens at the start of a line (a leading ^ with re.M): search()
    tries it there only, with match(), where the regex engine would try it at every position of
    the window. ^ holds at 0 and after a line break (whatever pos is), so these are the places
    where rx.search() can find a match, and the first one found is its leftmost."""

    def __init__(self, rx: re.Pattern):
        if not at_line_starts(rx):
            raise ValueError(f"not anchored at line starts: {rx.pattern[:80]!r}")
        self.rx = rx
        self.pattern = rx.pattern
        src = rx.pattern[4:] if rx.pattern.startswith("(?m)") else rx.pattern
        # '^(?!LOOK)BODY' (a line that names no received date): a match at a place needs BODY to match there,
        # which is tried first; LOOK scans the whole line, however long, before BODY is tried at all
        self._body_src = "^" + src[_group_end(src, 1):] if src.startswith("^(?!") \
            and not re.search(r"\\\d|\(\?P=", src) else None
        self._body: re.Pattern | None = None

    def search(self, s: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        p, end = _window(s, pos, endpos)
        if p > end:
            return self.rx.search(s, pos, end)
        if p and s[p - 1] != "\n":
            p = s.find("\n", p, end) + 1
            if not p:
                return None
        match = self.rx.match
        body = self._body
        if body is None and self._body_src is not None:
            body = self._body = re.compile(self._body_src, self.rx.flags)   # (when first asked: its first report)
        while True:
            if body is None or body.match(s, p, end) is not None:
                m = match(s, p, end)
                if m is not None:
                    return m
            p = s.find("\n", p, end) + 1
            if not p:
                return None


def _group_end(src: str, i: int) -> int:
    """Where the group that opens at src[i] ('(') ends: the index past its ')' (escapes and sets skipped)."""
    depth, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1 + (src[i + 1:i + 2] == "^")
            j += src[j:j + 1] == "]"
            while j < n and src[j] != "]":
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        depth += (c == "(") - (c == ")")
        i += 1
        if depth == 0:
            return i
    raise ValueError(f"no end to the group at {src[:80]!r}")


class _DigitsBeforeParen:
    """A pattern whose every match opens with 1 to 4 digits, spaces and a '(' (a citation's
    'volume(issue)', r'\\d{1,4}\\s*\\(...'): search() tries it only at the places that can start
    such a run, found from each '(' backwards, where the regex engine tries every position."""

    PREFIX = r"\d{1,4}\s*\("

    def __init__(self, rx: re.Pattern):
        if not rx.pattern.startswith(self.PREFIX) or rx.flags & re.X or len(top_alternatives(rx.pattern)) != 1:
            raise ValueError(f"not a pattern that opens with {self.PREFIX}: {rx.pattern[:80]!r}")
        self.rx = rx
        self.pattern = rx.pattern

    def search(self, s: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        p0, end = _window(s, pos, endpos)
        if p0 > end:
            return self.rx.search(s, pos, end)
        match = self.rx.match
        i = s.find("(", p0, end)
        while i >= 0:
            j = i
            while j > p0 and s[j - 1].isspace():   # (\s: what str.isspace() says; \d: str.isdecimal())
                j -= 1
            k = j
            while k > p0 and j - k < 4 and s[k - 1].isdecimal():
                k -= 1
            for p in range(k, j):   # (the places of one '(' all come before the next one's)
                m = match(s, p, end)
                if m is not None:
                    return m
            i = s.find("(", i + 1, end)
        return None


def _quicker(rx):
    """A year form's pattern with its shortcut, if it has one."""
    if isinstance(rx, re.Pattern):
        if at_line_starts(rx):
            return _AtLineStarts(rx)
        if rx.pattern.startswith(_DigitsBeforeParen.PREFIX) and not rx.flags & re.X \
                and len(top_alternatives(rx.pattern)) == 1:
            return _DigitsBeforeParen(rx)
    return rx


def at_line_starts(rx: re.Pattern) -> bool:
    """Does every match of rx open at a line's start: re.M, and its source opens with ^ (after a
    leading (?m)) and has no | at its top level?"""
    src = rx.pattern[4:] if rx.pattern.startswith("(?m)") else rx.pattern
    return bool(rx.flags & re.M) and not rx.flags & re.X and src.startswith("^") and len(top_alternatives(src)) == 1


_YEAR_ORDER = [f._replace(rx=_quicker(f.rx)) for f in sorted(YEAR_FORMS, key=lambda f: -f.conf)]
# the references: years and DOIs there are other papers'
REFS_HEAD_RX = re.compile(r"(?im)^\s*(?:\d+\.?\s*)?(?:(?:list of )?references|bibliography|literature cited)\s*:?\s*$")
# a DOI glued to the next word of a scraped page: "...2019-2001-9Background"
DOI_GLUED_RX = re.compile(r"(?<=[0-9a-z)])(?:[A-Z][a-z]{2,}|PMID|PMCID|PDF|HTML)+$")
_YEARISH = Keyed(re.compile(r"(?:19|20)\d\d"))
_END_OF_PAGE = re.compile(r"(?i)references|bibliography|footnotes|acknowledg|funding|competing|conflict|"
                          r"contributors|citation|cited by|related|similar articles")
TITLE_LABEL_RX = re.compile(r"^\s*Title\s*:\s*(.+?)\s*$", re.M)
JOURNAL_LABEL_RX = re.compile(r"^\s*Journal\s*:\s*(.+?)\s*$", re.M)
AUTHORS_LABEL_RX = re.compile(r"^\s*Authors?(?:\(s\))?\s*:\s*(.+?)\s*$", re.M | re.I)
# (Keyed: tried only where one of its words occurs; most lines hold none)
_BAD_TITLE = Keyed(re.compile(r"\u00a9|https?://|@|\bdepartment\b|\buniversity\b|\bhospital\b|\bjournal\b|"
                              r"\bvolume\b|\bcopyright\b|\bdoi\b|\bISSN\b|\bresearch topic\b|"
                              r"\bthis article is part of\b", re.I))


# a reference entry in Vancouver style: an optional number, then two or more authors 'Surname AB,', 'Surname A.B.,'
# (the surname's letters may be any alphabet's, 'Baranska' with its accent, and hold particles: 'Ruiz van Haperen VW')
# (plain classes of the Latin letters: a Unicode category test at every letter cost 0.05 M instructions a report)
_REF_AUTHOR = (r"[A-Z\u00c0-\u017f][A-Za-z\u00c0-\u017f'\u2019\-]+"
               r"(?:[ \t](?:[A-Z\u00c0-\u017f][A-Za-z\u00c0-\u017f]+|van|von|de|der|den|da|di|du|la|le)){0,2}"
               r"[ \t]+[A-Z](?:\.?[A-Z]){0,2}\.?")
_REF_ENTRY = (r"[ \t]*(?:[\u2022*][ \t]*)?(?:\[?\d{1,3}[.\])][ \t]*){0,2}" + _REF_AUTHOR
              + r"(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)" + _REF_AUTHOR + r")+")
_REF_ENTRY_RX = re.compile(_REF_ENTRY)
_REF_LINE_RX = re.compile(r"\n" + _REF_ENTRY)


def _unheaded_refs(text: str) -> int:
    """Where a reference list with no heading starts: the first of three reference entries each within
    400 characters of the one before (the page's own citation line stands alone in its header); else
    len(text)."""
    # tried after each newline only (the pattern opens with one: the regex engine skips to the next;
    # a multiline ^ would be tried at every character), and at the text's start
    starts = [0] if _REF_ENTRY_RX.match(text) else []
    starts += [m.start() + 1 for m in _REF_LINE_RX.finditer(text)]
    at = next((starts[i] for i in range(len(starts) - 2)
               if starts[i + 1] - starts[i] <= 400 and starts[i + 2] - starts[i + 1] <= 400), len(text))
    return _numbered_before(text, at) if at < len(text) else at


# the number an entry of a reference list opens with: '[2] ', '2. ', '• 2. '
_ENTRY_NUMBER_RX = re.compile(r"[ \t]*(?:[\u2022*][ \t]*)?\[?(\d{1,3})[.\])]")


def _numbered_before(text: str, at: int) -> int:
    """The start of the list whose entry at `at` is number n: the entries numbered before it whose
    authors the pattern does not read (one author, a working group), each within 600 characters of
    the next."""
    m = _ENTRY_NUMBER_RX.match(text, at)
    n = int(m.group(1)) if m else 1
    while n > 1:
        lo = max(0, at - 600)
        lines = [0] if lo == 0 else []
        i = text.find("\n", lo, at - 1)
        while i >= 0:   # the line starts in the 600 characters before (found by the C search, not letter by letter)
            lines.append(i + 1)
            i = text.find("\n", i + 1, at - 1)
        prev = next((p for p in reversed(lines) if (pm := _ENTRY_NUMBER_RX.match(text, p)) is not None
                     and int(pm.group(1)) == n - 1), None)
        if prev is None:
            break
        at, n = prev, n - 1
    return at


def _v(text: str, s: int, e: int, value, conf: float) -> Value:
    return Value(value, spans=[Span(s, e, text[s:e])], confidence=conf)


_LINE_RX = re.compile(r"[^\n]+")   # (find_title's patterns, compiled once)
_ABSTRACT_RX = re.compile(r"(?i)abstract\b")


def find_title(text: str, mentions: list[Mention], intro_start: int | None) -> tuple[int, int] | None:
    m = TITLE_LABEL_RX.search(text) if "title" in lowered(text) else None
    if m:
        return m.start(1), m.end(1)
    ris = ris_fields(text)
    r = ris.get("T1") or ris.get("TI")
    if r:
        return r.start("value"), r.end("value")
    tumour_pos = sorted(x.start for x in mentions if x.axis == "tumour")
    for lm in _LINE_RX.finditer(text):
        if intro_start is not None and lm.end() > intro_start:
            break
        line = lm.group(0).strip()
        if not line:
            continue
        h = heading_of(line)
        if _ABSTRACT_RX.match(line) or (h and h[0] == "lit") or (h and _END_OF_PAGE.match(h[1])):
            break
        if h:
            continue
        if len(line) > 300:
            break
        words = line.split()
        if len(words) < 2 or _BAD_TITLE.search(line) or line.startswith(("-", "\u2022")):
            continue
        if not any(lm.start() <= p < lm.end() for p in tumour_pos):
            continue
        s = lm.start() + (len(lm.group(0)) - len(lm.group(0).lstrip()))
        e = s + len(line)
        num = re.match(r"\d+(?:\.\w+)+\s+", text[s:e])   # "3.P.35 " numbering of congress abstracts
        if num:
            s += num.end()
        return s, e
    return None


def _ris_year(text: str) -> Value | None:
    """The year of a RIS record's publication date field: 'PY  - 2006/1', 'Y1  - 2006///'."""
    ris = ris_fields(text)
    for tag in ("PY", "Y1", "DA"):
        r = ris.get(tag)
        ym = re.match(YEAR + r"(?!\d)", r.group("value")) if r else None
        if r and ym:
            return _v(text, r.start("value"), r.start("value") + 4, int(ym.group(1)), 0.9)
    return None


def _doi(text: str, refs_at: int) -> Value | None:
    """The first DOI before the references that is not glued to a word before it."""
    m = None
    for m in DOI_RX.finditer(text, 0, refs_at) if "10." in text else ():
        if m.start() == 0 or not text[m.start() - 1].isalnum():
            break
    else:
        m = None
    if not m:
        return None
    doi = m.group(1).rstrip(".)]:")
    g = DOI_GLUED_RX.search(doi)
    if g:
        doi = doi[:g.start()].rstrip(".)]")
    # its own prefix printed twice by the page: '10.3834/uij.10.3834/uij.1944-5784...' is the DOI from the last
    cut = doi.rfind(doi[:doi.index("/") + 1])
    return _v(text, m.start(1) + cut, m.start(1) + len(doi), doi[cut:].lower(), 0.95)


def _year_windows(text: str, refs_at: int) -> list[tuple[int, int, str]]:
    """The lines before the references that hold a year-like number, each with up to 60
    characters of the next line (a citation broken over two lines): (start, end, lowercased)."""
    lines: dict = {}
    for yl in _YEARISH.finditer(text, 0, refs_at):
        if (yl.start() > 0 and text[yl.start() - 1].isdigit()) or (yl.end() < len(text) and text[yl.end()].isdigit()):
            continue
        if lines and max(lines) <= yl.start() < lines[max(lines)]:
            continue
        a = text.rfind("\n", 0, yl.start()) + 1
        b = text.find("\n", yl.end())
        if a >= 2 and text[a - 2] == ":":   # the value under its label line: 'Publication Date:' / '13 April 2017'
            pa = text.rfind("\n", 0, a - 1) + 1
            if a - pa <= 40:
                a = pa
        lines[a] = b if b >= 0 else len(text)
    wins = []
    for a, b in sorted(lines.items()):
        nl = text.find("\n", b + 1) if b < len(text) else -1   # a citation broken over two lines
        e = min(nl if nl >= 0 else len(text), b + 60, refs_at)
        wins.append((a, e, text[a:e].lower()))
    return wins


_CITE_FORMS = [f for f in _YEAR_ORDER if f.cites]   # (with their shortcuts; any() of them is asked)
_NEAR_CITES = 600   # two citations this near past the header: entries of a reference list


def _cites_past_header(text: str, wins: list[tuple[int, int, str]]) -> list[int]:
    """Where lines with a citation's year stand past the page's header."""
    return [a for a, e, w in wins if a > _HEADER_CHARS
            and any(any(h in w for h in f.hints) and f.rx.search(text, a, e) for f in _CITE_FORMS)]


_LABELLED = YEAR_FORMS[0]   # 'Published: ...', 'First Online: ...' (a Keyed pattern: its own shortcut)


def _labelled_in_header(text: str, wins: list[tuple[int, int, str]]) -> bool:
    """Does the page's header carry a labelled publication date?"""
    return any(a <= _HEADER_CHARS and any(h in w for h in _LABELLED.hints) and _LABELLED.rx.search(text, a, e)
               for a, e, w in wins)


def _year(text: str, wins: list[tuple[int, int, str]]) -> Value | None:
    """The publication year: the most confident form's match, the earliest among equals. A citation
    past the header with another near it is an entry of a reference list no heading announced
    ('... Cancer. 1965;18(9):1163-74. 2. Author ...'): another paper's year."""
    best = None
    cited: list[int] | None = None
    labelled: bool | None = None
    for form in _YEAR_ORDER:   # by confidence: a pattern below the best found cannot win
        if best is not None and form.conf < best[0]:
            break
        for a, e, w in wins:
            if form.header_only and a > _HEADER_CHARS:
                break
            for h in form.hints:   # (any() of a generator costs more than the test, for most forms)
                if h in w:
                    break
            else:
                continue
            ym = form.rx.search(text, a, e)
            if ym is None:
                continue
            if form.cites and a > _HEADER_CHARS:
                cited = _cites_past_header(text, wins) if cited is None else cited
                if any(0 < abs(p - a) <= _NEAR_CITES for p in cited):
                    continue
                if labelled is None:
                    labelled = _labelled_in_header(text, wins)
                if labelled:
                    continue   # the page's own 'Published: May 6, 2021' above: a citation below is another paper's
            y = int(ym.group(1))
            if 1950 <= y <= 2035:
                cand = (form.conf, -ym.start(1), ym)
                if best is None or cand[:2] > best[:2]:
                    best = cand
                break
    if not best:
        return None
    ym = best[2]
    return _v(text, ym.start(1), ym.end(1), int(ym.group(1)), best[0])


def extract_metadata(text: str, title_span: tuple[int, int] | None) -> Metadata:
    md = Metadata()
    if title_span:
        s, e = title_span
        md.title = _v(text, s, e, text[s:e].strip(), 0.8)
    low = lowered(text)
    m = PMID_RX.search(text) if ("pmid" in low or "pubmed" in low) else None
    if m:
        grp = 1 if m.group(1) else 2
        md.pmid = _v(text, m.start(grp), m.end(grp), m.group(grp), 0.95)
    rm = REFS_HEAD_RX.search(text) if ("eferences" in text or "ibliograph" in text or "REFERENCES" in text) else None
    refs_at = rm.start() if rm else _unheaded_refs(text)
    md.doi = _doi(text, refs_at)
    md.year = _year(text, _year_windows(text, refs_at)) or _ris_year(text)
    m = JOURNAL_LABEL_RX.search(text) if "journal" in low else None
    if m:
        md.journal = _v(text, m.start(1), m.end(1), m.group(1), 0.8)
    m = AUTHORS_LABEL_RX.search(text) if "author" in low else None
    if m:
        names = [n.strip() for n in re.split(r"\s*[|;]\s*|,\s*(?=[A-Z])", m.group(1)) if n.strip()]
        md.authors = _v(text, m.start(1), m.end(1), "; ".join(names), 0.7)
    return md
