"""The package's folders read as the data flow, and imports go one way, down it.

Each folder (layer) may import only itself and the layers before it; no module
imports another in a cycle (imports inside functions included).
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sarcokg"
# the flow, first to last; cli sits on top
LAYERS = ["common", "model", "extract", "store", "query", "validate", "ingest", "interop", "views", "cli"]


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(SRC.rglob("*.py")):
        rel = p.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([base] if base else []))
            if not base.startswith("sarcokg"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("sarcokg"))
    return {m for m in found if m in known and m != name}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "cli"


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(m, p, set(mods)) for m, p in mods.items()}


def test_every_module_is_in_a_layer():
    stray = [m for m in _modules() if m != "sarcokg" and _layer(m) not in LAYERS + ["__main__", "data"]]
    assert not stray, f"modules outside the layers {LAYERS}: {stray}"


def test_imports_go_down_the_flow():
    order = {name: i for i, name in enumerate(LAYERS)}
    order["__main__"] = len(LAYERS)
    bad = []
    for mod, deps in _graph().items():
        if mod == "sarcokg":
            continue
        for dep in deps:
            if dep != "sarcokg" and order[_layer(dep)] > order[_layer(mod)]:
                bad.append(f"{mod} -> {dep}")
    assert not bad, "imports up the flow:\n" + "\n".join(sorted(bad))


def test_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = defaultdict(int)
    cycles = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state[d] == 1:
                cycles.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif state[d] == 0:
                visit(d, stack + [d])
        state[m] = 2

    for m in sorted(graph):
        if state[m] == 0:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_check_sees_a_planted_upward_import(tmp_path):
    """The walk finds imports at all (a check that cannot fail is no check)."""
    graph = _graph()
    assert "sarcokg.model.namespaces" in graph["sarcokg.model.terms"]
    assert any(d.startswith("sarcokg.store") for d in graph["sarcokg.query.rowcache"])
