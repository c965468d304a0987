"""Shortcuts taken for speed give the answers of the plain code they replace.

Each test runs the plain form (the regex the shortcut skips, the scan it no
longer repeats) next to the shortcut, on invented strings built to hit the
edges (the letters re.I folds, hyphens, glued words) and on the corpus texts.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from .test_extract_core import _texts, _view

_WORDS = ["a", "an", "A", "An", "man", "woman", "gentleman", "woman's", "boy", "girl", "lady", "infant",
          "teenager", "adolescent", "patient", "female", "male", "old", "years", "year-old", "aged", "age", "ages",
          "agent", "page", "yo", "y/o", "you", "toyo", "median", "mean", "range", "with", "who", "presenting",
          ".", ",", " ", "-", "\n", "3", "45", "\u0131", "\u017f", "\u0130", "\u212a", "Case", "case report",
          "Discussion", "CASE", "Ca\u017fe", "Key words", "\u212aeywords", "1.", "2.3 ", "\u2022", "#", "*",
          "Introduction", "introductory", "References", "Background", "Results", "MethodsA", "summary", "The"]


def _strings(n: int = 4000) -> list[str]:
    rnd = random.Random(7)
    out = [" ".join(rnd.choice(_WORDS) for _ in range(rnd.randint(1, 12))) for _ in range(n)]
    out += ["".join(rnd.choice(_WORDS) for _ in range(rnd.randint(1, 6))) for _ in range(n // 2)]
    return out


def _sentences_and_lines() -> list[str]:
    from sarcokg.extract.textprep import split_sentences
    out = _strings()
    for t in _texts():
        out += t.split("\n") + [s.text for s in split_sentences(t)]
    return out


def test_is_intro_prefilters_never_turn_away_what_the_regexes_find():
    from sarcokg.extract import context as c
    age_hint = re.compile(r"old|\bage[ds]?\b|yo\b|y/o")
    seen = {True: 0, False: 0}
    for s in _sentences_and_lines():
        low = _view(s)
        assert c._age_hint(low) == (age_hint.search(low) is not None), low[:120]
        noun = c.INTRO_NOUN_RX.search(low) is not None
        assert c._intro_noun_possible(low) or not noun, low[:120]
        seen[noun] += 1
    assert seen[True] > 100 and seen[False] > 100     # both answers were put to the test


def test_heading_of_answers_as_with_its_anchored_regex_first():
    from sarcokg.extract import textprep as tp

    def plain(line: str):
        if not tp._HEAD_START_RX.match(line):
            return None
        saved = tp._HEAD_PREFIX_MAX
        try:     # no ASCII head is short enough for the shortcut: heading_of() runs the regex
            tp._HEAD_PREFIX_MAX = 0
            return tp.heading_of(line)
        finally:
            tp._HEAD_PREFIX_MAX = saved

    found = 0
    for line in _sentences_and_lines():
        h = tp.heading_of(line)
        assert h == plain(line), line[:120]
        found += h is not None
    assert found > 100


def test_heading_words_looked_up_by_first_letter_are_the_prefix_test():
    from sarcokg.extract import textprep as tp
    found = 0
    for line in _sentences_and_lines() + ["", "c", "Case", "ca", "\u0130ntroduction"]:
        for low in (line.lower(), line.lower().lstrip(" -*#0123456789.")):
            assert tp.head_word(low) == low.startswith(tp._HEAD_PREFIXES), low[:80]
            found += tp.head_word(low)
    assert found > 100


def test_abbreviation_before_a_full_stop_told_as_its_regex_tells_it():
    from sarcokg.extract import textprep as tp
    rnd = random.Random(3)
    bits = list(tp._ABBREVS) + ["A", "Z", "a", "x", " ", "_", "\n", "(", "1", "\u00e9", "FIG", "e.g", "al", "."]
    made = ["".join(rnd.choice(bits) for _ in range(rnd.randint(0, 4)))[-8:] for _ in range(20000)]
    for t in _texts():
        made += [t[max(0, i - 8):i] for i in range(len(t)) if t[i] == "."]
    seen = {True: 0, False: 0}
    for head in made:
        plain = tp._ABBREV_BEFORE_DOT.search(head) is not None
        assert tp.abbrev_before_dot(head) == plain, repr(head)
        seen[plain] += 1
    assert min(seen.values()) > 500


def test_glued_heading_hints_found_in_one_scan_are_those_of_each_line():
    from sarcokg.extract.textprep import _GLUED_HINT, _logical_lines
    for t in _texts():
        whole = [h.start() for h in _GLUED_HINT.finditer(t)]
        by_line = [ls + h.start() for ls, le in _logical_lines(t) for h in _GLUED_HINT.finditer(t[ls:le])]
        assert whole == by_line, t[:120]


def test_lowered_is_the_lowercase_of_the_text_asked_about():
    from sarcokg.extract.textprep import lowered
    a = "Ewing Sarcoma of the T11 vertebra"
    b = "".join(["Ewing Sarcoma", " of the T11 vertebra"])    # equal, another object
    assert lowered(a) == a.lower()
    assert lowered(b) == b.lower()
    # a letter that lowers to two stays as it is, so the view keeps the text's length (offsets hold);
    # the typographic hyphens read as the plain one
    assert lowered("Ki-67 \u0130ndex") == "ki-67 \u0130ndex"
    assert lowered("en\u2011bloc, middle\u2010aged") == "en-bloc, middle-aged"
    assert lowered(a) == a.lower()


def test_clause_before_and_negation_answer_as_their_plain_scans_do():
    from sarcokg.extract import context as c
    from sarcokg.extract.textprep import Sentence

    def plain_clause(seg: str) -> str:
        cut = 0
        for m in c.BREAK_RX.finditer(seg):
            cut = m.end()
        for m in c.AND_PREDICATE_RX.finditer(seg, cut):   # a second predicate opens a clause too
            cut = m.end()
        return seg[cut:]

    cut_found = 0
    for s in _sentences_and_lines():
        low = _view(s)
        sent = Sentence(100, 100 + len(low), s, low)
        for pos in range(0, len(low) + 1, 7):
            got = c._clause_before(sent, 100 + pos)
            assert got == plain_clause(low[max(0, pos - 60):pos]), low[:120]
            cut_found += len(got) < min(pos, 60)
        assert (c.POST_NEG_RX.match(low) is None) == (c.POST_NEG_RX.search(low) is None), low[:120]
    assert cut_found > 100


def test_age_search_finds_what_age_rx_finds():
    from sarcokg.extract.context import AGE_RX, age_search
    found = 0
    for s in _sentences_and_lines() + ["a 45 yo man", "45-y/o", "aged 3", "45 yrs old", "3 years of age"]:
        low = _view(s)
        m, plain = age_search(low), AGE_RX.search(low)
        assert (m and (m.span(), m.groups())) == (plain and (plain.span(), plain.groups())), low[:120]
        found += plain is not None
    assert found > 50


def test_writer_names_own_nodes_and_literals_as_without_its_memos():
    from sarcokg.model import turtle as tt
    from sarcokg.model.namespaces import PREFIXES, XSD
    own = "https://example.org/r/one/"

    def plain(w: tt.Writer, value: str) -> str:     # Writer.iri without any memo
        for prefix, ns in w._ns:
            if value.startswith(ns) and tt._LOCAL.match(value[len(ns):]):
                return f"{prefix}:{value[len(ns):]}"
        return f"<{value}>"

    locals_ = ["ev-site-1", "tumour", "a.b", "bad local", "-x", "x-", "ok_1", "sub-part", "sub-"]
    # the own namespace first; then one that a longer namespace extends ('sub-' goes first there)
    writers = [tt.Writer({"": own, **PREFIXES}), tt.Writer({"": "https://example.org/r/two/", **PREFIXES}),
               tt.Writer({"": own, "sub": own + "sub-", **PREFIXES})]
    for _ in range(2):     # the second round answers from the memos
        for w in writers:
            for local in locals_:
                assert w.iri(w._own + local) == plain(w, w._own + local), local
    assert writers[2].iri(own + "sub-part") == "sub:part"
    for v, dt in [("12", XSD + "integer"), ("1.5", XSD + "decimal"), ("1e3", XSD + "decimal"),
                  ("true", XSD + "boolean"), ("yes", XSD + "boolean"), ("x1", XSD + "integer")]:
        lit = tt.Lit(v, dt, "")
        for _ in range(2):
            bare = v in ("12", "1.5", "true")
            assert writers[0].plain_literal(lit) == (v if bare else f'"{v}"^^xsd:{dt.rsplit("#", 1)[1]}')


def test_cues_found_in_the_lexicon_pass_are_those_of_their_own_pass():
    from sarcokg.extract.cues import cue_positions
    from sarcokg.extract.lexicon import lexicon_for
    from sarcokg.extract.textprep import normalise, spaced
    from sarcokg.model.terms import load_terms
    lex = lexicon_for(load_terms())
    found = 0
    from .conftest import SHARED
    corpus = any(SHARED.glob("corpus/*/*.txt"))
    for t in _texts() + _strings(500):
        sp = spaced(t)
        norm = normalise(t, sp)
        hits: list = []
        alone = lex.match(t, norm, sp)
        assert lex.match(t, norm, sp, hits) == alone
        assert cue_positions(norm, hits) == cue_positions(norm), t[:120]
        found += len(hits)
    assert found > (300 if corpus else 30)   # the corpus texts are there only beside ../shared


def test_spaced_translates_short_strings_as_it_replaces_in_long_ones():
    from sarcokg.extract.textprep import _REPL, spaced

    def plain(text: str) -> str:
        for c, r in _REPL:
            text = text.replace(c, r)
        return text

    odd = "a-b/c\u2013d\u2014e\u00a0f\u2019g\u201ch\u201di\u2018j\u2212k\u2009l\u202fm \u0130 x"
    for t in _strings(300) + [odd, odd * 20, ""] + _texts()[-50:]:
        assert spaced(t) == plain(t), t[:80]


def test_find_words_finds_what_the_alternation_finds():
    from sarcokg.extract.lexicon import find_words
    rnd = random.Random(11)
    pool = ["ES", "ESS", "E", "MPNST", "RT", "RTs", "S", "s", "DFS", "C-ion RT", "C", "IL-2", "IL", "ab", "A1", "1"]
    bits = pool + [" ", " ", "x", "s", "(", ")", "-", ",", "\u00e9"]
    made = ["".join(rnd.choice(bits) for _ in range(rnd.randint(1, 20))) for _ in range(3000)]
    edges = ["ESs ES ESS ESSs xES ES1 ES-x (ES) RTss RTs IL-23 IL-2s C-ion RTx"]
    for text in made + _strings(500) + _texts()[-60:] + edges:
        words = sorted(set(rnd.sample(pool, rnd.randint(1, 5))), key=len, reverse=True)
        rx = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(re.escape(w) for w in words) + r")s?(?![A-Za-z0-9])")
        want = [(m.start(), m.end(), m.group(1)) for m in rx.finditer(text)]
        assert find_words(text, words) == want, (words, text[:120])


def test_list_negation_prefilter_keeps_every_negation_word():
    # _list_negated skips a window holding none of _NEG_PARTS: each word NEG_RX can match holds one
    from sarcokg.extract import context as c
    inner = re.fullmatch(r"\\b\(\?:(.*)\)\\b", c.NEG_RX.pattern)
    assert inner is not None
    words = inner.group(1).split("|")
    assert len(words) >= 15
    for w in words:
        assert c.NEG_RX.search(w) is not None, w
        assert any(p in w for p in c._NEG_PARTS), w


def test_list_negation_with_its_prefilter_answers_as_without_it():
    from sarcokg.extract import context as c
    from sarcokg.extract.textprep import Sentence
    parts = c._NEG_PARTS
    checked = 0
    for s in _sentences_and_lines() + ["she declined surgery, radiotherapy, or chemotherapy and"]:
        low = _view(s)
        sent = Sentence(0, len(low), s, low)
        for pos in range(0, len(low) + 1, 11):
            got = c._list_negated(sent, pos, 6)
            c._NEG_PARTS = ("",)          # every window passes the prefilter: the plain scan
            try:
                plain = c._list_negated(sent, pos, 6)
            finally:
                c._NEG_PARTS = parts
            assert got == plain, low[:120]
            checked += plain
    assert checked > 0


def test_ingest_finds_the_shapes_and_ontology_where_validate_and_the_store_do():
    # pipeline._shape_files() builds the two paths itself, so that ingest need not import the store
    from sarcokg.ingest.pipeline import _shape_files
    from sarcokg.store.kgstore import ontology_path
    from sarcokg.validate.shacl import shapes_path
    assert _shape_files() == (str(shapes_path()), str(ontology_path()))


def test_version_looked_up_late_is_the_installed_version():
    from importlib import metadata

    from click.testing import CliRunner

    from sarcokg import cli
    from sarcokg.model import namespaces
    from sarcokg.model.namespaces import VERSION
    assert VERSION == metadata.version("sarcokg") == namespaces.VERSION
    r = CliRunner().invoke(cli.main, ["--version"])
    assert r.exit_code == 0 and r.output == f"sarcokg, version {VERSION}\n"
    try:
        namespaces.NO_SUCH_NAME  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("namespaces.__getattr__ made up a name")


def test_ingest_imports_neither_the_store_nor_package_metadata(tmp_path):
    # what the two shortcuts above save each ingest process: the store's modules and importlib.metadata
    import subprocess
    import sys
    text = tmp_path / "r1.txt"
    text.write_text("Spinal Ewing sarcoma of L2. A 30-year-old man presented with back pain.\n", encoding="utf-8")
    code = ("import sys\nfrom sarcokg import cli\n"
            "try:\n    cli.main(['ingest', '--kg', sys.argv[1], sys.argv[2]])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('sarcokg.store.kgstore', 'sarcokg.store.sync', 'importlib.metadata',"
            " 'sarcokg.validate.shacl') if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code, str(tmp_path / "kg"), str(text)], capture_output=True, text=True)
    assert (tmp_path / "kg" / "r1.ttl").exists(), p.stderr
    assert p.stdout.strip().splitlines()[-1] == "[]", p.stdout + p.stderr


def test_sources_paths_resolved_by_folder_are_those_resolve_gives(tmp_path, monkeypatch):
    import os

    from sarcokg.ingest.pipeline import resolved
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    for n in ("a.txt", "b.txt", "sub/c.txt"):
        (real / n).write_text("x", encoding="utf-8")
    (tmp_path / "linkdir").symlink_to(real)                      # a linked folder
    (real / "l.txt").symlink_to(real / "sub" / "c.txt")          # a linked file: resolves to its target
    (real / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (real / "loop.txt").symlink_to(real / "loop.txt")
    monkeypatch.chdir(real / "sub")
    paths = [real / "a.txt", tmp_path / "linkdir" / "b.txt", tmp_path / "linkdir" / "sub" / ".." / "a.txt",
             real / "l.txt", real / "dangling.txt", Path("c.txt"), Path("../a.txt"), Path("./c.txt"),
             real / "sub" / "missing.txt", tmp_path / "linkdir" / "l.txt", Path(os.sep)]
    folders: dict = {}
    for _ in range(2):    # the second round answers from the kept folders
        for p in paths:
            assert resolved(p, folders) == str(p.resolve()), p
    loop = real / "loop.txt"
    try:
        want = str(loop.resolve())
    except RuntimeError:     # Python 3.11 raises on a loop: so must the shortcut
        with pytest.raises(RuntimeError):
            resolved(loop, folders)
    else:
        assert resolved(loop, folders) == want


def test_predicate_orders_kept_across_writers_are_the_ones_each_writer_works_out():
    # Writer._plain_body keeps a subject's predicate order for the next document; a writer whose own
    # namespace holds one of the predicates names it ':local' and must not take the kept order
    from sarcokg.model import turtle as tt
    from sarcokg.model.namespaces import PREFIXES, SKO, XSD
    from sarcokg.model.rdf import rank
    a, b = "https://example.org/r/a/", "https://example.org/r/b/"
    one = tt.Lit("1", XSD + "integer", "")

    def index(own: str) -> dict:
        return {own + "s": {tt.TYPE: [SKO + "Evidence"], b + "zz": [one], SKO + "confidence": [one],
                            "urn:x:p": [own + "o", "urn:x:o"], a + "m": [tt.Lit("x")]}}

    c = "https://example.org/r/c/"    # holds none of the predicates: its order is kept for the others
    writers = [(own, tt.Writer({"": own, **PREFIXES}, shared={})) for own in (c, b, a, c, "urn:x:")]
    bodies = []
    for own, w in writers:
        idx = index(own)
        triples = [(s, p, o) for s, pos in idx.items() for p, objs in pos.items() for o in objs]
        plain = w.body(tt.ox_triples(triples), rank)      # the term writer: no kept orders
        assert w.plain_body(idx, rank) == plain, own
        bodies.append(plain)
    assert "<https://example.org/r/b/zz>" in bodies[0] and ":zz" in bodies[1] and ":m" in bodies[2]
    assert bodies[0] == bodies[3]    # the same own namespace, the second time from the kept order


def test_second_language_hint_regex_answers_as_the_substring_tests():
    from sarcokg.extract.context import _ROMANCE_HINT_RX, _ROMANCE_HINTS
    rnd = random.Random(5)
    bits = [h.strip() for h in _ROMANCE_HINTS] + [" ", "  ", "a", "ao", "\n", ",", "s", "\u00e3", "Una"]
    made = ["".join(rnd.choice(bits) for _ in range(rnd.randint(1, 25))) for _ in range(4000)]
    found = 0
    for t in made + [_view(t) for t in _texts()]:
        plain = any(h in t for h in _ROMANCE_HINTS)
        assert (_ROMANCE_HINT_RX.search(t) is not None) == plain, t[:120]
        found += plain
    assert 100 < found < 4000     # both answers were put to the test


def test_html_sniffing_without_a_tag_sign_answers_as_the_plain_test():
    from sarcokg.common.files import looks_like_html

    def plain(text: str) -> bool:
        head = text[:2000].lower()
        return "<html" in head or "<!doctype html" in head or len(re.findall(r"</(p|div|span|td|li)>", head)) >= 3

    rnd = random.Random(9)
    bits = ["<HTML>", "<html", "<!DOCTYPE html>", "</P>", "</p>", "</Div>", "</li>", "<", ">", "p", "/", " ",
            "\u0130", "text", "\n"]
    made = ["".join(rnd.choice(bits) for _ in range(rnd.randint(1, 40))) for _ in range(4000)]
    made += ["x" * 1995 + "<html>", "x" * 1999 + "<", "\u0130" * 1990 + "</p></p></p>"]
    seen = {True: 0, False: 0}
    for t in made + _texts():
        assert looks_like_html(t) == plain(t), t[:120]
        seen[plain(t)] += 1
    assert seen[True] > 100 and seen[False] > 100


def _keyed_patterns():
    """Every Keyed pattern of the extractor, and every Caseless one tried by its words, by name."""
    import importlib
    import pkgutil

    import sarcokg.extract as pkg
    from sarcokg.extract.metadata import YEAR_FORMS
    from sarcokg.extract.textprep import Caseless, Keyed
    from sarcokg.extract.timeexpr import PATTERNS
    out = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        mod = importlib.import_module(f"sarcokg.extract.{info.name}")
        for name, v in vars(mod).items():
            if isinstance(v, Keyed):
                out[f"{info.name}.{name}"] = v
            elif isinstance(v, Caseless) and v._keyed is not None:
                out[f"{info.name}.{name}"] = v._keyed
    out.update({f"year form {i}": f.rx for i, f in enumerate(YEAR_FORMS) if isinstance(f.rx, Keyed)})
    out.update({f"time pattern {i}": p[0] for i, p in enumerate(PATTERNS) if isinstance(p[0], Keyed)})
    return out


def test_openings_and_needed_words_of_a_pattern():
    from sarcokg.extract.textprep import Keyed
    assert Keyed(re.compile(r"\b(?:no|not|without)\b|https?://")).words == ("http", "no", "without")
    assert Keyed(re.compile(r"(?:\b|(?<=[a-z]))(?<!un)(?:Date|Issue Date|Year)", re.I)).words == \
        ("date", "issue date", "year")
    k = Keyed(re.compile(r"\b(\d+)\s*(?:years?|months?)\s*history of (?P<what>\w+)"))
    assert k.words == () and k.need == "history of "
    assert Keyed(re.compile(r"a*b")).need == "b" and Keyed(re.compile(r"(?:a|)bc")).words == ()
    for bad in (r"\d+", r"\b", r"a*", r"(?:a|b)+", r"[ab]\d"):
        with pytest.raises(ValueError):
            Keyed(re.compile(bad))


def _spans(ms) -> list:
    return [(m.span(), m.groups()) for m in ms]


def test_keyed_patterns_find_what_their_plain_patterns_find():
    """Tried only where their words occur, the extractor's Keyed patterns find the same matches
    (spans and groups) as the plain patterns, on sentences, lines, whole texts and their
    lowercased views, with the letters re.I folds, from a start and to an end."""
    pats = _keyed_patterns()
    assert len(pats) >= 15
    strings = _sentences_and_lines()
    strings += [t for t in _texts()] + [_view(t) for t in _texts()]
    strings += ["Published online: 3 Feb 2019", "PUBLI\u017fHED 2019", "Fır\u017ft Online 2003", "\u0130ssue Date 2001",
                "a 3-month history of pain", "3-month hi\u017ftory of pain", "Department of X", "DEPARTMENT"]
    # the patterns that read the words before a mention end with $: every prefix of some sentences
    for t in _texts()[:60]:
        for sent in t.split(". "):
            strings += [sent[:i] for i in range(len(sent)) if sent[i:i + 1] == " "][::2]
    strings += ["the third thoracic vertebra 5", "the lumbar vertebrae 3", "hyperintense signal on the ",
                "MRI scans of the chest, abdomen and ", "Magnetic resonance imaging of the left "]
    # invented sentences that every pattern matches, so that the check holds without the corpus beside
    # the checkout (a clean clone in CI)
    for s in ("Metastases occur in 40% of cases [12] (citation needed).", "The tumour was resected and excised.",
              "The tumour was resected through a posterior approach.", "The follow-up period was 24 months."):
        strings += [s, s.lower()]
    found = {name: 0 for name in pats}
    for s in strings:
        for name, k in pats.items():
            plain = _spans(k.rx.finditer(s))
            assert _spans(k.finditer(s)) == plain, (name, s[:120])
            m, p = k.search(s), k.rx.search(s)
            assert (m and (m.span(), m.groups())) == (p and (p.span(), p.groups())), (name, s[:120])
            if len(s) > 40:
                a, b = len(s) // 4, len(s) - len(s) // 5
                assert _spans(k.finditer(s, a, b)) == _spans(k.rx.finditer(s, a, b)), (name, s[:120])
                m, p = k.search(s, a, b), k.rx.search(s, a, b)
                assert (m and m.span()) == (p and p.span()), (name, s[:120])
            found[name] += bool(plain)
    assert all(found.values()), [n for n, f in found.items() if not f]   # each was put to the test with a match


def test_literal_words_of_a_pattern():
    from sarcokg.extract.textprep import Words
    assert Words(re.compile(r"nodules|tumou?rs|(?:pa|par)ra")).words == ("nodules", "para", "parra", "tumors",
                                                                          "tumours")
    for bad in (r"mo\b", r"a|", r"\w+ing", r"ab*", r"x[ab]"):
        with pytest.raises(ValueError):
            Words(re.compile(bad))
    with pytest.raises(ValueError):
        Words(re.compile("pain", re.I))


def test_word_lists_answer_as_their_regexes():
    """Words asks an Aho-Corasick automaton whether a string holds a word: the same answer as the
    regex alternation it was made from, for every Words of the extractor; and the time hint's two
    looks answer as its one regex."""
    import importlib
    import pkgutil

    import sarcokg.extract as pkg
    from sarcokg.extract import timeexpr
    from sarcokg.extract.textprep import Words
    words = {f"{i.name}.{n}": v for i in pkgutil.iter_modules(pkg.__path__)
             for n, v in vars(importlib.import_module(f"sarcokg.extract.{i.name}")).items() if isinstance(v, Words)}
    assert len(words) >= 6
    strings = _sentences_and_lines()
    strings += [_view(s)[i:i + 70] for s in strings[:3000] for i in range(0, len(s), 35)]
    seen = {True: 0, False: 0}
    for s in strings:
        for name, w in words.items():
            assert w.search(s) == (w.rx.search(s) is not None), (name, s[:120])
        hint = timeexpr._HINT.search(s) is not None
        assert bool(timeexpr._HINT_WORDS.search(s) or timeexpr._MO_RX.search(s)) == hint, s[:120]
        seen[hint] += 1
    assert min(seen.values()) > 100


def _plain_plurals(v: str) -> set[str]:
    if not v[-1:].isalpha():
        return set()
    if v.endswith("sis"):
        return {v[:-3] + "ses"}
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        return {v[:-1] + "ies"}
    if v.endswith("us") and len(v) > 4:
        return {v[:-2] + "i"}
    if v.endswith("a") and len(v) > 4:
        return {v + "s", v + "e"}
    return set() if v.endswith("s") else {v + "s"}


def test_lexicon_name_rules_with_their_shortcuts_answer_as_the_plain_rules():
    """The lexicon's start-up shortcuts (the length first, the prefix words looked for before the
    regex substitution) give the plain rules' answers for every name of the ontology."""
    from sarcokg.extract import lexicon as lx
    from sarcokg.extract.textprep import normalise
    from sarcokg.model.terms import load_terms

    def plain_abbreviation(s: str) -> bool:
        upper = sum(1 for c in s if c.isupper())
        return upper >= 2 and not re.search(r"[a-z]{4,}", s) and len(s) <= 12

    def plain_spaced(v: str) -> str:
        return lx._PREFIXED_RX.sub(r"\1 \2", v)

    def plain_variants(name: str) -> set[str]:   # _variants as it was, the substitution tried on each
        out = {name}
        for a, b in (("tumor", "tumour"), ("tumour", "tumor"), ("ization", "isation"), ("isation", "ization")):
            if a in name:
                out.add(name.replace(a, b))
        for v in list(out):
            if " of the " in v:
                out.add(v.replace(" of the ", " of "))
            elif " of " in v:
                out.add(v.replace(" of ", " of the "))
        out |= {plain_spaced(v) for v in out}
        return out | {p for v in out for p in _plain_plurals(v)}

    terms = load_terms()
    names = [n for axis in terms.by_axis.values() for t in axis.values()
             for n in (t.label, *t.synonyms, *t.abbreviations)]
    names += ["ExtraSkeletal", "extraskeletal", "intra-dural", "PARAspinal", "periarticular", "retrovertebral",
              "ABCDEFGHIJKLM", "AB", "ABcdef"]
    prefixed = 0
    for n in names:
        assert lx._looks_like_abbreviation(n) == plain_abbreviation(n), n
        v = normalise(n).strip()
        assert lx._variants(v) == plain_variants(v), n
        prefixed += plain_spaced(v) != v
    assert prefixed > 5 and len(names) > 1000


def test_top_alternatives_split_a_pattern_where_the_regex_branches():
    from sarcokg.extract.textprep import top_alternatives
    assert top_alternatives(r"a|b(?:c|d)|[|]|\||[]|]x|[^]|]|(?<=a|b)c") == \
        ["a", "b(?:c|d)", "[|]", r"\|", "[]|]x", "[^]|]", "(?<=a|b)c"]
    assert top_alternatives("abc") == ["abc"]


def test_any_of_answers_as_its_alternation():
    """AnyOf tells whether a string holds a match of an alternation by its literal words in one pass and
    its other alternatives each by itself: the answer of the alternation's search, for every AnyOf of
    the extractor, on windows of sentences as the rules ask it."""
    import importlib
    import pkgutil

    import sarcokg.extract as pkg
    from sarcokg.extract.textprep import AnyOf
    found = {f"{i.name}.{n}": v for i in pkgutil.iter_modules(pkg.__path__)
             for n, v in vars(importlib.import_module(f"sarcokg.extract.{i.name}")).items() if isinstance(v, AnyOf)}
    assert found
    strings = _sentences_and_lines()
    strings += [_view(s)[max(0, i - 70):i] for s in strings for i in range(0, len(s), 23)]
    strings += ["anterior to the", "lateral and to", "medial or to", "posterior x to", "separated from",
                "posterior  to", "pushed", "close to", "mass effect on", "adherent", "lifted off from", "in proximity",
                "nearby"]
    for name, a in found.items():
        seen = {True: 0, False: 0}
        for s in strings:
            plain = a.rx.search(s) is not None
            assert a.search(s) == plain, (name, s[:120])
            seen[plain] += 1
        assert min(seen.values()) > 20, name
        assert any(a.rx.search(s) and not any(w in s for w in a.words) for s in strings), name   # the others tried
    for bad in (r"a", r"(a)|\1", r"(?i)a|b", r"\w+|\d", r"(?i:a)|b\d", r"a|(?P<x>b)(?P=x)"):
        with pytest.raises(ValueError):
            AnyOf(re.compile(bad))
    with pytest.raises(ValueError):
        AnyOf(re.compile(r"a | b\d", re.X))


def test_year_forms_tried_at_line_starts_find_what_their_search_finds():
    """The year forms anchored at a line's start (^ with re.M), tried there only (and those that open
    with a look for a received date, only where the rest matches), and the citation forms that open
    with 'volume(', tried only before a '(', find the match (span and groups) the pattern's search
    finds, in whole texts and in windows of them."""
    from sarcokg.extract import metadata as md
    wrapped = [f.rx for f in md._YEAR_ORDER if isinstance(f.rx, md._AtLineStarts | md._DigitsBeforeParen)]
    assert sum(isinstance(w, md._AtLineStarts) for w in wrapped) >= 5
    assert sum(isinstance(w, md._AtLineStarts) and w._body_src is not None for w in wrapped) >= 3
    assert sum(isinstance(w, md._DigitsBeforeParen) for w in wrapped) >= 2
    assert {id(f.rx) for f in md._CITE_FORMS} <= {id(f.rx) for f in md._YEAR_ORDER}
    assert len(md._CITE_FORMS) == sum(f.cites for f in md.YEAR_FORMS)
    rnd = random.Random(5)
    texts = _texts() + ["\n\nJuly 2017\n", "x\n 2019 \n", "\n", "", "Received: May 2, 2019\nMay 2, 2019\n",
                        "Example J | 2021\nCase Report      June 2021\n", "Surg 38(2):402 (1996)",
                        "12345 (3): 5 (2001)", "Med 100 (3): 216-219, 2010", "J, 06 January 2023\n",
                        "Revised, 06 January 2023\n",
                        "a 1(2): 3 (1999) b 22(3):4 (2004)", "\u0661\u0662(3): 4 (2005)", "7\u2003(1): 2 (2006)"]
    found = 0
    for t in texts:
        ends = [(rnd.randint(-2, len(t) + 2), rnd.randint(-2, len(t) + 2)) for _ in range(6)]
        cuts = [(0, len(t)), (3, len(t) + 5)] + [(min(a, b), max(a, b)) for a, b in ends]
        cuts += [(i + 1, min(len(t), i + 140)) for i in range(len(t)) if t[i] == "\n"][:40]
        for w in wrapped:
            for a, b in cuts:
                m, p = w.search(t, a, b), w.rx.search(t, a, b)
                assert (m and (m.span(), m.groups())) == (p and (p.span(), p.groups())), (w.pattern[:60], a, b)
                found += p is not None
    assert found > 20
    assert not md.at_line_starts(re.compile(r"^a")) and not md.at_line_starts(re.compile(r"(?m)a^|^b"))
    assert not md.at_line_starts(re.compile(r"(?m)^a|b"))
    assert not md.at_line_starts(re.compile(r"^a # (\n|b", re.M | re.X))
    assert md.at_line_starts(re.compile(r"(?m)^a")) and md.at_line_starts(re.compile(r"^a", re.M))


def test_caseless_views_without_a_folded_letter_told_by_isascii():
    """Caseless.on() and Keyed's view skip their look for the letters re.I folds in an ASCII string:
    the pattern chosen is the one the look chooses."""
    from sarcokg.extract.textprep import Caseless, Keyed
    c = Caseless(r"\bcase\b")
    k = Keyed(re.compile(r"\bcase\b", re.I))
    for s in _sentences_and_lines() + ["ca\u017fe", "\u0130case", "\u212aase", "caf\u00e9 case", "\u0131case"]:
        low = _view(s)
        folds = any(f in low for f in Caseless._FOLDS)
        assert (c.on(low) is c.folding) == folds, low[:80]
        assert (k._view(low, 0, len(low)) is None) == (folds or len(low.lower()) != len(low)), low[:80]


def test_treatment_verbs_looked_for_without_their_prefilter_find_none_where_it_found_none():
    """collect() asks Zones.hits(VERB_RX) without first asking whether the text holds a verb: VERB_RX is
    Keyed, so a text without one is not scanned, and hits() finds nothing in it, as the prefilter said."""
    from sarcokg.extract import interventions as iv
    from sarcokg.extract.context import Zones
    from sarcokg.extract.textprep import split_sentences
    seen = {True: 0, False: 0}
    texts = _texts()[-200:] + ["The mass was resected.", "A 40-year-old man. The tumour was operated on.",
                               "No verb here."]
    for t in texts:
        z = Zones(t, split_sentences(t), None)
        has = any(v in z.low for v in iv.VERB_KIND)
        assert has or z.hits(iv.VERB_RX) == {}, t[:120]
        seen[has] += 1
    assert min(seen.values()) > 0


def _plain_resolve(cands):
    """resolve() as it was written first: per axis, by (start, -length), the first of overlapping hits
    kept; then all by (start, end)."""
    out, by_axis = [], {}
    for m in cands:
        by_axis.setdefault(m.axis, []).append(m)
    for ms in by_axis.values():
        ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
        last_end = -1
        for m in ms:
            if m.start >= last_end:
                out.append(m)
                last_end = m.end
    out.sort(key=lambda m: (m.start, m.end))
    return out


def test_mentions_ordered_by_attrgetter_as_by_their_tuple_key():
    """resolve() and merge() sort by attrgetter('start', 'end'): the order of the plain (m.start, m.end)
    key, ties kept as they came (invented mentions with equal spans on several axes)."""
    from sarcokg.extract import lexicon as lx

    rnd = random.Random(11)
    for _ in range(300):
        cands = []
        for _ in range(rnd.randint(0, 30)):
            a = rnd.randint(0, 40)
            cands.append(lx.Mention(rnd.choice(("site", "tumour", "agent")), rnd.choice("abc"), a,
                                    a + rnd.randint(1, 6), rnd.choice(("lexicon", "abbreviation"))))
        got = lx.resolve(list(cands))
        want = _plain_resolve(list(cands))
        assert [id(m) for m in got] == [id(m) for m in want]
        extra = cands[::3]
        merged = lx.merge(got, extra)
        assert [id(m) for m in merged] == [id(m) for m in sorted(merged, key=lambda m: (m.start, m.end))]


def test_sentence_cuts_with_one_set_of_first_characters_are_those_of_the_alternation():
    from sarcokg.extract import textprep as tp
    plain = re.compile(r"[.!?](?:(?=[\"'\u201d\u2019)\]]*\s+[\"'\u201c\u2018(\[]?[A-Z0-9])"
                       r"|(?<=[a-z]\.)\d{1,3}(?:[,\u2013-]\d{1,3})*(?=\s+[\"'\u201c\u2018(\[]?[A-Z])"
                       r"|\[\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*\](?=\s+[\"'\u201c\u2018(]?[A-Z])"
                       r"|(?<=[a-z]{3}\.)(?=[A-Z][a-z]+\b))"
                       r"|\)(?=(?:We|The|This|Our|In|A|An|He|She)\s)")
    odd = ["( 25 to 30% )We present", "tract.[4,5] ASPS", "failed.3 These", "(n = 3) The", ") A", "?) We", "!) The",
           ".) He said", "(Fig. 1)The end. A", "a.12, 13 The", "b.[1] The", "]) The", ".) In", "margins.The end",
           "ins).The", "e.g.The", "Fig.The", "ab.Cd"]
    for t in _texts() + _strings(800) + odd:
        assert [(m.start(), m.end()) for m in tp._SPLIT.finditer(t)] == \
            [(m.start(), m.end()) for m in plain.finditer(t)], t[:120]


def test_a_site_in_a_sentence_without_any_hypothetical_word_is_never_hypothetical():
    from sarcokg.extract import sites
    from sarcokg.extract.context import hypothetical
    from sarcokg.extract.textprep import split_sentences
    seen: dict[int, bool] = {}
    checked = 0
    for t in _texts() + [s + "." for s in _strings(800)]:
        for s in split_sentences(t):
            seen.clear()
            if sites._hypo_possible(s, seen):
                continue
            for w in re.finditer(r"\w+", s.text):   # each word of the sentence as a mention
                assert not hypothetical(t, s, s.start + w.start(), s.start + w.end()), (s.text, w.group())
                checked += 1
    assert checked > 10000


def test_a_reference_lists_start_found_by_the_c_search_is_that_of_the_letter_by_letter_scan():
    from sarcokg.extract import metadata as md

    def plain(text: str, at: int) -> int:
        m = md._ENTRY_NUMBER_RX.match(text, at)
        n = int(m.group(1)) if m else 1
        while n > 1:
            lo = max(0, at - 600)
            lines = ([0] if lo == 0 else []) + [i + 1 for i in range(lo, at - 1) if text[i] == "\n"]
            prev = next((p for p in reversed(lines) if (pm := md._ENTRY_NUMBER_RX.match(text, p)) is not None
                         and int(pm.group(1)) == n - 1), None)
            if prev is None:
                break
            at, n = prev, n - 1
        return at

    refs = "".join(f"[{i}] Example AB, Other CD. A title. J Ex. 20{i:02d};1:2-3.\n" for i in range(1, 9))
    for t in _texts()[:60] + [refs, "\n" + refs, "x\n" * 300 + refs]:
        for at in [0] + [i + 1 for i, c in enumerate(t) if c == "\n"]:
            assert md._numbered_before(t, at) == plain(t, at)


def test_gated_searches_answer_as_their_patterns():
    """Gated runs a pattern's search only in a string that holds one of the words every match holds: the
    same answer as the plain search, for every Gated of the extractor, on clause tails and sentences as
    the rules ask them; and the words are those the pattern's alternatives need."""
    import importlib
    import pkgutil

    import sarcokg.extract as pkg
    from sarcokg.extract.textprep import Gated, gate_words
    from sarcokg.extract.textprep import _sp as sp
    found = {f"{i.name}.{n}": v for i in pkgutil.iter_modules(pkg.__path__)
             for n, v in vars(importlib.import_module(f"sarcokg.extract.{i.name}")).items() if isinstance(v, Gated)}
    assert {"context.NEG_GATE", "context.HYPO_GATE"} <= set(found)
    strings = [_view(s) for s in _sentences_and_lines()]
    strings += [" ".join(s.split()[-n:]) for s in strings[::3] for n in (3, 6, 8, 12)]
    strings += ["to be given", "to be  started", "candidate\nfor surgery", "did not", "did\tnot", "consideration",
                "thought  to be", "the tumour was not resected", "no", "nor", "free of disease", "specific",
                "a history of breast cancer", "renal cell carcinomas", "hodgkin's disease", "wilms tumour",
                "pituitary\nadenoma", "lung  cancers", "leukaemia", "adenocarcinomas", "skin cancer", "liver cancer",
                "carcinomatous", "lungcancer", "thyroid carcinoma", "a glioblastoma", "the melanomas"]
    # each gate's words in a clause (positive cases without ../shared's corpus too)
    strings += [f"{pre}the mass {w} the lung" for g in found.values() for w in g.words for pre in ("", "and ", "but ")]
    for name, g in found.items():
        assert g.words == Gated(g.rx).words, name   # the words written out are those the pattern gives
        seen = {True: 0, False: 0}
        for s in strings:
            plain = g.rx.search(s)
            got = g.search(s)
            assert (got and got.span()) == (plain and plain.span()), (name, s[:120])
            assert g.possible(s) or plain is None, (name, s[:120])
            seen[plain is not None] += 1
        assert min(seen.values()) > 20, name
    assert gate_words(sp.parse(r"\b(?:no|did not|to be (?:given|started)|consider(?:ed)?|(?:felt|thought)\s+to)\b"
                               ).data) == {"no", "did not", "to be given", "to be started", "consider",
                                           "considered", "felt", "thought"}
    for bad in (r"\w+|no", r"(?i)no|not", r"\bno|[a-z]+", r" |x"):
        with pytest.raises(ValueError):
            Gated(re.compile(bad))


def test_negation_after_a_mention_told_with_its_prefilter_as_by_its_regex():
    """post_negated() skips POST_NEG_RX where neither 'free' nor an opening word it needs occurs: the same
    answers as the plain match on the windows after every position of the corpus sentences."""
    from sarcokg.extract import context as c
    strings = [_view(s) for s in _sentences_and_lines()]
    strings = [s[i:i + 50] for s in strings for i in range(0, len(s), 5)]
    strings += [" was not given", "\twere ruled out", " - free", "-free of", " or metastasis free", "  is excluded",
                " had to be abandoned", " would have been too difficult", " were considered to be risky", "was"]
    strings += [f"{lead}{verb} {what}" for lead in ("", " ", "\n ") for verb in ("was", "were", "is", "are")
                for what in ("not performed", "ruled out", "later declined", "deemed unsuitable", "given")]
    strings += [f"{lead}{dash}free" for lead in ("", " ", "  ") for dash in ("", "-", " ", "\u2013")]
    seen = {True: 0, False: 0}
    for s in strings:
        plain = c.POST_NEG_RX.match(s) is not None
        assert c.post_negated(s) == plain, s
        seen[plain] += 1
    assert min(seen.values()) > 30, seen


def test_dose_pattern_with_its_digit_first_finds_what_its_lookbehind_first_form_finds():
    """GY_RX opens with a digit (its lookbehind moved after it), so the regex engine skips to digits: the same
    matches and groups as the pattern as first written, on the texts and on strings built at its edges."""
    from sarcokg.extract import interventions as iv
    plain = re.compile(iv.GY_PLAIN)
    odd = ["50 gy", "1.8gy", "x50 gy", ".5 gy", "3.5 gy", "45,5 c gy", "12 rads", "0 gy", "a5gy", "5.0.4 gy",
           "\u0665\u0660 gy", "9", "7 gye", "50gy.", "..50 gy", "1 2 gy", "_3 gy", "35 gray", "1x5 cgy"]
    odd += [f"a total of {d} {u} in {n} fractions" for d in ("45", "50.4", "60", "1,8", "7000")
            for u in ("gy", "cgy", "rads") for n in (5, 28)]
    n = 0
    for t in [_view(t) for t in _texts()] + odd + [" " + s for s in odd] + [s.upper().lower() for s in odd]:
        got = [(m.span(), m.regs) for m in iv.GY_RX.plain.finditer(t)]
        assert got == [(m.span(), m.regs) for m in plain.finditer(t)], t[:120]
        n += len(got)
    assert n > 50


def test_mentions_resolved_with_two_c_keyed_sorts_as_with_the_tuple_key():
    """resolve() orders each axis's candidates by end descending, then by start (stable sorts): the order of
    the (start, -length) key, ties kept in the order found, so the same mentions are kept."""
    import random

    from sarcokg.extract.lexicon import Mention, resolve

    rnd = random.Random(3)
    for _ in range(3000):
        cands = []
        for _ in range(rnd.randint(0, 14)):
            s = rnd.randint(0, 30)
            cands.append(Mention(rnd.choice(("site", "agent", "tumour")), rnd.choice("abcd"), s, s + rnd.randint(1, 6),
                                 rnd.choice(("lexicon", "abbreviation"))))
        got = resolve(list(cands))
        assert [(m, id(m)) for m in got] == [(m, id(m)) for m in _plain_resolve(list(cands))]


def test_needs_gates_answer_as_their_patterns():
    """Needs runs a pattern only on a string that holds one of the words every match needs (lowercased for a
    case-insensitive pattern, unless a letter re.I folds onto an ASCII one is there): match() and search()
    give what the plain pattern gives, for every Needs of the extractor, on the windows after each position
    of the corpus sentences, in their own case and upper case, and on strings with the folded letters."""
    import importlib
    import pkgutil

    import sarcokg.extract as pkg
    from sarcokg.extract.textprep import Needs, need_words
    from sarcokg.extract.textprep import _sp as sp
    found = {f"{i.name}.{n}": v for i in pkgutil.iter_modules(pkg.__path__)
             for n, v in vars(importlib.import_module(f"sarcokg.extract.{i.name}")).items() if isinstance(v, Needs)}
    assert {"sites._SYMPTOM_AFTER", "sites._NOT_SITE_AFTER"} <= set(found)
    texts = [s for s in _sentences_and_lines() if len(s) > 20]
    strings = [s[i:i + 40] for s in texts for i in range(0, len(s), 6)]
    strings += [s.upper() for s in strings[::7]]
    strings += [" tran\u017fplant", " \u017fymptoms", " \u0131nfection", " bone graft", " nerve", "  \u212aidney",
                " pain", " PAIN", " leg weakness", " cell carcinomas", " h\u0131ernia", " - arterial",
                " joint replacement", " x paresis", " hemiplegia", "haemorrhage"]
    # each gate's words after a site (positive cases without ../shared's corpus too)
    strings += [f"{pre}{w}" for g in found.values() for w in g.words for pre in (" ", " - ", "  ")]
    for name, g in found.items():
        assert g.words == Needs(g.rx).words, name   # the words written out are those the pattern gives
        seen = {True: 0, False: 0}
        for s in strings:
            for ask, plain in ((g.match, g.rx.match), (g.search, g.rx.search)):
                want, got = plain(s), ask(s)
                assert (got and got.span()) == (want and want.span()), (name, s)
                seen[want is not None] += 1
        assert min(seen.values()) > 30, (name, seen)
    tree = sp.parse(r"^[\s-]*(?:(?:[\w-]+\s+)?(?:allo|auto)?grafts?|(?:cell\s+)?carcinomas?|arter(?:y|ies)|"
                    r"h(?:a)?emorrhage|(?:[\w-]+\s+){1,2}(?:flap|tube)s?|\w*plegi\w*)\b").data
    assert need_words(tree) == {"graft", "carcinoma", "arter", "emorrhage", "flap", "tube", "plegi"}
    for bad in (r"\w+|graft", r"(?i:graft)", r"x?"):
        with pytest.raises(ValueError):
            Needs(re.compile(bad))
