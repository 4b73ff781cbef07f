"""Information consultations: fast logging with or without a client, returning-visitor tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text

from casework.audit.models import AuditEvent
from casework.clients.models import Gender, MigrationReason
from casework.consultations import services as consultations
from casework.consultations.models import AgeGroup, Channel
from casework.consultations.visitors import returning_visitor_token
from casework.db import db, utcnow
from casework.errors import Forbidden, NotFound, ValidationError
from tests.factories import make_consenting_client, staff


def _log(user, **fields):
    defaults = {
        "consulted_on": utcnow().date(),
        "channel": Channel.IN_PERSON,
        "language": "uk",
        "topic_codes": ["pesel"],
        "duration_minutes": 12,
    }
    return consultations.log_consultation(user, **(defaults | fields))


def test_an_anonymous_consultation_keeps_statistics_only(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        logged = _log(
            consultant,
            topic_codes=["temporary_protection", "pesel", "housing"],
            gender=Gender.FEMALE,
            age_group=AgeGroup.FROM_30_TO_44,
            nationality="ua",
            migration_reason=MigrationReason.WAR,
        )
        assert logged.client_id is None and logged.nationality == "UA"
        assert logged.topic_codes == ["temporary_protection", "pesel", "housing"]
        assert logged.team_id == consultant.team_id and logged.visitor_token is None


def test_a_consultation_can_be_linked_to_a_client(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        client = make_consenting_client(consultant)
        logged = _log(consultant, client_id=client.id, channel=Channel.PHONE)
        assert logged.client_id == client.id and logged.gender is None
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == str(logged.id))
        ).all()
        assert [e.action for e in events] == ["consultation.create"]
        assert events[0].client_pseudonym is not None
        with pytest.raises(ValidationError, match="from the client record"):
            _log(consultant, client_id=client.id, gender=Gender.MALE)


def test_logging_refuses_unknown_topics_future_dates_and_other_roles(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        with pytest.raises(ValidationError, match="unknown or retired topics: tarot"):
            _log(consultant, topic_codes=["pesel", "tarot"])
        with pytest.raises(ValidationError, match="once it happened"):
            _log(consultant, consulted_on=utcnow().date() + timedelta(days=1))
        with pytest.raises(Forbidden):
            _log(staff(team, "manager"))


def test_the_returning_visitor_token_is_stable_across_spellings(app: Flask) -> None:
    with app.app_context():
        assert returning_visitor_token(document="fa 123 456") == returning_visitor_token(
            document="FA-123456"
        )
        assert returning_visitor_token(phone="+48 601 234 567") == returning_visitor_token(
            phone="601-234-567"
        )
        assert returning_visitor_token(phone="601234567") != returning_visitor_token(
            document="601234567"
        )
        with pytest.raises(ValidationError):
            returning_visitor_token(phone="call me")


def test_the_stored_token_contains_nothing_of_the_number(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        first = _log(consultant, visitor_document="FA 123 456")
        again = _log(consultant, visitor_document="fa123456")
        assert first.visitor_token == again.visitor_token
        stored = db.session.execute(
            text("SELECT visitor_token FROM information_consultations WHERE id = :id"),
            {"id": first.id.hex if db.engine.dialect.name == "sqlite" else first.id},
        ).scalar_one()
        assert len(stored) == 64 and all(c in "0123456789abcdef" for c in stored)
        # A hex digest may contain "fa" or "456" by chance; the whole number never.
        for part in ("fa123456", "123456", "123 456"):
            assert part not in stored.lower()
        from casework.crypto.blind_index import BlindIndexer
        from casework.crypto.keystore import key_material

        # Not the client blind index of the same document: tokens cannot be joined to clients.
        assert BlindIndexer(key_material().blind_index_key).document("FA123456") not in stored


def test_consultants_see_their_own_and_supervisors_their_teams(app: Flask, team) -> None:
    with app.app_context():
        mine = _log(staff(team, "consultant"))
        theirs = _log(staff(team, "outside_consultant"))
        page = consultations.list_consultations(
            staff(team, "consultant"), consultations.ConsultationFilters()
        )
        assert [c.id for c in page.items] == [mine.id]
        supervised = consultations.list_consultations(
            staff(team, "supervisor"), consultations.ConsultationFilters()
        )
        assert mine.id in {c.id for c in supervised.items}
        assert theirs.id not in {c.id for c in supervised.items}
        with pytest.raises(NotFound):
            consultations.get_consultation(staff(team, "consultant"), theirs.id)


def test_the_summary_counts_returning_visitors_without_naming_them(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        client = make_consenting_client(consultant)
        _log(consultant, visitor_phone="601 234 567", topic_codes=["pesel", "housing"])
        _log(consultant, visitor_phone="+48601234567", channel=Channel.PHONE)
        _log(consultant, visitor_document="AB1234", language="ru")
        _log(consultant, client_id=client.id, channel=Channel.ONLINE, language="en")
        figures = consultations.summary(consultant, consultations.ConsultationFilters())
        assert figures["total"] == 4
        assert (figures["linked_to_client"], figures["anonymous"]) == (1, 3)
        assert figures["distinct_visitor_tokens"] == 2 and figures["returning_visitors"] == 1
        assert figures["by_channel"] == {"in_person": 2, "online": 1, "phone": 1}
        assert figures["by_language"] == {"en": 1, "ru": 1, "uk": 2}
        assert figures["by_topic"] == {"housing": 1, "pesel": 4}
        filtered = consultations.list_consultations(
            consultant, consultations.ConsultationFilters(topic_code="housing")
        )
        assert len(filtered.items) == 1


def test_administrators_manage_the_topic_list(app: Flask, team) -> None:
    with app.app_context():
        topic = consultations.save_topic(
            staff(team, "admin"), "taxes", name={"pl": "Podatki", "en": "Taxes"}, position=12
        )
        assert topic.code in {t.code for t in consultations.list_topics()}
        consultations.save_topic(
            staff(team, "admin"), "taxes", name={"pl": "Podatki", "en": "Taxes"}, is_active=False
        )
        assert "taxes" not in {t.code for t in consultations.list_topics()}
        with pytest.raises(ValidationError, match="retired"):
            _log(staff(team, "consultant"), topic_codes=["taxes"])
        with pytest.raises(Forbidden):
            consultations.save_topic(staff(team, "supervisor"), "x", name={"pl": "x", "en": "x"})
        assert len(consultations.list_topics()) == 11


def test_count_logged_on_counts_ones_own_consultations_of_the_day(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        today = utcnow().date()
        _log(consultant)
        _log(consultant)
        _log(consultant, consulted_on=today - timedelta(days=1))
        _log(staff(team, "outside_consultant"))
        assert consultations.count_logged_on(consultant, today) == 2
        assert consultations.count_logged_on(consultant, today - timedelta(days=1)) == 1
        with pytest.raises(Forbidden):
            consultations.count_logged_on(staff(team, "supervisor"), today)


def test_the_list_pages_through_consultations_by_date(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        for days in range(5):
            _log(consultant, consulted_on=utcnow().date() - timedelta(days=days))
        filters = consultations.ConsultationFilters()
        first = consultations.list_consultations(consultant, filters, limit=3)
        assert first.next_cursor is not None  # a date column in the cursor
        rest = consultations.list_consultations(consultant, filters, cursor=first.next_cursor)
        assert len(first.items) == 3 and len(rest.items) == 2 and rest.next_cursor is None
        assert {c.id for c in first.items}.isdisjoint({c.id for c in rest.items})


def test_a_consultation_just_after_midnight_in_krakow_is_today_there(
    app: Flask, team, monkeypatch
) -> None:
    from datetime import UTC, date, datetime

    from casework import clock

    class HalfPastMidnightInKrakow(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return datetime(2026, 3, 1, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", HalfPastMidnightInKrakow)
    with app.app_context():
        logged = _log(staff(team, "consultant"), consulted_on=date(2026, 3, 2))
        assert logged.consulted_on == date(2026, 3, 2)
        with pytest.raises(ValidationError, match="once it happened"):
            _log(staff(team, "consultant"), consulted_on=date(2026, 3, 3))
