"""One case's timeline, as positions the case page's template draws.

Outcome observations with a time go on a months axis in their colours; the
treatments the report gives without a time are listed beside it (the graph
holds a time for an intervention only when the report states one).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sarcokg.views.cohort.gather import Case
from sarcokg.views.cohort.palette import EVENTS, TREATMENTS, status_style, treatment_colour


@dataclass
class Mark:
    x: float                     # percent of the axis
    months: float
    label: str
    colour: str
    above: bool                  # label above the axis (alternating, so labels do not collide)


@dataclass
class Timeline:
    end: float                   # months at the axis end
    ticks: list[tuple[float, str]]
    marks: list[Mark]
    undated: list[tuple[str, str, str]] = field(default_factory=list)   # (kind, modality, colour)
    undated_outcomes: list[str] = field(default_factory=list)
    follow_up: float | None = None


def _ticks(end: float) -> list[tuple[float, str]]:
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600) if end / s <= 8)
    out, m = [], 0.0
    while m <= end + 1e-9:
        out.append((100 * m / end, f"{m:g}"))
        m += step
    return out


def build(case: Case) -> Timeline:
    dated = [e for e in case.events if e.months is not None]
    end = max([float(case.follow_up or 0), *(float(e.months or 0) for e in dated), 1.0])
    marks = []
    for i, e in enumerate(sorted(dated, key=lambda e: (float(e.months or 0), e.sequence or 0))):
        if e.event == "intervention":
            colour = treatment_colour(e.summary or "")
        elif e.summary == "death":
            colour = EVENTS["death"][0]
        else:
            colour = status_style(e.summary)[0]
        label = e.kind or e.summary or ("follow-up" if e.event == "outcome" else "intervention")
        marks.append(Mark(100 * float(e.months or 0) / end, float(e.months or 0), label, colour, i % 2 == 0))
    undated = [(e.kind or "", e.summary or "", treatment_colour(e.summary or ""))
               for e in case.events if e.event == "intervention" and e.months is None]
    undated.sort(key=lambda t: (list(TREATMENTS).index(t[1]) if t[1] in TREATMENTS else 99, t[0]))
    undated_outcomes = [e.kind or e.summary or "" for e in case.events
                        if e.event == "outcome" and e.months is None and (e.kind or e.summary)]
    return Timeline(end, _ticks(end), marks, undated, undated_outcomes, case.follow_up)
