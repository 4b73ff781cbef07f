"""Schemas every API feature shares: problems, pages, versions, reasons."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request, url_for
from marshmallow import fields, validate

from casework.pagination import MAX_LIMIT


class ProblemSchema(ma.Schema):
    """RFC 7807 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    request_id = fields.String(allow_none=True)
    errors = fields.Raw(metadata={"description": "Field-level messages, when input was invalid"})


class PageArgsSchema(ma.Schema):
    cursor = fields.String(validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_LIMIT))


_pages: dict[str, type[ma.Schema]] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """A page schema: `items`, `next_cursor` for the following page and `next`, the link to it
    with the same filters (both null at the end)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _pages:
        _pages[name] = type(
            name,
            (ma.Schema,),
            {
                "items": fields.List(fields.Nested(item_schema), required=True),
                "next_cursor": fields.String(allow_none=True, required=True),
                "next": fields.String(
                    allow_none=True,
                    required=True,
                    metadata={"description": "The following page: this request with its cursor"},
                ),
            },
        )
    return _pages[name]


def page_response(page: Any) -> dict[str, Any]:
    """The page's envelope; `next` repeats this request's filters and limit with the cursor."""
    return {"items": page.items, "next_cursor": page.next_cursor, "next": next_link(page)}


def next_link(page: Any) -> str | None:
    if page.next_cursor is None or request.endpoint is None:
        return None
    args: dict[str, Any] = {key: values for key, values in request.args.lists() if key != "cursor"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, cursor=page.next_cursor)


class VersionSchema(ma.Schema):
    """The version of the record the change is based on (optimistic locking)."""

    version = fields.Integer(required=True, validate=validate.Range(min=1))


class ReasonSchema(ma.Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class VersionedReasonSchema(VersionSchema, ReasonSchema):
    pass


def text(max_length: int, *, required: bool = False, **kwargs: Any) -> fields.String:
    """A bounded text field; a required one may not be empty."""
    length = validate.Length(min=1 if required else 0, max=max_length)
    return fields.String(validate=length, required=required, **kwargs)


def current_staff() -> Any:
    """The signed-in staff user behind this request (never the proxy)."""
    from flask_login import current_user

    return current_user._get_current_object()
