"""`sarcokg report`: the cohort site, checked against the graph it was drawn from.

The cohort is the bundled graph plus the dev corpus ingested into a scratch
folder (texts copied into KG/sources/ so the case pages can show them; the
texts stay in the scratch folder, never in the repository).
"""
from __future__ import annotations

import csv
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from sarcokg.cli import main
from sarcokg.common.files import read_report
from sarcokg.model import facts as F
from sarcokg.model.rdf import report_turtle
from sarcokg.model.terms import load_terms
from sarcokg.query import run as q
from sarcokg.store.kgstore import load

from .conftest import GRAPH, SHARED, Run, needs_shared, synth_graphs

pytestmark = needs_shared


def cli(*args) -> Run:
    """The command in this process, as a user runs it (exit code, stdout, stderr)."""
    r = CliRunner().invoke(main, [str(a) for a in args])
    return Run(r.exit_code, r.stdout, r.stderr)


def one_line(r: Run, code: int, *words: str) -> None:
    assert r.code == code, (r.code, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.err, r.err
    for w in words:
        assert w in lines[0], lines[0]


def build_dev_kg(kg: Path) -> Path:
    """The bundled graph plus the dev corpus ingested, with the texts in kg/sources/."""
    shutil.copytree(GRAPH, kg, ignore=shutil.ignore_patterns(".sarcokg"))
    (kg / "sources").mkdir()
    texts = sorted((SHARED / "corpus" / "dev").glob("*.txt"))
    for t in [*texts, *sorted((SHARED / "corpus" / "seeds").glob("*.txt"))]:
        shutil.copy(t, kg / "sources" / t.name)
    r = cli("ingest", *texts, "--kg", kg)
    assert r.code == 0, r.err
    return kg


@pytest.fixture(scope="module")
def dev_kg(tmp_path_factory) -> Path:
    return build_dev_kg(tmp_path_factory.mktemp("cohort") / "kg")


@pytest.fixture(scope="module")
def site(dev_kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "report"
    r = cli("report", "--kg", dev_kg, "-o", out)
    assert r.code == 0, r.err
    return out


def named(kg: Path, name: str, *params: str) -> list[dict]:
    kgraph = load(kg, evidence=False)
    label, text = q.resolve(name, None)
    res = q.run_kg(kg, kgraph, label, text, list(params))
    sols = res.solutions() if hasattr(res, "solutions") else res
    names = [v.value for v in sols.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in sols]


def table1(site: Path) -> dict[tuple[str, str], int]:
    with open(site / "table1.csv", encoding="utf-8") as fh:
        return {(r["characteristic"], r["category"]): int(r["n"]) for r in csv.DictReader(fh)}


def section(t: dict, title: str) -> dict[str, int]:
    return {cat: n for (s, cat), n in t.items() if s == title}


# --- Table 1 against the named queries ------------------------------------------

def test_case_count_and_tumour_types_equal_case_summary(dev_kg, site):
    rows = named(dev_kg, "case-summary")
    t = table1(site)
    assert t[("Cases", "")] == len(rows) == len(list(dev_kg.glob("*.ttl")))
    types = section(t, "Tumour type")
    by_code = {re.search(r"\((\w+)\)$", k).group(1) if k.endswith(")") else k: n for k, n in types.items()}
    expected: dict[str, int] = {}
    for r in rows:
        expected[r["tumour_type"] or "not stated"] = expected.get(r["tumour_type"] or "not stated", 0) + 1
    assert by_code == expected
    assert len(types) > 10


def test_outcomes_equal_follow_up_by_outcome(dev_kg, site):
    t = table1(site)
    got = section(t, "Outcome at last follow-up")
    fbo = {r["outcome"]: int(r["cases"]) for r in named(dev_kg, "follow-up-by-outcome")}
    n = t[("Cases", "")]
    stated = {k: v for k, v in fbo.items() if k != "not stated"}
    assert {k: v for k, v in got.items() if k != "not stated"} == stated
    assert got.get("not stated", 0) == n - sum(stated.values())
    # follow-up: median and range of case-summary's follow_up_months
    months = sorted(float(r["follow_up_months"]) for r in named(dev_kg, "case-summary") if r["follow_up_months"])
    mid = len(months) // 2
    median = months[mid] if len(months) % 2 else (months[mid - 1] + months[mid]) / 2
    with open(site / "table1.csv", encoding="utf-8") as fh:
        summary = next(r["summary"] for r in csv.DictReader(fh) if r["characteristic"] == "Follow-up")
    assert summary == f"median (range), months: {median:g} ({months[0]:g}\u2013{months[-1]:g})"
    assert section(t, "Follow-up")["stated"] == len(months) > 20


@pytest.mark.parametrize("region,klass", [("cervical", "CervicalSpine"), ("thoracic", "ThoracicSpine"),
                                          ("lumbar", "LumbarSpine"), ("sacral", "Sacrum")])
def test_regions_equal_cases_by_vertebral_level(dev_kg, site, region, klass):
    rows = named(dev_kg, "cases-by-vertebral-level", f"within=sko:{klass}")
    expected = len({r["report"] for r in rows})
    assert section(table1(site), "Vertebral levels by region").get(region, 0) == expected
    if region == "thoracic":
        assert expected > 3


def test_metastatic_sites_equal_the_by_tumour_type_query(dev_kg, site):
    summary = named(dev_kg, "case-summary")
    assert all(r["tumour_type"] for r in summary if r["metastatic_sites"])   # else the query would miss some
    expected: dict[str, int] = {}
    for r in named(dev_kg, "metastatic-sites-by-tumour-type"):
        expected[r["site"]] = expected.get(r["site"], 0) + int(r["cases"])
    got = section(table1(site), "Metastatic sites")
    assert {k: v for k, v in got.items() if k != "none stated"} == expected
    assert got["none stated"] == sum(1 for r in summary if not r["metastatic_sites"])


# --- links, highlights, curation ------------------------------------------------

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v and not re.match(r"^(https?:|#|mailto:)", v):
                self.refs.append(v)


def test_every_link_and_image_resolves(site):
    pages = [site / "index.html", site / "cases.html", *sorted((site / "cases").glob("*.html"))]
    assert len(pages) == 2 + len(list(site.glob("cases/*.html"))) > 40
    checked = 0
    for page in pages:
        p = Links()
        p.feed(page.read_text(encoding="utf-8"))
        for ref in p.refs:
            target = (page.parent / ref.split("#", 1)[0]).resolve()
            assert target.is_file(), f"{page.name}: {ref}"
            checked += 1
    case_links = re.findall(r'href="cases/([^"]+)\.html"', (site / "cases.html").read_text())
    assert len(case_links) == table1(site)[("Cases", "")]
    for name in ("spine-map", "swimmer", "survival"):
        assert (site / "figures" / f"{name}.svg").stat().st_size > 1000
        assert (site / "figures" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert checked > 200


def test_each_count_links_to_exactly_its_cases(site):
    html = (site / "index.html").read_text()
    cases = (site / "cases.html").read_text()
    rows = re.findall(r'<tr data-k="([^"]*)">\s*<td><a href="cases/([^"]+)\.html"', cases)
    links = re.findall(r'<a href="cases\.html#(k\d+)"[^>]*>(\d+)</a>', html)
    assert len(links) > 50
    for key, n in links:
        assert sum(f" {key} " in keys for keys, _ in rows) == int(n), key


class Marks(HTMLParser):
    """Offsets of the text inside <pre class="report">, and what each mark covers."""

    def __init__(self):
        super().__init__()
        self.inside = self.in_mark = False
        self.text = ""
        self.covered: dict[str, list[int]] = {}
        self.current: list[str] = []
        self.links: list[tuple[int, int, str]] = []
        self.in_link: tuple[int, int] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "pre" and a.get("class") == "report":
            self.inside = True
        elif tag == "mark" and self.inside:
            self.current = a["data-ev"].split()
        elif tag == "a" and a.get("class") == "ev":
            self.in_link = (int(a["data-start"]), int(a["data-end"]))

    def handle_endtag(self, tag):
        if tag == "pre":
            self.inside = False
        elif tag == "mark":
            self.current = []
        elif tag == "a":
            self.in_link = None

    def handle_data(self, data):
        if self.inside:
            for ev in self.current:
                self.covered.setdefault(ev, []).extend(range(len(self.text), len(self.text) + len(data)))
            self.text += data
        elif self.in_link is not None:
            self.links.append((*self.in_link, data.strip("\u201c\u201d")))


def test_every_highlighted_mention_equals_the_text_at_its_offsets(dev_kg, site):
    checked = pages = 0
    for page in sorted((site / "cases").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        if 'class="report"' not in html:
            continue
        pages += 1
        m = Marks()
        m.feed(html)
        source = re.search(r"source: <code>([^<]+)</code>", html).group(1)
        text = read_report(dev_kg / "sources" / source).text
        assert m.text == text                     # the page shows the whole text, unchanged
        anchors = re.findall(r'<a class="anchor" id="(ev-\d+)"></a>', html)
        for ev in anchors:
            offsets = m.covered[ev]
            assert offsets == list(range(offsets[0], offsets[-1] + 1))   # one unbroken stretch
        for start, end, exact in m.links:
            assert text[start:end] == exact
            checked += 1
        assert sorted(len(m.covered[e]) for e in anchors) == sorted(e - s for s, e, _ in m.links)
    assert pages >= 40 and checked > 300


def test_curated_facts_and_reports_are_marked(site):
    page = (site / "cases" / "002_2c3740a5c6caac8c.html").read_text()
    assert "curated report" in page
    assert re.search(r'<dt>[^<]+ <span class="badge curated">curated</span></dt>', page)
    drafted = (site / "cases" / "ups-hand-cureus.html").read_text()
    assert "machine-drafted" in drafted and '<span class="badge curated">curated</span></dt>' not in drafted


def test_pmid_and_doi_link_out(site):
    page = (site / "cases" / "001_18a7e7130607ba5e.html").read_text()
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/33708679/"' in page
    assert 'href="https://doi.org/10.4103/ajns.ajns_290_20"' in page


def test_page_states_the_bias_and_what_it_shows(site):
    html = (site / "index.html").read_text()
    assert "Published case reports are a biased sample" in html
    assert "<script src=\"static/cohort.js\"" in html and "http://" not in html.split("<footer>")[0].replace(
        "https://pubmed", "").replace("https://doi", "")
    assert not re.search(r'(src|href)="(https?:)?//', html)        # nothing fetched from elsewhere


def test_rerun_gives_byte_identical_files(dev_kg, site, tmp_path):
    again = tmp_path / "again"
    assert cli("report", "--kg", dev_kg, "-o", again).code == 0

    def digests(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}
    first, second = digests(site), digests(again)
    assert first == second and len(first) > 50


def test_a_previous_report_is_replaced_whole(dev_kg, tmp_path):
    out = tmp_path / "out"
    assert cli("report", "--kg", dev_kg, "-o", out, "--select", "case-summary").code == 0
    (out / "cases" / "stale.html").write_text("old")
    r = cli("report", "--kg", dev_kg, "-o", out, "--case-pages", "0")
    assert r.code == 0 and "case pages not written" in r.err
    assert not (out / "cases" / "stale.html").exists() and not list((out / "cases").iterdir())
    assert "Case pages were not written" in (out / "cases.html").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temporary folder left


def test_bundled_graph_with_texts_from_another_folder(tmp_path):
    out = tmp_path / "out"
    r = cli("report", "-o", out)                     # the bundled graph: its texts are not at hand
    assert r.code == 0, r.err
    assert "not at hand" in (out / "cases" / "000_5319ae1f09e49777.html").read_text()
    r = cli("report", "--texts", SHARED / "corpus" / "seeds", "-o", out)
    assert r.code == 0, r.err
    page = (out / "cases" / "000_5319ae1f09e49777.html").read_text()
    assert 'class="report"' in page and "<mark data-ev=" in page and "not at hand" not in page


# --- selection --------------------------------------------------------------------

def test_selection_by_named_query_with_a_parameter(dev_kg, tmp_path):
    out = tmp_path / "lumbar"
    r = cli("report", "--kg", dev_kg, "--select", "cases-by-vertebral-level", "--param", "within=sko:LumbarSpine",
            "-o", out)
    assert r.code == 0, r.err
    lumbar = {row["report"] for row in named(dev_kg, "cases-by-vertebral-level", "within=sko:LumbarSpine")}
    assert table1(out)[("Cases", "")] == len(lumbar) > 2
    assert {p.stem for p in (out / "cases").glob("*.html")} == lumbar
    assert section(table1(out), "Vertebral levels by region")["lumbar"] == len(lumbar)
    assert "cases-by-vertebral-level --param within=sko:LumbarSpine" in (out / "index.html").read_text()


def test_selection_from_a_file_with_report_iris(dev_kg, tmp_path):
    rq = tmp_path / "lms.rq"
    rq.write_text("SELECT ?report WHERE { ?report a sko:CaseReport ; sko:describesPatient/sko:hasTumour/"
                  "sko:tumourType sko:Leiomyosarcoma }")
    r = cli("report", "--kg", dev_kg, "--select", rq, "-o", tmp_path / "out")
    assert r.code == 0, r.err
    assert section(table1(tmp_path / "out"), "Tumour type") == {"Leiomyosarcoma (LMS)": 3}


# --- bad input ----------------------------------------------------------------------

def test_selection_without_report_column(dev_kg, tmp_path):
    rq = tmp_path / "no-report.rq"
    rq.write_text("SELECT ?x WHERE { ?x a sko:CaseReport }")
    one_line(cli("report", "--kg", dev_kg, "--select", rq, "-o", tmp_path / "out"), 2, "no ?report column", "?x")
    assert not (tmp_path / "out").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_selection_with_no_rows(dev_kg, tmp_path):
    rq = tmp_path / "none.rq"
    rq.write_text('SELECT ?report WHERE { ?r sko:reportId ?report FILTER(?report = "no such report") }')
    one_line(cli("report", "--kg", dev_kg, "--select", rq, "-o", tmp_path / "out"), 2, "returned no reports")


def test_selection_naming_an_unknown_report(dev_kg, tmp_path):
    rq = tmp_path / "ghost.rq"
    rq.write_text('SELECT ?report WHERE { VALUES ?report { "ghost-report" } }')
    one_line(cli("report", "--kg", dev_kg, "--select", rq, "-o", tmp_path / "out"), 2, "ghost-report")


@pytest.mark.parametrize("args,words", [
    (["--param", "within=sko:LumbarSpine"], ["--param", "--select"]),
    (["--select", "no-such-query"], ["unknown query"]),
    (["--select", "case-summary", "--param", "oops"], ["name=value"]),
])
def test_bad_arguments(dev_kg, tmp_path, args, words):
    one_line(cli("report", "--kg", dev_kg, *args, "-o", tmp_path / "out"), 2, *words)


def test_unwritable_output(dev_kg, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("mine")
    one_line(cli("report", "--kg", dev_kg, "-o", blocker / "site"), 2, "cannot write here")
    one_line(cli("report", "--kg", dev_kg, "-o", blocker), 2, "not a folder")
    assert blocker.read_text() == "mine"
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep me")
    one_line(cli("report", "--kg", dev_kg, "-o", theirs), 2, "not a sarcokg report")
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]


def _bare_case(kg: Path) -> None:
    """A report with a tumour type and a surgery, and no follow-up, vertebra or outcome."""
    f = F.CaseFacts("bare-case", "bare-case.txt", "0" * 64)
    f.tumour.types = [F.Value("LMS")]
    f.interventions = [F.InterventionFact("resection")]
    kg.mkdir()
    (kg / "bare-case.ttl").write_text(report_turtle(f, load_terms()), encoding="utf-8")


def test_no_follow_up_and_no_vertebra_say_what_is_missing(tmp_path):
    kg = tmp_path / "kg"
    _bare_case(kg)
    out = tmp_path / "out"
    r = cli("report", "--kg", kg, "-o", out)
    assert r.code == 0 and "Traceback" not in r.err, r.err
    html = (out / "index.html").read_text()
    assert "No case in the cohort names a vertebral level" in html
    assert "No case in the cohort states a follow-up time" in html
    assert list((out / "figures").iterdir()) == []                 # no empty or broken plot
    case = (out / "cases" / "bare-case.html").read_text()
    assert "no time for any event" in case and "not at hand" in case
    assert "resection" in case
    assert section(table1(out), "Follow-up") == {"not stated": 1, "stated": 0}


def test_a_negative_follow_up_is_left_out_of_the_figures_and_said(tmp_path):
    kg = tmp_path / "kg"
    _bare_case(kg)
    for rid, months in (("good-case", 12.0), ("bad-case", -3.0)):
        f = F.CaseFacts(rid, f"{rid}.txt", "0" * 64)
        f.tumour.types = [F.Value("LMS")]
        f.outcomes = [F.OutcomeFact(status="recurrence", months=months)]
        (kg / f"{rid}.ttl").write_text(report_turtle(f, load_terms()), encoding="utf-8")
    out = tmp_path / "out"
    r = cli("report", "--kg", kg, "-o", out)
    assert r.code == 0, r.err
    html = (out / "index.html").read_text()
    assert html.count("1 case with a negative follow-up") == 2          # swimmer and survival captions
    assert "1 of 3 cases state a follow-up" in html
    assert (out / "figures" / "swimmer.png").is_file() and (out / "figures" / "survival.png").is_file()


# --- figures --------------------------------------------------------------------------

def test_swimmer_shows_the_150_longest_of_a_larger_cohort(tmp_path):
    kg = tmp_path / "synth"
    synth_graphs(kg, 160)
    out = tmp_path / "out"
    r = cli("report", "--kg", kg, "-o", out, "--case-pages", "0")
    assert r.code == 0, r.err
    html = (out / "index.html").read_text()
    m = re.search(r"(\d+) of 160 cases state a follow-up; the 150 longest are shown\.( (\d+) cases? with a negative)?",
                  html)
    assert m and int(m.group(1)) + int(m.group(3) or 0) == 160, m
    svg = (out / "figures" / "swimmer.svg").read_text()
    assert "150 cases, longest follow-up at the top" in svg


def test_survival_by_tumour_type_only_with_two_types_of_five():
    from sarcokg.views.cohort.figures import survival
    from sarcokg.views.cohort.gather import Case, Cohort
    from sarcokg.views.cohort.palette import Palette

    def cohort(n_lms: int, n_asps: int) -> Cohort:
        cases = [Case(f"l{i}", tumour_type="LMS", follow_up=float(i + 1), outcome="death" if i % 2 else None)
                 for i in range(n_lms)]
        cases += [Case(f"a{i}", tumour_type="ASPS", follow_up=float(2 * i + 1)) for i in range(n_asps)]
        return Cohort(cases, len(cases), [], {})

    for lms, asps, figures in ((5, 5, 2), (5, 4, 1), (0, 0, 1)):
        c = cohort(lms, asps)
        drawn = survival(c, Palette([x.tumour_type for x in c.cases]))
        assert len(drawn) == figures
        assert (drawn[0].figure is None) == (lms + asps == 0)
        if figures == 2:
            labels = drawn[1].figure.axes[0].get_legend_handles_labels()[1]
            assert drawn[1].name == "survival-by-type" and set(labels) == {"LMS", "ASPS"}
        import matplotlib.pyplot as plt
        plt.close("all")
