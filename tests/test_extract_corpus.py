"""The extractor against the shared gold corpus: spans valid, per-slot F1 above a floor.

The corpus lives outside the repository (../shared/corpus); the test skips when
it is absent. Scoring uses ../shared/tools/score.py's own normalisation.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
from collections import defaultdict
from pathlib import Path

import pytest

from sarcokg.extract import extract
from sarcokg.model.terms import load_terms

SHARED = Path(__file__).parents[1] / ".." / "shared"
CORPUS = SHARED / "corpus"
SCORE_PY = SHARED / "tools" / "score.py"
FLOOR_SLOT = 0.85
# measured on the 40-report dev corpus after issue #15: micro 0.987 (every slot >= 0.95); the floor
# leaves a small margin for changes elsewhere, not room to slide
FLOOR_MICRO = 0.97

pytestmark = pytest.mark.skipif(not (CORPUS.is_dir() and SCORE_PY.is_file()), reason="shared corpus not present")


def _score_module():
    spec = importlib.util.spec_from_file_location("sarcokg_shared_score", SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def summary_row(f, terms) -> dict:
    """The case-summary slots of one CaseFacts, as the scorer reads them."""
    sk = lambda k: terms.get("site", k).summary_key or k  # noqa: E731
    md = f.metadata
    treat, agents = [], []
    for i in f.interventions:
        s = terms.get("intervention", i.kind).summary_key
        if s and s not in treat:
            treat.append(s)
        agents += [a for a in i.agents if a not in agents]
    rt = [i for i in f.interventions if terms.get("intervention", i.kind).summary_key == "radiotherapy"]
    last = f.outcomes[-1] if f.outcomes else None
    return {
        "pmid": md.pmid.value if md.pmid else None,
        "doi": md.doi.value if md.doi else None,
        "year": md.year.value if md.year else None,
        "age": f.age.value if f.age else None,
        "sex": f.sex.value if f.sex else None,
        "tumour_type": f.tumour.types[0].value if f.tumour.types else None,
        "grade": f.tumour.grade.value if f.tumour.grade else None,
        "vertebral_levels": "|".join(lv.vertebra for lv in f.tumour.levels),
        "sites": "|".join(dict.fromkeys(sk(s.site) for s in f.tumour.sites)),
        "metastatic_sites": "|".join(dict.fromkeys(sk(s.site) for s in f.tumour.sites if s.metastatic)),
        "treatments": "|".join(treat),
        "agents": "|".join(agents),
        "rt_dose_gy": next((i.dose_gy for i in rt if i.dose_gy), None),
        "rt_fractions": next((i.fractions for i in rt if i.fractions), None),
        "outcome": terms.get("outcome", last.status).summary_key if last and last.status else None,
        "follow_up_months": last.months if last else None,
    }


def _f1(t, f, m):
    p = t / (t + f) if t + f else 1.0
    r = t / (t + m) if t + m else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


@pytest.mark.parametrize("split", ["seeds", "dev"])
def test_corpus_floor(split):
    sc = _score_module()
    terms = load_terms()
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    texts = sorted((CORPUS / split).glob("*.txt"))
    assert texts
    for path in texts:
        text = path.read_text(encoding="utf-8")
        rid = path.stem
        f = extract(text, report_id=rid, source_file=path.name,
                    source_sha256=hashlib.sha256(text.encode()).hexdigest(), terms=terms)
        for group in ([f.age, f.sex, f.tumour.grade] + f.tumour.types + f.tumour.sites + f.tumour.levels
                      + f.interventions + f.outcomes):
            for sp in (group.spans if group is not None else []):
                assert text[sp.start:sp.end] == sp.text, (rid, sp)
        gv = sc.gold_view(json.loads((CORPUS / split / f"{rid}.gold.json").read_text(encoding="utf-8")))
        row = summary_row(f, terms)
        for slot in sc.SCALARS:
            g = gv[slot] or None if slot == "tumour_type" else gv[slot]
            if g is not None and slot != "tumour_type":
                g = sc.norm_scalar(slot, g)
            p = sc.norm_scalar(slot, row.get(slot))
            if g is None and p is None:
                continue
            if g is not None and p is not None and sc.scalar_match(slot, g, p):
                tp[slot] += 1
                continue
            fn[slot] += g is not None
            fp[slot] += p is not None
        for slot in sc.SETS:
            g, opt = gv[slot], gv[slot + "_optional"]
            p = sc.norm_set(slot, row.get(slot))
            tp[slot] += len(g & p)
            fn[slot] += len(g - p)
            fp[slot] += len(p - g - opt)
    low = {s: round(_f1(tp[s], fp[s], fn[s]), 3) for s in sc.SCALARS + sc.SETS
           if _f1(tp[s], fp[s], fn[s]) < FLOOR_SLOT}
    assert not low, f"slots below {FLOOR_SLOT}: {low}"
    micro = _f1(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    assert micro >= FLOOR_MICRO, micro
