"""Colours and marks that mean the same thing in every figure and page of a report.

Tumour types take the Okabe-Ito colour-blind-safe colours by their number of
cases in the cohort (ties by code), the rest share one grey; treatments and
outcome statuses have fixed colours and marker shapes (Paul Tol's muted set,
distinct from the tumour colours).
"""
from __future__ import annotations

from collections import Counter

TUMOUR_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D31"]
OTHER_TYPES = "other types"
OTHER_COLOUR = "#A0A0A0"
NOT_STATED = "not stated"

# modality (case-summary's treatment key) -> (colour, matplotlib marker, short letter)
TREATMENTS: dict[str, tuple[str, str, str]] = {
    "surgery": ("#332288", "^", "S"),
    "radiotherapy": ("#CC6677", "D", "R"),
    "chemotherapy": ("#117733", "o", "C"),
    "targeted therapy": ("#44AA99", "o", "T"),
    "immunotherapy": ("#AA4499", "o", "I"),
    "hormone therapy": ("#999933", "o", "H"),
    "embolization": ("#882255", "s", "E"),
}
SYSTEMIC = ("chemotherapy", "targeted therapy", "immunotherapy", "hormone therapy")
# swimmer-plot treatment columns: surgery, radiotherapy, systemic therapy
TREATMENT_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("surgery", ("surgery",)), ("radiotherapy", ("radiotherapy",)), ("systemic therapy", SYSTEMIC)]
GROUP_STYLE = {"surgery": TREATMENTS["surgery"], "radiotherapy": TREATMENTS["radiotherapy"],
               "systemic therapy": ("#117733", "o", "Sy")}

# outcome summary status -> (colour, marker) at the end of a swimmer bar
STATUS: dict[str, tuple[str, str]] = {
    "death": ("#000000", "s"),
    "no evidence of disease": ("#009E73", "o"),
    "stable disease": ("#777777", ">"),
    "partial response": ("#56B4E9", ">"),
    "alive with disease": ("#E69F00", ">"),
    "progressive disease": ("#D55E00", ">"),
    "recurrence": ("#CC79A7", ">"),
    NOT_STATED: ("#BBBBBB", "|"),
}
# events drawn at their time on a swimmer bar: (colour, marker)
EVENTS: dict[str, tuple[str, str]] = {
    "recurrence": ("#CC79A7", "v"),
    "metastasis": ("#7B3294", "*"),
    "death": ("#000000", "X"),
}


class Palette:
    """The tumour types' colours for one cohort."""

    def __init__(self, tumour_types: list[str | None]):
        counts = Counter(t for t in tumour_types if t)
        ranked = sorted(counts, key=lambda t: (-counts[t], t))
        self.named = ranked[:len(TUMOUR_COLOURS)]
        self.colours = dict(zip(self.named, TUMOUR_COLOURS, strict=False))
        self.has_other = len(ranked) > len(self.named) or None in tumour_types

    def tumour(self, code: str | None) -> str:
        return self.colours.get(code or "", OTHER_COLOUR)

    def group(self, code: str | None) -> str:
        """The legend entry a tumour type is drawn under."""
        return code if code in self.colours else OTHER_TYPES

    def legend(self) -> list[tuple[str, str]]:
        out = [(t, self.colours[t]) for t in self.named]
        if self.has_other:
            out.append((OTHER_TYPES, OTHER_COLOUR))
        return out


def treatment_colour(modality: str) -> str:
    return TREATMENTS.get(modality, ("#555555", "o", "?"))[0]


def status_style(status: str | None) -> tuple[str, str]:
    return STATUS.get(status or NOT_STATED, STATUS[NOT_STATED])
