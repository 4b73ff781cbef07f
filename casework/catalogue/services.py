"""Keeping the services table in step with the catalogue file; administrators' edits."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.catalogue.library import library
from casework.catalogue.models import CAPACITY_CEILING, Service, ServiceKind
from casework.db import db, get_or_not_found
from casework.errors import Forbidden, ValidationError


def sync_catalogue() -> tuple[int, int]:
    """Add the catalogue file's new services and update names and kinds; returns (added, updated).

    Services no longer in the file are kept (enrolments refer to them) but left as they are.
    """
    existing = {service.code: service for service in db.session.scalars(select(Service))}
    added = updated = 0
    for code, entry in library().routing.services.items():
        kind = ServiceKind(entry.kind.value)
        names = dict(entry.name)
        service = existing.get(code)
        if service is None:
            db.session.add(Service(code=code, kind=kind, name=names, is_active=True))
            added += 1
        elif service.kind != kind or service.name != names:
            service.kind, service.name = kind, names
            updated += 1
    db.session.flush()
    return added, updated


def service_names() -> dict[str, dict[str, str]]:
    """Every service's name in each language, by code (active or not: old enrolments show);
    read once a request (pages name services in many places), or taken from `list_services`."""
    if "service_names" not in g:
        rows = db.session.execute(select(Service.code, Service.name))
        g.service_names = {code: dict(name) for code, name in rows}
    names: dict[str, dict[str, str]] = g.service_names
    return names


def list_services(*, include_inactive: bool = False) -> list[Service]:
    """The services by code; only those offered unless `include_inactive` (then their names
    are also what `service_names` answers for the rest of the request)."""
    query = select(Service).order_by(Service.code)
    if not include_inactive:
        query = query.where(Service.is_active.is_(True))
    services = list(db.session.scalars(query))
    if include_inactive:
        g.service_names = {service.code: dict(service.name) for service in services}
    return services


def set_service_active(user: User, code: str, *, active: bool) -> Service:
    """Offer a service again, or stop offering it (administrators only)."""
    if not policy.ADMINISTER.allows(user):
        raise Forbidden("only an administrator changes the catalogue")
    service = get_or_not_found(Service, code, "service")
    service.is_active = active
    db.session.flush()
    return service


def set_group_settings(
    user: User,
    code: str,
    *,
    completion_attendance_percent: int | None,
    max_capacity: int | None,
    default_capacity: int | None,
) -> Service:
    """A group service's completion threshold and seat limits (None: no automatic completion,
    the centre-wide limit, no default). Runs already open keep their capacity."""
    if not policy.ADMINISTER.allows(user):
        raise Forbidden("only an administrator changes the catalogue")
    service = get_or_not_found(Service, code, "service")
    if not service.is_group:
        raise ValidationError(
            "only group and workshop services have runs", fields={"code": ["not a group service"]}
        )
    if completion_attendance_percent is not None and not 1 <= completion_attendance_percent <= 100:
        raise ValidationError(
            "the attendance threshold is a percentage from 1 to 100",
            fields={"completion_attendance_percent": ["out of range"]},
        )
    for name, value in (("max_capacity", max_capacity), ("default_capacity", default_capacity)):
        if value is not None and not 1 <= value <= CAPACITY_CEILING:
            raise ValidationError(
                "seats are between 1 and %(most)s",
                fields={name: ["out of range"]},
                most=CAPACITY_CEILING,
            )
    if (
        default_capacity is not None
        and max_capacity is not None
        and default_capacity > max_capacity
    ):
        raise ValidationError(
            "the default capacity cannot exceed the limit",
            fields={"default_capacity": ["above the limit"]},
        )
    service.completion_attendance_percent = completion_attendance_percent
    service.max_capacity = max_capacity
    service.default_capacity = default_capacity
    if default_capacity is not None and default_capacity > service.seat_limit:
        raise ValidationError(
            "the default capacity cannot exceed the limit of %(most)s",
            fields={"default_capacity": ["above the limit"]},
            most=service.seat_limit,
        )
    audit.record(
        "service.group_settings",
        actor=user,
        object_type="service",
        object_id=service.code,
        fields=["completion_attendance_percent", "max_capacity", "default_capacity"],
    )
    db.session.flush()
    return service
