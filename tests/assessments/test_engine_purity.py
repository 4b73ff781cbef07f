"""The engine stays a pure library: no web framework, no database, no app, no eval."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "assessments"
FORBIDDEN_ROOTS = {"flask", "sqlalchemy", "casework", "flask_sqlalchemy", "alembic", "werkzeug"}
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            roots.add("__import__")
    return roots


def test_the_package_has_modules_to_check():
    assert len(MODULES) > 10


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_module_imports_nothing_from_flask_sqlalchemy_or_casework(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    assert imported_roots(tree) & (FORBIDDEN_ROOTS | {"__import__", "importlib"}) == set()


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_module_never_calls_eval_or_exec(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert called & {"eval", "exec", "compile"} == set()


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_module_stays_small(module: Path):
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 400
