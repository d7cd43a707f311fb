"""The layering the conventions promise, checked on the source: constructs are reusable alone.

- constructs_lib never imports `stacks` (the parameter models, the app) and never reads the
  process environment or files;
- nothing below the entry points (main.py, stacks/__main__.py) reads os.environ;
- no module imports a prebuilt provider package wholesale (only its submodules).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENTRY_POINTS = {REPO / "main.py", REPO / "stacks" / "__main__.py"}


def sources(*dirs: str) -> list[Path]:
    return sorted(p for d in dirs for p in (REPO / d).rglob("*.py"))


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sources("constructs_lib"), ids=lambda p: str(p.relative_to(REPO)))
def test_constructs_do_not_import_stacks_or_read_environment(path):
    tree = ast.parse(path.read_text())
    mods = imported_modules(tree)
    assert not [m for m in mods if m == "stacks" or m.startswith("stacks.")], (
        "constructs take props, not the env model"
    )
    text = path.read_text()
    assert "os.environ" not in text and "getenv" not in text
    assert "open(" not in text and "read_text(" not in text, "constructs never read files"


@pytest.mark.parametrize("path", sources("stacks", "constructs_lib"), ids=lambda p: str(p.relative_to(REPO)))
def test_no_environment_reads_below_entry_points(path):
    if path in ENTRY_POINTS:
        return
    assert "os.environ" not in path.read_text() and "getenv(" not in path.read_text()


@pytest.mark.parametrize("path", sources("stacks", "constructs_lib"), ids=lambda p: str(p.relative_to(REPO)))
def test_providers_imported_by_submodule_only(path):
    mods = imported_modules(ast.parse(path.read_text()))
    wholesale = [m for m in mods if m.startswith("cdktf_cdktf_provider_") and "." not in m]
    assert not wholesale, f"import the resource's submodule instead of {wholesale}"
