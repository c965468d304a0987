"""Table 1 of the cohort, as papers print it, with the cases behind each count.

Every count carries the ids of its cases and a filter key ("section=category")
that the site's case list uses to show exactly those cases. Percentages are of
the whole cohort; a case can count in several rows of a multi-valued section
(sites, levels, treatments, agents), as the section's note says.
"""
from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sarcokg.views.cohort.gather import Case, Cohort
from sarcokg.views.cohort.palette import NOT_STATED

GRADES = ["high", "intermediate", "low"]
MISSING = (NOT_STATED, "none stated", "no vertebra stated")
REGIONS = ["cervical", "thoracic", "lumbar", "sacral", "coccygeal"]


@dataclass
class Count:
    label: str
    ids: list[str]
    key: str
    colour: str | None = None

    @property
    def n(self) -> int:
        return len(self.ids)


@dataclass
class Section:
    title: str
    slug: str
    counts: list[Count] = field(default_factory=list)
    summary: str | None = None      # "45 (3-89)" for a numeric characteristic
    summary_label: str | None = None
    note: str | None = None


    def split(self, shown: int = 8) -> tuple[list[Count], list[Count], list[Count]]:
        """(the first counts, the long tail folded away on the page, the missing-value counts kept last)."""
        named = [c for c in self.counts if c.label not in MISSING]
        missing = [c for c in self.counts if c.label in MISSING]
        if len(named) <= shown + 2:
            return named, [], missing
        return named[:shown], named[shown:], missing


@dataclass
class Table1:
    n: int
    sections: list[Section]

    def section(self, slug: str) -> Section:
        return next(s for s in self.sections if s.slug == slug)

    def keys(self) -> dict[str, list[str]]:
        """{filter key: case ids} of every count."""
        return {c.key: c.ids for s in self.sections for c in s.counts}


def region_word(region: str | None) -> str | None:
    """'lumbar region of vertebral column' -> 'lumbar'; 'sacrum' -> 'sacral'; 'coccyx' -> 'coccygeal'."""
    if not region:
        return None
    first = region.split()[0].lower()
    return {"sacrum": "sacral", "coccyx": "coccygeal"}.get(first, first)


def fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _multi(slug: str, cases: list[Case], values: Callable[[Case], Iterable[str]], order: list[str] | None = None,
           missing: str = NOT_STATED) -> list[Count]:
    found: dict[str, list[str]] = {}
    none: list[str] = []
    for c in cases:
        vs = list(dict.fromkeys(v for v in values(c) if v))
        if not vs:
            none.append(c.id)
        for v in vs:
            found.setdefault(v, []).append(c.id)
    if order is not None:
        names = [v for v in order if v in found] + sorted(v for v in found if v not in order)
    else:
        names = sorted(found, key=lambda v: (-len(found[v]), v))
    out = [Count(v, found[v], f"{slug}={v}") for v in names]
    if none:
        out.append(Count(missing, none, f"{slug}={missing}"))
    return out


def _numeric(title: str, slug: str, cases: list[Case], get: Callable[[Case], float | None], unit: str) -> Section:
    have = [c for c in cases if get(c) is not None]
    values = [float(get(c)) for c in have]  # type: ignore[arg-type]
    s = Section(title, slug)
    if values:
        s.summary = f"{fmt(statistics.median(values))} ({fmt(min(values))}\u2013{fmt(max(values))})"
        s.summary_label = f"median (range), {unit}"
    s.counts = [Count("stated", [c.id for c in have], f"{slug}=stated")]
    rest = [c.id for c in cases if get(c) is None]
    if rest:
        s.counts.append(Count(NOT_STATED, rest, f"{slug}={NOT_STATED}"))
    return s


def _regions(c: Case) -> list[str]:
    words = [region_word(r) for _, r, _ in c.level_rows]
    return [w for w in words if w]


def build(cohort: Cohort, colour: Callable[[str | None], str] | None = None) -> Table1:
    cases = cohort.cases
    labels = cohort.tumour_labels
    multi_note = "a case can count in more than one row"
    tumour = Section("Tumour type", "tumour_type", _multi("tumour_type", cases, lambda c: [c.tumour_type or ""]))
    for cnt in tumour.counts:
        if cnt.label != NOT_STATED:
            cnt.colour = colour(cnt.label) if colour else None
            name = labels.get(cnt.label)
            cnt.label = f"{name} ({cnt.label})" if name and name != cnt.label else cnt.label
    sections = [
        _numeric("Age", "age", cases, lambda c: c.age, "years"),
        Section("Sex", "sex", _multi("sex", cases, lambda c: [c.sex or ""], order=["female", "male"])),
        tumour,
        Section("Grade", "grade", _multi("grade", cases, lambda c: [c.grade or ""], order=GRADES)),
        Section("Primary site", "primary_site", _multi("primary_site", cases, lambda c: c.primary_sites),
                note=multi_note),
        Section("Vertebral levels by region", "region", _multi("region", cases, _regions, order=REGIONS,
                                                                 missing="no vertebra stated"),
                note="primary or metastatic involvement; " + multi_note),
        Section("Metastatic sites", "metastatic_site", _multi("metastatic_site", cases, lambda c: c.metastatic_sites,
                                                              missing="none stated"), note=multi_note),
        Section("Treatments", "treatment", _multi("treatment", cases, lambda c: c.treatments,
                                                  missing="none stated"), note=multi_note),
        Section("Agents", "agent", _multi("agent", cases, lambda c: c.agents, missing="none stated"),
                note="supportive drugs left out; " + multi_note),
        _numeric("Radiotherapy dose", "rt_dose", cases, lambda c: c.rt_dose_gy, "Gy"),
        _numeric("Follow-up", "follow_up", cases, lambda c: c.follow_up, "months"),
        Section("Outcome at last follow-up", "outcome", _multi("outcome", cases, lambda c: [c.outcome or ""])),
    ]
    return Table1(len(cases), sections)


def to_csv(t: Table1) -> bytes:
    """characteristic, category, n, percent, summary: one line per count, a
    numeric characteristic's median (range) on its 'stated' line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["characteristic", "category", "n", "percent", "summary"])
    w.writerow(["Cases", "", t.n, "100.0", ""])
    for s in t.sections:
        for cnt in s.counts:
            summary = f"{s.summary_label}: {s.summary}" if s.summary and cnt.label == "stated" else ""
            w.writerow([s.title, cnt.label, cnt.n, percent(cnt.n, t.n), summary])
    return buf.getvalue().encode("utf-8")


def percent(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}" if total else "0.0"
