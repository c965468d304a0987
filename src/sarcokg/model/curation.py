"""Curator corrections: a record in the gold schema laid over a machine draft.

A curator writes what the report really says in the slots of
../shared/corpus/SCHEMA.md (one JSON file per report, graph/curation/<id>.json).
Each slot present in the record replaces the draft's facts for that slot; facts
the curator confirms keep the draft's evidence, facts the curator adds are
marked method=curator and get evidence where their mention is found in the
text. Slots the record leaves out keep the draft as it is. The result is a
curated report: ingest will not overwrite it without --force.
"""
from __future__ import annotations

import json
import re
from copy import deepcopy
from pathlib import Path
from typing import Any

from sarcokg.model import facts as F
from sarcokg.model.terms import Term, Terms

LIST_SLOTS = ("vertebral_levels", "sites", "metastatic_sites", "treatments", "agents")
KNOWN = {"id", "source_url", "metadata", "patient", "tumour_type", "grade", "radiotherapy",
         "outcome", "notes", *LIST_SLOTS, *(s + "_optional" for s in LIST_SLOTS)}


class CurationError(ValueError):
    pass


def load_record(path: Path) -> dict:
    """The record in a curation file; a one-line CurationError naming the file
    when it cannot be one (unreadable, a folder, not UTF-8, not JSON, unknown slots)."""
    if path.is_dir():
        raise CurationError(f"{path}: a folder, not a curation record (a JSON file)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CurationError(f"{path}: cannot read this curation record ({e.strerror or e})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CurationError(f"{path}: not UTF-8 text (byte {e.start}): a curation record is JSON in UTF-8") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        raise CurationError(f"{path}:{e.lineno}: not valid JSON: {e.msg}") from None
    if not isinstance(record, dict):
        raise CurationError(f"{path}: a curation record is a JSON object")
    unknown = sorted(set(record) - KNOWN)
    if unknown:
        raise CurationError(f"{path}: unknown slot {unknown[0]!r} (see SCHEMA.md)")
    return record


def _find(text: str, forms: list[str], case: bool = False) -> F.Span | None:
    best = None
    for form in forms:
        if not form:
            continue
        pat = r"(?<![A-Za-z0-9])" + re.escape(form) + r"(?![A-Za-z0-9])"
        m = re.search(pat, text, 0 if case else re.IGNORECASE)
        if m and (best is None or m.start() < best.start):
            best = F.Span(m.start(), m.end(), m.group(0))
    return best


def _forms(term: Term) -> list[str]:
    return [term.label, term.key, *term.synonyms]


def _spans(text: str, forms: list[str], case: bool = False) -> list[F.Span]:
    s = _find(text, forms, case)
    return [s] if s else []


class Curator:
    def __init__(self, terms: Terms, text: str):
        self.terms, self.text = terms, text

    def value(self, old: F.Value | None, new: Any, forms: list[str]) -> F.Value | None:
        if new is None:
            return None
        if old is not None and old.value == new:
            return old
        return F.Value(new, spans=_spans(self.text, forms), method=F.CURATOR, confidence=1.0)

    def apply(self, draft: F.CaseFacts, rec: dict) -> F.CaseFacts:
        f = deepcopy(draft)
        T, text = self.terms, self.text
        f.curated = True
        md = rec.get("metadata") or {}
        for slot, attr in (("title", "title"), ("year", "year"), ("pmid", "pmid"), ("doi", "doi")):
            if slot in md:
                new = md[slot]
                if slot == "doi" and new:
                    new = new.lower()
                forms = [str(new)] if new is not None else []
                setattr(f.metadata, attr, self.value(getattr(f.metadata, attr), new, forms))
        pt = rec.get("patient") or {}
        if "age_years" in pt:
            a = pt["age_years"]
            f.age = self.value(f.age, a, [f"{a}-year-old", f"{a} year old", f"{a}-year", f"aged {a}", str(a)]
                               if a is not None else [])
        if "sex" in pt:
            sx = pt["sex"]
            sex_forms = {"female": ["woman", "female", "girl", "lady"], "male": ["man", "male", "boy", "gentleman"]}
            f.sex = self.value(f.sex, sx, sex_forms.get(sx, []))
        if "tumour_type" in rec:
            codes = rec["tumour_type"] or []
            types = []
            for code in codes[:1]:
                term = T.find("tumour", code) or T.find("tumour", str(code).lower())
                if term is None:
                    raise CurationError(f"tumour type {code!r} is not in the ontology")
                old = next((v for v in f.tumour.types if v.value == term.key), None)
                types.append(old or F.Value(term.key, spans=_spans(text, _forms(term) + term.abbreviations),
                                            method=F.CURATOR, confidence=1.0))
            f.tumour.types = types
        if "grade" in rec:
            g = rec["grade"]
            f.tumour.grade = self.value(f.tumour.grade, g, [f"{g} grade", f"{g}-grade"] if g else [])
        if "vertebral_levels" in rec:
            f.tumour.levels = self._levels(f, rec)
        if "sites" in rec:
            f.tumour.sites = self._sites(f, rec)
        if "treatments" in rec or "agents" in rec or "radiotherapy" in rec:
            f.interventions = self._interventions(f, rec)
        if "outcome" in rec:
            f.outcomes = self._outcomes(f, rec["outcome"] or {})
        return f

    def _levels(self, f: F.CaseFacts, rec: dict) -> list[F.LevelFact]:
        wanted = [str(v) for v in rec.get("vertebral_levels") or []]
        metastatic_col = "vertebral column" in (rec.get("metastatic_sites") or [])
        out = []
        for v in wanted:
            term = self.terms.find("vertebra", v) or self.terms.find("vertebra", v + "1")
            if term is None:
                raise CurationError(f"vertebral level {v!r} is not a vertebra of the ontology")
            old = next((x for x in f.tumour.levels if x.vertebra == term.key), None)
            if old:
                old.metastatic = metastatic_col
                out.append(old)
            else:
                out.append(F.LevelFact(term.key, metastatic=metastatic_col, method=F.CURATOR, confidence=1.0,
                                       spans=_spans(self.text, [term.key], case=True)))
        return out

    def _sites(self, f: F.CaseFacts, rec: dict) -> list[F.SiteFact]:
        meta = set(rec.get("metastatic_sites") or [])
        out = []
        for key in rec.get("sites") or []:
            term = self.terms.find("site", key)
            if term is None:
                raise CurationError(f"site {key!r} is not a site of the ontology")
            olds = [x for x in f.tumour.sites if x.site == key]
            m = key in meta
            if olds:
                kept = deepcopy(olds[0])
                kept.metastatic = m
                kept.spans = sorted({s for o in olds for s in o.spans})
                out.append(kept)
            else:
                out.append(F.SiteFact(key, metastatic=m, method=F.CURATOR, confidence=1.0,
                                      spans=_spans(self.text, _forms(term))))
        return out

    def _interventions(self, f: F.CaseFacts, rec: dict) -> list[F.InterventionFact]:
        T = self.terms
        modalities = rec.get("treatments")
        agents = rec.get("agents")
        rt = rec.get("radiotherapy") or {}
        out = []
        for iv in deepcopy(f.interventions):
            mod = T.get("intervention", iv.kind).summary_key
            if modalities is not None and mod is not None and mod not in modalities:
                continue
            if agents is not None:
                iv.agents = [a for a in iv.agents if a in agents]
                iv.doses = [d for d in iv.doses if d.agent in agents]
            out.append(iv)
        have = {T.get("intervention", iv.kind).summary_key for iv in out}
        given = {a for iv in out for a in iv.agents}
        for a in agents or []:
            if a in given:
                continue
            term = T.find("agent", a)
            if term is None:
                raise CurationError(f"agent {a!r} is not a drug of the ontology")
            mod = _agent_modality(T, term)
            host = next((iv for iv in out if T.get("intervention", iv.kind).summary_key == mod), None)
            if host is None:
                host = F.InterventionFact(mod, method=F.CURATOR, confidence=1.0,
                                          spans=_spans(self.text, _forms(T.get("intervention", mod))))
                out.append(host)
                have.add(mod)
            host.agents.append(a)
            sp = _spans(self.text, _forms(term))
            host.spans = sorted(set(host.spans) | set(sp))
        for mod in modalities or []:
            if mod not in have:
                term = T.find("intervention", mod)
                if term is None:
                    raise CurationError(f"treatment {mod!r} is not an intervention of the ontology")
                out.append(F.InterventionFact(mod, method=F.CURATOR, confidence=1.0,
                                              spans=_spans(self.text, _forms(term) + term.abbreviations)))
        if "radiotherapy" in rec:
            rts = [iv for iv in out if T.get("intervention", iv.kind).summary_key == "radiotherapy"]
            if rts:
                rts[0].dose_gy = rt.get("dose_gy")
                rts[0].fractions = rt.get("fractions")
                for other in rts[1:]:
                    other.dose_gy = other.fractions = None
        return out

    def _outcomes(self, f: F.CaseFacts, oc: dict) -> list[F.OutcomeFact]:
        status, months = oc.get("status"), oc.get("follow_up_months")
        outs = deepcopy(f.outcomes)
        if status is None and months is None:
            return outs
        if status is not None and self.terms.find("outcome", status) is None:
            raise CurationError(f"outcome status {status!r} is not in the ontology")
        last = outs[-1] if outs else None
        if last and _status_key(self.terms, last.status) == status and (months is None or last.months == months):
            if months is not None:
                last.months = months
            return outs
        forms = _forms(self.terms.get("outcome", status)) if status else []
        new = F.OutcomeFact(status=status, months=months, method=F.CURATOR, confidence=1.0,
                            since=last.since if last else None, spans=_spans(self.text, forms))
        # The curated status is the last follow-up: drop draft observations at or after it.
        outs = [o for o in outs if o.months is not None and months is not None and o.months < months]
        return outs + [new]


def _status_key(terms: Terms, status: str | None) -> str | None:
    if status is None:
        return None
    t = terms.find("outcome", status)
    return t.summary_key if t else None


def _agent_modality(terms: Terms, agent: Term) -> str:
    for parent in agent.parents:
        label = parent.rsplit("#", 1)[-1]
        mod = {"ChemotherapyAgent": "chemotherapy", "TargetedAgent": "targeted therapy",
               "ImmunotherapyAgent": "immunotherapy", "HormonalAgent": "hormone therapy"}.get(label)
        if mod:
            return mod
    return "chemotherapy"
