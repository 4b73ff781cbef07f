"""What the caseload dashboard shows: the review's figures with the geometry of its charts, each
figure with the list behind it; the lists say who and what (names read in one audited batch)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from casework.auth.models import User
from casework.auth.services import display_names
from casework.care.pages import LEVEL_LABELS
from casework.care.services.worklists import Subject, who_and_what
from casework.caseload.services import (
    OVERDUE,
    UNASSESSED,
    WITHOUT_CONTACT,
    FigureFilters,
    ReviewSettings,
    cases_behind,
    review,
)
from casework.cases.models import CaseState
from casework.tasks.services.lists import overdue_mandatory_of_teams

#: Risk levels from the most serious; "unassessed" is a case without a completed risk assessment.
LEVELS: tuple[tuple[str, object], ...] = (
    *LEVEL_LABELS.items(),
    (UNASSESSED, _l("Not assessed")),
)


def level_names() -> dict[str, str]:
    """The LEVELS in the page's language, translated once for the many rows of a list."""
    return {code: str(text) for code, text in LEVELS}


OPEN_STATES = tuple(state for state in CaseState if state is not CaseState.CLOSED)


def per_worker(
    rows: Iterable[Mapping[str, Any]], key: str, names: Mapping[uuid.UUID, str]
) -> list[dict[str, Any]]:
    """Rows of (worker, state, level, cases) as one row per worker, with the bar segments of a
    chart scaled to the busiest worker (x and width in percent, for an SVG viewBox of 100)."""
    workers: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        worker = workers.setdefault(
            row[key],
            {
                "id": row[key],
                "name": names.get(row[key], "—"),
                "total": 0,
                "states": {},
                "levels": {},
            },
        )
        worker["total"] += row["cases"]
        worker["states"][row["state"]] = worker["states"].get(row["state"], 0) + row["cases"]
        worker["levels"][row["level"]] = worker["levels"].get(row["level"], 0) + row["cases"]
    busiest = max((worker["total"] for worker in workers.values()), default=0) or 1
    for worker in workers.values():
        x = 0.0
        segments = []
        for level, _label in LEVELS:
            count = worker["levels"].get(level, 0)
            if count:
                width = 100 * count / busiest
                segments.append({"level": level, "x": round(x, 2), "width": round(width, 2)})
                x += width
        worker["segments"] = segments
    return sorted(workers.values(), key=lambda worker: (-worker["total"], worker["name"]))


def _seat_segments(run: Mapping[str, Any], widest: int) -> list[dict[str, Any]]:
    parts = (
        ("seated", run["active"]),
        ("free", max(run["capacity"] - run["active"], 0)),
        ("waiting", run["waitlisted"]),
    )
    x = 0.0
    segments = []
    for kind, count in parts:
        if count:
            width = 100 * count / widest
            segments.append({"kind": kind, "x": round(x, 2), "width": round(width, 2)})
            x += width
    return segments


def dashboard(user: User, settings: ReviewSettings) -> dict[str, Any]:
    """Open cases per worker by state and level, high-level cases without contact, overdue
    reassessments, overdue safety actions and waitlists, as chart geometry and the same
    figures for the tables."""
    figures = review(user, settings=settings)
    quiet, overdue = figures["high_risk_without_contact"], figures["overdue_reassessments"]
    overdue_safety = overdue_mandatory_of_teams(user)
    names = display_names(
        [row["case_manager_id"] for row in figures["by_case_manager"]]
        + [row["practitioner_id"] for row in figures["by_practitioner"]]
        + [row["case_manager_id"] for row in quiet + overdue]
        + [who for row in quiet for who in row["practitioner_ids"]]
        + [line.task.owner_id for line in overdue_safety]
    )
    found = who_and_what(user, [Subject(row["case_id"]) for row in quiet + overdue])
    widest = max(
        (max(run["capacity"], run["active"]) + run["waitlisted"] for run in figures["waitlists"]),
        default=0,
    )
    waitlists = [
        {**run, "segments": _seat_segments(run, widest or 1)} for run in figures["waitlists"]
    ]
    return {
        "without_contact_address": figure_address(
            FigureFilters(figure=WITHOUT_CONTACT, settings=settings)
        ),
        "overdue_address": figure_address(FigureFilters(figure=OVERDUE, settings=settings)),
        "figures": figures,
        "without_contact_more": figures["high_risk_without_contact_count"] - len(quiet),
        "overdue_more": figures["overdue_reassessments_count"] - len(overdue),
        "without_contact": list(zip(quiet, found[: len(quiet)], strict=True)),
        "overdue": list(zip(overdue, found[len(quiet) :], strict=True)),
        "open_cases": sum(row["cases"] for row in figures["by_case_manager"]),
        "waiting": sum(run["waitlisted"] for run in figures["waitlists"]),
        "managers": per_worker(figures["by_case_manager"], "case_manager_id", names),
        "practitioners": per_worker(figures["by_practitioner"], "practitioner_id", names),
        "waitlists": waitlists,
        "names": names,
        "levels": LEVELS,
        "level_names": level_names(),
        "states": OPEN_STATES,
        "overdue_safety": overdue_safety,
        "owner_names": names,
    }


def figure_address(filters: FigureFilters) -> dict[str, str]:
    """The query of the address of the list behind a figure (what `FigureForm` reads)."""
    address = {
        "manager": filters.case_manager_id,
        "practitioner": filters.practitioner_id,
        "state": filters.state.value if filters.state else None,
        "level": filters.level,
        "figure": filters.figure,
        "days": filters.settings.no_contact_days if filters.figure == WITHOUT_CONTACT else None,
    }
    return {key: str(value) for key, value in address.items() if value is not None}


def figure_list(user: User, filters: FigureFilters, *, cursor: str | None = None) -> dict[str, Any]:
    """One page of the cases behind a figure of the dashboard, each with who and what it is
    about, and the cursor of the next page (None: the last page)."""
    page = cases_behind(user, filters, cursor=cursor)
    rows = page.items
    found = who_and_what(user, [Subject(row["case_id"]) for row in rows])
    names = display_names(
        [row["case_manager_id"] for row in rows]
        + [who for row in rows for who in row["practitioner_ids"]]
        + [filters.case_manager_id, filters.practitioner_id]
    )
    return {
        "rows": list(zip(rows, found, strict=True)),
        "next_cursor": page.next_cursor,
        "paging": figure_address(filters),
        "filters": filters,
        "names": names,
        "level_names": level_names(),
    }
