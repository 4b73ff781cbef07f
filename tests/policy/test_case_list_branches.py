"""The case list pages through each visible-cases branch on its own and takes its page from their
union (`policy.visible_case_branches`): the same cases as the `OR` of `visible_cases`, in the same
order, each once, however the branches overlap and wherever the pages are cut."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from casework import policy
from casework.auth.models import Role, User
from casework.care.services import enrolments
from casework.cases.models import Case
from casework.cases.services import listing
from casework.db import db
from tests.factories import make_case, make_user, staff


def _walk(user: User, limit: int) -> list[uuid.UUID]:
    """Every case of the list, `limit` a page, following the next-page cursors."""
    seen: list[uuid.UUID] = []
    cursor = None
    while True:
        page = listing.list_cases(user, listing.CaseFilters(), cursor=cursor, limit=limit)
        seen += [case.id for case in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize("limit", [1, 2, 3, 50])
def test_the_case_list_is_the_or_of_its_branches_in_order_each_case_once(
    app: Flask, team: dict[str, Any], limit: int
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        home_team = manager.team
        away_team = staff(team, "outside_supervisor").team
        # A case manager who is also a therapist and supervises their own team: their own
        # cases are in three branches at once.
        everything = make_user(
            roles=(Role.CASE_MANAGER, Role.THERAPIST, Role.SUPERVISOR), team=home_team
        )
        away_manager = make_user(roles=(Role.CASE_MANAGER,), team=away_team)
        own = [make_case(everything) for _ in range(3)]
        teammates = [make_case(manager) for _ in range(2)]
        enrolled_away = make_case(away_manager)
        enrolments.enrol(
            away_manager,
            enrolled_away.id,
            client_id=enrolled_away.client_ids[0],
            service_code="individual_counselling",
            practitioner_id=everything.id,
        )
        enrolments.enrol(
            everything,
            own[0].id,
            client_id=own[0].client_ids[0],
            service_code="individual_counselling",
            practitioner_id=everything.id,
        )
        hidden = make_case(away_manager)
        db.session.commit()

        expected = list(
            db.session.scalars(
                select(Case.id)
                .where(policy.visible_cases(everything))
                .order_by(Case.opened_at.desc(), Case.id.desc())
            )
        )
        listed = _walk(everything, limit)

        assert listed == expected
        assert len(set(listed)) == len(listed)
        assert {c.id for c in own + teammates} | {enrolled_away.id} <= set(listed)
        assert hidden.id not in listed


def test_someone_with_no_branch_lists_no_case(app: Flask, team: dict[str, Any]) -> None:
    with app.app_context():
        make_case(staff(team, "manager"))
        db.session.commit()
        assert policy.visible_case_branches(staff(team, "admin")) == []
        assert _walk(staff(team, "admin"), 10) == []
