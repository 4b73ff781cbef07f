"""Keyset pagination with opaque, stable cursors: new rows never shift a page."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, TypeDecorator, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from casework.db import db
from casework.errors import ValidationError

T = TypeVar("T")
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else str(v) for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, columns: Sequence[InstrumentedAttribute[Any]]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError
        return [_parse(value, column) for value, column in zip(raw, columns, strict=True)]
    except (ValueError, TypeError):
        raise ValidationError("the cursor is not valid", fields={"cursor": ["invalid"]}) from None


def _parse(value: Any, column: InstrumentedAttribute[Any]) -> Any:
    column_type = column.type
    # A TypeDecorator (UTCDateTime) says `object`; the type it decorates says what it holds.
    python_type = (
        column_type.impl.python_type
        if isinstance(column_type, TypeDecorator)
        else column_type.python_type
    )
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(value)
    return python_type(value)


def paginate(
    query: Select[Any],
    order: Sequence[InstrumentedAttribute[Any]],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = True,
) -> Page[Any]:
    """One page of `query` ordered by `order` (unique together, the last normally the id)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            "limit must be between 1 and %(most)s",
            fields={"limit": ["out of range"]},
            most=MAX_LIMIT,
        )
    if cursor:
        after = _decode(cursor, order)
        query = query.where(_after(order, after, descending))
    ordering = [column.desc() if descending else column.asc() for column in order]
    rows = list(db.session.scalars(query.order_by(*ordering).limit(limit + 1)))
    items, more = rows[:limit], len(rows) > limit
    next_cursor = _encode([getattr(items[-1], c.key) for c in order]) if more else None
    return Page(items, next_cursor)


def _after(order: Sequence[InstrumentedAttribute[Any]], values: list[Any], descending: bool) -> Any:
    """Rows strictly after `values` in the (lexicographic) order."""
    clauses = []
    for position, column in enumerate(order):
        equal = [order[i] == values[i] for i in range(position)]
        beyond = column < values[position] if descending else column > values[position]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)
