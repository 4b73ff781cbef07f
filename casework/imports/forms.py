"""The import steps' forms: the file, the columns, the confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField

#: Each field of a client row, as the mapping form names it.
FIELD_LABELS = {
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "legal_basis": _l("Legal basis for processing"),
    "notice_version": _l("Privacy notice version"),
    "date_of_birth": _l("Date of birth"),
    "birth_year": _l("Year of birth"),
    "national_id": _l("National ID number (PESEL)"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "address": _l("Address"),
    "gender": _l("Gender"),
    "nationality": _l("Nationality"),
    "languages": _l("Languages"),
    "municipality": _l("Municipality"),
    "consulted_on": _l("Date of the consultation"),
    "language": _l("Language of the consultation"),
    "duration_minutes": _l("Duration in minutes"),
    "topics": _l("Topics (their codes, separated by commas)"),
    "channel": _l("Channel"),
    "age_group": _l("Age group"),
    "migration_reason": _l("Reason for migration"),
    "status": _l("Participation (completed, withdrawn or attended)"),
    "run_id": _l("Group run id"),
    "service_code": _l("Service code of the group"),
    "run_starts_on": _l("Start date of the group run"),
    "joined_on": _l("Date the person joined"),
    "left_on": _l("Date the person completed or left"),
}
#: The kinds of import, as the upload form offers them.
KIND_LABELS = {
    "clients": _l("Clients"),
    "consultations": _l("Past consultations"),
    "groups": _l("Past group participation"),
}


class UploadForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=[])
    file = FileField(
        _l("Spreadsheet (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "xlsx"], _l("The file must be CSV or XLSX.")),
        ],
    )


class MappingForm(FlaskForm):
    """One choice of column per field; its choices are the file's headings."""

    mapping_file = FileField(
        _l("Or a saved mapping (JSON or YAML)"),
        validators=[FileAllowed(["json", "yaml", "yml"], _l("A mapping is a JSON or YAML file."))],
    )


for _name, _label in FIELD_LABELS.items():
    setattr(MappingForm, _name, SelectField(_label, choices=[], validate_choice=False))


class ConfirmForm(FlaskForm):
    only_good_rows = BooleanField(_l("Import only the good rows and leave out the rows listed"))
