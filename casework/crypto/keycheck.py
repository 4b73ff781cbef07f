"""Key check values: a wrong but well-formed key is refused at start, not found out later.

The first start with a key records its check value (`key_check_value`: a keyed hash of a fixed
text, which names the key without revealing it) under its kind and id; every later start
compares each configured key with what is recorded for its id.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.exc import DatabaseError, IntegrityError

from casework.crypto.errors import KeyConfigError
from casework.crypto.keys import KeyMaterial, key_check_value
from casework.crypto.models import KeyCheck
from casework.db import utcnow

log = logging.getLogger(__name__)

_KIND_NAMES = {"master": "master key", "blind_index": "blind-index key", "audit": "audit key"}


def verify_key_checks(engine: Engine, material: KeyMaterial) -> list[tuple[str, str]]:
    """Check every configured key against the recorded check values; record keys seen first.

    Returns the (kind, id) of the keys recorded now. Raises KeyConfigError naming the first key
    whose check value differs. Before the schema exists (`flask db upgrade` has not run yet)
    there is nothing to compare with; an unreachable database is logged and left to /healthz.
    """
    expected = {
        kind_and_id: key_check_value(secret)
        for kind_and_id, secret in material.key_checks().items()
    }
    try:
        if not inspect(engine).has_table(KeyCheck.__tablename__):
            return []
        try:
            return _compare_and_record(engine, expected)
        except IntegrityError:  # another worker recorded the same new key a moment ago
            return _compare_and_record(engine, expected)
    except DatabaseError as error:  # unreachable or corrupt: /healthz and /readyz report it
        log.warning("keys not checked against the database: %s", type(error.orig).__name__)
        return []
    finally:
        # Keep no connection from the start: a worker forked from this process must not share it.
        engine.dispose()


def _compare_and_record(
    engine: Engine, expected: dict[tuple[str, str], str]
) -> list[tuple[str, str]]:
    with engine.begin() as connection:
        rows = connection.execute(select(KeyCheck.kind, KeyCheck.key_id, KeyCheck.check_value))
        recorded = {(kind, key_id): value for kind, key_id, value in rows}
        for (kind, key_id), value in expected.items():
            if recorded.get((kind, key_id), value) != value:
                raise KeyConfigError(
                    f"{_KIND_NAMES[kind]} {key_id!r} is not the key this database was used "
                    "with (its key check value differs)"
                )
        new = [kind_and_id for kind_and_id in expected if kind_and_id not in recorded]
        if new:
            connection.execute(
                insert(KeyCheck),
                [
                    {
                        "kind": kind,
                        "key_id": key_id,
                        "check_value": expected[kind, key_id],
                        "recorded_at": utcnow(),
                    }
                    for kind, key_id in new
                ],
            )
    return new
