"""Write the cohort site: index.html, cases.html, cases/<id>.html, figures/, static/.

Pages come from the Jinja2 templates in templates/ (autoescaped); styles and
the one small script are copied from static/, so the site opens from disk
with no network. The site is built in a new folder beside the target and
renamed into place; a folder that is not a report this command wrote is never
replaced. Case pages are written for a cohort of at most `case_pages` cases
(default 1000): a larger cohort gets the cohort page and the case list only,
and the page and stderr say how to narrow it.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import jinja2

from sarcokg.common.errors import InputError
from sarcokg.model.namespaces import VERSION
from sarcokg.views.cohort import casepage, figures, table1, timeline
from sarcokg.views.cohort.gather import Cohort
from sarcokg.views.cohort.palette import TREATMENTS, Palette, status_style

MARKER = ".sarcokg-report"
DEFAULT_CASE_PAGES = 1000
BIAS = ("Published case reports are a biased sample: unusual presentations, good responses and rare sites are "
        "reported more often than typical courses, follow-up is short and uneven, and deaths are under-reported. "
        "These figures describe the reports, not the population of patients; they are no estimate of incidence, "
        "response or survival.")


@dataclass
class Options:
    kg: Path
    out: Path
    texts: list[Path]
    case_pages: int = DEFAULT_CASE_PAGES
    selection_label: str | None = None


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("sarcokg.views.cohort", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["pct"] = lambda n, total: table1.percent(n, total)
    env.filters["num"] = lambda x: "" if x is None else table1.fmt(float(x))
    env.globals.update(version=VERSION, pubmed=casepage.pubmed, doi_url=casepage.doi_url,
                       status_colour=lambda s: status_style(s)[0],
                       treatment_colour=lambda m: TREATMENTS.get(m, ("#555555",))[0])
    return env


def prepare(out: Path) -> tuple[Path, Path]:
    """(the new folder to build in, the target) after checking the target may be written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder; give a folder for the report (-o DIR)")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"{out}: a folder that is not a sarcokg report and is not empty; "
                         "give a new or empty folder, nothing in it was changed")
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    except OSError as e:
        raise InputError(f"{out}: cannot write here ({e.strerror or e})") from None
    return tmp, out


def replace(tmp: Path, out: Path) -> None:
    """Put the built folder in place of the target (a previous report is removed after)."""
    os.chmod(tmp, 0o755)
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old.{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def make_report(kgraph, opts: Options, selection: str | None, params: list[str], announce=lambda m: None) -> dict:
    """Gather the cohort and write its site; returns what was written (for the command's summary line).
    The target is checked before the graph is read, and changed only when everything is written."""
    from sarcokg.views.cohort.gather import gather
    tmp, out = prepare(opts.out)
    try:
        cohort = gather(opts.kg, kgraph, selection, params)
        written = _write(cohort, kgraph, opts, tmp, announce)
        replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def _write(cohort: Cohort, kgraph, opts: Options, root: Path, announce) -> dict:
    env = environment()
    palette = Palette([c.tumour_type for c in cohort.cases])
    t1 = table1.build(cohort, palette.tumour)
    (root / "figures").mkdir()
    (root / "cases").mkdir()
    _copy_static(root / "static")
    drawn = figures.draw_all(cohort, palette, root / "figures")
    (root / "table1.csv").write_bytes(table1.to_csv(t1))
    with_pages = len(cohort.cases) <= opts.case_pages
    pages = 0
    if with_pages:
        pages = _case_pages(env, cohort, kgraph, opts, root, palette)
    else:
        announce(f"case pages not written: the cohort has {len(cohort.cases)} cases, above --case-pages "
                 f"{opts.case_pages}; narrow it with --select or raise --case-pages")
    keys = {k: f"k{i}" for i, k in enumerate(t1.keys())}
    labels = {keys[c.key]: f"{s.title}: {c.label}" for s in t1.sections for c in s.counts}
    rows = _case_rows(cohort, t1, keys)
    common = dict(cohort=cohort, n=len(cohort.cases), selection=opts.selection_label, with_pages=with_pages,
                  case_pages=opts.case_pages, palette=palette)
    _render(env, "index.html", root / "index.html", table=t1, keys=keys, figures=drawn, bias=BIAS, root="",
            headline=headline(cohort, t1), **common)
    _render(env, "cases.html", root / "cases.html", rows=rows, labels=labels, root="", **common)
    (root / MARKER).write_text("written by sarcokg report; replaced whole by the next run\n", encoding="utf-8")
    return {"cases": len(cohort.cases), "case_pages": pages, "figures": sum(d.figure is not None for d in drawn)}


def headline(cohort: Cohort, t1: table1.Table1) -> list[tuple[str, str]]:
    """The cohort at a glance: (number, what it counts)."""
    n = len(cohort.cases)
    out = [(str(n), "cases")]
    age = t1.section("age")
    if age.summary:
        out.append((age.summary.split(" ")[0], "median age, years"))
    women = sum(c.sex == "female" for c in cohort.cases)
    out.append((f"{table1.percent(women, n)}%", "female"))
    spine = sum(bool(c.level_rows) for c in cohort.cases)
    out.append((str(spine), "with a vertebral level"))
    fu = t1.section("follow_up")
    if fu.summary:
        out.append((fu.summary.split(" ")[0], "median follow-up, months"))
    out.append((str(sum(c.outcome == "death" for c in cohort.cases)), "deaths reported"))
    return out


def _render(env: jinja2.Environment, template: str, path: Path, **context) -> None:
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


def _copy_static(dest: Path) -> None:
    src = files("sarcokg.views.cohort") / "static"
    dest.mkdir()
    for item in sorted(src.iterdir(), key=lambda p: p.name):
        if item.is_file() and not item.name.startswith("."):
            (dest / item.name).write_bytes(item.read_bytes())


def _case_rows(cohort: Cohort, t1: table1.Table1, keys: dict[str, str]) -> list[dict]:
    member: dict[str, list[str]] = {}
    for s in t1.sections:
        for c in s.counts:
            for rid in c.ids:
                member.setdefault(rid, []).append(keys[c.key])
    return [{"case": c, "member": " " + " ".join(member.get(c.id, [])) + " "} for c in cohort.cases]


def _case_pages(env: jinja2.Environment, cohort: Cohort, kgraph, opts: Options, root: Path,
                palette: Palette) -> int:
    from sarcokg.store.kgstore import complete
    complete(kgraph)   # a bulk-loaded store may have left the evidence for first use
    template = env.get_template("case.html")
    for c in cohort.cases:
        page = casepage.build(kgraph, c.id, opts.kg, opts.texts)
        html = template.render(page=page, case=c, timeline=timeline.build(c), palette=palette, root="../",
                               label=cohort.tumour_labels.get(c.tumour_type or "", c.tumour_type))
        (root / "cases" / f"{c.id}.html").write_text(html, encoding="utf-8")
    return len(cohort.cases)
