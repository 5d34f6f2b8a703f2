"""The import graph of `pipelines/` and `assets/` runs one way and has no cycles.

The graph is built from the source with `ast` (every `import`, function-local ones included), one
node per module. Two rules:

* no cycles (strongly connected components of more than one module);
* layers: a module imports only modules of its own group or of a lower layer. Top to bottom
  (derived from the code; the data flows ingest -> clean -> nlp/temporal -> extract (places and
  actors looked up in the gazetteer) -> warehouse, and each stage is called from above by
  `process`, not by the stage before it):

  ========================================  =================================================
  assets                                    Dagster: assets, checks, resources (`demo` prints
                                            with the CLI's table)
  pipelines.cli                             every `marsad` command
  pipelines.extract.training                recipes that fit the shipped weights (they run
                                            the whole pipeline over labelled data)
  pipelines.process | pipelines.warehouse   the stages chained | loading and reading DuckDB
  pipelines.extract                         events from analysed sentences
  pipelines.nlp | pipelines.temporal        sentences and tokens | dates
  pipelines.gazetteer                       places and actors (used by nlp's entity tags)
  pipelines.clean                           body regions of an article (reads ingest.txt)
  pipelines.ingest                          landing files -> articles or quarantine
  pipelines.isolation | pipelines.learn     per-article failure isolation | logistic models
  pipelines.days                            which day an article belongs to
  pipelines.records | text | settings       typed records, normalisation, MARSAD_* settings
  pipelines.caching | versioning            loaded-once resources and run-owned memos | hashes
  ========================================  =================================================

Groups in one layer (`|`) do not import each other. A new package or top-level module must be
placed in `LAYERS`. `python tests/test_import_graph.py [ROOT]` prints the graph and every violation.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("pipelines", "assets")

LAYERS: tuple[tuple[str, ...], ...] = (
    ("assets",),
    ("pipelines.cli",),
    ("pipelines.extract.training",),
    ("pipelines.process", "pipelines.warehouse"),
    ("pipelines.extract",),
    ("pipelines.nlp", "pipelines.temporal"),
    ("pipelines.gazetteer",),
    ("pipelines.clean",),
    ("pipelines.ingest",),
    ("pipelines.isolation", "pipelines.learn"),
    ("pipelines.days",),
    ("pipelines.records", "pipelines.text", "pipelines.settings", "pipelines"),
    ("pipelines.caching", "pipelines.versioning"),
)


def modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package `__init__`)."""
    out = {}
    for top in PACKAGES:
        for path in sorted((root / top).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _imported(node: ast.AST, package: str, mods: dict) -> list[str]:
    """The dotted names one import statement names: `from X import Y` is X.Y when that is a
    module (the usual reading: the submodule, not its package's `__init__`), else X."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: `from . import x` in package a.b is a.b.x
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(anchor + ([base] if base else []))
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]


def import_graph(root: Path = REPO) -> dict[str, set[str]]:
    """Module -> the modules of `pipelines`/`assets` it imports anywhere in its body."""
    mods = modules(root)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, (path, is_package) in mods.items():
        package = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node, package, mods):
                while target and target not in mods:  # `import a.b.c` of a name in a.b: the module a.b
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def group_of(module: str) -> tuple[int, str] | None:
    """(layer, group) of a module: the longest group name it lies under."""
    best = None
    for layer, groups in enumerate(LAYERS):
        for group in groups:
            inside = module == group or (group != "pipelines" and module.startswith(group + "."))
            if inside and (best is None or len(group) > len(best[1])):
                best = (layer, group)
    return best


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that go up a layer or sideways to another group, and modules in no group."""
    out = []
    for module in sorted(graph):
        mine = group_of(module)
        if mine is None:
            out.append(f"{module}: in no layer of LAYERS")
            continue
        for target in sorted(graph[module]):
            theirs = group_of(target)
            if theirs is None or theirs[1] == mine[1]:
                continue
            if theirs[0] <= mine[0]:
                where = "a higher layer" if theirs[0] < mine[0] else "another group of its layer"
                out.append(f"{module} ({mine[1]}) imports {target} ({theirs[1]}, {where})")
    return out


def test_graph_sees_function_local_and_relative_imports():
    graph = import_graph()
    assert "pipelines.nlp.stanza_analyzer" in graph["pipelines.nlp.analyzers"]  # inside get_analyzer
    assert "pipelines.nlp.analyzers" in graph["pipelines.nlp"]  # `from .analyzers import`
    assert "pipelines.process" in graph["pipelines.cli.docs"]  # inside cmd_extract


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_imports_run_down_the_layers():
    assert layer_violations(import_graph()) == []


def test_checks_catch_a_cycle_and_an_upward_import():
    graph = {"pipelines.nlp.a": {"pipelines.nlp.b"}, "pipelines.nlp.b": {"pipelines.nlp.a"},
             "pipelines.ingest.core": {"pipelines.warehouse.load"}, "pipelines.warehouse.load": set(),
             "pipelines.temporal": {"pipelines.nlp.a"}, "pipelines.newthing": set()}
    assert cycles(graph) == [["pipelines.nlp.a", "pipelines.nlp.b"]]
    assert layer_violations(graph) == [
        "pipelines.ingest.core (pipelines.ingest) imports pipelines.warehouse.load (pipelines.warehouse, a higher layer)",
        "pipelines.newthing: in no layer of LAYERS",
        "pipelines.temporal (pipelines.temporal) imports pipelines.nlp.a (pipelines.nlp, another group of its layer)",
    ]


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO
    g = import_graph(root)
    for m in sorted(g):
        print(f"{m} -> {', '.join(sorted(g[m])) or '-'}")
    problems = [" <-> ".join(c) for c in cycles(g)] + layer_violations(g)
    print("\n".join(["", f"{len(problems)} problem(s)", *problems]))
    sys.exit(1 if problems else 0)
