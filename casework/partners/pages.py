"""What the partner-work pages show: trainings with their totals, a training's headcounts by
institution, and the institutions offered on the forms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from casework.auth.models import User
from casework.pagination import Page
from casework.partners import services
from casework.partners.models import PartnerInstitution, ProfessionalType, Training


@dataclass(frozen=True)
class TrainingsPage:
    page: Page[Training]
    #: training id -> (professionals, institutions)
    totals: dict[uuid.UUID, tuple[int, int]]


def trainings_page(user: User, *, cursor: str | None) -> TrainingsPage:
    page = services.list_trainings(user, cursor=cursor, limit=25)
    return TrainingsPage(page, services.training_totals(user, [t.id for t in page.items]))


@dataclass(frozen=True)
class HeadcountRow:
    institution: str
    professional_type: ProfessionalType
    headcount: int


@dataclass(frozen=True)
class TrainingPage:
    training: Training
    rows: list[HeadcountRow]
    total: int


def training_page(user: User, training_id: uuid.UUID) -> TrainingPage:
    training, participations = services.get_training(user, training_id)
    names = {i.id: i.name for i in services.all_institutions(user)}
    rows = sorted(
        (
            HeadcountRow(names[p.institution_id], p.professional_type, p.headcount)
            for p in participations
        ),
        key=lambda row: (row.institution, row.professional_type.value),
    )
    return TrainingPage(training, rows, sum(row.headcount for row in rows))


def institution_choices(user: User) -> list[tuple[str, str]]:
    """The institutions as (id, name) options, a blank option first."""
    institutions: list[PartnerInstitution] = services.all_institutions(user)
    return [(str(i.id), i.name) for i in institutions]
