"""The one place that turns domain errors, and every HTTP error, into responses."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import Enum
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import escape
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from casework.errors import Conflict, DomainError, Term, ValidationError
from casework.pagination import InvalidCursor
from casework.web.filters import localised, page_language
from casework.web.labels import label
from casework.web.paging import first_page

log = logging.getLogger(__name__)

GENERIC_SERVER_ERROR = (
    "The server could not complete the request. Quote the request id when reporting it."
)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 7807 problem response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body["request_id"] = getattr(g, "request_id", None)
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _page_param(value: object) -> str:
    if isinstance(value, Term):
        return _(value)
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, Mapping):
        return localised(value)
    if isinstance(value, list | tuple):
        return ", ".join(_page_param(item) for item in value)
    return str(value)


def error_text(error: DomainError) -> str:
    """`error`'s message in the page's language (the API keeps the English `error.message`)."""
    if not error.params:
        return _(error.msgid)
    return _(error.msgid, **{name: _page_param(value) for name, value in error.params.items()})


def _field_problem(error: DomainError, problem: str) -> str:
    """A field's problem in the page's language: a sentence from the catalogue, else (a short
    code such as "out of range") the error's own message on a page not in English."""
    if problem == error.msgid:
        return error_text(error)
    translated = _(problem)
    if translated == problem and page_language() != "en":
        return error_text(error)
    return translated


def refuse_on_page(error: DomainError) -> None:
    """A refusal becomes a message on the next page; a hidden object stays a 404."""
    if error.status == 404:
        raise error
    flash(error_text(error), "error")


def show_on_form(form: FlaskForm, error: DomainError) -> None:
    """`error` above the form and its per-field problems beside the fields whose names match
    the service's field keys; a hidden object stays a 404."""
    if error.status == 404:
        raise error
    for key, problems in error.fields.items():
        field = getattr(form, key, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [
                *list(field.errors or []),
                *(_field_problem(error, p) for p in problems),
            ]
    text = error_text(error)
    if text not in form.form_errors:
        form.form_errors.append(text)


def _html_titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood"),
        401: _("Please sign in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Not allowed"),
        409: _("This could not be done"),
        413: _("Too large"),
        422: _("Some input is invalid"),
        500: _("Something went wrong"),
    }


def _html_error(status: int, title: str, detail: str) -> tuple[str, int]:
    request_id = getattr(g, "request_id", None)
    try:
        if status == 404:
            # The same words whether the record is missing or hidden from this user.
            detail = _("This page or record does not exist, or you may not see it.")
        elif detail == GENERIC_SERVER_ERROR:  # not a domain error's own message
            detail = _(
                "The server could not complete the request. Quote the request id when reporting it."
            )
        title = _html_titles().get(status, title)
        page = render_template(
            "errors/error.html", status=status, title=title, detail=detail, request_id=request_id
        )
    except Exception as error:  # the error page itself must never fail
        log.error("error page failed: %s", type(error).__name__)
        page = escape(f"{status} {title}. Request id: {request_id}")
    return page, status


def handle_domain_error(error: DomainError) -> Response | tuple[str, int]:
    if isinstance(error, InvalidCursor) and not is_api_request() and request.method == "GET":
        return first_page()
    if is_api_request():
        extra = {"errors": error.fields} if error.fields else {}
        return problem(error.status, error.title, error.message, **extra)
    return _html_error(error.status, error.title, error_text(error))


def _handle_http_error(error: HTTPException) -> Response | tuple[str, int]:
    status = error.code or 500
    title = error.name
    detail = error.description or title
    if status >= 500:
        detail = GENERIC_SERVER_ERROR
    if is_api_request():
        extra = {}
        messages = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
        if messages:
            extra["errors"] = messages
        response = problem(status, title, detail, **extra)
        for header, value in error.get_headers():
            if header.lower() not in ("content-type", "content-length"):
                response.headers[header] = value
        return response
    return _html_error(status, title, detail)


def _handle_unexpected(error: Exception) -> Response | tuple[str, int]:
    # One line, the type only: a message or traceback could carry client data, and a database
    # error's text quotes its statement. The request id comes with every record.
    log.error("request failed: %s at %s", type(error).__name__, request.endpoint or "-")
    _stop_loading_the_user()
    return _handle_http_error(InternalServerError())


def _stop_loading_the_user() -> None:
    """After a failure the rest of the request (error page, language, headers) uses the user
    already loaded, or nobody: loading them again would fail again when the database is gone,
    each time with a new error."""
    if "_login_user" not in g:  # Flask-Login's cache of the request's user
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]


def _handle_stale_data(_error: StaleDataError) -> Response | tuple[str, int]:
    return handle_domain_error(
        Conflict("someone else changed this record at the same moment; reload it and try again")
    )


def _handle_data_error(_error: DataError) -> Response | tuple[str, int]:
    # A value the database refused (too long, out of range): the input's fault, not a crash.
    return handle_domain_error(
        ValidationError("a value could not be stored; check its length and form")
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, _handle_stale_data)
    app.register_error_handler(DataError, _handle_data_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected)
