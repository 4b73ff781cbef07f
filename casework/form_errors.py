"""Domain errors raised by a service, shown on the form that caused them (never a 500)."""

from __future__ import annotations

from flask_wtf import FlaskForm

from casework.errors import DomainError


def show_on_form(form: FlaskForm, error: DomainError) -> None:
    """The message of `error` above the form, and its per-field problems beside the fields
    whose names match the service's field keys."""
    for key, problems in error.fields.items():
        field = getattr(form, key, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *problems]
    if error.message not in form.form_errors:
        form.form_errors.append(error.message)
