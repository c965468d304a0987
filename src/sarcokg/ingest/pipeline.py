"""Report texts -> validated report graphs in the knowledge-graph folder.

Per file: read and check the text, extract its case, lay the curation record
(KG/curation/<stem>.json) over the draft where there is one, write the Turtle
atomically, validate it. A failure in one report is reported in one line and
the others go on; nothing half-written is left behind.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import click

from sarcokg.common.errors import InputError, SarcoKGError
from sarcokg.common.text import plural

# sko:curationStatus sko:Curated, prefixed or with full IRIs (a hand-edited file may use either)
CURATED_MARK = re.compile(r"(?:sko:|<https://w3id\.org/sarcokg/ontology#)curationStatus>?\s+"
                          r"(?:sko:|<https://w3id\.org/sarcokg/ontology#)Curated\b")


SOURCES_INDEX = "sources.tsv"
SOURCES_HEADER = "report\tsha256\ttext"


@dataclass
class Outcome:
    source: str
    ok: bool
    message: str
    warnings: list[str] = field(default_factory=list)
    report_id: str = ""
    sha256: str = ""


def is_curated(path: Path) -> bool:
    try:
        return CURATED_MARK.search(path.read_text(encoding="utf-8", errors="replace")) is not None
    except OSError:
        return False


def summarise(facts) -> str:
    t = facts.tumour
    bits = [t.types[0].value if t.types else "no tumour type"]
    if t.levels:
        bits.append("/".join(lv.vertebra for lv in t.levels))
    if facts.interventions:
        bits.append(plural(len(facts.interventions), "intervention"))
    if facts.outcomes:
        last = facts.outcomes[-1]
        bits.append(f"last outcome {last.status or 'time only'}"
                    + (f" at {last.months:g} months" if last.months is not None else ""))
    return ", ".join(bits)


# sko:sourceSha256 "<64 hex>" in a report graph, prefixed or with its full IRI
SOURCE_DIGEST = re.compile(r'(?:sko:|<https://w3id\.org/sarcokg/ontology#)sourceSha256>?\s+"([0-9a-f]{64})"')
def check_report_id(path: Path) -> None:
    """A one-line InputError when the file's stem cannot be a report id."""
    from sarcokg.model.namespaces import report_id_problem
    problem = report_id_problem(path.stem)
    if problem is not None:
        raise InputError(f"{path}: {problem}{path.suffix}")


def source_digest(path: Path) -> str | None:
    """The SHA-256 of the source text a report graph was made from (sko:sourceSha256), or None."""
    try:
        m = SOURCE_DIGEST.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return m.group(1) if m else None


def _keep_curated(path: Path, target: Path, record_path: Path, new_digest: str) -> None:
    """A curated report graph is changed only with --force: raises InputError
    unless its curation record is to be laid again over the same source text
    (the curator's own edit of KG/curation/<id>.json)."""
    old_digest = source_digest(target)
    if not record_path.exists():
        raise InputError(f"{target}: curated report graph; not overwritten (use --force to replace it)")
    if old_digest != new_digest:
        raise InputError(f"{target}: curated report graph, and its source text changed "
                         f"(SHA-256 {old_digest or 'unknown'} curated, {new_digest} in {path}): not updated, "
                         f"the curation and the old digest kept; check {record_path.name} against the new text, "
                         f"then ingest with --force")


def build_report(path: Path, kg: Path, force: bool = False, validate: bool = True) -> Outcome:
    """Ingest one file; never raises for bad input, returns what happened."""
    from sarcokg.common.files import atomic_write, read_report
    from sarcokg.extract import extract
    from sarcokg.model import curation
    from sarcokg.model.rdf import FactError, report_index, report_turtle, triples_of
    from sarcokg.model.terms import load_terms

    try:
        check_report_id(path)
        target = kg / f"{path.stem}.ttl"
        record_path = kg / "curation" / f"{path.stem}.json"
        curated = target.exists() and is_curated(target) and not force
        if curated and not record_path.exists():   # before reading the text: nothing to do
            _keep_curated(path, target, record_path, "")
        rt = read_report(path)
        if curated:
            _keep_curated(path, target, record_path, rt.sha256)
        terms = load_terms()
        facts = extract(rt.text, report_id=path.stem, source_file=path.name, source_sha256=rt.sha256, terms=terms)
        if record_path.exists() or record_path.is_symlink():
            rec = curation.load_record(record_path)
            facts = curation.Curator(terms, rt.text).apply(facts, rec)
        if not facts.tumour.types and not facts.curated:
            raise InputError(f"{path}: describes no sarcoma case (no tumour type found)")
        index = report_index(facts, terms)   # the graph in plain terms, for the checks and the writer
        if validate and not conforms(index):
            from sarcokg.model.turtle import ox_triples
            from sarcokg.validate.shacl import validate_triples
            # the results as `sarcokg validate` gives them
            problems = validate_triples(ox_triples(triples_of(index)), target.name)
            if problems:
                first = problems[0]
                raise InputError(f"{path}: extracted graph violates the shapes: {first.focus} {first.path}: "
                                 f"{first.message} ({plural(len(problems), 'violation')}); nothing written")
        atomic_write(target, report_turtle(facts, terms, index), fsync=False)
        return Outcome(str(path), True, summarise(facts), rt.warnings + facts.warnings, path.stem, rt.sha256)
    except (SarcoKGError, curation.CurationError, FactError) as e:
        return Outcome(str(path), False, str(e))


def conforms(index: dict) -> bool:
    """Does a report graph in plain terms (rdf.report_index()) conform to the shapes?
    The fast engine of validate_triples, run without converting to pyoxigraph terms."""
    from sarcokg.validate.shacl_fast import fast_validator
    return not fast_validator(*_shape_files()).validate_index(index)


@cache   # the package's data folder is found once a process (common.resources): so are these
def _shape_files() -> tuple[str, str]:
    """validate.shacl.shapes_path() and store.kgstore.ontology_path(), found as they find them (in the
    package's ontology folder), without importing those modules: the store's (sync, catalogue, ...)
    cost each ingest process about 150 M instructions to import, and conforming reports need none of it.
    tests/test_speed_shortcuts.py checks that the paths are theirs."""
    from sarcokg.common.resources import ONTOLOGY_FILE, SHAPES_FILE, ontology_dir
    folder = ontology_dir()
    return str(folder / SHAPES_FILE), str(folder / ONTOLOGY_FILE)


def _worker(args) -> Outcome:
    return build_report(*args)


def read_sources(kg: Path) -> dict[str, tuple[str, str]]:
    """Report id -> (SHA-256, absolute path) of the text each report was last ingested
    from, as KG/sources.tsv records it; {} when there is no index."""
    path = kg / SOURCES_INDEX
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the sources index ({e})") from None
    out = {}
    for n, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if len(parts) != 3:
            raise InputError(f"{path}:{n}: not report<TAB>sha256<TAB>text")
        out[parts[0]] = (parts[1], parts[2])
    return out


def write_sources(kg: Path, sources: dict[str, tuple[str, str]]) -> None:
    """KG/sources.tsv, sorted by report id, written atomically. The report graphs
    name only the text's file name and SHA-256 (so they are the same bytes
    wherever the text was read); this index says where it was read."""
    from sarcokg.common.files import atomic_write
    rows = [f"{rid}\t{sha}\t{text}" for rid, (sha, text) in sorted(sources.items())]
    atomic_write(kg / SOURCES_INDEX, "\n".join([SOURCES_HEADER, *rows]) + "\n")


def record_sources(kg: Path, files: list[Path], outcomes: list[Outcome]) -> None:
    done = {o.report_id: o.sha256 for o in outcomes if o.ok}
    if not done:
        return
    sources = read_sources(kg)
    folders: dict[Path, str] = {}
    for f in files:
        if f.stem not in done:
            continue
        where = resolved(f, folders)
        if not any(c in where for c in "\t\r\n"):   # such a path cannot be a TSV cell
            sources[f.stem] = (done[f.stem], where)
    write_sources(kg, sources)


def resolved(f: Path, folders: dict[Path, str]) -> str:
    """str(f.resolve()), with the resolved folders kept in `folders`: a file that is no symbolic link
    resolves to its resolved folder and its name (Path.resolve walks every part of the path, with a
    system call each: about 20 microseconds a report on a deep folder, for texts that share a few)."""
    name = f.name
    if name in ("", ".", "..") or os.path.islink(f):
        return str(f.resolve())
    parent = f.parent
    folder = folders.get(parent)
    if folder is None:
        folder = folders[parent] = str(parent.resolve())
    return os.path.join(folder, name)


def ingest_files(files: list[Path], kg: Path, force: bool = False, jobs: int = 1,
                 validate: bool = True, echo=click.echo, quiet: bool = False) -> int:
    if kg.exists() and not kg.is_dir():
        raise InputError(f"{kg}: not a folder")
    from sarcokg.common.files import state_folder
    from sarcokg.store.lock import CACHE_DIR, hold_lock  # not via kgstore, which imports the whole store
    state_folder(kg / CACHE_DIR)
    try:
        kg.mkdir(parents=True, exist_ok=True)
        hold_lock(kg)  # one command at a time on this folder
        for pattern in (".*.ttl.*.tmp", ".sources.tsv.*.tmp"):   # left by a process killed mid-write
            for stale in kg.glob(pattern):
                stale.unlink()
    except OSError as e:
        raise InputError(f"{kg}: cannot write report graphs in this folder ({e.strerror or e})") from None
    stems: dict[str, Path] = {}
    for f in files:
        if f.stem in stems and stems[f.stem] != f:
            raise InputError(f"{f}: same report id {f.stem!r} as {stems[f.stem]}; rename one of them")
        stems[f.stem] = f
    tasks = [(f, kg, force, validate) for f in files]
    progress = len(files) > 5 and sys.stderr.isatty()
    if jobs > 1 and len(files) > 1:
        outcomes = _in_parallel(tasks, jobs, progress)
    else:
        outcomes = _collect(map(_worker, tasks), len(tasks), progress)
    record_sources(kg, files, outcomes)
    os.sync()  # the reports are on disk before the command says so
    failed = 0
    for o in outcomes:
        if not quiet:
            for w in o.warnings:
                echo(f"warning: {w}", err=True)
        if o.ok:
            if not quiet:
                echo(f"{o.source}: {o.message}")
        else:
            failed += 1
            echo(f"sarcokg: {o.message}", err=True)
    if not quiet or failed:
        echo(f"ingested {len(outcomes) - failed} of {plural(len(outcomes), 'report')} into {kg}"
             + (f"; {failed} failed" if failed else ""), err=True)
    return failed


def _chunk(tasks: list) -> list[Outcome]:
    return [build_report(*t) for t in tasks]


def _in_parallel(tasks: list, jobs: int, progress: bool) -> list[Outcome]:
    """The tasks' outcomes, in order, from jobs - 1 worker processes and this one.

    The tasks go to the workers in chunks, in order. This process, which has
    everything loaded already, takes chunks from the end that no worker has
    started (a queued chunk can still be cancelled), so it works while the
    workers start, and the two ends meet in the middle."""
    from sarcokg.common.parallel import pool
    size = max(1, min(16, len(tasks) // (jobs * 8)))
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(tasks), unit="report", file=sys.stderr)
    with pool(jobs - 1) as workers:
        futures = [workers.submit(_chunk, c) for c in chunks]
        if bar is not None:
            for fut, c in zip(futures, chunks, strict=True):
                fut.add_done_callback(partial(_advance, bar, len(c)))
        own: dict[int, list[Outcome]] = {}
        for i in range(len(chunks) - 1, -1, -1):
            if not futures[i].cancel():
                break     # a worker has it, and every chunk before it
            own[i] = _chunk(chunks[i])
            if bar is not None:
                bar.update(len(chunks[i]))
        outcomes = [o for i, f in enumerate(futures) for o in (own[i] if i in own else f.result())]
    if bar is not None:
        bar.close()
    return outcomes


def _advance(bar, n: int, fut) -> None:
    if not fut.cancelled():
        bar.update(n)


def _collect(results, total: int, progress: bool) -> list[Outcome]:
    if not progress:
        return list(results)
    from tqdm import tqdm
    return list(tqdm(results, total=total, unit="report", file=sys.stderr))


@dataclass
class Removed:
    report_id: str
    curation: bool      # the curation record was removed too


def remove_report(report: str, kg: Path, with_curation: bool = False) -> Removed:
    """Remove KG/<id>.ttl (an unlink: atomic), its line of KG/sources.tsv, and with
    with_curation its curation record KG/curation/<id>.json; the store follows the
    folder at its next load."""
    from sarcokg.store.lock import hold_lock
    rid = Path(report).stem if report.endswith(".ttl") else report
    target = kg / f"{rid}.ttl"
    if not kg.is_dir():
        raise InputError(f"{kg}: no such knowledge-graph folder")
    if not target.is_file():
        raise InputError(f"{target}: no such report graph")
    hold_lock(kg)
    record = kg / "curation" / f"{rid}.json"
    drop_record = with_curation and record.exists()
    try:
        target.unlink()
        if drop_record:
            record.unlink()
    except OSError as e:
        raise InputError(f"{e.filename}: cannot remove it ({e.strerror})") from None
    sources = read_sources(kg)
    if sources.pop(rid, None) is not None:
        write_sources(kg, sources)
    return Removed(rid, drop_record)
