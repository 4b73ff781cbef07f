"""Translated labels of the enum values the interface shows.

Features' forms ask for `choices(SomeEnum)`; the labels themselves are registered once, from
`casework.labels`, when the app is built. The completeness test covers every value.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from flask_babel import LazyString, get_locale
from wtforms.fields.choices import SelectChoice

#: (enum type, value) -> lazy label. Keyed by type: StrEnum members of different enums with the
#: same value (CaseState.ACTIVE, EnrolmentStatus.ACTIVE) are equal and would collide.
LABELS: dict[tuple[type[enum.Enum], str], object] = {}
#: (locale, enum type, value) -> its label in that language, translated once a process: a list
#: shows the same few labels on every row (the agenda asks for two a row), and each translation
#: through Flask-Babel looks up the request's locale and catalogue again.
_TRANSLATED: dict[tuple[object, type[enum.Enum], str], str] = {}


def register_labels(pairs: Iterable[tuple[enum.Enum, object]]) -> None:
    for member, text in pairs:
        LABELS[type(member), member.value] = text


def label(value: object) -> str:
    """The translated label of an enum value; anything else as text."""
    if isinstance(value, enum.Enum) and (type(value), value.value) in LABELS:
        key = (get_locale(), type(value), value.value)
        if key not in _TRANSLATED:
            _TRANSLATED[key] = str(LABELS[type(value), value.value])
        return _TRANSLATED[key]
    return "" if value is None else str(value)


def choices(enum_type: type[enum.Enum]) -> list[SelectChoice]:
    """The options of a WTForms select or radio field for an enum, with labels looked up when
    shown (forms are defined before the labels are registered)."""
    return [
        SelectChoice(member.value, LazyString(label, member))  # type: ignore[arg-type]
        for member in enum_type
    ]
