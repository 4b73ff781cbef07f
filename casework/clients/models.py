"""Clients and their consents."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UUIDPk, portable_enum


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    UNDISCLOSED = "undisclosed"


class MigrationReason(enum.StrEnum):
    NOT_MIGRANT = "not_migrant"
    WAR = "war"
    WORK = "work"
    FAMILY = "family"
    STUDY = "study"
    INTERNATIONAL_PROTECTION = "international_protection"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class ConsentPurpose(enum.StrEnum):
    #: Processing the client's data to provide support services (the one casework requires).
    SUPPORT_SERVICES = "support_services"
    SHARING_WITH_PARTNERS = "sharing_with_partners"
    CONTACT_BY_PHONE_OR_EMAIL = "contact_by_phone_or_email"


class LegalBasis(enum.StrEnum):
    CONSENT = "consent"
    #: e.g. the Niebieska Karta (Blue Card) procedure, which the law obliges the centre to run.
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"


class Client(Base):
    """A person the centre supports. Identifying fields are ciphertext under the client's key."""

    __tablename__ = "clients"
    __audit_type__ = "client"

    id: Mapped[UUIDPk]
    #: Optimistic lock: an update based on an older version is refused.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Set when the client was erased (crypto-shredded); the statistics stay.
    erased_at: Mapped[datetime | None]

    given_name_ciphertext: Mapped[bytes | None] = encrypted_column("given_name")
    family_name_ciphertext: Mapped[bytes | None] = encrypted_column("family_name")
    date_of_birth_ciphertext: Mapped[bytes | None] = encrypted_column("date_of_birth")
    national_id_ciphertext: Mapped[bytes | None] = encrypted_column("national_id")
    phone_ciphertext: Mapped[bytes | None] = encrypted_column("phone")
    email_ciphertext: Mapped[bytes | None] = encrypted_column("email")
    address_ciphertext: Mapped[bytes | None] = encrypted_column("address")

    given_name = Encrypted[str]("given_name_ciphertext", owner="id")
    family_name = Encrypted[str]("family_name_ciphertext", owner="id")
    #: ISO date text; `birth_year` below is the clear statistical part.
    date_of_birth_text = Encrypted[str]("date_of_birth_ciphertext", owner="id")
    national_id = Encrypted[str]("national_id_ciphertext", owner="id")
    phone = Encrypted[str]("phone_ciphertext", owner="id")
    email = Encrypted[str]("email_ciphertext", owner="id")
    address = Encrypted[str]("address_ciphertext", owner="id")

    gender: Mapped[Gender] = mapped_column(portable_enum(Gender, "gender"))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    #: ISO 3166-1 alpha-2 code.
    nationality: Mapped[str | None] = mapped_column(String(2))
    #: ISO 639-1 codes, first preferred.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    migration_reason: Mapped[MigrationReason] = mapped_column(
        portable_enum(MigrationReason, "migration_reason"), default=MigrationReason.NOT_MIGRANT
    )
    municipality: Mapped[str | None] = mapped_column(String(120))

    __mapper_args__ = {"version_id_col": version}

    @property
    def date_of_birth(self) -> date | None:
        text = self.date_of_birth_text
        return date.fromisoformat(text) if text else None

    @date_of_birth.setter
    def date_of_birth(self, value: date | None) -> None:
        self.date_of_birth_text = value.isoformat() if value else None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def audit_client_id(self) -> uuid.UUID:
        """Events about a client are filed under the client themselves."""
        return self.id


class Consent(Base):
    """A consent (or another legal basis) for processing a client's data for one purpose."""

    __tablename__ = "consents"
    __audit_type__ = "consent"

    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[ConsentPurpose] = mapped_column(portable_enum(ConsentPurpose, "purpose"))
    legal_basis: Mapped[LegalBasis] = mapped_column(portable_enum(LegalBasis, "legal_basis"))
    #: Version of the privacy notice the client was given, e.g. "2026-01".
    notice_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[Timestamp]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_at is None
