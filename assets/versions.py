"""Code versions for the assets: a hash of the code *and data files* each stage depends on.

Dagster marks an asset stale when its code version differs from the one recorded with its last
materialisation. Deriving the version from file contents means editing one lexicon entry (or the
gazetteer, or a stage's code) makes exactly the assets that read it stale, with no version number
to bump by hand. A stage's dependencies are found statically: the `pipelines.*` modules its entry
module imports (transitively, by reading `import` statements, nothing is executed), plus every
non-Python file in those modules' package folders (lexicons, gazetteer tables; in the top-level
`pipelines/` folder only the files the stage's code names), plus explicit extra folders (`sql/` for
the warehouse).
"""
from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

REPO_ROOT = Path(__file__).resolve().parents[1]

# stage -> (entry modules, extra folders relative to the repo root)
STAGES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "raw_articles": (("pipelines.ingest",), ()),
    "clean_articles": (("pipelines.clean",), ()),
    "analyses": (("pipelines.nlp",), ()),
    "article_dates": (("pipelines.temporal",), ()),
    "events": (("pipelines.extract", "pipelines.gazetteer"), ()),
    "warehouse": (("pipelines.warehouse",), ("sql/migrations", "sql/views")),
    "charts": (("pipelines.warehouse.charts",), ("sql/migrations", "sql/views")),
}

_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


def _module_path(root: Path, module: str) -> Path | None:
    """File of `module` under `root` (the folder holding the `pipelines` package), or None."""
    base = root.joinpath(*module.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


@lru_cache(maxsize=None)
def _imports(path: Path, module: str) -> frozenset[str]:
    """`pipelines.*` modules named by the import statements of one file (relative ones resolved)."""
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    out: set[str] = set()
    for statement in _import_statements(path.read_text(encoding="utf-8", errors="replace")):
        try:
            nodes = ast.parse(statement).body
        except SyntaxError:
            continue  # a docstring line that starts with "from ..."
        for node in nodes:
            if isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1])
                    name = f"{base}.{node.module}" if node.module else base
                else:
                    name = node.module or ""
                out.add(name)
                out.update(f"{name}.{a.name}" for a in node.names)  # `from pkg import submodule`
    return frozenset(m for m in out if m == "pipelines" or m.startswith("pipelines."))


def _import_statements(source: str) -> list[str]:
    """The import statements of a source file (also indented ones), without parsing the whole file:
    a full AST walk of every module costs ~1 s per process start, this a few milliseconds."""
    out, current, depth = [], [], 0
    for line in source.splitlines():
        stripped = line.strip()
        if not current and not stripped.startswith(("import ", "from ")):
            continue
        current.append(stripped)
        depth += stripped.count("(") - stripped.count(")")
        if depth <= 0 and not stripped.endswith("\\"):
            out.append(" ".join(current).replace("\\", " "))
            current, depth = [], 0
    return out


def module_closure(root: Path, entries: Iterable[str]) -> dict[str, Path]:
    """Every `pipelines.*` module reachable from `entries` by imports, with its file."""
    seen: dict[str, Path] = {}
    todo = list(entries)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = _module_path(root, module)
        if path is None:
            continue  # an imported name that is not a module (a function, a class)
        seen[module] = path
        parent = module.rpartition(".")[0]
        if parent:
            todo.append(parent)  # importing a submodule runs its package's __init__
        todo.extend(_imports(path, module))
    return seen


def _data_files(package_dir: Path) -> list[Path]:
    """Non-Python files of a package folder, descending into sub-folders that are not packages."""
    out = []
    for p in sorted(package_dir.iterdir()):
        if p.name in _SKIP_DIRS or p.name.startswith("."):
            continue
        if p.is_dir():
            if not (p / "__init__.py").exists():
                out.extend(_all_files(p))
        elif p.suffix not in _SKIP_SUFFIXES and p.suffix != ".py":
            out.append(p)
    return out


def _all_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix not in _SKIP_SUFFIXES
        and not any(part in _SKIP_DIRS or part.startswith(".") for part in p.relative_to(folder).parts)
    )


def stage_files(stage: str, root: Path = REPO_ROOT) -> list[Path]:
    """The files whose content defines `stage`'s code version."""
    entries, extra = STAGES[stage]
    modules = module_closure(root, entries)
    files: set[Path] = set(modules.values())
    sources = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in modules.values())
    for module, path in modules.items():
        if path.name != "__init__.py":
            continue
        data = _data_files(path.parent)
        if "." not in module:
            # The top-level folder holds files of several stages (e.g. the cleaner's furniture
            # list): count one only for the stages whose code names it.
            data = [p for p in data if p.name in sources]
        files.update(data)
    for folder in extra:
        if (root / folder).is_dir():
            files.update(_all_files(root / folder))
    return sorted(files)


def hash_files(files: Iterable[Path], root: Path) -> str:
    """Content hash over (relative path, bytes): renaming or editing a file changes it."""
    h = hashlib.sha256()
    for p in sorted(files):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


def code_versions(root: Path = REPO_ROOT) -> dict[str, str]:
    """Code version of every stage for the source tree at `root` (a repo checkout or a copy)."""
    return {stage: hash_files(stage_files(stage, root), root) for stage in STAGES}


@lru_cache(maxsize=1)
def current_code_versions() -> dict[str, str]:
    """Versions of the installed tree, computed once per process (definitions load)."""
    return code_versions(REPO_ROOT)
