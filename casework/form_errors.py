"""Domain errors raised by a service, shown on the form that caused them (never a 500)."""

from __future__ import annotations

from flask_wtf import FlaskForm

from casework.errors import DomainError


def show_on_form(
    form: FlaskForm, error: DomainError, *, field_names: dict[str, str] | None = None
) -> None:
    """Put the message of `error` on the form, and its per-field problems beside the fields.

    `field_names` maps the service's field keys to form field names where they differ.
    """
    mapping = field_names or {}
    placed = False
    for key, problems in error.fields.items():
        name = mapping.get(key, key)
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), *problems]
            placed = True
    if error.message not in form.form_errors:
        form.form_errors.append(error.message)
    del placed
