"""Keyset pagination with opaque, signed cursors: new rows never shift a page, and a deep page
costs what the first one does (no OFFSET).

A cursor is the last row's sort key, signed with the app's secret and bound to the list's order
(a cursor of one list is refused by another). A tampered, foreign or stale-format cursor raises
`InvalidCursor`: the API answers 400 with a message, a web page shows the first page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from hashlib import sha256
from typing import Any, Generic, TypeVar

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, TypeDecorator, false, select, true, tuple_, union
from sqlalchemy.orm import InstrumentedAttribute

from casework.db import db
from casework.errors import DomainError, ValidationError

T = TypeVar("T")
MAX_LIMIT = 200


class InvalidCursor(DomainError):
    """A cursor this list did not hand out (edited, from another list, or from an old key)."""

    status = 400
    title = "Bad request"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _signer(order: Sequence[InstrumentedAttribute[Any]], descending: bool) -> URLSafeSerializer:
    """A serializer whose salt names the list's order, so cursors do not cross lists."""
    key = ",".join(f"{column.class_.__tablename__}.{column.key}" for column in order)
    salt = f"casework.pagination:{key}:{'desc' if descending else 'asc'}"
    return URLSafeSerializer(
        current_app.config["SECRET_KEY"], salt=salt, signer_kwargs={"digest_method": sha256}
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def encode_cursor(
    values: Sequence[Any], order: Sequence[InstrumentedAttribute[Any]], *, descending: bool
) -> str:
    return str(_signer(order, descending).dumps([_plain(v) for v in values]))


def decode_cursor(
    cursor: str, order: Sequence[InstrumentedAttribute[Any]], *, descending: bool
) -> list[Any]:
    """The sort key a cursor carries; `InvalidCursor` if this list did not sign it."""
    try:
        raw = _signer(order, descending).loads(cursor)
        if not isinstance(raw, list) or len(raw) != len(order):
            raise ValueError
        return [_parse(value, column) for value, column in zip(raw, order, strict=True)]
    except (BadData, ValueError, TypeError, AttributeError):
        raise InvalidCursor(
            "this page link is not valid (changed or out of date); start from the first page",
            fields={"cursor": ["invalid"]},
        ) from None


def _parse(value: Any, column: InstrumentedAttribute[Any]) -> Any:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):  # its own python_type is `object`
        column_type = column_type.impl_instance
    python_type = column_type.python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    if not isinstance(value, python_type):
        raise TypeError
    return value


def paginate(
    query: Select[Any],
    order: Sequence[InstrumentedAttribute[Any]],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = True,
    branches: Sequence[ColumnElement[bool]] | None = None,
) -> Page[Any]:
    """One page of `query` ordered by `order` (unique together, the last the id; no column may
    be NULL): one statement, whatever the depth.

    With `branches` (conditions an `OR` would join: each answered by an index in this order),
    the rows are those of `query` that meet any of them: each branch gives its own page of ids
    and the page is taken from their union, so no branch makes the database walk past the rows
    of the others (`policy.visible_case_branches`)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            "limit must be between 1 and %(most)s",
            fields={"limit": ["out of range"]},
            most=MAX_LIMIT,
        )
    if cursor:
        after = decode_cursor(cursor, order, descending=descending)
        query = query.where(_after(order, after, descending))
    ordering = [column.desc() if descending else column.asc() for column in order]
    if branches is not None:
        query = _from_branches(query, order[-1], ordering, branches, limit + 1)
    rows = list(db.session.scalars(query.order_by(*ordering).limit(limit + 1)))
    items, more = rows[:limit], len(rows) > limit
    next_cursor = (
        encode_cursor([getattr(items[-1], c.key) for c in order], order, descending=descending)
        if more
        else None
    )
    return Page(items, next_cursor)


def _from_branches(
    query: Select[Any],
    id_column: InstrumentedAttribute[Any],
    ordering: Sequence[Any],
    branches: Sequence[ColumnElement[bool]],
    size: int,
) -> Select[Any]:
    """`query` limited to the union of each branch's first `size` ids in the page's order."""
    if not branches:
        return query.where(false())
    tops = [
        select(id_column)
        .where(query.whereclause if query.whereclause is not None else true(), branch)
        .order_by(*ordering)
        .limit(size)
        .subquery()
        for branch in branches
    ]
    ids = union(*(select(top.c[0]) for top in tops)).subquery()
    return query.join(ids, id_column == ids.c[0])


def _after(order: Sequence[InstrumentedAttribute[Any]], values: list[Any], descending: bool) -> Any:
    """Rows strictly after `values` in the order: a row-value comparison, which a B-tree index
    on the same columns answers as one range (PostgreSQL and SQLite both have row values)."""
    key, last = tuple_(*order), tuple(values)
    return key < last if descending else key > last
