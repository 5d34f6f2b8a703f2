"""No function in `pipelines/` or `assets/` is longer than 60 lines (issue 16).

Lines are counted from `def` to the end of the body, decorators excluded. A long table of data
belongs in a YAML/TSV file beside its module, not in a function.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 60
# Functions allowed over the limit (data tables only; none today). A name here that has become
# short enough fails `test_the_allow_list_is_not_stale`.
ALLOWED: frozenset[str] = frozenset()


def long_functions(root: Path = ROOT, max_lines: int = MAX_LINES) -> dict[str, int]:
    """`path::qualified.name` -> length of every function in pipelines/ and assets/ over `max_lines`."""
    found: dict[str, int] = {}
    for folder in ("pipelines", "assets"):
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for name, node in _functions(tree, ""):
                length = node.end_lineno - node.lineno + 1
                if length > max_lines:
                    found[f"{path.relative_to(root).as_posix()}::{name}"] = length
    return found


def _functions(node: ast.AST, prefix: str):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = prefix + child.name
            if not isinstance(child, ast.ClassDef):
                yield name, child
            yield from _functions(child, name + ".")
        else:
            yield from _functions(child, prefix)


def test_no_function_longer_than_60_lines():
    too_long = {name: n for name, n in long_functions().items() if name not in ALLOWED}
    assert not too_long, "split these functions into named steps: " + ", ".join(
        f"{name} ({n} lines)" for name, n in sorted(too_long.items()))


def test_allow_list_is_not_stale():
    fixed = ALLOWED - set(long_functions())
    assert not fixed, f"no longer too long, remove from ALLOWED: {sorted(fixed)}"


def test_counts_def_to_end_of_body_without_decorators(tmp_path):
    def body(indent: str) -> str:  # a def line and these 59 lines: 60, the most allowed
        return "\n".join(f"{indent}x{i} = {i}" for i in range(MAX_LINES - 1))

    (tmp_path / "pipelines").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.py").write_text(f"@decorator\n@another\ndef fits():\n{body('    ')}\n")
    (tmp_path / "pipelines" / "m.py").write_text(
        f"class C:\n    def method(self):\n{body(' ' * 8)}\n        y = 1\n\n"
        f"def outer():\n    def inner():\n{body(' ' * 8)}\n        y = 1\n        z = 2\n    return inner\n")
    assert long_functions(tmp_path) == {"pipelines/m.py::C.method": 61, "pipelines/m.py::outer": 64,
                                        "pipelines/m.py::outer.inner": 62}
