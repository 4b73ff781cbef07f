"""The database: declarative base, reusable column types and the per-app session."""

from __future__ import annotations

import enum
import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, cast

from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Enum,
    MetaData,
    String,
    TypeDecorator,
    Uuid,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, scoped_session, sessionmaker

from casework.errors import NotFound

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone, so naive values coming back are UTC by construction.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use casework.db.utcnow() or an aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A primary key generated in Python before flush, so encryption can bind ciphertexts to it.
UUIDPk = Annotated[uuid.UUID, mapped_column(Uuid, primary_key=True, default=uuid.uuid4)]
Timestamp = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]
Str80 = Annotated[str, mapped_column(String(80))]
Str200 = Annotated[str, mapped_column(String(200))]


def portable_enum(cls: type[enum.Enum], name: str) -> Enum:
    """An enum column that is VARCHAR plus a named CHECK constraint on every database."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    """Base of every model; constraint names are stable on SQLite and PostgreSQL."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


@event.listens_for(Base, "init", propagate=True)
def _assign_uuid_primary_key(target: Base, _args: Any, kwargs: dict[str, Any]) -> None:
    """Give a new object its UUID at construction, so audit events and encryption can name it."""
    column = target.__table__.columns.get("id")
    if column is not None and isinstance(column.type, Uuid) and kwargs.get("id") is None:
        kwargs["id"] = uuid.uuid4()


def _make_engine(url: str, options: dict[str, Any]) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, **options)
        _make_sqlite_transactional(engine)
        return engine
    pool = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10, "pool_recycle": 1800}
    return create_engine(url, **(pool | options))


def _make_sqlite_transactional(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, emit BEGIN, so savepoints and transactional DDL work."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # Deleted and overwritten content is zeroed in the file, so an erased client's wrapped
        # data key does not linger in free pages (some builds default to it; we never rely on it).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


@dataclass
class _DatabaseState:
    engine: Engine
    session_factory: sessionmaker[Session]


class Database:
    """The engine and scoped session of each Flask app (created in `init_app`, never at import)."""

    def __init__(self) -> None:
        # A plain factory stands in for a sessionmaker: each app's own one is looked up per call.
        factory = cast("sessionmaker[Session]", self._new_session)
        self.session: scoped_session[Session] = scoped_session(factory, scopefunc=_app_context_id)

    def init_app(self, app: Flask) -> None:
        engine = _make_engine(
            app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        )
        app.extensions["casework.db"] = _DatabaseState(engine, _session_factory(bind=engine))
        app.teardown_appcontext(self._remove_session)

    @property
    def engine(self) -> Engine:
        return self._state().engine

    def _state(self) -> _DatabaseState:
        return current_app.extensions["casework.db"]

    def _new_session(self) -> Session:
        return self._state().session_factory()

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()

    @contextmanager
    def bound_to(self, app: Flask, connection: Connection) -> Iterator[None]:
        """Bind `app`'s sessions to `connection`, commits becoming savepoints (for tests)."""
        state: _DatabaseState = app.extensions["casework.db"]
        previous = state.session_factory
        state.session_factory = _session_factory(
            bind=connection, join_transaction_mode="create_savepoint"
        )
        try:
            yield
        finally:
            state.session_factory = previous


def _session_factory(**options: Any) -> sessionmaker[Session]:
    return sessionmaker(expire_on_commit=False, **options)


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy


db = Database()


ModelT = TypeVar("ModelT", bound=Base)


def get_or_not_found(model: type[ModelT], key: object, what: str) -> ModelT:
    """The row of `model` with primary key `key`, or NotFound("no such `what`").

    Only for rows anyone who reaches this call may see; rows behind access rules go through
    `policy.require_visible`.
    """
    row = db.session.get(model, key)
    if row is None:
        raise NotFound("no such %(what)s", what=what)
    return row


@contextmanager
def alone(name: str) -> Iterator[bool]:
    """Whether this process is the only one, on any host, inside `alone(name)`: scheduled
    commands (reminders, retention) may be started by a timer on every app host, and the first
    one does the work. A PostgreSQL advisory lock held on its own connection for the block;
    SQLite serves one host, where it is always True."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with engine.connect() as connection:
        taken = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        connection.commit()
        try:
            yield taken
        finally:
            if taken:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
