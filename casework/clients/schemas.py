"""Client and consent request and response shapes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.api.schemas import VersionSchema, text
from casework.clients.models import ConsentPurpose, Gender, LegalBasis, MigrationReason

LANGUAGE = validate.Regexp(r"^[a-z]{2}$", error="an ISO 639-1 language code, e.g. pl")


class ClientInSchema(ma.Schema):
    given_name = text(120, required=True)
    family_name = text(120, required=True)
    gender = fields.Enum(Gender, by_value=True, load_default=Gender.UNDISCLOSED)
    date_of_birth = fields.Date(allow_none=True)
    birth_year = fields.Integer(allow_none=True, validate=validate.Range(1900, 2100))
    national_id = text(40, allow_none=True)
    phone = text(40, allow_none=True)
    email = text(254, allow_none=True)
    address = text(300, allow_none=True)
    nationality = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Za-z]{2}$"))
    languages = fields.List(
        fields.String(validate=LANGUAGE), load_default=list, validate=validate.Length(max=10)
    )
    migration_reason = fields.Enum(
        MigrationReason, by_value=True, load_default=MigrationReason.NOT_MIGRANT
    )
    municipality = text(120, allow_none=True)


class IntakeSchema(ClientInSchema):
    confirm_new = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true: create even though clients with the same identifiers exist"
        },
    )


class ClientUpdateSchema(ClientInSchema, VersionSchema):
    pass


class ClientSchema(ma.Schema):
    id = fields.UUID()
    version = fields.Integer()
    given_name = fields.String(allow_none=True)
    family_name = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    national_id = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    gender = fields.Enum(Gender, by_value=True)
    birth_year = fields.Integer(allow_none=True)
    nationality = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    migration_reason = fields.Enum(MigrationReason, by_value=True)
    municipality = fields.String(allow_none=True)
    created_at = fields.DateTime()
    is_erased = fields.Boolean()


class ClientSummarySchema(ma.Schema):
    id = fields.UUID()
    given_name = fields.String(allow_none=True)
    family_name = fields.String(allow_none=True)
    birth_year = fields.Integer(allow_none=True)


class SearchSchema(ma.Schema):
    national_id = text(40)
    phone = text(40)
    email = text(254)
    surname = text(120)
    birth_year = fields.Integer(validate=validate.Range(1900, 2100))


class ConsentInSchema(ma.Schema):
    purpose = fields.Enum(ConsentPurpose, by_value=True, required=True)
    legal_basis = fields.Enum(LegalBasis, by_value=True, load_default=LegalBasis.CONSENT)
    notice_version = text(40, required=True)


class ConsentSchema(ma.Schema):
    id = fields.UUID()
    client_id = fields.UUID()
    purpose = fields.Enum(ConsentPurpose, by_value=True)
    legal_basis = fields.Enum(LegalBasis, by_value=True)
    notice_version = fields.String()
    given_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)
    is_valid = fields.Boolean()
