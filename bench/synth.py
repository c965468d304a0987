#!/usr/bin/env python3
"""Synthetic corpora for the benchmark: N report texts and N report graphs.

Each synthetic case is drawn at random (seeded) from the ontology's terms,
written out as a short case-report text of our own wording, and turned into
a report graph in the project's model with evidence offsets into that text.
About 1% of the graphs carry a planted violation (age 150, a dose of 0 Gy,
0 fractions, negative follow-up), so validation has something to find.

    python bench/synth.py N OUT        # OUT/texts/*.txt and OUT/graph/*.ttl
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sarcokg.model import facts as F
from sarcokg.model.namespaces import SKO
from sarcokg.model.rdf import report_turtle
from sarcokg.model.terms import load_terms

SYMPTOMS = ["back pain", "a painless swelling", "leg weakness", "numbness", "a growing mass", "cough", "fatigue"]
SURGERY = ["resection", "en bloc resection", "total en bloc spondylectomy", "corpectomy", "debulking",
           "posterior stabilization/instrumentation", "amputation", "intralesional excision"]
STATUS = ["no evidence of disease", "stable disease", "partial response", "progressive disease", "recurrence",
          "death", "alive with disease"]
VIOLATIONS = ["age", "dose", "fractions", "follow-up"]


class Text:
    """Builds a text and records the span of every fact mention."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.n += len(s)

    def mention(self, s: str) -> F.Span:
        span = F.Span(self.n, self.n + len(s), s)
        self.add(s)
        return span

    def value(self) -> str:
        return "".join(self.parts)


def synth_case(i: int, seed: int = 7) -> tuple[str, str, str]:
    """(report id, text, turtle) of synthetic case i."""
    rng = random.Random(seed * 1_000_003 + i)
    T = load_terms()
    sarcomas = sorted(t.key for t in T.by_axis["tumour"].values() if T.is_subclass(t.iri, SKO + "Sarcoma"))
    sites = sorted(k for k, t in T.by_axis["site"].items() if t.summary_key == k and k != "vertebral column")
    agents = sorted(k for k, t in T.by_axis["agent"].items() if SKO + "ChemotherapyAgent" in t.parents)
    vertebrae = T.vertebrae()
    rid = f"synth-{i:06d}"
    t = Text()
    t.add(f"Synthetic case report {i}\n\n")
    age, sex = rng.randint(1, 89), rng.choice(["female", "male"])
    noun = {"female": "woman", "male": "man"}[sex]
    t.add("A ")
    age_span = t.mention(f"{age}-year-old {noun}")
    symptom = rng.choice(SYMPTOMS)
    t.add(" came to clinic with ")
    sym_span = t.mention(symptom)
    months = rng.randint(1, 24)
    t.add(f" for {months} months. ")
    code = rng.choice(sarcomas)
    tt = T.get("tumour", code)
    t.add("Histology showed ")
    type_span = t.mention(tt.label.lower())
    t.add(". ")
    f = F.CaseFacts(rid, f"{rid}.txt", "")
    f.age = F.Value(age, spans=[age_span])
    f.sex = F.Value(sex, spans=[age_span])
    f.symptoms = [F.Symptom(symptom, duration_months=float(months), spans=[sym_span])]
    f.tumour.types = [F.Value(code, spans=[type_span])]
    if rng.random() < 0.5:
        start = rng.randint(0, 30)
        n = rng.randint(1, 3)
        levels = [v.key for v in vertebrae[start:start + n]]
        t.add("Imaging found the lesion at ")
        for j, lv in enumerate(levels):
            if j:
                t.add(" and ")
            f.tumour.levels.append(F.LevelFact(lv, spans=[t.mention(lv)]))
        t.add(". ")
        col = "sacrum" if levels[0].startswith("S") else "vertebral column"
        f.tumour.sites.append(F.SiteFact(col, spans=f.tumour.levels[0].spans))
    for s in rng.sample(sites, rng.randint(1, 2)):
        meta = rng.random() < 0.3
        t.add("There was " + ("metastatic disease in the " if meta else "tumour in the "))
        f.tumour.sites.append(F.SiteFact(s, metastatic=meta, spans=[t.mention(T.get("site", s).label)]))
        t.add(". ")
    kind = rng.choice(SURGERY)
    t.add("The patient underwent ")
    f.interventions.append(F.InterventionFact(kind, spans=[t.mention(kind)]))
    t.add(". ")
    if rng.random() < 0.5:
        dose, fx = float(rng.choice([20, 30, 45, 50, 60, 66])), rng.choice([5, 10, 15, 25, 30, 33])
        t.add("Radiotherapy followed, ")
        rt_span = t.mention(f"{dose:g} Gy in {fx} fractions")
        t.add(". ")
        f.interventions.append(F.InterventionFact("radiotherapy", dose_gy=dose, fractions=fx, spans=[rt_span]))
    if rng.random() < 0.5:
        chosen = rng.sample(agents, rng.randint(1, 3))
        cycles = rng.randint(2, 8)
        t.add("Chemotherapy with ")
        spans = []
        for j, a in enumerate(chosen):
            if j:
                t.add(" and ")
            spans.append(t.mention(a))
        t.add(f" was given for {cycles} cycles. ")
        f.interventions.append(F.InterventionFact("chemotherapy", agents=chosen, cycles=cycles, spans=spans))
    m = 0
    for _ in range(rng.randint(1, 3)):
        m += rng.randint(3, 30)
        status = rng.choice(STATUS)
        t.add(f"At {m} months the patient had ")
        f.outcomes.append(F.OutcomeFact(status=status, months=float(m), since="diagnosis", spans=[t.mention(status)]))
        t.add(". ")
    if rng.random() < 0.01:
        bad = rng.choice(VIOLATIONS)
        if bad == "age":
            f.age = F.Value(150, spans=[age_span])
        elif bad == "dose":
            f.interventions.append(F.InterventionFact("radiotherapy", dose_gy=0.0))
        elif bad == "fractions":
            f.interventions.append(F.InterventionFact("radiotherapy", fractions=0))
        else:
            f.outcomes.append(F.OutcomeFact(status="recurrence", months=-3.0))
    f.metadata.pmid = F.Value(str(40_000_000 + i))
    f.metadata.doi = F.Value(f"10.5555/synth.{i}")
    f.metadata.year = F.Value(rng.randint(1990, 2025))
    text = t.value() + "\n"
    f.source_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return rid, text, report_turtle(f, T)


def _write(args) -> None:
    lo, hi, out, seed = args
    for i in range(lo, hi):
        rid, text, ttl = synth_case(i, seed)
        (out / "texts" / f"{rid}.txt").write_text(text, encoding="utf-8")
        (out / "graph" / f"{rid}.ttl").write_text(ttl, encoding="utf-8")


def generate(n: int, out: Path, jobs: int = os.cpu_count() or 1, seed: int = 7) -> None:
    (out / "texts").mkdir(parents=True, exist_ok=True)
    (out / "graph").mkdir(parents=True, exist_ok=True)
    step = 2000
    tasks = [(lo, min(n, lo + step), out, seed) for lo in range(0, n, step)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_write, tasks))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    generate(a.n, a.out, seed=a.seed)
    print(f"wrote {a.n} texts and graphs to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
