"""Satisfaction surveys: scored by the engine, linked to a service, never to a person."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from flask import Flask

from casework.consultations import services as consultations
from casework.consultations.models import Channel
from casework.db import utcnow
from casework.errors import Forbidden, NotFound, ValidationError
from casework.surveys import services as surveys
from casework.surveys.models import SurveyResponse
from tests.factories import staff

HAPPY = {
    "sat_helpful": "strongly_agree",
    "sat_respect": "strongly_agree",
    "sat_language": "agree",
    "sat_time": "agree",
    "sat_recommend": "strongly_agree",
}
UNHAPPY = dict.fromkeys(HAPPY, "disagree") | {"sat_respect": "strongly_disagree"}


def test_a_response_is_scored_by_the_engine(app: Flask, team) -> None:
    with app.app_context():
        response = surveys.record_response(
            staff(team, "therapist"),
            answers=HAPPY,
            language="pl",
            service_code="individual_counselling",
        )
        assert response.score == Decimal("4.60") and response.level == "satisfied"
        assert response.instrument_version == "1.0.0"
        assert response.result["scales"][0]["id"] == "satisfaction"
        partial = surveys.record_response(
            staff(team, "therapist"),
            answers={k: v for k, v in UNHAPPY.items() if k != "sat_time"},
            language="uk",
            service_code="individual_counselling",
        )
        assert partial.score == Decimal("1.75") and partial.level == "dissatisfied"


def test_a_response_names_no_person(app: Flask, team) -> None:
    columns = set(SurveyResponse.__table__.columns.keys())
    assert columns == {
        "id",
        "instrument_id",
        "instrument_version",
        "service_code",
        "group_run_id",
        "channel",
        "language",
        "answers",
        "result",
        "score",
        "level",
        "submitted_at",
    }


def test_invalid_answers_and_clinical_instruments_are_refused(app: Flask, team) -> None:
    with app.app_context():
        user = staff(team, "facilitator")
        with pytest.raises(ValidationError) as refused:
            surveys.record_response(
                user,
                answers=HAPPY | {"sat_time": "excellent"},
                language="pl",
                service_code="support_group_mothers",
            )
        assert "answers.sat_time" in refused.value.fields
        with pytest.raises(ValidationError, match="not a survey"):
            surveys.record_response(
                user, instrument_id="phq9", answers={}, language="pl", service_code="x"
            )
        with pytest.raises(ValidationError, match="name the service"):
            surveys.record_response(user, answers=HAPPY, language="pl")
        with pytest.raises(Forbidden):
            surveys.record_response(
                staff(team, "admin"), answers=HAPPY, language="pl", service_code="x"
            )


def test_a_consultation_survey_belongs_to_the_information_point(app: Flask, team) -> None:
    with app.app_context():
        consultant = staff(team, "consultant")
        consultation = consultations.log_consultation(
            consultant,
            consulted_on=utcnow().date(),
            channel=Channel.ONLINE,
            language="uk",
            topic_codes=["work_permit"],
            duration_minutes=20,
        )
        response = surveys.record_response(
            consultant, answers=HAPPY, language="uk", consultation_id=consultation.id
        )
        assert response.service_code == "migrant_information_point"
        # Nothing ties the answers back to the consultation (and so to its client or token).
        assert "consultation_id" not in SurveyResponse.__table__.columns
        assert response.submitted_at.time() == datetime.min.time()
        with pytest.raises(NotFound):
            surveys.record_response(
                staff(team, "outside_consultant"),
                answers=HAPPY,
                language="uk",
                consultation_id=consultation.id,
            )


def test_the_summary_averages_per_service_in_sql(app: Flask, team) -> None:
    with app.app_context():
        user = staff(team, "facilitator")
        for answers in (HAPPY, HAPPY, UNHAPPY):
            surveys.record_response(
                user, answers=answers, language="pl", service_code="parenting_workshops"
            )
        rows = surveys.summary(staff(team, "supervisor"))
        workshops = next(r for r in rows if r["service_code"] == "parenting_workshops")
        assert workshops["responses"] == 3
        assert workshops["levels"] == {"satisfied": 2, "dissatisfied": 1}
        assert workshops["mean_score"] == pytest.approx((4.6 + 4.6 + 1.8) / 3, abs=0.01)
        # per item, each option's share of those who answered it
        assert workshops["items"]["sat_helpful"] == {
            "answered": 3,
            "shares": {
                "strongly_disagree": 0.0,
                "disagree": 33.3,
                "neutral": 0.0,
                "agree": 0.0,
                "strongly_agree": 66.7,
            },
        }
        assert workshops["items"]["sat_respect"]["shares"]["strongly_disagree"] == 33.3
        with pytest.raises(Forbidden):
            surveys.summary(user)


def test_the_demo_has_self_filled_surveys_once(app: Flask, team) -> None:
    import random

    from sqlalchemy import func, select

    from casework.db import db
    from casework.demo.surveys import create_client_surveys_demo
    from casework.surveys.models import SurveyPass

    with app.app_context():
        people = {name: staff(team, name) for name in ("consultant", "therapist")}
        create_client_surveys_demo(people, random.Random(1))
        create_client_surveys_demo(people, random.Random(2))  # a second run adds nothing
        channels = dict(
            db.session.execute(
                select(SurveyResponse.channel, func.count()).group_by(SurveyResponse.channel)
            ).all()
        )
        assert channels == {"kiosk": 9, "one_time_link": 1}
        assert db.session.scalar(select(func.count()).select_from(SurveyPass)) == 4
