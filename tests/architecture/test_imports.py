"""The shape of the house, checked from the source (ast; no Django needed): no module imports a
module that imports it back, and no app imports one above it (docs/architecture.md draws the layers).

Every ``import`` counts, also one inside a function: a lazy import hides a dependency from the
reader, it does not remove it. Run it as a script to print the import cycles and upward imports:
``python tests/architecture/test_imports.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
ROOT = "steppe"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for p in (SRC / ROOT).rglob("*.py")
        if "migrations" not in p.parts and "site-packages" not in p.parts
    }


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (``from pkg import mod`` counts as importing pkg.mod)."""
    tree = ast.parse(path.read_text(), str(path))
    out: set[str] = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for t in targets:
            # the longest known module the import names
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name and t.startswith(ROOT + "."):
                out.add(t)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    g = {name: imports_of(name, path, known) for name, path in mods.items()}
    # importing a package's submodule runs the package's __init__; the package itself imports
    # nothing of ours here, so edges to packages are dropped to keep cycles meaningful
    packages = {m for m, p in mods.items() if p.name == "__init__.py"}
    return {m: {t for t in deps if t not in packages} for m, deps in g.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(out)


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else "(project)"




# Lower first. An app may import its own layer's foundations below it, never a higher layer; apps
# in one layer do not import each other. A new app gets its place here and in docs/architecture.md.
LAYERS: list[set[str]] = [
    {"core"},  # regions, units and users, permissions, audit, registry, validation
    {"plans"},  # the plan: targets, actions, measures
    {"transfer", "policy"},  # the transfer network and the enterprise register
    {"stats"},  # statistics and attainment (reads the registers' figures through core.registry)
    {"supervision", "registers"},  # measures' progress beside attainment; registers with their charts
    {"challenges"},  # 揭榜挂帅, built on supervision's evidence, inbox and reminders
    {"evaluation"},  # composite indices over statistics and registers
    {"web"},  # pages that span apps (home, plan, work links)
    {"(project)"},  # settings, urls, the API and the CLI that mount every app
]
LAYER = {app: i for i, apps in enumerate(LAYERS) for app in apps}


def violations(g: dict[str, set[str]]) -> list[str]:
    out = []
    for module, deps in sorted(g.items()):
        here = app_of(module)
        for dep in sorted(deps):
            there = app_of(dep)
            if here == there:
                continue
            if here not in LAYER or there not in LAYER:
                out.append(f"{module} -> {dep}: app {here if here not in LAYER else there!r} has no layer (LAYERS)")
            elif LAYER[there] >= LAYER[here]:
                out.append(f"{module} -> {dep}: {here} (layer {LAYER[here]}) imports {there} (layer {LAYER[there]})")
    return out


def test_no_module_imports_a_module_that_imports_it_back():
    assert cycles(graph()) == []


def test_no_app_imports_one_above_it_or_beside_it():
    assert violations(graph()) == []


def test_the_checks_see_a_cycle_and_an_upward_import():
    g = {
        "steppe.stats.report": {"steppe.stats.views"},
        "steppe.stats.views": {"steppe.stats.report", "steppe.core.models"},
        "steppe.plans.services": {"steppe.stats.models"},
        "steppe.core.models": set(),
    }
    assert cycles(g) == [["steppe.stats.report", "steppe.stats.views"]]
    assert violations(g) == ["steppe.plans.services -> steppe.stats.models: plans (layer 1) imports stats (layer 3)"]


def test_apps_reach_each_other_only_through_imports_one_can_see():
    """No importlib or apps.get_model across apps (migrations excepted: they must use get_model)."""
    found = []
    for name, path in modules().items():
        text = path.read_text()
        for needle in ("importlib.import_module", "apps.get_model(", "import_string("):
            if needle in text:
                found.append(f"{name}: {needle}")
    assert found == []


def app_edges(g: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(app, app it imports) for every import between two apps; the project's own modules aside."""
    return {
        (app_of(m), app_of(d)) for m, deps in g.items() for d in deps
        if app_of(m) != app_of(d) and "(project)" not in (app_of(m), app_of(d))
    }


def test_the_architecture_drawing_shows_the_dependencies_as_they_are():
    import re

    doc = (SRC.parent / "docs" / "architecture.md").read_text()
    drawing = doc[doc.index("```mermaid"):doc.index("```", doc.index("```mermaid") + 3)]
    drawn = {(a, b) for a, b in re.findall(r"^\s*(\w+)\s*-->\s*(\w+)\s*$", drawing, re.M)}
    assert drawn == app_edges(graph())


if __name__ == "__main__":
    g = graph()
    for c in cycles(g):
        print("cycle:", " <-> ".join(c))
    for v in violations(g):
        print("upward:", v)
