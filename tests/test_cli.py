from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from casework.auth.models import Role, User
from casework.db import db
from casework.demo.services import DEMO_ACCOUNTS
from tests.pages import sign_in


def _user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_users_create_with_prompted_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "New.Person@Example.test",
            "--role",
            "therapist",
            "--role",
            "supervisor",
            "--team",
            "Team A",
        ],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "created new.person@example.test (supervisor, therapist)" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@example.test"))
        assert user.roles == {Role.THERAPIST, Role.SUPERVISOR}
        assert user.team.name == "Team A"
        assert user in user.team.supervisors


def test_users_create_with_generated_password_prints_it_once(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "gen@example.test",
            "--role",
            "consultant",
            "--generate-password",
        ]
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("password (shown once): ")[1].strip()
    assert sign_in(app.test_client(), "gen@example.test", password).status_code == 302


def test_unknown_role_is_refused_and_nothing_written(app: Flask) -> None:
    before = _user_count(app)
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.test",
            "--role",
            "wizard",
            "--generate-password",
        ]
    )
    assert result.exit_code == 2
    assert "'wizard' is not one of" in result.output
    assert _user_count(app) == before


def test_duplicate_email_is_refused_with_one_line_and_exit_2(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = [
        "users",
        "create",
        "--email",
        "dup@example.test",
        "--role",
        "therapist",
        "--generate-password",
    ]
    assert runner.invoke(args=args).exit_code == 0
    before = _user_count(app)
    result = runner.invoke(args=[*args[:3], "DUP@example.test", *args[4:]])
    assert result.exit_code == 2
    assert result.output.strip() == "Error: a user with the e-mail dup@example.test already exists"
    assert _user_count(app) == before


def test_short_password_is_refused(app: Flask) -> None:
    before = _user_count(app)
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "s@example.test", "--role", "therapist"],
        input="short\nshort\n",
    )
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output
    assert _user_count(app) == before


def test_users_disable_ends_sessions_and_unknown_email_fails(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(
        args=["users", "create", "--email", "d@example.test", "--role", "therapist"],
        input="a long enough password\na long enough password\n",
    )
    client = app.test_client()
    assert sign_in(client, "d@example.test", "a long enough password").status_code == 302
    result = runner.invoke(args=["users", "disable", "d@example.test"])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    missing = runner.invoke(args=["users", "disable", "nobody@example.test"])
    assert missing.exit_code == 2
    assert "no user with the e-mail nobody@example.test" in missing.output


def test_demo_is_idempotent_and_every_account_signs_in(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--password", "demo-password-1", "--cases", "12"])
    assert first.exit_code == 0, first.output
    count = _user_count(app)
    second = runner.invoke(args=["demo", "--password", "demo-password-1", "--cases", "12"])
    assert second.exit_code == 0
    assert _user_count(app) == count
    for account in DEMO_ACCOUNTS:
        assert account.email in first.output
        assert sign_in(app.test_client(), account.email, "demo-password-1").status_code == 302


def test_demo_refuses_a_weak_password(app: Flask) -> None:
    before = _user_count(app)
    result = app.test_cli_runner().invoke(args=["demo", "--password", "short"])
    assert result.exit_code == 2
    assert _user_count(app) == before


def test_demo_makes_cases_in_every_state_with_assessments_and_notes(app: Flask) -> None:
    from casework.care.models import SessionNote
    from casework.case_assessments.models import Assessment
    from casework.cases.models import Case, CaseState

    result = app.test_cli_runner().invoke(args=["demo", "--cases", "40"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        states = set(db.session.scalars(select(Case.state)))
        assert states == set(CaseState)
        assert db.session.scalar(select(func.count()).select_from(Assessment)) > 20
        assert db.session.scalar(select(func.count()).select_from(SessionNote)) > 10


def test_demo_is_refused_in_production(database_url: str) -> None:
    from tests.conftest import make_test_app

    production = make_test_app(database_url, CASEWORK_ENV="production")
    result = production.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 2 and "refused in production" in result.output
