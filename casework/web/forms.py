"""What the features' forms share: a change to a versioned record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import IntegerField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput


class _CSRFTokenWithoutId(CSRFTokenField):
    """The CSRF token's hidden input without an id: a page with several forms would repeat it."""

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)
        return super().__call__(**kwargs)


class _FormCSRF(_FlaskFormCSRF):
    field_class = _CSRFTokenWithoutId


#: Every form of the app renders its CSRF token without an id (ids stay unique on a page).
FlaskForm.Meta.csrf_class = _FormCSRF


class VersionedForm(FlaskForm):
    """A change to a versioned record: the page sends back the version it showed (required,
    so an update can never skip optimistic locking)."""

    version = IntegerField(
        widget=HiddenInput(),
        validators=[
            InputRequired(message=_l("This page is out of date; reload it and try again.")),
            NumberRange(min=1, max=999_999_999),
        ],
    )

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Also list the hidden version's problem above the form, where it can be seen."""
        valid = super().validate(extra_validators)
        self.form_errors.extend(str(problem) for problem in self.version.errors)
        return valid

    @property
    def expected_version(self) -> int:
        return int(self.version.data)
