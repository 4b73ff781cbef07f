"""GDPR requests about one client: who may export or erase whom, and what an export holds.

- A supervisor or an administrator handles GDPR requests; nobody else.
- An administrator may export or erase any client; their export holds identity data, consents
  and the administrative record of every case (memberships, enrolments, appointment dates),
  and no clinical content.
- A supervisor may export or erase the clients they see through their own assignments (their
  teams' cases, and clients their teams registered who are in no case yet); their export holds
  only the cases they are assigned to, clinical content included.
- Someone with both roles gets the administrator's reach for identity and administrative data,
  and clinical content only from the cases they are assigned to as a supervisor.
Break-the-glass access never widens an export: it lets one read a case for a while, never copy
it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, true

from casework.auth.models import Role, User
from casework.errors import Forbidden
from casework.policy.cases import assigned_cases, visible_clients


@dataclass(frozen=True)
class GdprScope:
    """What a GDPR request by one member of staff reaches, as SQL predicates."""

    #: over Client: whom they may export or erase
    clients: ColumnElement[bool]
    #: over Case: whose memberships, enrolments and appointments an export lists
    case_records: ColumnElement[bool]
    #: over Case: whose assessments, answers and notes an export holds
    clinical_cases: ColumnElement[bool]


def may_handle_gdpr_requests(user: User) -> bool:
    return user.has_role(Role.SUPERVISOR, Role.ADMIN)


def gdpr_scope(user: User) -> GdprScope:
    """What `user`'s GDPR export or erasure may reach (see the module's rules)."""
    if not may_handle_gdpr_requests(user):
        raise Forbidden("exporting or erasing a client needs a supervisor or an administrator")
    own_cases = assigned_cases(user)
    if user.has_role(Role.ADMIN):
        return GdprScope(clients=true(), case_records=true(), clinical_cases=own_cases)
    return GdprScope(
        clients=visible_clients(user, assigned_only=True),
        case_records=own_cases,
        clinical_cases=own_cases,
    )
