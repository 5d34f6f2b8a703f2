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
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from pipelines.versioning import Version, version_of

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
    return Version().files(files, root).digest()


def analyzer_identity() -> str:
    """Which analyzer `analyses` runs, and what it runs on: it changes `analyses`' code version.

    stanza: the model folder and the name, size and mtime of every file in it (hashing gigabytes of
    weights at each code-location load would be too slow; replacing a model changes size or mtime).
    offline: a hash of the word lists as the analyzer loads them (its YAML lexicons and the
    single-word triggers it borrows from the extraction lexicons), so editing a trigger's weight
    does not touch `analyses` but adding a trigger word does.
    """
    from pipelines.nlp.models import describe_choice
    from pipelines.settings import Settings

    choice = describe_choice(Settings.from_env().stanza_dir)
    if choice.name == "stanza" and choice.stanza_dir is not None:
        folder = Path(choice.stanza_dir)
        version = Version(folder.resolve())
        for p in _all_files(folder):
            version.stat(p, p.relative_to(folder).as_posix())
        return "stanza:" + version.digest()
    return "offline:" + _offline_lexicon_hash()


def _offline_lexicon_hash() -> str:
    """Hash of the offline analyzer's loaded word lists, memoised on disk by its source files' stats.

    Loading the lexicons costs ~0.5 s and every step process of a multiprocess run loads the
    definitions; the memo (in the temp folder, keyed by each source file's path, size and mtime)
    makes that a few `stat` calls. A missing or unwritable memo only means recomputing.
    """
    from pipelines.nlp import lexicon as module

    sources = [Path(module.__file__), *sorted(Path(module.HERE).glob("*")), *sorted(Path(module.TRIGGER_DIR).glob("*.yaml"))]
    stats = Version()
    for p in sources:
        try:
            stats.stat(p)
        except OSError:
            continue
    key = stats.digest(64)
    memo = Path(tempfile.gettempdir()) / f"marsad-analyzer-identity-{os.getuid()}.json"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    if key in known:
        return str(known[key])
    lex = module.lexicons()
    version = Version()
    for name in sorted(vars(lex)):
        value = getattr(lex, name)
        version.text(name, repr(sorted(value.items()) if isinstance(value, dict) else sorted(value)))
    value = version.digest()
    try:
        tmp = memo.with_name(f"{memo.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({**dict(list(known.items())[-20:]), key: value}), encoding="utf-8")
        os.replace(tmp, memo)
    except OSError:
        pass
    return value


def code_versions(root: Path = REPO_ROOT, analyzer: str | None = None) -> dict[str, str]:
    """Code version of every stage for the source tree at `root` (a repo checkout or a copy).

    `analyses` also carries the active analyzer's identity (`analyzer_identity()` unless given).
    """
    versions = {stage: hash_files(stage_files(stage, root), root) for stage in STAGES}
    identity = analyzer if analyzer is not None else analyzer_identity()
    versions["analyses"] = version_of(versions["analyses"], identity)
    return versions


@lru_cache(maxsize=1)
def current_code_versions() -> dict[str, str]:
    """Versions of the installed tree, computed once per process (definitions load)."""
    return code_versions(REPO_ROOT)
