"""The caseload review against a hand-counted team (see the table in `centre`, conftest.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from casework.caseload import services as caseload
from casework.db import db
from casework.errors import Forbidden, NotFound


def _review(centre, name="supervisor", **settings):
    from casework.auth.models import User

    user = db.session.get(User, centre[name])
    return caseload.review(user, settings=caseload.ReviewSettings(**settings))


def test_open_cases_by_case_manager_state_and_level(app: Flask, centre) -> None:
    with app.app_context():
        figures = _review(centre)
        rows = {
            (r["case_manager_id"], r["state"].value, r["level"]): r["cases"]
            for r in figures["by_case_manager"]
        }
        assert rows == {
            (centre["m1"], "active", "very_high"): 2,
            (centre["m1"], "active", "low"): 1,
            (centre["m1"], "intake", "unassessed"): 1,
            (centre["m2"], "assessment", "unassessed"): 1,
            (centre["m2"], "on_hold", "very_high"): 1,
        }


def test_open_cases_by_practitioner(app: Flask, centre) -> None:
    with app.app_context():
        rows = {
            (r["practitioner_id"], r["state"].value, r["level"]): r["cases"]
            for r in _review(centre)["by_practitioner"]
        }
        assert rows == {
            (centre["t1"], "active", "very_high"): 1,
            (centre["t1"], "active", "low"): 1,
            (centre["t1"], "on_hold", "very_high"): 1,
        }


def test_high_risk_cases_without_recent_contact(app: Flask, centre) -> None:
    with app.app_context():
        within_30 = _review(centre)["high_risk_without_contact"]
        # both very high: the one never contacted since its opening 90 days ago comes first
        assert [r["reference"] for r in within_30] == [centre["c1"], centre["c6"]]
        assert [r["days_without_contact"] for r in within_30] == [90, 40]
        within_60 = _review(centre, no_contact_days=60)["high_risk_without_contact"]
        assert [r["reference"] for r in within_60] == [centre["c1"]]
        assert within_60[0]["last_contact_at"] is None


def test_overdue_reassessments(app: Flask, centre) -> None:
    with app.app_context():
        overdue = _review(centre)["overdue_reassessments"]
        assert [r["reference"] for r in overdue] == [centre["c3"]]
        assert _review(centre, reassessment_days=120)["overdue_reassessments"] == []


def test_waitlist_lengths_per_run_of_the_team(app: Flask, centre) -> None:
    with app.app_context():
        assert _review(centre)["waitlists"] == [
            {
                "group_run_id": centre["run"],
                "name": "Fathers (review)",
                "capacity": 1,
                "active": 1,
                "waitlisted": 2,
            }
        ]


def test_the_review_is_for_supervisors_of_their_own_teams(app: Flask, centre) -> None:
    with app.app_context():
        from casework.auth.models import User

        outside = _review(centre, "outside_supervisor")
        assert outside["overdue_reassessments"] == []
        assert [r["name"] for r in outside["waitlists"]] == ["Elsewhere (review)"]
        assert [r["cases"] for r in outside["by_case_manager"]] == [1]
        with pytest.raises(NotFound):
            caseload.review(
                db.session.get(User, centre["outside_supervisor"]), team_id=centre["team"]
            )
        for name in ("m1", "t1", "admin"):
            with pytest.raises(Forbidden):
                _review(centre, name)
