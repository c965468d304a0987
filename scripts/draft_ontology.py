#!/usr/bin/env python3
"""Draft the term sections of ontology/sarcokg.ttl from ../shared/vocab/*.tsv.

This was run once to bootstrap the ontology; since then ontology/sarcokg.ttl is
the hand-edited source of truth. Re-running it prints a fresh draft to stdout
(never overwrites the ontology) so that a curator can diff new vocabulary rows
against the ontology and copy what they want.

Every identifier written here is read from a vocab table; an empty cell gives no
cross-reference. Terms the tables lack (some agents, sites, hormonal therapy)
are listed in EXTRA_* below with a label only and no identifier.

    python scripts/draft_ontology.py ../shared/vocab > /tmp/draft.ttl
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

# OncoTree names that contain "sarcoma" but are carcinomas (vocab/sources.md).
NOT_SARCOMA = {"SCB", "CSNOS", "MCS", "SCCRCC", "SRCC", "SARCL", "OCS", "PLSMESO", "UCS"}
# Malignant mesenchymal types without "sarcoma" in the OncoTree name.
SARCOMA_NAMED = {"CHDM", "MPNST", "GIST", "DSRCT", "EHAE"}
# OncoTree tissue roots are categories, not tumour names.
ROOT_NAMES = {"BONE": "BoneTumour", "SOFT_TISSUE": "SoftTissueTumour"}
ROOT_LABELS = {"BONE": "bone tumour", "SOFT_TISSUE": "soft tissue tumour"}

# Terms no vocab table gives: label, parent, synonyms. No identifiers.
EXTRA_TUMOURS = [("KaposiSarcoma", "Kaposi sarcoma", "Sarcoma", "Kaposi's sarcoma")]
EXTRA_AGENTS = [
    ("erlotinib", "targeted therapy", "Tarceva"),
    ("aldesleukin", "immunotherapy", "interleukin-2;interleukin 2;IL-2;Proleukin"),
    ("interferon alfa-2b", "immunotherapy",
     "interferon alpha-2b;interferon-alpha-2b;interferon-α-2b;interferon α-2b;IFN-α-2b;IFN-alpha;"
     "interferon alfa;Intron A"),
    ("vinorelbine", "chemotherapy", "Navelbine"),
    ("vinblastine", "chemotherapy", "Velban"),
    ("bleomycin", "chemotherapy", "Blenoxane"),
    ("topotecan", "chemotherapy", "Hycamtin"),
    ("mitomycin", "chemotherapy", "mitomycin C"),
    ("sorafenib", "targeted therapy", "Nexavar"),
    ("everolimus", "targeted therapy", "Afinitor"),
    ("sirolimus", "targeted therapy", "rapamycin"),
    ("apatinib", "targeted therapy", "rivoceranib"),
    ("crizotinib", "targeted therapy", "Xalkori"),
    ("denosumab", "targeted therapy", "Xgeva"),
    ("ipilimumab", "immunotherapy", "Yervoy"),
    ("medroxyprogesterone", "hormonal therapy", "medroxyprogesterone acetate;MPA"),
    ("megestrol", "hormonal therapy", "megestrol acetate"),
    ("letrozole", "hormonal therapy", "Femara"),
    ("tamoxifen", "hormonal therapy", "Nolvadex"),
]
EXTRA_SITES = [
    ("vagina", "vaginal;vaginal stump;vaginal vault"),
    ("foot", "sole of the foot;sole;heel"),
    ("hand", "finger;palm"),
    ("thyroid", "thyroid gland"),
    ("adrenal gland", "adrenal"),
    ("pancreas", "pancreatic"),
    ("spleen", "splenic"),
    ("ovary", "ovarian;ovaries"),
]
EXTRA_INTERVENTIONS = [
    ("hormonal therapy", None, "hormone therapy;endocrine therapy;antihormonal therapy"),
    ("hysterectomy", "surgery", "total hysterectomy;abdominal hysterectomy"),
    ("carbon-ion radiotherapy", "external beam radiotherapy",
     "carbon ion radiotherapy;carbon-ion radiation therapy;C-ion RT;C-ion radiotherapy;heavy ion radiotherapy"),
]
SUMMARY_MODALITIES = {"surgery", "radiotherapy", "chemotherapy", "targeted therapy",
                      "immunotherapy", "hormonal therapy", "embolization"}
SUMMARY_STATUS = {"no evidence of disease", "stable disease", "partial response",
                  "progressive disease", "recurrence", "death", "alive with disease"}
# Fine statuses that the case summary reports as a coarser one (SCHEMA.md).
STATUS_PARENT = {"complete response": "no evidence of disease",
                 "local recurrence": "recurrence",
                 "distant metastasis": "progressive disease"}
AGENT_CLASS = {"chemotherapy": "ChemotherapyAgent", "targeted therapy": "TargetedAgent",
               "immunotherapy": "ImmunotherapyAgent", "hormonal therapy": "HormonalAgent",
               "supportive": "SupportiveAgent"}


def camel(text: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", text)
    out = "".join(w[:1].upper() + w[1:] for w in words if w)
    return out if not out[:1].isdigit() else "N" + out


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rows(vocab: Path, name: str) -> list[dict]:
    with open(vocab / name, encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh, delimiter="\t")]


def term(iri: str, parents: list[str], label: str, definition: str, extra: list[str]) -> str:
    lines = [f"sko:{iri} a owl:Class ;"]
    for p in parents:
        lines.append(f"    rdfs:subClassOf {p} ;")
    lines.append(f"    rdfs:label {lit(label)}@en ;")
    lines.append(f"    skos:definition {lit(definition)}@en ;")
    lines.extend(f"    {e} ;" for e in extra)
    lines[-1] = lines[-1][:-2] + " ."
    return "\n".join(lines)


def banner(title: str) -> str:
    rule = "#" * 65
    return f"{rule}\n# {title}\n{rule}"


def synonyms(cell: str) -> list[str]:
    return [f"oboInOwl:hasExactSynonym {lit(s.strip())}" for s in cell.split(";") if s.strip()]


def tumour_types(vocab: Path) -> list[str]:
    out: list[str] = []
    onco = rows(vocab, "oncotree.tsv")
    codes = {r["code"] for r in onco}
    iri_of: dict[str, str] = {}
    for r in onco:
        iri_of[r["code"]] = ROOT_NAMES.get(r["code"]) or camel(r["name"].split("/")[0])
    assert len(set(iri_of.values())) == len(iri_of), "tumour IRIs clash"
    out.append(banner("Tumour types (OncoTree)"))
    for r in onco:
        code = r["code"]
        parents = []
        if r["parent_code"] in codes:
            parents.append(f"sko:{iri_of[r['parent_code']]}")
        else:
            parents.append("sko:Tumour")
        name = r["name"]
        sarcoma = (("sarcoma" in name.lower() and code not in NOT_SARCOMA) or code in SARCOMA_NAMED)
        if sarcoma:
            parents.append("sko:Sarcoma")
        label = ROOT_LABELS.get(code, name.split("/")[0].strip())
        extra = [f"sko:oncotreeCode {lit(code)}"]
        if r["parent_code"] not in codes:
            extra.append(f"sko:oncotreeParent {lit(r['parent_code'])}")
        for alt in name.split("/")[1:]:
            extra.append(f"oboInOwl:hasExactSynonym {lit(alt.strip())}")
        if r["ncit"]:
            extra.append(f"oboInOwl:hasDbXref {lit('NCIT:' + r['ncit'])}")
            extra.append(f"skos:exactMatch obo:NCIT_{r['ncit']}")
        if r["umls"] and not r["umls"].startswith("CL"):
            extra.append(f"oboInOwl:hasDbXref {lit('UMLS:' + r['umls'])}")
        if r["icdo_morphology"]:
            extra.append(f"sko:icdoMorphology {lit(r['icdo_morphology'])}")
        if r["icdo_topography"]:
            extra.append(f"sko:icdoTopography {lit(r['icdo_topography'])}")
        extra.append(f"oboInOwl:hasDbXref {lit('ONCOTREE:' + code)}")
        definition = f"A tumour of the OncoTree type {name} ({code}, tissue {r['tissue']})."
        out.append(term(iri_of[code], sorted(set(parents)), label, definition, extra))
    for iri, label, parent, syn in EXTRA_TUMOURS:
        out.append(term(iri, [f"sko:{parent}"], label, f"A tumour of the type {label}; no OncoTree code.",
                        synonyms(syn)))
    return out


def sites(vocab: Path) -> list[str]:
    out: list[str] = []
    out.append(banner("Anatomic sites (coarse site vocabulary)"))
    vert = {r["notation"]: r for r in rows(vocab, "vertebrae.tsv")}
    site_iri = {}
    for r in rows(vocab, "sites.tsv"):
        iri = camel(r["key"])
        site_iri[r["key"]] = iri
        extra = [f"sko:summaryKey {lit(r['key'])}"] + synonyms(r["synonyms"])
        if r["uberon"]:
            extra.append(f"oboInOwl:hasDbXref {lit(r['uberon'])}")
            extra.append(f"skos:exactMatch obo:{r['uberon'].replace(':', '_')}")
        if r["ncit"]:
            extra.append(f"oboInOwl:hasDbXref {lit('NCIT:' + r['ncit'])}")
        if r["icdo_topography"]:
            extra.append(f"sko:icdoTopography {lit(r['icdo_topography'])}")
        if r["key"] == "vertebral column":
            extra.append(f"oboInOwl:hasDbXref {lit(vert['spine']['fma'])}")
        if r["key"] == "sacrum":
            extra.append(f"oboInOwl:hasDbXref {lit(vert['sacrum']['fma'])}")
        parents = ["sko:AnatomicalSite"]
        if r["key"] == "sacrum":
            parents.append("[ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ; "
                           "owl:someValuesFrom sko:VertebralColumn ]")
        out.append(term(iri, parents, r["label"], f"The {r['label']}, as a site a tumour involves.", extra))
    for key, syn in EXTRA_SITES:
        out.append(term(camel(key), ["sko:AnatomicalSite"], key,
                        f"The {key}, as a site a tumour involves; no identifier verified.",
                        [f"sko:summaryKey {lit(key)}"] + synonyms(syn)))
    return out


def vertebrae(vocab: Path) -> list[str]:
    out: list[str] = []
    vert = {r["notation"]: r for r in rows(vocab, "vertebrae.tsv")}
    out.append(banner("Vertebrae, ordered, part of their region"))
    region_iri = {"cervical": "CervicalSpine", "thoracic": "ThoracicSpine", "lumbar": "LumbarSpine",
                  "sacral": "Sacrum", "coccygeal": "Coccyx"}
    group_iri = {"C": "CervicalVertebra", "T": "ThoracicVertebra", "L": "LumbarVertebra",
                 "S": "SacralVertebra", "coccygeal vertebra": "CoccygealVertebra"}
    region_group = {"cervical": "CervicalVertebra", "thoracic": "ThoracicVertebra", "lumbar": "LumbarVertebra",
                    "sacral": "SacralVertebra", "coccygeal": "CoccygealVertebra"}

    def xrefs(r: dict) -> list[str]:
        x = []
        if r["uberon"]:
            x += [f"oboInOwl:hasDbXref {lit(r['uberon'])}", f"skos:exactMatch obo:{r['uberon'].replace(':', '_')}"]
        if r["fma"]:
            x.append(f"oboInOwl:hasDbXref {lit(r['fma'])}")
        if r["ncit"]:
            x.append(f"oboInOwl:hasDbXref {lit('NCIT:' + r['ncit'])}")
        return x

    part_of = "[ a owl:Restriction ; owl:onProperty obo:BFO_0000050 ; owl:someValuesFrom sko:{} ]"
    out.append(term("Vertebra", ["sko:AnatomicalSite", part_of.format("VertebralColumn")], "vertebra",
                    "One bone of the vertebral column.", xrefs(vert["vertebra"])))
    for key in ("C-spine", "T-spine", "L-spine"):
        r = vert[key]
        out.append(term(region_iri[r["region"]], ["sko:AnatomicalSite", part_of.format("VertebralColumn")], r["label"],
                        f"The {r['label']}: the {r['region']} vertebrae together.", xrefs(r)))
    r = vert["Co"]
    out.append(term("Coccyx", ["sko:AnatomicalSite", part_of.format("VertebralColumn")], "coccyx",
                    "The coccyx: the fused coccygeal vertebrae at the lower end of the vertebral column.",
                    xrefs(r) + ['skos:notation "Co"']))
    for key, iri in group_iri.items():
        r = vert[key]
        region = r["region"]
        out.append(term(iri, ["sko:Vertebra", part_of.format(region_iri[region])], r["label"],
                        f"A vertebra of the {region} region.", xrefs(r)))
    ordered = sorted((r for r in vert.values() if r["order"]), key=lambda r: int(r["order"]))
    for i, r in enumerate(ordered):
        extra = [f"skos:notation {lit(r['notation'])}", f"sko:spineOrder {int(r['order'])}"]
        if i + 1 < len(ordered):
            extra.append(f"sko:nextVertebra sko:{ordered[i + 1]['notation']}")
        extra += xrefs(r)
        out.append(term(r["notation"], [f"sko:{region_group[r['region']]}"], r["label"],
                        f"The vertebra {r['notation']}, number {int(r['order'])} of 33 counted from the skull.", extra))
    return out


def interventions(vocab: Path) -> list[str]:
    out: list[str] = []
    out.append(banner("Interventions"))
    inter = rows(vocab, "interventions.tsv")
    inter += [{"key": k, "label": k, "parent_key": p or "", "ncit": "", "snomed": "", "maxo": "", "synonyms": s}
              for k, p, s in EXTRA_INTERVENTIONS]
    for r in inter:
        parent = f"sko:{camel(r['parent_key'])}" if r["parent_key"] else "sko:Intervention"
        extra = synonyms(r["synonyms"])
        if r["key"] in SUMMARY_MODALITIES:
            extra.insert(0, f"sko:summaryKey {lit(r['key'])}")
        if r.get("ncit"):
            extra.append(f"oboInOwl:hasDbXref {lit('NCIT:' + r['ncit'])}")
        if r.get("snomed"):
            extra.append(f"oboInOwl:hasDbXref {lit('SCTID:' + r['snomed'])}")
        if r.get("maxo"):
            extra += [f"oboInOwl:hasDbXref {lit(r['maxo'])}", f"skos:exactMatch obo:{r['maxo'].replace(':', '_')}"]
        out.append(term(camel(r["key"]), [parent], r["label"], f"An intervention of the kind {r['label']}.", extra))
    return out


def agents(vocab: Path) -> list[str]:
    out: list[str] = []
    out.append(banner("Agents"))
    agents = rows(vocab, "agents.tsv")
    agents += [{"name": n, "class": c, "synonyms": s, "ncit": "", "chebi": "", "drugbank": ""}
               for n, c, s in EXTRA_AGENTS]
    for r in agents:
        extra = synonyms(r["synonyms"])
        if r["ncit"]:
            extra.append(f"oboInOwl:hasDbXref {lit('NCIT:' + r['ncit'])}")
        if r["chebi"]:
            extra += [f"oboInOwl:hasDbXref {lit(r['chebi'])}", f"skos:exactMatch obo:{r['chebi'].replace(':', '_')}"]
        if r["drugbank"]:
            extra.append(f"oboInOwl:hasDbXref {lit('DRUGBANK:' + r['drugbank'])}")
        out.append(term(camel(r["name"]), [f"sko:{AGENT_CLASS[r['class']]}"], r["name"].lower(),
                        f"The drug {r['name']}, given as {r['class']}.", extra))
    return out


def outcomes(vocab: Path) -> list[str]:
    out: list[str] = []
    out.append(banner("Outcome statuses and survival measures"))
    for r in rows(vocab, "outcomes.tsv"):
        key = r["key"]
        if r["category"] == "survival measure":
            parent = "sko:SurvivalMeasure"
        elif key in STATUS_PARENT:
            parent = f"sko:{camel(STATUS_PARENT[key])}"
        else:
            parent = "sko:OutcomeStatus"
        extra = synonyms(r["synonyms"])
        if key in SUMMARY_STATUS:
            extra.insert(0, f"sko:summaryKey {lit(key)}")
        if r["ncit"]:
            extra.append(f"oboInOwl:hasDbXref {lit('NCIT:' + r['ncit'])}")
        out.append(term(camel(key), [parent], r["label"], f"The outcome {r['label']} ({r['category']}).", extra))
    return out


def main(vocab: Path) -> None:
    out: list[str] = []
    for section in (tumour_types, sites, vertebrae, interventions, agents, outcomes):
        out += section(vocab)
    print("\n\n".join(o for o in out if o))




if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/vocab"))
