"""The shape docs/architecture.md promises: the feature order, policy's narrow exception, module
sizes, Flask-free domain errors, and views that leave input parsing to forms."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASEWORK = ROOT / "casework"

#: docs/architecture.md, "Feature order": a feature imports only features before it.
FEATURE_ORDER = [
    "auth",
    "catalogue",
    "clients",
    "cases",
    "case_assessments",
    "care",
    "tasks",
    "groups",
    "consultations",
    "imports",
    "partners",
    "surveys",
    "supervision",
    "caseload",
    "casefile",
    "privacy",
    "keyadmin",
    "retention",
    "projects",
    "reports",
    "home",
]
#: Shared modules below every feature; they import no feature (audit reads auth's User).
SHARED_BELOW = ["db", "errors", "clock", "config", "crypto", "audit", "api", "web", "cli", "jobs"]
#: Modules above every feature.
TOP = {"app", "labels", "demo", "all_models", "migrate", "health", "policy"}


def _node(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "casework" and len(parts) > 1 else None


def _imports(path: Path) -> set[str]:
    """Every casework module `path` imports, at any depth (function-level imports too)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("casework.")}


def _sources() -> list[Path]:
    return [path for path in CASEWORK.rglob("*.py") if "translations" not in path.parts]


def _node_of(path: Path) -> str:
    parts = path.relative_to(CASEWORK).with_suffix("").parts
    return parts[0]


def test_every_feature_package_is_in_the_documented_order() -> None:
    packages = {path.name for path in CASEWORK.iterdir() if (path / "__init__.py").exists()}
    unplaced = packages - set(FEATURE_ORDER) - set(SHARED_BELOW) - TOP
    assert not unplaced, f"add {sorted(unplaced)} to docs/architecture.md and FEATURE_ORDER"


def test_features_import_only_features_below_them() -> None:
    rank = {name: index for index, name in enumerate(FEATURE_ORDER)}
    upward = []
    for path in _sources():
        source = _node_of(path)
        for module in _imports(path):
            target = _node(module)
            if target is None or target == source:
                continue
            if source in rank and target in rank and rank[target] > rank[source]:
                upward.append(f"{path.relative_to(ROOT)} imports {module}")
            if source in rank and target in TOP and target != "policy":
                upward.append(f"{path.relative_to(ROOT)} imports {module}")
            reads_staff = source == "audit" and target == "auth"  # an event's actor is a User
            if source in SHARED_BELOW and ((target in rank and not reads_staff) or target in TOP):
                upward.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not upward, "\n".join(sorted(upward))


def test_policy_reads_only_the_models_of_features() -> None:
    wider = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (CASEWORK / "policy").glob("*.py")
        for module in _imports(path)
        if _node(module) in FEATURE_ORDER and ".models" not in module
    )
    assert not wider, wider


def test_no_module_is_over_400_lines() -> None:
    long = sorted(
        f"{path.relative_to(ROOT)}: {lines}"
        for path in [*_sources(), *(ROOT / "assessments").rglob("*.py")]
        if "demo" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    )
    assert not long, long


def test_domain_errors_and_services_are_free_of_the_web_layer() -> None:
    offenders = []
    for path in [
        CASEWORK / "errors.py",
        *CASEWORK.glob("*/services.py"),
        *CASEWORK.glob("*/services/*.py"),
    ]:
        for module in _imports(path):
            if _node(module) == "web":
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("flask_wtf", "flask_login"):
                offenders.append(f"{path.relative_to(ROOT)} imports {node.module}")
    errors_imports = {
        node.module
        for node in ast.walk(ast.parse((CASEWORK / "errors.py").read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
    }
    assert "flask" not in errors_imports
    assert not offenders, offenders


@pytest.mark.parametrize("view", sorted(CASEWORK.glob("*/views.py")), ids=lambda p: p.parent.name)
def test_views_parse_input_through_forms_not_request_form(view: Path) -> None:
    assert "request.form" not in view.read_text(encoding="utf-8")


#: Where roles may be named: the policy (its gates), `auth` (accounts and their roles), the demo's
#: staff and the labels of the role names.
ROLE_NAMERS = {"policy", "auth", "demo", "labels"}


def test_role_gates_live_in_the_policy() -> None:
    """Views, pages, services, templates and the navigation ask the policy's gates and questions;
    none decides access from a role of its own."""
    offenders = []
    for path in _sources():
        if _node_of(path) in ROLE_NAMERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "casework.auth.models":
                if any(alias.name == "Role" for alias in node.names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports Role")
            elif isinstance(node, ast.Attribute) and node.attr == "has_role":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} calls has_role")
    for template in CASEWORK.rglob("*.html"):
        if "has_role(" in template.read_text(encoding="utf-8"):
            offenders.append(f"{template.relative_to(ROOT)} calls has_role")
    assert not offenders, "ask casework.policy instead:\n" + "\n".join(sorted(offenders))
