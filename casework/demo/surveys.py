"""The demo's surveys clients filled in themselves: a kiosk session in Ukrainian and Russian at
reception, and one-time links (one used, one waiting). Every answer is made up."""

from __future__ import annotations

import random

from sqlalchemy import select

from casework.auth.models import User
from casework.db import db
from casework.surveys import passes
from casework.surveys.models import SurveyPass

OPTIONS = ("disagree", "neutral", "agree", "strongly_agree", "strongly_agree", "agree")
ITEMS = ("sat_helpful", "sat_respect", "sat_language", "sat_time", "sat_recommend")


def _answers(rng: random.Random) -> dict[str, str]:
    return {item: rng.choice(OPTIONS) for item in ITEMS}


def create_client_surveys_demo(staff: dict[str, User], rng: random.Random) -> None:
    """Add the self-filled surveys once; does nothing if any kiosk or link exists."""
    if db.session.scalar(select(SurveyPass.id).limit(1)) is not None:
        return
    for language, people in (("uk", 6), ("ru", 3)):
        kiosk = passes.start_kiosk(
            staff["consultant"], service_code="migrant_information_point", language=language
        )
        for _ in range(people):
            passes.answer_at_kiosk(kiosk.token, answers=_answers(rng))
        passes.leave_kiosk(kiosk.token)
    used = passes.create_link(
        staff["therapist"], service_code="individual_counselling", language="pl"
    )
    passes.answer_by_link(used.token, answers=_answers(rng), language="pl")
    passes.create_link(staff["therapist"], service_code="couples_therapy", language="uk")
    db.session.flush()
