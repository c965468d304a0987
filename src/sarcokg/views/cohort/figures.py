"""The cohort's figures with matplotlib (Agg, no display, no font fetched) and lifelines.

Each figure function returns a Figure, or None with the reason it could not be
drawn (no case with a vertebral level, no follow-up): the page says so instead
of showing an empty or broken plot. save() writes SVG and PNG byte-identical
across runs (fixed SVG hash salt, no date, fixed PNG metadata).
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Patch  # noqa: E402

from sarcokg.views.cohort.gather import Case, Cohort  # noqa: E402
from sarcokg.views.cohort.palette import (  # noqa: E402
    EVENTS,
    GROUP_STYLE,
    NOT_STATED,
    STATUS,
    TREATMENT_GROUPS,
    Palette,
    status_style,
)
from sarcokg.views.cohort.table1 import region_word  # noqa: E402

SWIMMER_MAX = 150
KM_MIN_PER_TYPE = 5
INK, GRID = "#222222", "#DDDDDD"

STYLE: Any = {   # rcParams (typed Any: matplotlib types its keys as a Literal of every name)
    "svg.hashsalt": "sarcokg",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": INK,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.frameon": False,
    "legend.fontsize": 9,
}


@dataclass
class Drawn:
    name: str                    # file stem in figures/
    title: str
    figure: Figure | None
    note: str = ""               # what the reader must know (truncation, exclusions), or why it is absent


def save(fig: Figure, folder: Path, name: str) -> None:
    """folder/name.svg and folder/name.png, deterministic bytes."""
    for ext, meta in (("svg", {"Date": None, "Creator": "sarcokg"}), ("png", {"Software": "sarcokg"})):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=110, metadata=meta, bbox_inches="tight", facecolor="white")
        (folder / f"{name}.{ext}").write_bytes(buf.getvalue())
    plt.close(fig)


def draw_all(cohort: Cohort, palette: Palette, folder: Path) -> list[Drawn]:
    """Draw every figure and save those drawn in folder (in the style, whose SVG hash salt makes ids stable)."""
    with plt.rc_context(STYLE), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        drawn = [spine_map(cohort, palette), *survival(cohort, palette), swimmer(cohort, palette)]
        for d in drawn:
            if d.figure is not None:
                save(d.figure, folder, d.name)
    return drawn


# --- spine map ---------------------------------------------------------------

def _vertebra_width(notation: str) -> float:
    """A rough anatomical width, so the drawing reads as a spine."""
    region, num = notation.rstrip("0123456789"), int(notation.lstrip("CTLSo") or 0)
    return {"C": 0.55, "T": 0.62 + 0.02 * num, "L": 0.9, "S": 0.95 - 0.12 * num, "Co": 0.32 - 0.04 * num}[region]


def spine_map(cohort: Cohort, palette: Palette) -> Drawn:
    order = [v.notation for v in cohort.vertebrae]
    counts: dict[str, dict[str, int]] = {v: {} for v in order}
    involved = 0
    for c in cohort.cases:
        levels = dict.fromkeys(v for v, _, _ in c.level_rows)
        involved += bool(levels)
        for v in levels:
            if v in counts:
                group = palette.group(c.tumour_type)
                counts[v][group] = counts[v].get(group, 0) + 1
    title = "Spine map: cases involving each vertebra"
    if not involved:
        return Drawn("spine-map", title, None, "No case in the cohort names a vertebral level, so there is no spine "
                                               "map.")
    totals = [sum(counts[v].values()) for v in order]
    top = max(totals)
    fig, (ax_s, ax_b) = plt.subplots(1, 2, figsize=(8.2, 8.6), gridspec_kw={"width_ratios": [1, 2.4], "wspace": 0.05},
                                     sharey=True)
    cmap = matplotlib.colormaps["Blues"]
    n = len(order)
    for i, (v, total) in enumerate(zip(order, totals, strict=True)):
        w = _vertebra_width(v)
        shade = cmap(0.12 + 0.88 * total / top) if total else "#F4F4F4"
        ax_s.add_patch(FancyBboxPatch((-w / 2, i - 0.36), w, 0.72, boxstyle="round,pad=0,rounding_size=0.12",
                                      facecolor=shade, edgecolor="#8A8A8A", linewidth=0.6))
        ax_s.text(0, i, v, ha="center", va="center", fontsize=7.5,
                  color="white" if total and total / top > 0.55 else INK)
    _region_labels(ax_s, cohort)
    ax_s.set_xlim(-1.25, 0.6)
    ax_s.set_ylim(n - 0.4, -0.6)
    ax_s.axis("off")
    left = [0.0] * n
    for group, colour in palette.legend():
        widths = [counts[v].get(group, 0) for v in order]
        if any(widths):
            ax_b.barh(range(n), widths, left=left, color=colour, height=0.72, label=group, edgecolor="white",
                      linewidth=0.4)
            left = [a + b for a, b in zip(left, widths, strict=True)]
    ax_b.set_xlabel("cases involving the vertebra (primary or metastatic)")
    ax_b.xaxis.get_major_locator().set_params(integer=True)
    ax_b.grid(axis="x", color=GRID, linewidth=0.6)
    ax_b.set_axisbelow(True)
    ax_b.tick_params(axis="y", left=False, labelleft=False)
    ax_b.legend(title="tumour type", loc="lower right")
    ax_s.set_title(title, loc="left", x=0.0)
    note = (f"{involved} of {len(cohort.cases)} cases name at least one vertebra; shading and bar length give the "
            "number of cases involving each vertebra, bars split by tumour type.")
    return Drawn("spine-map", title, fig, note)


def _region_labels(ax, cohort: Cohort) -> None:
    spans: dict[str, list[int]] = {}
    for i, v in enumerate(cohort.vertebrae):
        word = region_word(v.region) or "other"
        spans.setdefault(word, []).append(i)
    for word, idx in spans.items():
        lo, hi = min(idx), max(idx)
        ax.plot([-0.82, -0.82], [lo - 0.3, hi + 0.3], color="#999999", linewidth=1)
        ax.text(-0.9, (lo + hi) / 2, word, ha="right", va="center", fontsize=8.5, color="#444444")


def timed(cohort: Cohort) -> tuple[list[Case], str]:
    """The cases with a usable follow-up time, and a note on those left out for a negative one."""
    have = [c for c in cohort.cases if c.follow_up is not None and c.follow_up >= 0]
    bad = sum(1 for c in cohort.cases if c.follow_up is not None and c.follow_up < 0)
    note = (f" {bad} case{'s' if bad != 1 else ''} with a negative follow-up (an error in the graph, which "
            "sarcokg validate reports) left out." if bad else "")
    return have, note


# --- swimmer plot ------------------------------------------------------------

def _event_kind(e) -> str | None:
    kind = (e.kind or "").lower()
    if e.summary == "death":
        return "death"
    if "metasta" in kind:
        return "metastasis"
    if e.summary == "recurrence":
        return "recurrence"
    return None


def swimmer(cohort: Cohort, palette: Palette) -> Drawn:
    title = "Swimmer plot: follow-up, treatments and events per case"
    have, left_out = timed(cohort)
    if not have:
        return Drawn("swimmer", title, None, "No case in the cohort states a follow-up time, so there is no swimmer "
                                             "plot.")
    have.sort(key=lambda c: (-float(c.follow_up or 0), c.id))
    shown = have[:SWIMMER_MAX]
    notes = [f"{len(have)} of {len(cohort.cases)} cases state a follow-up"]
    if len(have) > SWIMMER_MAX:
        notes.append(f"the {SWIMMER_MAX} longest are shown")
    n = len(shown)
    labelled = n <= 60
    row_h = 0.24 if labelled else 0.12
    height = max(3.2, row_h * n + 2.2)
    fig, (ax_t, ax) = plt.subplots(1, 2, figsize=(10, height), sharey=True,
                                   gridspec_kw={"width_ratios": [0.9, 8], "wspace": 0.03})
    fig.subplots_adjust(top=1 - 1.15 / height, bottom=0.75 / height)   # margins in inches, whatever the height
    ys = list(range(n))
    ax.barh(ys, [float(c.follow_up or 0) for c in shown], color=[palette.tumour(c.tumour_type) for c in shown],
            height=0.62, alpha=0.9)
    _swimmer_marks(ax, ax_t, shown)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(left=0)
    ax.set_xlabel("months of follow-up (as each report states it: since diagnosis or since treatment)")
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", left=False)
    ax_t.set_xlim(-0.6, 2.6)
    ax_t.set_xticks(range(3), [GROUP_STYLE[g][2] for g, _ in TREATMENT_GROUPS], fontsize=8)
    ax_t.xaxis.tick_top()
    ax_t.set_title("given", fontsize=8, fontweight="normal", color="#444444", pad=14)
    for side in ("left", "bottom"):
        ax_t.spines[side].set_visible(False)
    if labelled:
        ax_t.set_yticks(ys, [c.id for c in shown], fontsize=7.5)
    else:
        ax_t.set_yticks([])
        ax_t.set_ylabel(f"{n} cases, longest follow-up at the top")
    ax_t.tick_params(axis="y", left=False)
    _swimmer_legend(fig, ax, palette, shown)
    fig.suptitle(title, fontweight="bold", x=0.02, y=1 - 0.2 / height, ha="left", va="top")
    return Drawn("swimmer", title, fig, "; ".join(notes) + "." + left_out)


def _swimmer_marks(ax, ax_t, shown: list[Case]) -> None:
    """Every mark of the plot, one scatter per style (a scatter per point is slow to draw and save)."""
    points: dict[tuple, list[tuple[float, float]]] = {}

    def put(axis: str, colour: str, marker: str, size: float, edge: str, x: float, y: int) -> None:
        points.setdefault((axis, colour, marker, size, edge), []).append((x, y))

    for y, c in enumerate(shown):
        for col, (group, members) in enumerate(TREATMENT_GROUPS):
            if any(t in members for t in c.treatments):
                colour, marker, _ = GROUP_STYLE[group]
                put("t", colour, marker, 22, "none", col, y)
        for e in c.events:
            kind = _event_kind(e)
            if kind and e.months is not None:
                colour, marker = EVENTS[kind]
                put("e", colour, marker, 46, "white", float(e.months), y)
        colour, marker = status_style(c.outcome)
        put("s", colour, marker, 40, INK if c.outcome else "none", float(c.follow_up or 0), y)
    order = {"t": 3, "e": 4, "s": 5}
    for (axis, colour, marker, size, edge), xy in sorted(points.items(), key=lambda kv: (order[kv[0][0]], kv[0])):
        target = ax_t if axis == "t" else ax
        target.scatter([x for x, _ in xy], [y for _, y in xy], marker=marker, color=colour, s=size,
                       zorder=order[axis], edgecolors=edge, linewidths=0.5 if axis == "e" else 0.6)


def _swimmer_legend(fig, ax, palette: Palette, shown: list[Case]) -> None:
    groups = list(dict.fromkeys(palette.group(c.tumour_type) for c in shown))
    types = [Patch(color=col, label=g) for g, col in palette.legend() if g in groups]
    given = [Line2D([], [], linestyle="", marker=GROUP_STYLE[g][1], color=GROUP_STYLE[g][0],
                    label=f"{GROUP_STYLE[g][2]}: {g}") for g, _ in TREATMENT_GROUPS]
    events = [Line2D([], [], linestyle="", marker=m, color=col, label=k) for k, (col, m) in EVENTS.items()]
    used = {c.outcome or NOT_STATED for c in shown}
    ends = [Line2D([], [], linestyle="", marker=m, color=col, markeredgecolor=INK if s != NOT_STATED else col,
                   label=s) for s, (col, m) in STATUS.items() if s in used]
    handles = [_header("tumour type (bar)"), *types, _header("treatment given"), *given,
               _header("event at its time"), *events, _header("status at last follow-up"), *ends]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)


def _header(text: str) -> Line2D:
    """A legend line with no mark: the heading of the entries below it."""
    return Line2D([], [], linestyle="", marker="", label=text.upper())


# --- survival ---------------------------------------------------------------

def survival(cohort: Cohort, palette: Palette) -> list[Drawn]:
    title = "Overall survival (Kaplan-Meier)"
    have, left_out = timed(cohort)
    if not have:
        return [Drawn("survival", title, None, "No case in the cohort states a follow-up time, so overall survival "
                                               "cannot be estimated.")]
    deaths = sum(c.outcome == "death" for c in have)
    note = (f"{len(have)} cases with a follow-up time, {deaths} deaths; the others are censored at their last "
            f"follow-up. The band is the 95% confidence interval.{left_out}")
    drawn = [Drawn("survival", title, _km_figure([("all cases", have, "#0072B2")], title), note)]
    counts: dict[str, list[Case]] = {}
    for c in have:
        if c.tumour_type:
            counts.setdefault(c.tumour_type, []).append(c)
    # the types with a colour of their own (the cohort's largest), each with enough cases for a curve
    big = [t for t in palette.named if len(counts.get(t, [])) >= KM_MIN_PER_TYPE]
    if len(big) > 1:
        groups = [(t, counts[t], palette.tumour(t)) for t in big]
        t2 = "Overall survival by tumour type (Kaplan-Meier)"
        more = len([t for t, cs in counts.items() if len(cs) >= KM_MIN_PER_TYPE]) - len(big)
        note = f"Tumour types with at least {KM_MIN_PER_TYPE} cases with a follow-up time"
        note += f", the {len(big)} largest of them ({more} more not drawn)." if more else "."
        drawn.append(Drawn("survival-by-type", t2, _km_figure(groups, t2), note))
    return drawn


def _km_figure(groups: list[tuple[str, list[Case], str]], title: str) -> Figure:
    from lifelines import KaplanMeierFitter
    from lifelines.plotting import add_at_risk_counts
    fig, ax = plt.subplots(figsize=(8.6, 4.6 + 0.28 * len(groups)))
    fitters = []
    for label, cases, colour in groups:
        kmf = KaplanMeierFitter(label=label)
        kmf.fit([float(c.follow_up or 0) for c in cases], [c.outcome == "death" for c in cases])
        kmf.plot_survival_function(ax=ax, ci_show=True, ci_alpha=0.15, color=colour, linewidth=2,
                                   show_censors=True, censor_styles={"ms": 6, "marker": "|"})
        fitters.append(kmf)
    ax.set_ylim(0, 1.04)
    ax.set_xlim(left=0)
    ax.set_xlabel("months of follow-up")
    ax.set_ylabel("probability of survival")
    ax.grid(color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower left")
    ax.set_title(title, loc="left")
    add_at_risk_counts(*fitters, ax=ax, rows_to_show=["At risk"], fig=fig)
    fig.tight_layout()
    return fig
