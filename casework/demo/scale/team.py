"""The rows of one team's share of a large centre: clients, cases and everything around them.

Each team is made from its own seed, by one process, as plain tuples in the column order of
`casework.demo.scale.sink.COLUMNS`; values are in the exact formats the service writes
(ciphertexts through `casework.crypto.envelope`, blind indexes through `BlindIndexer`, audit
fields as `casework.audit.services` fills them). Proportions follow the demo centre
(`casework.demo.cases`, `casework.demo.programmes`).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from casework.cases.models import ClosureOutcome, ReferralSource
from casework.clients.models import Gender
from casework.crypto.blind_index import BlindIndexer, IndexKind
from casework.crypto.envelope import DataKey, seal, wrap_data_key
from casework.crypto.keys import KeyMaterial
from casework.demo.cases import NOTES, RISK_PROFILES, STATES
from casework.demo.people import synthetic_person
from casework.demo.programmes import LANGUAGES, NATIONALITIES, TOPICS
from casework.demo.scale import templates

ROUTING_LANGUAGES = ("pl", "en", "uk", "ru")
CASE_KINDS = (("individual", 60), ("couple", 30), ("family", 10))
KIND_SIZE = {"individual": 1, "couple": 2, "family": 3}
REFERRALS = tuple(source.value for source in ReferralSource)
OUTCOMES = tuple(outcome.value for outcome in ClosureOutcome)
#: (name, service, capacity, cohort, lead): the group runs every team offers.
RUNS = (
    ("Grupa psychoedukacyjna o relacjach", "psychoeducation_group", 10, False, "therapist"),
    ("Klub wsparcia dla migrantek", "migrant_women_support_club", 15, False, "facilitator"),
    ("Kurs języka polskiego A2", "polish_language_course", 12, True, "facilitator"),
)
MEETINGS_PER_RUN = 12
#: Information consultations of the migrant programme, per client of the team.
CONSULTATIONS_PER_CLIENT = 0.3
ACCEPT_REASON = "Uzgodnione z klientem podczas rozmowy kwalifikacyjnej."
DECLINE_REASON = "Klientka woli na razie spotkania indywidualne."
CLOSE_REASON = "Cele pracy omówione na spotkaniu kończącym."
HOLD_REASON = "Klientka wyjechała na kilka tygodni."
CLIENT_FIELDS = [
    "address",
    "date_of_birth",
    "email",
    "family_name",
    "given_name",
    "national_id",
    "phone",
]
#: Note texts: one to three of the demo's sentences, as UTF-8.
BODIES = tuple(
    " ".join(sentences).encode()
    for size in (1, 2, 3)
    for sentences in itertools.permutations(NOTES, size)
)


@dataclass(frozen=True)
class Staff:
    """One team's accounts by job (ids only: workers need nothing else)."""

    team_id: uuid.UUID
    supervisor: uuid.UUID
    case_managers: tuple[uuid.UUID, ...]
    therapists: tuple[uuid.UUID, ...]
    facilitator: uuid.UUID
    consultant: uuid.UUID


@dataclass(frozen=True)
class TeamPlan:
    """What one worker makes: which team, how many clients, in which kinds of case."""

    number: int
    staff: Staff
    first_client: int  # global index of the team's first client (phones are unique by it)
    kinds: tuple[str, ...]
    first_reference: int
    year: int
    seed: int
    uuid_prefix: int


@dataclass(frozen=True)
class Settings:
    """What every team shares: keys, time, and how many notes."""

    keys: KeyMaterial
    now: datetime
    notes_per_care_client: float
    audit_key: bytes


@dataclass
class TeamRows:
    """The rows of one team, by table, and its audit events (unchained)."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    #: (occurred_at, actor_id, actor_role, action, object_type, object_id, pseudonym, fields)
    audit: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


def plan_kinds(rng: random.Random, clients: int) -> list[str]:
    """Case kinds whose participants add up to exactly `clients`."""
    names = [name for name, _ in CASE_KINDS]
    weights = [weight for _, weight in CASE_KINDS]
    kinds: list[str] = []
    left = clients
    while left > 0:
        kind = rng.choices(names, weights=weights)[0]
        while KIND_SIZE[kind] > left:
            kind = names[KIND_SIZE[kind] - 2]
        kinds.append(kind)
        left -= KIND_SIZE[kind]
    return kinds


class _Ids:
    """Row ids that grow within a team (B-tree inserts stay at the right edge), unique across
    teams and runs: a random run prefix, the team number and a counter."""

    def __init__(self, prefix: int, team: int) -> None:
        self._next = (prefix << 96) | (team << 64) | (random.getrandbits(32) << 32)

    def __call__(self) -> uuid.UUID:
        self._next += 1
        return uuid.UUID(int=self._next)


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def pseudonym(audit_key: bytes, client_id: uuid.UUID) -> str:
    """`casework.audit.services.client_pseudonym`, with the key passed in."""
    message = b"casework/client-pseudonym/v1:" + str(client_id).encode()
    return hmac.new(audit_key, message, hashlib.sha256).hexdigest()[:32]


class _Team:
    def __init__(self, plan: TeamPlan, settings: Settings) -> None:
        self.plan, self.settings = plan, settings
        self.rng = random.Random(plan.seed)
        self.new_id = _Ids(plan.uuid_prefix, plan.number)
        self.rows = TeamRows()
        self.indexer = BlindIndexer(settings.keys.blind_index_key)
        self.blind_key_id = settings.keys.blind_index_key_id
        self.ring = settings.keys.master_keys
        self.now = settings.now
        self.client_number = plan.first_client
        self.clients: list[tuple[uuid.UUID, uuid.UUID, str]] = []  # (client, case, reason)
        self.keys: dict[uuid.UUID, DataKey] = {}

    # --- audit ----------------------------------------------------------------------------

    def audit(
        self,
        at: datetime,
        actor: uuid.UUID,
        role: str,
        action: str,
        object_type: str,
        object_id: uuid.UUID,
        client_id: uuid.UUID | None,
        fields: list[str],
    ) -> None:
        alias = pseudonym(self.settings.audit_key, client_id) if client_id else None
        self.rows.audit.append(
            (at, actor, role, action, object_type, str(object_id), alias, fields)
        )

    # --- people ---------------------------------------------------------------------------

    def client(self, manager: uuid.UUID, at: datetime, **person: Any) -> tuple[uuid.UUID, Any]:
        client_id = self.new_id()
        person_data = synthetic_person(self.rng, **person)
        number = self.client_number
        self.client_number += 1
        phone = f"+48 7{number // 10**6 % 100:02d} {number // 1000 % 1000:03d} {number % 1000:03d}"
        owner = f"client:{client_id}"
        key = DataKey(owner, 1, os.urandom(32))
        self.keys[client_id] = key
        wrapped = wrap_data_key(self.ring, key.secret, owner_id=owner, version=1)
        self.rows.add(
            "data_keys",
            (self.new_id(), owner, 1, wrapped.master_key_id, wrapped.blob, at, None),
        )

        def sealed(column: str, text: str) -> bytes:
            return seal(key, text.encode(), table="clients", column=column, row_id=client_id)

        self.rows.add(
            "clients",
            (
                client_id,
                1,
                at,
                manager,
                None,
                sealed("given_name", person_data.given_name),
                sealed("family_name", person_data.family_name),
                None,
                None,
                sealed("phone", phone),
                None,
                sealed("address", person_data.address),
                person_data.gender.value,
                person_data.birth_year,
                person_data.nationality,
                list(person_data.languages),
                person_data.migration_reason.value,
                "Kraków",
            ),
        )
        surname = self.indexer.surname_birth_year(person_data.family_name, person_data.birth_year)
        for kind, digest in (
            (IndexKind.SURNAME_BIRTH_YEAR, surname),
            (IndexKind.PHONE, self.indexer.phone(phone)),
        ):
            self.rows.add(
                "blind_indexes", (self.new_id(), client_id, kind.value, digest, self.blind_key_id)
            )
        basis = "legal_obligation" if self.rng.random() < 0.05 else "consent"
        consent_id = self.new_id()
        self.rows.add(
            "consents",
            (consent_id, client_id, "support_services", basis, "2026-01", at, manager, None, None),
        )
        self.audit(
            at,
            manager,
            "case_manager",
            "client.create",
            "client",
            client_id,
            client_id,
            CLIENT_FIELDS,
        )
        return client_id, person_data

    # --- cases ----------------------------------------------------------------------------

    def case(self, number: int, kind: str) -> None:
        rng, staff = self.rng, self.plan.staff
        manager = staff.case_managers[number % len(staff.case_managers)]
        therapist = rng.choice(staff.therapists)
        target = rng.choices([s.value for s, _ in STATES], weights=[w for _, w in STATES])[0]
        days_ago = rng.randint(20, 330) if target != "intake" else rng.randint(0, 10)
        opened = self.now - timedelta(days=days_ago, seconds=rng.randint(0, 36000))
        first_id, first = self.client(manager, opened - timedelta(minutes=20))
        people = [(first_id, first, "other")]
        if kind != "individual":
            other = "male" if first.gender.value == "female" else "female"
            partner_id, partner = self.client(
                manager,
                opened - timedelta(minutes=15),
                gender=Gender(other),
                nationality=first.nationality,
            )
            role = "partner" if kind == "couple" else "parent"
            people = [(first_id, first, role), (partner_id, partner, role)]
            if kind == "family":
                child_id, child = self.client(
                    manager,
                    opened - timedelta(minutes=10),
                    nationality=first.nationality,
                    birth_year=rng.randint(2008, 2012),
                )
                people.append((child_id, child, "child"))
        case_id = self.new_id()
        children = kind == "family" or rng.random() < 0.4
        reference = f"CR/{self.plan.year}/{self.plan.first_reference + number:05d}"
        changes: list[tuple[uuid.UUID, str | None, str, datetime, bytes | None]] = [
            (self.new_id(), None, "intake", opened, None)
        ]
        at = opened
        path = ["assessment", "routing", "active"]
        reached = {"intake": 0, "assessment": 1, "routing": 2}.get(target, 3)
        for step in path[:reached]:
            at += timedelta(days=1 if step == "assessment" else 0, hours=2)
            changes.append((self.new_id(), changes[-1][2], step, at, None))
        active_at = at
        closed_at = None
        primary_key = self.keys[first_id]
        if target == "on_hold":
            hold_at = self.now - timedelta(days=rng.randint(1, max(1, days_ago // 4)))
            hold_at = max(hold_at, active_at + timedelta(hours=1))
            change_id = self.new_id()
            reason = seal(
                primary_key,
                HOLD_REASON.encode(),
                table="case_state_changes",
                column="reason",
                row_id=change_id,
            )
            changes.append((change_id, "active", "on_hold", hold_at, reason))
        if target == "closed":
            closed_at = self.now - timedelta(days=rng.randint(0, max(0, days_ago // 5)), hours=1)
            closed_at = max(closed_at, active_at + timedelta(days=7))
            changes.append((self.new_id(), "active", "closed", closed_at, None))
        closure_reason = (
            seal(
                primary_key,
                CLOSE_REASON.encode(),
                table="cases",
                column="closure_reason",
                row_id=case_id,
            )
            if closed_at
            else None
        )
        self.rows.add(
            "cases",
            (
                case_id,
                reference,
                kind,
                target,
                manager,
                staff.team_id,
                rng.choice(REFERRALS),
                first_id,
                children,
                opened,
                manager,
                closed_at,
                rng.choice(OUTCOMES) if closed_at else None,
                closure_reason,
                len(changes) + 2,
            ),
        )
        for position, (client_id, _, role) in enumerate(people):
            self.rows.add("case_participants", (self.new_id(), case_id, client_id, role, position))
            self.clients.append((client_id, case_id, people[position][1].migration_reason.value))
        for change_id, from_state, to_state, changed_at, why in changes:
            self.rows.add(
                "case_state_changes",
                (change_id, case_id, first_id, from_state, to_state, changed_at, manager, why),
            )
        self.audit(
            opened,
            manager,
            "case_manager",
            "case.open",
            "case",
            case_id,
            first_id,
            ["participants", "referral_source"],
        )
        if target == "intake":
            return
        facts = self.facts(first, kind, children)
        assessment_at = opened + timedelta(days=1, hours=1)
        if target == "assessment":
            self.assessment(case_id, first_id, manager, facts, assessment_at, draft=True)
            return
        profile = rng.choices([p for p, _ in RISK_PROFILES], weights=[w for _, w in RISK_PROFILES])[
            0
        ]
        assessment_id, scored = self.assessment(
            case_id, first_id, manager, facts, assessment_at, profile=profile
        )
        decided_at = active_at if target != "routing" else None
        for rec in scored.recommendations:
            self.recommendation(
                case_id, assessment_id, first_id, manager, rec, assessment_at, decided_at
            )
        if target == "routing":
            return
        end = closed_at or self.now
        self.care(case_id, kind, people, manager, therapist, active_at, end, closed_at, target)
        if closed_at:
            self.assessment(
                case_id,
                first_id,
                manager,
                facts,
                closed_at - timedelta(hours=2),
                profile=templates.CLOSING_PROFILE,
                closing=True,
            )
            self.audit(
                closed_at,
                manager,
                "case_manager",
                "case.close",
                "case",
                case_id,
                first_id,
                ["closure_outcome", "closure_reason"],
            )

    def facts(self, person: Any, kind: str, children: bool) -> tuple[tuple[str, Any], ...]:
        facts: dict[str, Any] = {"children_in_household": children, "case_kind": kind}
        facts["sex"] = person.gender.value
        age = self.now.year - person.birth_year
        facts["age_group"] = "adolescent" if age < 18 else "older_adult" if age >= 65 else "adult"
        first = person.languages[0]
        facts["language"] = first if first in ROUTING_LANGUAGES else "other"
        return tuple(facts.items())

    def assessment(
        self,
        case_id: uuid.UUID,
        client_id: uuid.UUID,
        manager: uuid.UUID,
        facts: tuple[tuple[str, Any], ...],
        at: datetime,
        *,
        profile: str = "",
        draft: bool = False,
        closing: bool = False,
    ) -> tuple[uuid.UUID, templates.Scored]:
        norr = templates.instrument()
        assessment_id = self.new_id()
        key = self.keys[client_id]

        def sealed(column: str, plaintext: bytes | None) -> bytes | None:
            if plaintext is None:
                return None
            return seal(key, plaintext, table="assessments", column=column, row_id=assessment_id)

        scored = templates.scored(profile or templates.CLOSING_PROFILE, facts)
        done = at + timedelta(minutes=40)
        self.rows.add(
            "assessments",
            (
                assessment_id,
                case_id,
                client_id,
                [],
                norr.id,
                norr.version,
                norr.source_sha256,
                "draft" if draft else "completed",
                False,
                closing,
                dict(facts),
                sealed("answers", b"{}" if draft else scored.answers),
                None if draft else sealed("result", scored.result),
                None if draft or closing else sealed("routing", scored.routing),
                None if draft else scored.level,
                at,
                manager,
                None if draft else done,
                None if draft else manager,
                2 if draft else 4,
            ),
        )
        if not draft:
            self.audit(
                done,
                manager,
                "case_manager",
                "assessment.complete",
                "assessment",
                assessment_id,
                client_id,
                ["answers", "result"],
            )
        return assessment_id, scored

    def recommendation(
        self,
        case_id: uuid.UUID,
        assessment_id: uuid.UUID,
        client_id: uuid.UUID,
        manager: uuid.UUID,
        rec: templates.Recommended,
        at: datetime,
        decided_at: datetime | None,
    ) -> None:
        rec_id = self.new_id()
        decision, reason = "pending", None
        if decided_at is not None:
            declined = rec.kind == "recommend" and self.rng.random() < 0.2
            decision = "declined" if declined else "accepted"
            text = DECLINE_REASON if declined else ACCEPT_REASON
            reason = seal(
                self.keys[client_id],
                text.encode(),
                table="recommendations",
                column="decision_reason",
                row_id=rec_id,
            )
        self.rows.add(
            "recommendations",
            (
                rec_id,
                case_id,
                assessment_id,
                client_id,
                False,
                rec.service,
                rec.kind,
                rec.rule_id,
                rec.priority,
                rec.reason,
                decision,
                reason,
                decided_at,
                manager if decided_at else None,
                None,
                at + timedelta(minutes=40),
                2 if decided_at else 1,
            ),
        )

    def care(
        self,
        case_id: uuid.UUID,
        kind: str,
        people: list[tuple[uuid.UUID, Any, str]],
        manager: uuid.UUID,
        therapist: uuid.UUID,
        start: datetime,
        end: datetime,
        closed_at: datetime | None,
        target: str,
    ) -> None:
        """An enrolment per participant with the case's therapist, appointments, signed notes."""
        rng = self.rng
        per_client = self.settings.notes_per_care_client
        whole, fraction = int(per_client), per_client - int(per_client)
        span = max((end - start).total_seconds(), 3600.0)
        first_enrolment = None
        for client_id, _, _ in people:
            enrolment_id = self.new_id()
            first_enrolment = first_enrolment or enrolment_id
            self.rows.add(
                "enrolments",
                (
                    enrolment_id,
                    case_id,
                    client_id,
                    "individual_counselling",
                    therapist,
                    "completed" if closed_at else "active",
                    start,
                    closed_at,
                    manager,
                    2 if closed_at else 1,
                ),
            )
            notes = whole + (rng.random() < fraction)
            sessions = notes + int(notes * 0.15 + rng.random())
            missed = set(rng.sample(range(sessions), sessions - notes))
            key = self.keys[client_id]
            for number in range(sessions):
                begins = start + timedelta(seconds=span * (number + 0.5) / sessions)
                begins = begins.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
                attended = number not in missed
                appointment_id = self.new_id()
                self.rows.add(
                    "appointments",
                    (
                        appointment_id,
                        enrolment_id,
                        case_id,
                        therapist,
                        begins,
                        begins + timedelta(minutes=50),
                        "in_person" if rng.random() < 0.8 else "remote",
                        "Sala 2",
                        False,
                        "attended" if attended else "no_show",
                        2,
                        None,
                    ),
                )
                if not attended:
                    continue
                note_id = self.new_id()
                body = BODIES[int(rng.random() * len(BODIES))]
                written = begins + timedelta(minutes=60)
                self.rows.add(
                    "session_notes",
                    (
                        note_id,
                        appointment_id,
                        case_id,
                        client_id,
                        therapist,
                        "private" if rng.random() < 0.2 else "progress",
                        kind != "individual" and rng.random() < 0.3,
                        "signed",
                        seal(key, body, table="session_notes", column="body", row_id=note_id),
                        written,
                        written + timedelta(minutes=20),
                        2,
                    ),
                )
        if target == "active" and first_enrolment is not None:
            begins = (self.now + timedelta(days=rng.randint(0, 14))).replace(
                hour=rng.randint(8, 17), minute=0, second=0, microsecond=0
            )
            self.rows.add(
                "appointments",
                (
                    self.new_id(),
                    first_enrolment,
                    case_id,
                    therapist,
                    begins,
                    begins + timedelta(minutes=50),
                    "in_person",
                    "Sala 1",
                    False,
                    "scheduled",
                    1,
                    None,
                ),
            )

    # --- programmes -----------------------------------------------------------------------

    def group_runs(self) -> None:
        """The team's current runs: seats, a short waitlist, weekly meetings, attendance."""
        rng, staff = self.rng, self.plan.staff
        today = self.now.date()
        starts_on = today - timedelta(days=56)
        for name, service, capacity, cohort, lead in RUNS:
            run_id = self.new_id()
            self.rows.add(
                "group_runs",
                (
                    run_id,
                    f"{name} – zespół {self.plan.number + 1} (scale)",
                    service,
                    capacity,
                    cohort,
                    staff.team_id,
                    starts_on,
                    starts_on + timedelta(weeks=MEETINGS_PER_RUN - 1),
                    _at(starts_on - timedelta(days=14), 9),
                    staff.supervisor,
                    1,
                ),
            )
            leads = (
                [staff.facilitator]
                if lead == "facilitator"
                else [staff.therapists[0], staff.facilitator]
            )
            for user_id in leads:
                self.rows.add("group_facilitators", (run_id, user_id))
            members = rng.sample(self.clients, min(len(self.clients), capacity + 2))
            seated = []
            for position, (client_id, case_id, _) in enumerate(members):
                enrolment_id = self.new_id()
                waiting = position >= capacity
                enrolled_at = _at(starts_on - timedelta(days=7), 10)
                self.rows.add(
                    "group_enrolments",
                    (
                        enrolment_id,
                        run_id,
                        client_id,
                        case_id,
                        "waitlisted" if waiting else "active",
                        position - capacity + 1 if waiting else None,
                        enrolled_at,
                        None if waiting else enrolled_at,
                        None,
                        staff.supervisor,
                        1,
                    ),
                )
                if not waiting:
                    seated.append(enrolment_id)
            recorder = staff.facilitator if lead == "facilitator" else staff.therapists[0]
            for week in range(MEETINGS_PER_RUN):
                day = starts_on + timedelta(weeks=week)
                meeting_id = self.new_id()
                self.rows.add(
                    "group_meetings",
                    (meeting_id, run_id, _at(day, 16), _at(day, 18), "Sala 2", None),
                )
                if day >= today:
                    continue
                for enrolment_id in seated:
                    presence = (
                        "present" if rng.random() < 0.8 else rng.choice(("absent", "excused"))
                    )
                    self.rows.add(
                        "meeting_attendances",
                        (self.new_id(), meeting_id, enrolment_id, presence, _at(day, 18), recorder),
                    )

    def consultations(self, clients: int) -> None:
        """Short information consultations of the migrant programme over the last year."""
        rng, staff = self.rng, self.plan.staff
        migrants = [c for c in self.clients if c[2] != "not_migrant"]
        count = round(clients * CONSULTATIONS_PER_CLIENT)
        today = self.now.date()
        for _ in range(count):
            consultation_id = self.new_id()
            on = today - timedelta(days=rng.randrange(365))
            client_id = rng.choice(migrants)[0] if migrants and rng.random() < 0.2 else None
            visitor: tuple[Any, ...] = (None, None, None, None)
            if client_id is None:
                visitor = (
                    "female" if rng.random() < 0.72 else "male",
                    rng.choice(("under_18", "18_29", "30_44", "45_59", "60_plus")),
                    _weighted(rng, NATIONALITIES),
                    rng.choice(("war",) * 6 + ("work",) * 3 + ("family",)),
                )
            created = _at(on, rng.randint(9, 17))
            self.rows.add(
                "information_consultations",
                (
                    consultation_id,
                    on,
                    rng.choice(("in_person",) * 5 + ("phone",) * 3 + ("online",) * 2),
                    _weighted(rng, LANGUAGES),
                    rng.choice((5, 10, 15, 15, 20, 30, 45)),
                    staff.consultant,
                    staff.team_id,
                    client_id,
                    *visitor,
                    None,
                    created,
                    1,
                ),
            )
            topics = {_weighted(rng, TOPICS) for _ in range(rng.choice((1, 1, 2, 3)))}
            for topic in sorted(topics):
                self.rows.add("information_consultation_topics", (consultation_id, topic))
            fields = ["client_id", "topics"] if client_id else ["topics"]
            self.audit(
                created,
                staff.consultant,
                "consultant",
                "consultation.create",
                "information_consultation",
                consultation_id,
                client_id,
                fields,
            )


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def make_team(plan: TeamPlan, settings: Settings) -> TeamRows:
    """Every row of one team (deterministic in its seed, apart from keys, nonces and ids)."""
    team = _Team(plan, settings)
    for number, kind in enumerate(plan.kinds):
        team.case(number, kind)
    team.group_runs()
    team.consultations(team.client_number - plan.first_client)
    team.rows.audit.sort(key=lambda event: event[0])
    return team.rows


def team_sizes(clients: int, per_team: int) -> Iterator[int]:
    """Clients per team: about `per_team` each, the remainder spread over the first teams."""
    teams = max(1, round(clients / per_team))
    base, extra = divmod(clients, teams)
    for number in range(teams):
        yield base + (1 if number < extra else 0)
