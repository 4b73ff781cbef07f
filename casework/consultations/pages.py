"""What the consultation pages show beyond the use cases: a consultation with what its reader
may do with it, and the names of the statistics' cells in the page's language."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from babel import Locale
from flask_babel import format_date
from flask_babel import gettext as _

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.auth.services import display_names
from casework.clients.models import Client, Gender, MigrationReason
from casework.clients.names import client_display_name
from casework.consultations import services
from casework.consultations.forms import LANGUAGES
from casework.consultations.models import AgeGroup, Channel, InformationConsultation
from casework.consultations.stats import Statistics
from casework.web.filters import localised, page_language
from casework.web.labels import label


@dataclass(frozen=True)
class ConsultationPage:
    consultation: InformationConsultation
    consultant: str
    #: The linked client's name ("" when anonymous).
    client: str
    #: Whether the reader may link this anonymous consultation to a client.
    may_link: bool
    #: (client id, name) the reader may link it to (empty unless `may_link`).
    clients: list[tuple[uuid.UUID, str]]


def consultation_page(user: User, consultation_id: uuid.UUID) -> ConsultationPage:
    """A consultation (an audited read) and, for its consultant, the clients to link it to."""
    consultation = services.get_consultation(user, consultation_id)
    client = ""
    if consultation.client_id is not None:
        record = policy.require_visible(
            user,
            Client,
            consultation.client_id,
            what="client",
            visible=policy.consultation_clients(user),
        )
        audit.record_change("client.read", record, actor=user, fields=["given_name", "family_name"])
        client = client_display_name(record)
    may_link = consultation.client_id is None and policy.may_link_consultation(user, consultation)
    return ConsultationPage(
        consultation,
        display_names([consultation.consultant_id]).get(consultation.consultant_id, ""),
        client,
        may_link,
        services.linkable_clients(user) if may_link else [],
    )


def _language(code: str) -> str:
    if code in LANGUAGES:
        return LANGUAGES[code]
    try:
        return Locale(page_language()).languages.get(code, code)
    except ValueError:
        return code


def _country(code: str) -> str:
    return str(Locale(page_language()).territories.get(code.upper(), code))


def _month(code: str) -> str:
    year, month = code.split("-")
    return format_date(date(int(year), int(month), 1), "LLLL y")


def statistics_names(figures: Statistics) -> dict[str, dict[str | None, str]]:
    """dimension -> cell code -> what the page calls it (never a code when a name exists)."""
    topics = {t.code: localised(t.name) for t in services.list_topics(include_retired=True)}
    enums = {
        "channel": Channel,
        "gender": Gender,
        "age_group": AgeGroup,
        "migration_reason": MigrationReason,
    }
    visitor = {"registered": _("Registered client"), "anonymous": _("Anonymous visitor")}
    names: dict[str, dict[str | None, str]] = {}
    for dimension, cells in figures.breakdowns.items():
        named: dict[str | None, str] = {None: _("Not given")}
        for figure in cells:
            code = figure.code
            if code is None:
                continue
            if dimension in enums:
                named[code] = label(enums[dimension](code))
            elif dimension == "topic":
                named[code] = topics.get(code, code)
            elif dimension == "language":
                named[code] = _language(code)
            elif dimension == "nationality":
                named[code] = _country(code)
            elif dimension == "month":
                named[code] = _month(code)
            else:
                named[code] = visitor.get(code, code)
        names[dimension] = named
    return names
