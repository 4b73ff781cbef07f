"""The retention policy: who is due (at the boundary date), what anonymising keeps and destroys,
the dry run, batches, audit events, the runs kept, and reports that still count everyone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.audit import services as audit
from casework.audit.models import AuditEvent
from casework.care.models import Appointment, AppointmentMode, Attendance, Enrolment
from casework.care.models import EnrolmentStatus as Care
from casework.cases.models import Case, CaseState
from casework.clients.models import Client, Gender, MigrationReason
from casework.config import ConfigError, load_config
from casework.consultations.models import Channel, InformationConsultation
from casework.crypto import services as crypto
from casework.crypto.keystore import client_owner
from casework.crypto.models import BlindIndexEntry, DataKeyRecord
from casework.db import alone, db
from casework.reports import services as reports
from casework.retention import services as retention
from casework.retention.models import RetentionRun
from tests.factories import make_case, make_consenting_client, staff

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TEN_YEARS = retention.RetentionPolicy(years_after_last_contact=10)
CUTOFF = datetime(2016, 11, 30, 12, 0, tzinfo=UTC)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _client_with_closed_case(manager: Any, closed_at: datetime | None, **fields: Any) -> Client:
    """A client registered long ago whose one case closed at `closed_at` (None: still open)."""
    client = make_consenting_client(manager, created_at=LONG_AGO, **fields)
    case = make_case(manager, clients=[client])
    if closed_at is not None:
        case.state, case.closed_at = CaseState.CLOSED, closed_at
    db.session.flush()
    return client


def _apply(policy: retention.RetentionPolicy, *, now: datetime = NOW, batch: int = 50) -> Any:
    run = retention.start_run(policy, now=now)
    while retention.anonymise_batch(run, batch_size=batch):
        pass
    return retention.finish_run(run)


def test_the_cutoff_is_the_same_moment_n_years_before() -> None:
    assert TEN_YEARS.cutoff(NOW) == CUTOFF
    leap = datetime(2028, 2, 29, 9, tzinfo=UTC)
    assert retention.RetentionPolicy(years_after_last_contact=1).cutoff(leap) == datetime(
        2027, 2, 28, 9, tzinfo=UTC
    )


def test_only_clients_last_in_contact_at_or_before_the_cutoff_are_anonymised(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        at_cutoff = _client_with_closed_case(manager, CUTOFF)
        a_second_late = _client_with_closed_case(manager, CUTOFF + timedelta(seconds=1))
        still_open = _client_with_closed_case(manager, None)
        old_and_recent = _client_with_closed_case(manager, datetime(2009, 5, 1, tzinfo=UTC))
        recent_case = make_case(manager, clients=[old_and_recent])
        recent_case.state = CaseState.CLOSED
        recent_case.closed_at = CUTOFF + timedelta(days=1)
        registered_lately = make_consenting_client(manager, created_at=CUTOFF + timedelta(days=1))
        consulted_lately = _client_with_closed_case(manager, datetime(2010, 1, 1, tzinfo=UTC))
        db.session.add(
            InformationConsultation(
                consulted_on=date(2016, 12, 1),
                channel=Channel.PHONE,
                language="pl",
                duration_minutes=20,
                consultant_id=staff(team, "consultant").id,
                client_id=consulted_lately.id,
            )
        )
        served_lately = _client_with_closed_case(manager, datetime(2010, 1, 1, tzinfo=UTC))
        db.session.add(
            Enrolment(
                client_id=served_lately.id,
                service_code="individual_counselling",
                status=Care.COMPLETED,
                started_at=datetime(2010, 1, 1, tzinfo=UTC),
                ended_at=CUTOFF + timedelta(hours=1),
            )
        )
        db.session.flush()
        assert retention.preview(TEN_YEARS, now=NOW).clients == 1
        run = _apply(TEN_YEARS)
        assert run.clients_anonymised == 1
        assert at_cutoff.is_erased and at_cutoff.family_name is None
        kept = [
            a_second_late,
            still_open,
            old_and_recent,
            registered_lately,
            consulted_lately,
            served_lately,
        ]
        assert [c.is_erased for c in kept] == [False] * len(kept)
        assert all(c.family_name for c in kept)


def test_anonymising_keeps_the_statistics_and_destroys_keys_names_and_indexes(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        client = _client_with_closed_case(
            manager,
            datetime(2012, 3, 4, tzinfo=UTC),
            birth_year=1971,
            nationality="UA",
            migration_reason=MigrationReason.WAR,
        )
        crypto.set_blind_indexes(
            client.id, crypto.Identifiers(phones=("+48 600 100 200",), surname="Kowalska")
        )
        case = db.session.scalar(select(Case).where(Case.primary_client_id == client.id))
        case.closure_reason = "She moved to Gdańsk with the children."
        db.session.flush()
        _apply(TEN_YEARS)
        db.session.expire_all()
        assert client.is_erased and client.family_name is None and client.given_name is None
        assert case.closure_reason is None  # every text under the client's key
        assert (client.gender, client.birth_year, client.nationality, client.migration_reason) == (
            Gender.FEMALE,
            1971,
            "UA",
            MigrationReason.WAR,
        )
        assert (case.state, case.closed_at) == (CaseState.CLOSED, datetime(2012, 3, 4, tzinfo=UTC))
        owner = client_owner(client.id)
        assert db.session.scalars(
            select(DataKeyRecord.wrapped_key).where(DataKeyRecord.owner_id == owner)
        ).all() == [None]
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(BlindIndexEntry)
                .where(BlindIndexEntry.client_id == client.id)
            )
            == 0
        )


def _snapshot() -> tuple[list[Any], list[Any]]:
    clients = db.session.execute(
        select(Client.id, Client.version, Client.erased_at).order_by(Client.id)
    ).all()
    keys = db.session.execute(
        select(
            DataKeyRecord.owner_id,
            DataKeyRecord.version,
            DataKeyRecord.wrapped_key,
            DataKeyRecord.destroyed_at,
        ).order_by(DataKeyRecord.owner_id, DataKeyRecord.version)
    ).all()
    return clients, keys


def test_the_command_counts_without_names_runs_in_batches_audits_and_is_idempotent(
    app: Flask, team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASEWORK_RETENTION_YEARS", 10)
    monkeypatch.setitem(app.config, "CASEWORK_RETENTION_BATCH_SIZE", 2)
    with app.app_context():
        manager = staff(team, "manager")
        long_closed = datetime.now(UTC) - timedelta(days=365 * 12)
        due = [
            _client_with_closed_case(manager, long_closed, family_name=f"Zapomniana{n}")
            for n in range(3)
        ]
        recent = _client_with_closed_case(
            manager, datetime.now(UTC) - timedelta(days=365 * 8), family_name="Niedawna"
        )
        due_ids, recent_id = [c.id for c in due], recent.id
        db.session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("would anonymise 3 clients") and "(10 years)" in dry.output
    assert "Zapomniana" not in dry.output and "Niedawna" not in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == 0
        assert not any(db.session.get(Client, i).is_erased for i in due_ids)

    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[-1].startswith("anonymised 3 clients")
    assert "Zapomniana" not in done.output
    assert "3/3 retention run" in done.output.splitlines()  # progress, as a background job
    with app.app_context():
        run = db.session.scalars(select(RetentionRun)).one()
        assert (run.clients_anonymised, run.keys_destroyed) == (3, 3)
        assert run.years_after_last_contact == 10 and run.finished_at is not None
        assert all(db.session.get(Client, i).is_erased for i in due_ids)
        assert db.session.get(Client, recent_id).family_name == "Niedawna"
        per_client = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "client.anonymise")
        ).all()
        assert sorted(e.client_pseudonym for e in per_client) == sorted(
            audit.client_pseudonym(i) for i in due_ids
        )
        assert {e.reason for e in per_client} == {f"retention_runs:{run.id}"}
        assert {e.actor_role for e in per_client} == {"system"}
        summary = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.run")
        ).one()
        assert summary.object_id == str(run.id) and summary.object_type == "retention_run"
        before = _snapshot()

    again = runner.invoke(args=["retention", "run"])
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1].startswith("anonymised 0 clients")
    with app.app_context():
        assert _snapshot() == before
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "client.anonymise")
            )
            == 3
        )
        history = runner.invoke(args=["retention", "history"])
        assert history.exit_code == 0 and history.output.count("10 years") == 2
        assert "3 clients" in history.output and "0 clients" in history.output


def _figures(result: reports.ReportResult) -> dict[str, Any]:
    return {
        indicator.key: (
            indicator.total,
            {b.dimension: [(c.code, c.value) for c in b.cells] for b in indicator.breakdowns},
        )
        for indicator in result.indicators
    }


def test_reports_count_anonymised_clients_exactly_as_before(app: Flask, team) -> None:
    with app.app_context():
        manager, consultant = staff(team, "manager"), staff(team, "consultant")
        therapist = staff(team, "therapist")
        for birth_year, nationality in ((1950, "UA"), (1990, "PL")):
            client = _client_with_closed_case(
                manager,
                datetime(2015, 12, 1, tzinfo=UTC),
                birth_year=birth_year,
                nationality=nationality,
                migration_reason=MigrationReason.WAR,
            )
            case_id = db.session.scalar(select(Case.id).where(Case.primary_client_id == client.id))
            enrolment = Enrolment(
                case_id=case_id,
                client_id=client.id,
                service_code="individual_counselling",
                practitioner_id=therapist.id,
                status=Care.COMPLETED,
                started_at=datetime(2015, 2, 1, tzinfo=UTC),
                ended_at=datetime(2015, 6, 1, tzinfo=UTC),
            )
            db.session.add(enrolment)
            db.session.flush()
            db.session.add(
                Appointment(
                    enrolment_id=enrolment.id,
                    case_id=case_id,
                    practitioner_id=therapist.id,
                    starts_at=datetime(2015, 3, 2, 10, tzinfo=UTC),
                    ends_at=datetime(2015, 3, 2, 11, tzinfo=UTC),
                    mode=AppointmentMode.IN_PERSON,
                    attendance=Attendance.ATTENDED,
                )
            )
            db.session.add(
                InformationConsultation(
                    consulted_on=date(2015, 4, 1),
                    channel=Channel.IN_PERSON,
                    language="uk",
                    duration_minutes=30,
                    consultant_id=consultant.id,
                    team_id=consultant.team_id,
                    client_id=client.id,
                )
            )
        db.session.flush()

        def run(key: str) -> dict[str, Any]:
            return _figures(
                reports.run_report(None, key, start=date(2015, 1, 1), end=date(2015, 12, 31))
            )

        before = {key: run(key) for key in ("krakow", "wromigrant")}
        assert before["krakow"]["beneficiaries"][0].value == 2
        assert before["wromigrant"]["people"][0].value == 2
        assert _apply(TEN_YEARS).clients_anonymised == 2
        db.session.expire_all()
        assert {key: run(key) for key in ("krakow", "wromigrant")} == before


@pytest.mark.parametrize("raw", ["ten", "0", "-3"])
def test_a_bad_retention_setting_refuses_to_start(tmp_path, raw: str) -> None:
    with pytest.raises(ConfigError, match="CASEWORK_RETENTION_YEARS"):
        load_config(tmp_path, {"CASEWORK_RETENTION_YEARS": raw}, None)


def test_a_stopped_run_keeps_its_counts_and_the_next_run_finishes(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        for _ in range(3):
            _client_with_closed_case(manager, datetime(2011, 1, 1, tzinfo=UTC))
        stopped = retention.start_run(TEN_YEARS, now=NOW)
        assert retention.anonymise_batch(stopped, batch_size=2) == 2
        assert stopped.finished_at is None
        assert _apply(TEN_YEARS).clients_anonymised == 1
        assert stopped.clients_anonymised == 2


@pytest.mark.postgres_only
def test_a_second_retention_run_started_meanwhile_changes_nothing(
    app: Flask, team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CASEWORK_RETENTION_YEARS", 10)
    with app.app_context():
        manager = staff(team, "manager")
        due = _client_with_closed_case(manager, datetime.now(UTC) - timedelta(days=365 * 12))
        due_id = due.id
        db.session.commit()
        with alone("retention run") as first:  # a run started on another host, still going
            assert first
            second = app.test_cli_runner().invoke(args=["retention", "run"])
        assert second.exit_code == 2
        assert "another retention run is in progress" in second.output
        db.session.expire_all()
        assert not db.session.get(Client, due_id).is_erased
    done = app.test_cli_runner().invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert db.session.get(Client, due_id).is_erased


def test_alone_is_one_holder_at_a_time_on_postgresql_and_always_on_sqlite(app: Flask) -> None:
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        with alone("a scheduled command") as first, alone("a scheduled command") as second:
            assert first and second is not postgres
        with alone("a scheduled command") as again:
            assert again
