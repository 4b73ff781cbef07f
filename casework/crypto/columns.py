"""Encrypted model attributes: plain values in Python, AES-GCM ciphertext in the database.

A column type sees only the value, so the binding to table, column and row happens here, where
the row is known. A model declares a LargeBinary column and an `Encrypted` attribute over it:

    family_name_ciphertext: Mapped[bytes | None] = encrypted_column("family_name")
    family_name = Encrypted[str]("family_name_ciphertext", owner="id")
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, overload

from sqlalchemy import LargeBinary
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import instance_state

from casework.crypto.envelope import read_header, seal_json, seal_str, unseal_json, unseal_str
from casework.crypto.errors import DecryptionError
from casework.crypto.keystore import STAFF_OWNER, DataKeyStore, client_owner, data_keys
from casework.errors import N_, DomainError

T = TypeVar("T")


def encrypted_column(name: str) -> Mapped[bytes | None]:
    """The ciphertext column behind an `Encrypted` attribute."""
    return mapped_column(name, LargeBinary)


class StoredDataIntegrityError(DomainError):
    """A stored ciphertext failed to decrypt: tampered, moved, or its key is wrong."""

    status = 500
    title = "Integrity error"

    def __init__(self, *, table: str, column: str, row_id: object, owner_id: str) -> None:
        super().__init__(N_("stored data failed its integrity check; the failure is recorded"))
        self.table, self.column, self.row_id, self.owner_id = table, column, row_id, owner_id


@dataclass(frozen=True)
class EncryptedColumn:
    """What rotation and tests need to know about one encrypted attribute."""

    model: type
    attribute: str
    ciphertext_attribute: str
    owner: str


#: Every encrypted attribute of every model, filled as models are defined.
ENCRYPTED_COLUMNS: list[EncryptedColumn] = []


_MISSING: Any = object()


class Encrypted(Generic[T]):
    """A plain-valued attribute over a ciphertext column.

    `owner` names the attribute holding the client id whose data key is used ("id" on the client
    itself, "client_id" elsewhere), or is "staff" for staff-only records. Reading a value whose
    key was destroyed (an erased client) gives None.

    Loaded attribute values are read from the instance's `__dict__` when present, which is what
    SQLAlchemy's instrumented get returns for them; anything absent (expired, deferred, never
    set) goes through the instrumented attribute as before. Writes always go through it.
    """

    def __init__(
        self, ciphertext_attribute: str, *, owner: str, kind: Literal["text", "json"] = "text"
    ) -> None:
        self.ciphertext_attribute = ciphertext_attribute
        self.owner = owner
        self.kind = kind
        self._seal: Callable[..., bytes] = seal_json if kind == "json" else seal_str
        self._unseal: Callable[..., Any] = unseal_json if kind == "json" else unseal_str
        self._table_column: tuple[str, str] | None = None

    def __set_name__(self, model: type, name: str) -> None:
        self.name = name
        self._cache_slot = f"_plain_{name}"
        ENCRYPTED_COLUMNS.append(
            EncryptedColumn(model, name, self.ciphertext_attribute, self.owner)
        )

    def _cell(self, instance: Any) -> tuple[str, str, uuid.UUID]:
        row_id = instance.__dict__.get("id")
        if row_id is None:
            row_id = _assign_row_id(instance)
        table_column = self._table_column
        if table_column is None:
            column = type(instance).__mapper__.attrs[self.ciphertext_attribute].columns[0]
            table_column = self._table_column = (column.table.name, column.name)
        return table_column[0], table_column[1], row_id

    def owner_id(self, instance: Any) -> str:
        if self.owner == STAFF_OWNER:
            return STAFF_OWNER
        client_id = instance.__dict__.get(self.owner)
        if client_id is None:
            client_id = getattr(instance, self.owner)
            if client_id is None:
                raise ValueError(
                    f"{type(instance).__name__}.{self.owner} must be set before {self.name}"
                )
        return client_owner(client_id)

    @overload
    def __get__(self, instance: None, owner: type) -> Encrypted[T]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> T | None: ...
    def __get__(self, instance: object | None, owner: type) -> Any:
        if instance is None:
            return self
        values = instance.__dict__
        ciphertext = values.get(self.ciphertext_attribute, _MISSING)
        if ciphertext is _MISSING:
            ciphertext = getattr(instance, self.ciphertext_attribute)
        if ciphertext is None:
            return None
        cached = values.get(self._cache_slot)
        if cached is not None and cached[0] is ciphertext:
            return cached[1]
        value = self._decrypt(instance, ciphertext)
        values[self._cache_slot] = (ciphertext, value)
        return value

    def _decrypt(self, instance: Any, ciphertext: bytes) -> Any:
        table, column, row_id = self._cell(instance)
        owner_id = self.owner_id(instance)
        try:
            store = _data_keys_of(instance)
            key = store.recent(owner_id)
            if key is None or not ciphertext.startswith(key.header):
                header = read_header(ciphertext)
                if header.key_id != owner_id:
                    raise DecryptionError()
                key = store.get(owner_id, header.key_version)
                if key is None:
                    return None  # crypto-shredded
            return self._unseal(key, ciphertext, table=table, column=column, row_id=row_id)
        except DecryptionError:
            raise StoredDataIntegrityError(
                table=table, column=column, row_id=row_id, owner_id=owner_id
            ) from None

    def __set__(self, instance: Any, value: T | None) -> None:
        if value is None:
            ciphertext = None
        else:
            table, column, row_id = self._cell(instance)
            key = _data_keys_of(instance).current(self.owner_id(instance))
            ciphertext = self._seal(key, value, table=table, column=column, row_id=row_id)
        setattr(instance, self.ciphertext_attribute, ciphertext)
        instance.__dict__[self._cache_slot] = (ciphertext, value)


def _assign_row_id(instance: Any) -> uuid.UUID:
    """The row id, loaded if expired; a new one if the row has none (it is part of the binding).

    A transient or pending row (no identity key) has nothing to load, so its absent id is None
    without asking the instrumented attribute; the new id is set through it, for the ORM to see.
    """
    row_id = None if instance_state(instance).key is None else instance.id
    if row_id is None:
        row_id = instance.id = uuid.uuid4()
    return row_id


def _data_keys_of(instance: Any) -> DataKeyStore:
    """The data keys of the session `instance` belongs to; the current session's if none.

    Cheaper than going through the scoped-session registry, and the store (whose keys are
    dropped on rollback) is the one of the transaction that will store the row.
    """
    return data_keys(instance_state(instance).session)
