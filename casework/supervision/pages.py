"""What the supervision pages show: records with the names of the people in them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from casework import policy
from casework.auth.models import User
from casework.auth.services import display_names
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
    return RecordPage(
        record, _names_in([record]), supervision.may_change(user, record), centre_today()
    )
