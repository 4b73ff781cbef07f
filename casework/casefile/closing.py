"""What the closing page and the printed summary show: the case page, and each participant's
change between the first and the closing assessment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from casework.auth.models import User
from casework.case_assessments.closing_pages import ChangeView, closing_changes
from casework.casefile.pages import TIMELINE_LIMIT, CasePage, case_page


@dataclass(frozen=True)
class ClosingPage:
    page: CasePage
    changes: list[ChangeView]


def closing_page(
    user: User, case_id: uuid.UUID, *, joint: bool, whole_timeline: bool = False
) -> ClosingPage:
    """The case (without its forms) and the change over time, in the given context (the joint
    one, for the printed summary, leaves out individual disclosures); `whole_timeline` for a
    printout, which has no "Earlier" link to follow."""
    limit = None if whole_timeline else TIMELINE_LIMIT
    page = case_page(user, case_id, joint=joint, with_actions=False, timeline_limit=limit)
    return ClosingPage(page, closing_changes(user, case_id, joint=joint))
