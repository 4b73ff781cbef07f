"""What the features' forms share: a change to a versioned record, a select of many options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from markupsafe import Markup, escape
from wtforms import IntegerField
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import HiddenInput, Select


class _CSRFTokenWithoutId(CSRFTokenField):
    """The CSRF token's hidden input without an id: a page with several forms would repeat it."""

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)
        return super().__call__(**kwargs)


class _FormCSRF(_FlaskFormCSRF):
    field_class = _CSRFTokenWithoutId


#: Every form of the app renders its CSRF token without an id (ids stay unique on a page).
FlaskForm.Meta.csrf_class = _FormCSRF


class LongSelect(Select):
    """A select of many plain options (a value and a label each), written as WTForms' `Select`
    writes them, byte for byte, without building each option's attributes one by one: the case
    page's therapists are every therapist of the centre (151 at 100,000 clients), and WTForms'
    way took a sixth of the page."""

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)  # type: ignore[no-any-return]
        selected = "selected " if choice.selected else ""
        value, text = escape(choice.value), escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{value}">{text}</option>')  # noqa: S704 (escaped)


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
