"""What the printed case summary shows: the case in its joint context, each completed assessment
by its labels (level, bands, flags) and the participant it is about, the mandatory actions with
their state, the change over time, and who printed it when."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casework.auth.models import User
from casework.casefile.closing import closing_page
from casework.casefile.pages import CasePage
from casework.casefile.results import ResultTable, assessment_lines, result_tables
from casework.clock import centre_now
from casework.tasks.models import Task


@dataclass(frozen=True)
class SummaryPage:
    page: CasePage
    #: The change between the first and the closing assessments (its own block on the page).
    changes: list[Any]
    #: Every completed assessment, a table per instrument.
    results: list[ResultTable]
    #: Mandatory actions in every state: pending ones first, then by due date.
    mandatory: list[Task]
    printed_by: str
    printed_at: datetime


def summary_page(user: User, case_id: uuid.UUID) -> SummaryPage:
    """The printable summary for the case conference (joint context: no individual
    disclosures); participants' names and results are read audited."""
    closing = closing_page(user, case_id, joint=True, whole_timeline=True)
    page = closing.page
    tasks = page.plan.plan.tasks if page.plan else []
    return SummaryPage(
        page=page,
        changes=closing.changes,
        results=result_tables(assessment_lines(user, page.case, page.assessments)),
        mandatory=[task for task in tasks if task.is_mandatory],
        printed_by=user.display_name,
        printed_at=centre_now(),
    )
