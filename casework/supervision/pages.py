"""What the supervision pages show: records with the names of the people in them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from casework import policy
from casework.auth.models import User
from casework.auth.services import display_names
from casework.cases.models import Case
from casework.clock import centre_today
from casework.pagination import Page
from casework.supervision import services as supervision
from casework.supervision.models import SupervisionRecord


@dataclass(frozen=True)
class RecordsPage:
    page: Page[SupervisionRecord]
    #: Supervisors' and practitioners' names by user id.
    names: dict[uuid.UUID, str]
    #: Whether the page offers to record a supervision.
    may_record: bool


@dataclass(frozen=True)
class RecordPage:
    record: SupervisionRecord
    names: dict[uuid.UUID, str]
    #: Whether the reader may add actions (the author or a supervisor of the team).
    may_change: bool
    #: Actions due before this day are overdue.
    today: date
    #: The cases it refers to that the reader may see, and how many others it refers to.
    cases: list[Case] = field(default_factory=list)
    other_cases: int = 0


@dataclass(frozen=True)
class CaseChoices:
    """The cases a new record may refer to, with their case managers' names."""

    cases: list[Case]
    managers: dict[uuid.UUID, str]


def case_choices(user: User) -> CaseChoices:
    cases = supervision.referable_cases(user)
    return CaseChoices(cases, display_names(case.case_manager_id for case in cases))


def _names_in(records: list[SupervisionRecord]) -> dict[uuid.UUID, str]:
    return display_names(
        [record.supervisor_id for record in records]
        + [record.practitioner_id for record in records]
    )


def records_page(user: User, *, cursor: str | None) -> RecordsPage:
    """The records `user` may see, newest first, 25 to a page."""
    page = supervision.list_records(user, cursor=cursor, limit=25)
    return RecordsPage(page, _names_in(page.items), policy.may_record_supervision(user))


def record_page(user: User, record_id: uuid.UUID) -> RecordPage:
    """One record (an audited read), its people's names and what `user` may do with it."""
    record = supervision.read_record(user, record_id)
    cases, others = supervision.cases_of_record(user, record)
    return RecordPage(
        record,
        _names_in([record]),
        supervision.may_change(user, record),
        centre_today(),
        cases,
        others,
    )
