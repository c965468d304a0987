"""Confidence that means something: facts at confidence >= 0.9 are right >= 95% of the time.

Each fact the case summary reads is judged against the gold corpus (../shared/corpus,
seeds and dev) with the shared scorer's normalisation: right when its value is the
gold value (or, for list slots, one of the gold items or optional items). The
table by confidence band is printed by `python tests/test_extract_calibration.py`
(and quoted in docs/extraction.md).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from sarcokg.extract import extract
from sarcokg.model.terms import load_terms

SHARED = Path(__file__).parents[1] / ".." / "shared"
CORPUS = SHARED / "corpus"
SCORE_PY = SHARED / "tools" / "score.py"
BANDS = [(0.9, 1.01), (0.8, 0.9), (0.7, 0.8), (0.0, 0.7)]

pytestmark = pytest.mark.skipif(not (CORPUS.is_dir() and SCORE_PY.is_file()), reason="shared corpus not present")


def _score_module():
    spec = importlib.util.spec_from_file_location("sarcokg_shared_score_cal", SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class _Judge:
    """Judges one report's facts against its gold view gv, into out: (slot, confidence, right)."""

    def __init__(self, sc, terms, gv, out: list[tuple[str, float, bool]]):
        self.sc, self.terms, self.gv, self.out = sc, terms, gv, out

    def scalar(self, slot, v, conf) -> None:
        if v is None:
            return
        sc, gv = self.sc, self.gv
        g, p = gv[slot], sc.norm_scalar(slot, v)
        if slot != "tumour_type" and g is not None:
            g = sc.norm_scalar(slot, g)
        ok = g is not None and p is not None and sc.scalar_match(slot, g, p)
        self.out.append((slot, conf, bool(ok)))

    def member(self, slot, v, conf) -> None:
        p = self.sc.norm_set(slot, v)
        for x in p:
            self.out.append((slot, conf, x in self.gv[slot] or x in self.gv[slot + "_optional"]))

    def tumour_and_patient(self, f) -> None:
        """The single-valued slots, the vertebral levels and the sites."""
        md = f.metadata
        for slot, val in (("pmid", md.pmid), ("doi", md.doi), ("year", md.year), ("age", f.age),
                          ("sex", f.sex), ("grade", f.tumour.grade)):
            if val is not None:
                self.scalar(slot, val.value, val.confidence)
        if f.tumour.types:
            t = f.tumour.types[0]
            self.scalar("tumour_type", t.value, t.confidence)
        for lv in f.tumour.levels:
            self.member("vertebral_levels", lv.vertebra, lv.confidence)
        for s in f.tumour.sites:
            key = self.terms.get("site", s.site).summary_key or s.site
            self.member("sites", key, s.confidence)
            if s.metastatic:
                self.member("metastatic_sites", key, s.confidence)

    def interventions(self, f) -> None:
        """The treatments, their agents (but supportive ones) and the radiotherapy dose."""
        terms = self.terms
        for i in f.interventions:
            mod = terms.get("intervention", i.kind).summary_key
            if mod:
                self.member("treatments", mod, i.confidence)
            for a in i.agents:
                t = terms.find("agent", a)
                if t is not None and not terms.is_subclass(t.iri, "https://w3id.org/sarcokg/ontology#SupportiveAgent"):
                    self.member("agents", t.label.lower(), i.confidence)
            if mod == "radiotherapy":
                if i.dose_gy is not None:
                    self.scalar("rt_dose_gy", i.dose_gy, i.confidence)
                if i.fractions is not None:
                    self.scalar("rt_fractions", i.fractions, i.confidence)

    def outcome(self, f) -> None:
        """The last outcome's status and follow-up."""
        if f.outcomes:
            last = f.outcomes[-1]
            if last.status:
                self.scalar("outcome", self.terms.get("outcome", last.status).summary_key, last.confidence)
            if last.months is not None:
                self.scalar("follow_up_months", last.months, last.confidence)


def judgements(splits=("seeds", "dev")) -> list[tuple[str, float, bool]]:
    """(slot, confidence, right) for every fact of the case summary on the corpus."""
    sc = _score_module()
    terms = load_terms()
    out: list[tuple[str, float, bool]] = []
    for split in splits:
        for path in sorted((CORPUS / split).glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            f = extract(text, report_id=path.stem, source_file=path.name,
                        source_sha256=hashlib.sha256(text.encode()).hexdigest(), terms=terms)
            gv = sc.gold_view(json.loads((CORPUS / split / f"{path.stem}.gold.json").read_text(encoding="utf-8")))
            judge = _Judge(sc, terms, gv, out)
            judge.tumour_and_patient(f)
            judge.interventions(f)
            judge.outcome(f)
    return out


def table(js) -> list[tuple[str, int, int, float]]:
    rows = []
    for lo, hi in BANDS:
        sel = [ok for _, c, ok in js if lo <= c < hi]
        n, r = len(sel), sum(sel)
        rows.append((f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", n, r, r / n if n else float("nan")))
    return rows


def test_high_confidence_facts_are_right_95_percent():
    js = judgements()
    rows = table(js)
    n, right = rows[0][1], rows[0][2]
    assert n >= 100, rows
    assert right / n >= 0.95, rows
    # and confidence orders correctness: the top band is no worse than the rest
    rest = [ok for _, c, ok in js if c < 0.9]
    assert right / n >= sum(rest) / max(1, len(rest)), rows


if __name__ == "__main__":
    js = judgements(tuple(sys.argv[1:]) or ("seeds", "dev"))
    print("| confidence | facts | right | precision |\n|---|---|---|---|")
    for band, n, r, p in table(js):
        print(f"| {band} | {n} | {r} | {p:.3f} |")
    by = defaultdict(lambda: [0, 0])
    for slot, c, ok in js:
        k = (slot, round(c, 2))
        by[k][0] += 1
        by[k][1] += ok
    print("\nslot confidence facts right")
    for (slot, c), (n, r) in sorted(by.items()):
        print(f"{slot:18} {c:4.2f} {n:4} {r:4}")
