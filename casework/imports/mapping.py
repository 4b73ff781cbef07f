"""The column mapping: which column of the file holds which field of a client or a past
consultation or a past group participation. Saved as a small JSON or YAML
file (`{"given_name": "Imię", ...}`) and reused."""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from casework.errors import ValidationError

#: The fields of a client row; the starred ones must be mapped.
CLIENT_FIELDS = (
    "given_name",
    "family_name",
    "legal_basis",
    "notice_version",
    "date_of_birth",
    "birth_year",
    "national_id",
    "phone",
    "email",
    "address",
    "gender",
    "nationality",
    "languages",
    "municipality",
)
CONSULTATION_FIELDS = (
    "consulted_on",
    "language",
    "duration_minutes",
    "topics",
    "channel",
    "gender",
    "age_group",
    "nationality",
    "migration_reason",
)
GROUP_FIELDS = (
    "status",
    "national_id",
    "phone",
    "email",
    "family_name",
    "birth_year",
    "run_id",
    "service_code",
    "run_starts_on",
    "joined_on",
    "left_on",
)
#: Each kind of import: its fields, the required ones first.
FIELDS = {
    "clients": CLIENT_FIELDS,
    "consultations": CONSULTATION_FIELDS,
    "groups": GROUP_FIELDS,
}
REQUIRED = {
    "clients": ("given_name", "family_name", "legal_basis", "notice_version"),
    "consultations": ("consulted_on", "language", "duration_minutes", "topics"),
    "groups": ("status",),
}


def parse_mapping_text(text: str) -> dict[str, str]:
    """A mapping file's content (JSON is YAML too) as field -> column heading."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ValidationError("the mapping file is not valid JSON or YAML") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in loaded.items()
    ):
        raise ValidationError("the mapping must map field names to column headings, as text")
    return dict(loaded)


def check_mapping(kind: str, mapping: Mapping[str, str], headings: list[str]) -> dict[str, str]:
    """The mapping without empty entries, if every field is known, every required field is
    mapped, and every column exists in the file; else ValidationError naming the first problem."""
    chosen = {field: column for field, column in mapping.items() if column}
    unknown = sorted(set(chosen) - set(FIELDS[kind]))
    if unknown:
        raise ValidationError("the mapping names an unknown field: %(field)s", field=unknown[0])
    missing = [field for field in REQUIRED[kind] if field not in chosen]
    if missing:
        raise ValidationError("the mapping must give a column for %(field)s", field=missing[0])
    absent = [column for column in chosen.values() if column not in headings]
    if absent:
        raise ValidationError("the file has no column headed %(column)s", column=absent[0])
    return chosen


def guess_mapping(kind: str, headings: list[str]) -> dict[str, str]:
    """Columns headed with a field's own name, mapped to it (a starting point for the form)."""
    lowered = {heading.strip().lower(): heading for heading in headings}
    return {field: lowered[field] for field in FIELDS[kind] if field in lowered}
