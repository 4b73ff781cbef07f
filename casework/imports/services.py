"""Import use cases: hold an upload, map its columns, preview every row's problems, and import
all-or-nothing (or, chosen explicitly, only the good rows), once per row ever. Two kinds: clients
(with their basis for processing) and past consultations (anonymous statistics, logged as the
consultant importing them)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select, tuple_

from casework import policy
from casework.audit import services as audit
from casework.auth.models import User
from casework.clients.models import ConsentPurpose
from casework.clients.services.clients import intake_client
from casework.clients.services.consents import record_consent
from casework.clock import centre_today
from casework.consultations.services import list_topics, log_consultation
from casework.crypto import services as crypto
from casework.crypto.keystore import key_material
from casework.crypto.models import BlindIndexEntry
from casework.db import db, utcnow
from casework.errors import N_, ValidationError
from casework.imports.consultation_rows import ConsultationRow, parse_consultation_row
from casework.imports.group_rows import GroupRow, parse_group_row
from casework.imports.groups import import_group_row, resolve_group_rows
from casework.imports.mapping import check_mapping
from casework.imports.models import ImportLedgerEntry, ImportRun, ImportUpload
from casework.imports.reading import Sheet, detect_format, read_sheet
from casework.imports.rows import ClientRow, Problem, parse_client_row

CLIENTS = "clients"
CONSULTATIONS = "consultations"
GROUPS = "groups"
KINDS = (CLIENTS, CONSULTATIONS, GROUPS)
#: Who may import each kind.
GATES = {
    CLIENTS: policy.IMPORT_CLIENTS,
    CONSULTATIONS: policy.LOG_CONSULTATIONS,
    GROUPS: policy.OPEN_GROUP_RUNS,
}
_CHUNK = 500
Row = ClientRow | ConsultationRow | GroupRow


@dataclass
class Preview:
    """What an import of the sheet would do; nothing is written to make it."""

    rows: int
    #: Rows to import, in file order.
    good: list[Row]
    #: Rows an earlier import already brought in (skipped, not an error).
    already_imported: int
    #: Every row that cannot be imported, with all its reasons.
    bad: list[Row]


# --- the upload between the steps -----------------------------------------------------------


def kinds_for(user: User) -> list[str]:
    """The kinds of import `user` may run."""
    return [kind for kind in KINDS if GATES[kind].allows(user)]


def _require_kind(user: User, kind: str) -> None:
    if kind not in KINDS:
        raise ValidationError("unknown kind of import: %(kind)s", kind=kind)
    GATES[kind].require(user)


def start_upload(user: User, *, kind: str, content: bytes, filename: str) -> ImportUpload:
    """Keep an uploaded file (encrypted) for the next steps; an unreadable file is refused."""
    _require_kind(user, kind)
    file_format = detect_format(content, filename)
    read_sheet(content, file_format)
    # One file in progress per person: an abandoned one goes when the next is uploaded.
    db.session.execute(delete(ImportUpload).where(ImportUpload.created_by_id == user.id))
    upload = ImportUpload(
        id=uuid.uuid4(), created_by_id=user.id, kind=kind, file_format=file_format
    )
    upload.content = base64.b64encode(content).decode("ascii")
    db.session.add(upload)
    db.session.flush()
    return upload


def require_upload(user: User, upload_id: uuid.UUID) -> ImportUpload:
    """An upload of `user`'s own; anyone else's answers as missing."""
    upload = policy.require_visible(user, ImportUpload, upload_id, what="import")
    _require_kind(user, upload.kind)
    return upload


def upload_sheet(upload: ImportUpload) -> Sheet:
    return read_sheet(base64.b64decode(upload.content or ""), upload.file_format)


def set_mapping(user: User, upload_id: uuid.UUID, mapping: Mapping[str, str]) -> ImportUpload:
    """Record which column holds which field, once it fits the file."""
    upload = require_upload(user, upload_id)
    upload.mapping = check_mapping(upload.kind, mapping, upload_sheet(upload).headings)
    db.session.flush()
    return upload


def discard_upload(user: User, upload_id: uuid.UUID) -> None:
    db.session.delete(require_upload(user, upload_id))
    db.session.flush()


# --- preview and import ---------------------------------------------------------------------


def _ledger_key() -> bytes:
    return hmac.digest(key_material().blind_index_key, b"casework/import-ledger/v1", "sha256")


def _fingerprints(key: bytes, kind: str, rows: list[Row]) -> dict[int, str]:
    """Each row's keyed fingerprint. Identical consultation rows are different visits, so a
    repeat counts its occurrence in; identical client rows stay identical (a repeat is refused)."""
    seen: dict[bytes, int] = {}
    result = {}
    for row in rows:
        message = json.dumps(row.canonical, sort_keys=True, ensure_ascii=False).encode()
        if kind == CONSULTATIONS:
            seen[message] = seen.get(message, 0) + 1
            message += b"\0%d" % seen[message]
        mac = hmac.new(key, kind.encode() + b"\0" + message, hashlib.sha256)
        result[row.number] = mac.hexdigest()
    return result


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _ledgered(kind: str, fingerprints: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(fingerprints):
        found.update(
            db.session.scalars(
                select(ImportLedgerEntry.fingerprint).where(
                    ImportLedgerEntry.kind == kind, ImportLedgerEntry.fingerprint.in_(chunk)
                )
            )
        )
    return found


def _identifiers(row: ClientRow) -> crypto.Identifiers:
    details = row.details
    assert details is not None
    return crypto.Identifiers(
        national_ids=(details.national_id,) if details.national_id else (),
        phones=(details.phone,) if details.phone else (),
        emails=(details.email,) if details.email else (),
        surname=details.family_name,
        birth_year=details.birth_year
        or (details.date_of_birth.year if details.date_of_birth else None),
    )


def _mark_duplicates(rows: list[ClientRow]) -> None:
    """Add a problem to rows sharing an identifier with an earlier row of the file or with a
    registered client (through the blind indexes, under every key in use)."""
    first_with: dict[tuple[str, str], int] = {}
    wanted: dict[tuple[str, str, str], list[ClientRow]] = {}
    keys = key_material().blind_index_keys()
    current = key_material().blind_index_key_id
    for row in rows:
        identifiers = _identifiers(row)
        for key_id, key in keys.items():
            for kind, digest in crypto.blind_index_digests(identifiers, key=key):
                wanted.setdefault((key_id, kind.value, digest), []).append(row)
                if key_id != current:
                    continue
                earlier = first_with.setdefault((kind.value, digest), row.number)
                problem = Problem(N_("may be the same person as row %(row)s"), {"row": earlier})
                if earlier != row.number and problem not in row.problems:
                    row.problems.append(problem)
    triples = list(wanted)
    existing: set[tuple[str, str, str]] = set()
    for start in range(0, len(triples), _CHUNK):
        chunk = triples[start : start + _CHUNK]
        query = select(BlindIndexEntry.key_id, BlindIndexEntry.kind, BlindIndexEntry.digest)
        matched = tuple_(BlindIndexEntry.key_id, BlindIndexEntry.kind, BlindIndexEntry.digest)
        for key_id, index_kind, digest in db.session.execute(query.where(matched.in_(chunk))):
            existing.add((key_id, index_kind, digest))
    flagged: set[int] = set()
    for triple in existing:
        for row in wanted[triple]:
            if row.number not in flagged:
                flagged.add(row.number)
                row.problems.append(Problem(N_("may be a client already registered")))


def _parse(kind: str, sheet: Sheet, chosen: Mapping[str, str]) -> list[Row]:
    today = centre_today()
    table = [
        (number, {field: values.get(column, "") for field, column in chosen.items()})
        for number, values in sheet.rows
    ]
    if kind == CLIENTS:
        return [parse_client_row(number, values, today) for number, values in table]
    if kind == GROUPS:
        return [parse_group_row(number, values, today) for number, values in table]
    topics = {topic.code for topic in list_topics()}
    return [parse_consultation_row(number, values, today, topics) for number, values in table]


def preview_rows(user: User, kind: str, sheet: Sheet, mapping: Mapping[str, str]) -> Preview:
    """Every row checked (identity numbers, phones, dates, codes, basis, duplicates); nothing
    is written."""
    _require_kind(user, kind)
    parsed = _parse(kind, sheet, check_mapping(kind, mapping, sheet.headings))
    fingerprints = _fingerprints(_ledger_key(), kind, parsed)
    done = _ledgered(kind, list(fingerprints.values()))
    fresh = [row for row in parsed if fingerprints[row.number] not in done]
    if kind == GROUPS:
        resolve_group_rows(user, [row for row in fresh if isinstance(row, GroupRow)])
    if kind == CLIENTS:
        seen: dict[str, int] = {}
        for row in fresh:
            earlier = seen.setdefault(fingerprints[row.number], row.number)
            if earlier != row.number:
                row.problems.append(Problem(N_("repeats row %(row)s"), {"row": earlier}))
        _mark_duplicates([row for row in fresh if isinstance(row, ClientRow) and not row.problems])
    return Preview(
        rows=len(parsed),
        good=[row for row in fresh if not row.problems],
        already_imported=len(parsed) - len(fresh),
        bad=[row for row in fresh if row.problems],
    )


def _import_row(user: User, row: Row) -> uuid.UUID | None:
    """Create the row's client, group participation or consultation through the feature's own
    services; the client's id is returned for the ledger (None for a consultation)."""
    if isinstance(row, ConsultationRow):
        assert row.values is not None
        log_consultation(user, **row.values)
        return None
    if isinstance(row, GroupRow):
        return import_group_row(user, row)
    assert row.details is not None and row.legal_basis is not None
    client = intake_client(row.details, actor=user, confirm_new=True)
    record_consent(
        user,
        client.id,
        purpose=ConsentPurpose.SUPPORT_SERVICES,
        legal_basis=row.legal_basis,
        notice_version=row.notice_version,
    )
    return client.id


def import_rows(
    user: User,
    kind: str,
    sheet: Sheet,
    mapping: Mapping[str, str],
    *,
    only_good_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """Import the sheet in the caller's transaction.

    Any bad row refuses the whole import unless `only_good_rows` is chosen; rows an earlier
    import brought in are skipped, so running the same file again creates nothing."""
    preview = preview_rows(user, kind, sheet, mapping)
    if preview.bad and not only_good_rows:
        raise ValidationError(
            "%(count)s row(s) have problems; correct them, or choose to import only the good rows",
            count=len(preview.bad),
        )
    run = ImportRun(
        id=uuid.uuid4(),
        created_by_id=user.id,
        kind=kind,
        rows=preview.rows,
        imported=len(preview.good),
        already_imported=preview.already_imported,
        rejected=len(preview.bad),
    )
    db.session.add(run)
    db.session.flush()
    fingerprints = _fingerprints(_ledger_key(), kind, preview.good)
    for done, row in enumerate(preview.good, start=1):
        client_id = _import_row(user, row)
        if progress is not None:
            progress(done, len(preview.good))
        db.session.add(
            ImportLedgerEntry(
                kind=kind, fingerprint=fingerprints[row.number], run_id=run.id, client_id=client_id
            )
        )
    run.finished_at = utcnow()
    audit.record_change(
        f"import.{kind}",
        run,
        actor=user,
        fields=["rows", "imported", "already_imported", "rejected"],
    )
    db.session.flush()
    return run


def require_mapped_upload(user: User, upload_id: uuid.UUID) -> ImportUpload:
    """An upload of `user` whose columns are chosen: ready to import."""
    upload = require_upload(user, upload_id)
    if not upload.mapping:
        raise ValidationError("choose the columns before importing")
    return upload


def check_importable(user: User, upload_id: uuid.UUID, *, only_good_rows: bool) -> None:
    """Refuse now what the import would refuse: an unmapped upload, or bad rows when only the
    good rows were not chosen (the same preview the page showed)."""
    upload = require_mapped_upload(user, upload_id)
    assert upload.mapping is not None
    if only_good_rows:
        return
    bad = preview_rows(user, upload.kind, upload_sheet(upload), upload.mapping).bad
    if bad:
        raise ValidationError(
            "%(count)s row(s) have problems; correct them, or choose to import only the good rows",
            count=len(bad),
        )


def import_upload(
    user: User,
    upload_id: uuid.UUID,
    *,
    only_good_rows: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """Import a mapped upload, then delete it."""
    upload = require_mapped_upload(user, upload_id)
    assert upload.mapping is not None
    run = import_rows(
        user,
        upload.kind,
        upload_sheet(upload),
        upload.mapping,
        only_good_rows=only_good_rows,
        progress=progress,
    )
    db.session.execute(delete(ImportUpload).where(ImportUpload.id == upload.id))
    db.session.flush()
    return run


def require_run(user: User, run_id: uuid.UUID) -> ImportRun:
    """A run `user` made."""
    return policy.require_visible(user, ImportRun, run_id, what="import")


def forget_client_rows(client_id: uuid.UUID) -> None:
    """Erasure: drop the ledger fingerprints of the rows that created the client (they are
    keyed hashes of the client's identifying data, like the blind indexes)."""
    db.session.execute(delete(ImportLedgerEntry).where(ImportLedgerEntry.client_id == client_id))
