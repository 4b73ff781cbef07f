"""Who has what to do: one's own tasks by urgency, a supervisor's overdue safety tasks, and the
optional e-mail reminders that carry no client data."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from casework.audit.models import AuditEvent
from casework.auth.models import Language
from casework.clock import centre_today
from casework.db import alone, db
from casework.tasks.models import TaskKind
from casework.tasks.services import lists, plan, reminders
from tests.factories import staff


def test_my_tasks_split_overdue_from_due_this_week(app: Flask, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        today = centre_today()
        world.safety_plan.due_on = today - timedelta(days=2)
        world.blue_card.due_on = lists.week_end(today)
        later = plan.add_task(
            world.manager,
            world.case.id,
            kind=TaskKind.STEP,
            title="Next month",
            owner_id=world.manager.id,
            due_on=lists.week_end(today) + timedelta(days=1),
        )
        reads = db.session.scalar(select(func.count()).where(AuditEvent.action == "task.read"))
        mine = lists.my_tasks(world.manager)
        assert [line.task.id for line in mine.overdue] == [world.safety_plan.id]
        assert [line.task.id for line in mine.due_this_week] == [world.blue_card.id]
        assert later.id not in {line.task.id for line in mine.overdue + mine.due_this_week}
        assert mine.overdue[0].case_reference == world.case.reference
        assert lists.my_tasks(world.therapist).overdue == []
        after = db.session.scalar(select(func.count()).where(AuditEvent.action == "task.read"))
        assert after == reads  # mandatory tasks carry no text to read


def test_the_week_ends_on_sunday() -> None:
    assert lists.week_end(date(2026, 12, 2)) == date(2026, 12, 6)  # a Wednesday
    assert lists.week_end(date(2026, 12, 6)) == date(2026, 12, 6)


def test_a_supervisor_sees_the_overdue_safety_tasks_of_their_team(
    app: Flask, team, safety_case
) -> None:
    with app.app_context():
        world = safety_case()
        world.safety_plan.due_on = centre_today() - timedelta(days=1)
        overdue = lists.overdue_mandatory_of_teams(world.supervisor)
        assert [line.task.id for line in overdue] == [world.safety_plan.id]
        assert lists.overdue_mandatory_of_teams(staff(team, "outside_supervisor")) == []
        assert lists.overdue_mandatory_of_teams(world.manager) == []


def test_reminders_count_tasks_due_by_today_once_a_day(app: Flask, safety_case) -> None:
    with app.app_context():
        world = safety_case()
        today = centre_today()
        world.safety_plan.due_on = today - timedelta(days=1)
        world.blue_card.due_on = today
        due = [r for r in reminders.reminders_due(today) if r.owner.id == world.manager.id]
        assert [(r.overdue, r.due_today) for r in due] == [(1, 1)]
        reminders.mark_reminded([world.manager.id], today)
        assert all(r.owner.id != world.manager.id for r in reminders.reminders_due(today))
        tomorrow = [
            r
            for r in reminders.reminders_due(today + timedelta(days=1))
            if r.owner.id == world.manager.id
        ]
        assert [(r.overdue, r.due_today) for r in tomorrow] == [(2, 0)]


def test_no_smtp_server_no_email(app: Flask, safety_case, monkeypatch) -> None:
    with app.app_context():
        safety_case().safety_plan.due_on = centre_today()
        db.session.commit()
    monkeypatch.setattr("smtplib.SMTP", _refuse)
    result = app.test_cli_runner().invoke(args=["tasks", "remind"])
    assert result.exit_code == 0, result.output
    assert "no reminders sent" in result.output


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("no SMTP connection may be opened")


class _Outbox:
    sent: list[EmailMessage] = []

    def __init__(self, host: str, port: int, timeout: int) -> None:
        self.host = host

    def __enter__(self) -> _Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def starttls(self) -> None:
        pass

    def send_message(self, message: EmailMessage) -> None:
        self.sent.append(message)


@pytest.fixture
def outbox(app: Flask, monkeypatch) -> list[EmailMessage]:
    _Outbox.sent = []
    monkeypatch.setattr("smtplib.SMTP", _Outbox)
    monkeypatch.setitem(app.config, "CASEWORK_SMTP_HOST", "smtp.example.test")
    return _Outbox.sent


def test_a_reminder_says_how_many_tasks_wait_and_nothing_about_clients(
    app: Flask, safety_case, outbox
) -> None:
    with app.app_context():
        world = safety_case()
        world.safety_plan.due_on = centre_today() - timedelta(days=3)
        world.blue_card.due_on = centre_today()
        world.manager.preferred_language = Language.EN
        reference, manager_email = world.case.reference, world.manager.email
        names = [p.client.given_name for p in world.case.participants] + [
            p.client.family_name for p in world.case.participants
        ]
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["tasks", "remind"])
    assert result.exit_code == 0, result.output
    mine = [m for m in outbox if m["To"] == manager_email]
    assert len(mine) == 1
    body = mine[0].get_content()
    assert "Overdue tasks: 1" in body and "Tasks due today: 1" in body
    for secret in [reference, *names]:
        assert secret not in body and secret not in mine[0]["Subject"]
    again = app.test_cli_runner().invoke(args=["tasks", "remind"])
    assert len([m for m in outbox if m["To"] == manager_email]) == 1, again.output


@pytest.mark.postgres_only
def test_reminders_started_on_two_hosts_at_once_are_sent_by_one(
    app: Flask, safety_case, outbox
) -> None:
    with app.app_context():
        world = safety_case()
        world.safety_plan.due_on = centre_today()
        manager_email = world.manager.email
        db.session.commit()
        with alone("tasks remind") as first:  # another host's run, still sending
            assert first
            result = app.test_cli_runner().invoke(args=["tasks", "remind"])
    assert result.exit_code == 0, result.output
    assert "Another host is sending today's reminders" in result.output
    assert [m for m in outbox if m["To"] == manager_email] == []
    result = app.test_cli_runner().invoke(args=["tasks", "remind"])
    assert [m["To"] for m in outbox].count(manager_email) == 1, result.output


@pytest.mark.postgres_only
def test_reminders_are_marked_sent_while_the_run_still_holds_its_lock(
    app: Flask, safety_case, outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        world = safety_case()
        world.safety_plan.due_on = centre_today()
        db.session.commit()
    held_at_commit: list[int] = []

    def count_advisory_locks(_session: Session) -> None:
        with db.engine.connect() as other:
            held_at_commit.append(
                other.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database ="
                        " (SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                )
            )

    event.listen(Session, "before_commit", count_advisory_locks)
    try:
        result = app.test_cli_runner().invoke(args=["tasks", "remind"])
    finally:
        event.remove(Session, "before_commit", count_advisory_locks)
    assert result.exit_code == 0 and "reminder(s) sent" in result.output, result.output
    assert held_at_commit and min(held_at_commit) >= 1  # another host waits for the marks
