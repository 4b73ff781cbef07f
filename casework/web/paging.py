"""The web side of keyset pagination: "next page" links that keep the page's filters, and a
cursor that is not valid (edited, from another list) answered with the first page."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for

#: The query parameter that carries a web list's cursor.
CURSOR_PARAM = "after"


def page_cursor() -> str | None:
    """The cursor of the page asked for (None: the first page)."""
    return request.args.get(CURSOR_PARAM) or None


def next_page_url(cursor: str | None) -> str | None:
    """This page's address with its filters and the cursor of the following page."""
    if cursor is None or request.endpoint is None:
        return None
    args: dict[str, Any] = {k: v for k, v in request.args.lists() if k != CURSOR_PARAM}
    args[CURSOR_PARAM] = cursor
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def first_page() -> Response:
    """The first page of the list asked for, its filters kept."""
    args: dict[str, Any] = {k: v for k, v in request.args.lists() if k != CURSOR_PARAM}
    target = url_for(request.endpoint or "home.index", **(request.view_args or {}), **args)
    return redirect(target)  # type: ignore[return-value]  # werkzeug's Response, as Flask's
