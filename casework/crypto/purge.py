"""Erasure that reaches the disk: after a commit that destroyed data keys, rewrite their tables.

On PostgreSQL an UPDATE or DELETE leaves the old row version, wrapped key included, in the
table's pages; a plain VACUUM marks it free but leaves its bytes in the page's free space (we
found erased keys there after VACUUM and CHECKPOINT). Overwriting the value first does not help
either: the overwrite is one more row version, and the original stays. So the tables that held
the destroyed keys and blind indexes are rewritten (`VACUUM FULL`) right after the commit, on a
connection of their own: the new files hold only live rows, the old ones are unlinked. SQLite
needs nothing here: `PRAGMA secure_delete` (set on every connection in `casework.db`) zeroes
deleted content in place.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

_PENDING = "casework.purge_after_commit"
#: The tables an erasure or rotation leaves destroyed key material in.
PURGED_TABLES = ("data_keys", "blind_indexes")
#: A rewrite takes an exclusive lock; waiting longer than this would queue every request behind it.
LOCK_TIMEOUT = "3s"


def purge_after_commit(session: Session) -> None:
    """Ask for the key tables to be rewritten once the current transaction commits."""
    session.info[_PENDING] = True


def purge_destroyed_keys(engine: Engine) -> bool:
    """Rewrite the key tables so no destroyed key stays on disk; False if it had to give up.

    Giving up (a long transaction holds the tables) leaves nothing half done: run
    `flask keys purge` later.
    """
    if engine.dialect.name != "postgresql":
        return True
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            for table in PURGED_TABLES:
                connection.exec_driver_sql(f"VACUUM FULL {table}")
    except DBAPIError as error:
        log.warning(
            "destroyed keys are not purged from disk yet (%s); run: flask keys purge",
            type(error.orig).__name__,
        )
        return False
    return True


@event.listens_for(Session, "after_commit")
def _purge_after_commit(session: Session) -> None:
    if not session.info.pop(_PENDING, False):
        return
    bind = session.get_bind()
    # Bound to a connection, the commit was a savepoint of an outer transaction (the tests):
    # the destroyed rows are not committed, and a rewrite would wait for that transaction.
    if isinstance(bind, Engine):
        purge_destroyed_keys(bind)


@event.listens_for(Session, "after_soft_rollback")
def _forget_purge_on_rollback(session: Session, transaction: SessionTransaction) -> None:
    if not transaction.nested:  # a savepoint's rollback leaves the outer transaction's work
        session.info.pop(_PENDING, None)
