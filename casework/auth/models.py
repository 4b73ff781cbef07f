"""Staff users, their roles and teams, and server-side sign-in sessions."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.crypto.columns import Encrypted, encrypted_column
from casework.db import Base, Timestamp, UUIDPk, portable_enum


class Role(enum.StrEnum):
    CASE_MANAGER = "case_manager"
    THERAPIST = "therapist"
    FACILITATOR = "facilitator"
    SUPERVISOR = "supervisor"
    CONSULTANT = "consultant"
    #: The centre's figures for funders: aggregates and exports, never identities or content.
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Language(enum.StrEnum):
    PL = "pl"
    EN = "en"
    UK = "uk"


team_supervisors = Table(
    "team_supervisors",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[UUIDPk]
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[Timestamp]

    members: Mapped[list[User]] = relationship(back_populates="team", foreign_keys="User.team_id")
    supervisors: Mapped[list[User]] = relationship(secondary=team_supervisors)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(portable_enum(Role, "role"), primary_key=True)


class User(Base):
    __tablename__ = "users"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (Index("ix_users_display_name_id", "display_name", "id"),)

    id: Mapped[UUIDPk]
    #: Stored lower-cased, so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    preferred_language: Mapped[Language] = mapped_column(
        portable_enum(Language, "language"), default=Language.PL
    )
    #: An argon2id hash in PHC string format.
    password_hash: Mapped[str] = mapped_column(String(200))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    created_at: Mapped[Timestamp]
    password_changed_at: Mapped[Timestamp]

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    @property
    def session_token(self) -> str | None:
        """The sign-in session token this object was loaded for (not a column; Flask-Login keeps
        it in the cookie)."""
        return self.__dict__.get("_session_token")

    @session_token.setter
    def session_token(self, token: str | None) -> None:
        self.__dict__["_session_token"] = token

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    # Flask-Login's user protocol
    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token


class UserSession(Base):
    """One signed-in browser; revoking it makes its cookie worthless, even replayed."""

    __tablename__ = "user_sessions"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]
    revoked_at: Mapped[datetime | None]
    #: A coarse summary of the User-Agent at sign-in ("Firefox"), never the whole header.
    browser: Mapped[str | None] = mapped_column(String(40))
    #: The operating system from the same header ("Windows"), coarse on purpose.
    operating_system: Mapped[str | None] = mapped_column(String(40))
    #: When the password (and the second factor, if any) was last given in this session: at
    #: sign-in and at each confirmation. Sensitive actions want it within the last minutes.
    authenticated_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A personal API token: shown once, stored as a hash, revocable by its owner."""

    __tablename__ = "api_tokens"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (Index("ix_api_tokens_user_id_created_at_id", "user_id", "created_at", "id"),)

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    #: The first characters of the token, to tell tokens apart in lists.
    prefix: Mapped[str] = mapped_column(String(12))
    #: SHA-256 of the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[Timestamp]
    #: The token is refused from this moment on (at most the configured maximum after creation).
    expires_at: Mapped[datetime]
    #: Updated at most once a minute, so reads do not write on every request.
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RoleChangeState(enum.StrEnum):
    #: Proposed; takes effect only when a second person approves it.
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: Took effect at once: removals and roles that give no clinical access.
    APPLIED = "applied"


class RoleChange(Base):
    """One change of a user's roles or team: the ledger of who gave whom which access.

    Granting access to clinical content (and administration) is a proposal until a second person
    approves it (`casework.auth.grants`); other changes are recorded as applied at once."""

    __tablename__ = "role_changes"
    #: Keyset pages (casework.pagination): the list's filter, then its order.
    __table_args__ = (Index("ix_role_changes_state_proposed_at_id", "state", "proposed_at", "id"),)
    __audit_type__ = "role_change"

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: Role values (strings) the change adds and removes.
    added_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    removed_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Whether the change moves the user into `team_id` (None: out of every team).
    changes_team: Mapped[bool] = mapped_column(default=False)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"))
    state: Mapped[RoleChangeState] = mapped_column(
        portable_enum(RoleChangeState, "role_change_state"), index=True
    )
    #: None when the change came from the server's command line (an operator).
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    proposed_at: Mapped[Timestamp]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    team: Mapped[Team | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])

    @property
    def added(self) -> list[Role]:
        return sorted(Role(value) for value in self.added_roles)

    @property
    def removed(self) -> list[Role]:
        return sorted(Role(value) for value in self.removed_roles)


class TwoFactorCredential(Base):
    """A user's TOTP authenticator: the shared secret, encrypted, and the last step used."""

    __tablename__ = "two_factor_credentials"

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    #: The base32 TOTP secret, sealed under the staff data key (bound to this row).
    secret_ciphertext: Mapped[bytes | None] = encrypted_column("secret")
    secret = Encrypted[str]("secret_ciphertext", owner="staff")
    created_at: Mapped[Timestamp]
    #: Set when the first code from the authenticator was accepted; until then it is enrolment.
    confirmed_at: Mapped[datetime | None]
    #: The last 30-second time step whose code was accepted: a code is good once per step.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(Base):
    """One single-use recovery code, for signing in without the authenticator."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("code_hash"),)

    id: Mapped[UUIDPk]
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the code (80 random bits, so a fast hash does not make it guessable).
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    used_at: Mapped[datetime | None]
