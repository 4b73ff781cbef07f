"""Access is decided in one place: no service reads a row by an id it was given without asking
`casework.policy` (issue 16: a facilitator enrolled any client id and then read its name).

The scan looks at every service module for the three ways of reading one row by id --
`db.session.get(Model, id)`, `get_or_not_found(Model, id, ...)` and
`select(Model).where(Model.id == id)` -- and fails on each one whose model is not reference data.
Such reads go through `policy.require_visible` (or another `policy.require_*`) instead.

An id taken from a row already read (`note.case_id`, `run.service_code`) is a step along a
relation of an object whose own read was checked, and is not flagged; an id given by the caller
(a parameter, a form field) is.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASEWORK = ROOT / "casework"

#: Models anyone who reaches a service may read by id: none of them holds client data.
REFERENCE_DATA = {
    # The service catalogue and the consultation topics: the same list for every member of staff.
    "Service",
    "ConsultationTopic",
    # Staff and teams (the staff directory); who may administer them is `auth`'s role checks.
    "User",
    "Team",
    # The audit chain's single head row (id 1), not an object anyone asks for.
    "AuditHead",
}

#: Modules whose reads by id are about the signed-in user's own credentials (owned by `auth`).
OWN_CREDENTIALS = {"casework/auth/services.py"}


def _service_modules() -> list[Path]:
    """The services of every feature, and the pages, views and APIs over them."""
    found = [
        *CASEWORK.glob("*/services.py"),
        *CASEWORK.glob("*/services/*.py"),
        *CASEWORK.glob("*/pages.py"),
        *CASEWORK.glob("*/views.py"),
        *CASEWORK.glob("*/api.py"),
    ]
    return sorted(
        path
        for path in found
        if "demo" not in path.parts and str(path.relative_to(ROOT)) not in OWN_CREDENTIALS
    )


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _given_by_caller(node: ast.AST) -> bool:
    """An id the function was handed, not one read from a row it already holds."""
    if isinstance(node, ast.Attribute):
        return False
    if isinstance(node, ast.IfExp):
        return _given_by_caller(node.body)
    return not isinstance(node, ast.Constant)


def _is_db_session_get(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "session"
    )


def _asks_the_policy(node: ast.AST) -> bool:
    """A condition built by the policy: `policy.visibility_rule(...)`, `policy.visible_*(...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "policy"
    )


def _select_by_id(call: ast.Call) -> str | None:
    """`select(Model).where(Model.id == x, ...)` with `x` handed in: the model's name."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "where"):
        return None
    inner = func.value
    while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
        inner = inner.func.value
    if not (isinstance(inner, ast.Call) and _name(inner.func) == "select" and inner.args):
        return None
    model = _name(inner.args[0])
    if any(_asks_the_policy(condition) for condition in call.args):
        return None
    for condition in call.args:
        if (
            isinstance(condition, ast.Compare)
            and isinstance(condition.left, ast.Attribute)
            and condition.left.attr == "id"
            and _name(condition.left.value) == model
            and isinstance(condition.ops[0], ast.Eq)
            and _given_by_caller(condition.comparators[0])
        ):
            return model
    return None


def reads_by_id_outside_policy(source: str, where: str) -> list[str]:
    """Every read of one row by a caller's id in `source` (of module `where`) that skips the
    policy."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        model = None
        if (_is_db_session_get(node) or _name(node.func) == "get_or_not_found") and len(
            node.args
        ) >= 2:
            if _given_by_caller(node.args[1]):
                model = _name(node.args[0])
        else:
            model = _select_by_id(node)
        if model and model not in REFERENCE_DATA:
            found.append(f"{where}:{node.lineno} reads {model} by id")
    return found


def test_no_service_reads_a_row_by_id_without_the_policy() -> None:
    offenders = [
        line
        for path in _service_modules()
        for line in reads_by_id_outside_policy(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
    ]
    assert not offenders, "read these through policy.require_visible:\n" + "\n".join(offenders)


def test_the_scan_catches_each_way_of_reading_by_id() -> None:
    source = (
        "def one(client_id, note):\n"
        "    db.session.get(Client, client_id)\n"
        "    get_or_not_found(GroupEnrolment, enrolment_id, 'group enrolment')\n"
        "    db.session.scalar(select(AgreedAction).where(AgreedAction.id == action_id))\n"
        "    db.session.get(Case, note.case_id)\n"
        "    db.session.get(Service, code)\n"
        "    select(GroupRun).where(GroupRun.id == run_id, policy.visibility_rule(u, GroupRun))\n"
    )
    found = reads_by_id_outside_policy(source, "probe.py")
    assert [line.split(" ", 1)[1] for line in found] == [
        "reads Client by id",
        "reads GroupEnrolment by id",
        "reads AgreedAction by id",
    ]
