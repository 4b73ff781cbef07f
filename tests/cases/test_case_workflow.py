"""The case workflow through its services: states, consent, assessments, routing, notes, access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from casework.auth.models import Role
from casework.care import services as care
from casework.care.models import AppointmentMode, Attendance, EnrolmentStatus, NoteKind
from casework.case_assessments import services as assessing
from casework.case_assessments.models import Decision
from casework.cases import services as cases
from casework.cases.models import CaseKind, CaseState, ClosureOutcome
from casework.clients import services as clients
from casework.clients.models import ConsentPurpose, LegalBasis
from casework.db import db, utcnow
from casework.privacy import services as privacy
from casework.errors import Conflict, Forbidden, NotFound, ValidationError
from tests.factories import make_case, make_client, make_consenting_client, make_user

#: Names of NORR's embedded test vectors: no risk at all, and a threat with a weapon.
CALM = "all lowest-risk answers"
VIOLENT = "weapon threat alone forces very high"


def norr_answers(vector_name: str) -> dict[str, object]:
    """The complete answers of one of NORR's own test vectors."""
    from assessments.vectors import vector_answers
    from casework.catalogue.library import library

    instrument = library().instrument("norr")
    vector = next(v for v in instrument.vectors if v.name == vector_name)
    return vector_answers(instrument, vector)


@pytest.fixture
def team(app: Flask):
    with app.app_context():
        from casework.auth.services import get_or_create_team

        team = get_or_create_team("Test team")
        staff = {
            "manager": make_user(roles=(Role.CASE_MANAGER,), team=team),
            "other_manager": make_user(roles=(Role.CASE_MANAGER,), team=team),
            "therapist": make_user(roles=(Role.THERAPIST,), team=team),
            "therapist2": make_user(roles=(Role.THERAPIST,), team=team),
            "supervisor": make_user(roles=(Role.SUPERVISOR,), team=team),
            "admin": make_user(roles=(Role.ADMIN,)),
        }
        db.session.commit()
        return {name: user.id for name, user in staff.items()}


def staff(name_to_id, name):
    from casework.auth.models import User

    return db.session.get(User, name_to_id[name])


def test_a_case_moves_only_along_the_allowed_paths(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        assert case.state == CaseState.INTAKE and case.reference.startswith(f"CR/{utcnow().year}/")
        with pytest.raises(
            Conflict,
            match="cannot move from intake to active; allowed: assessment, on_hold, closed",
        ):
            cases.move_case(manager, case.id, CaseState.ACTIVE, expected_version=case.version)
        cases.move_case(manager, case.id, CaseState.ASSESSMENT, expected_version=case.version)
        with pytest.raises(ValidationError, match="say why"):
            cases.move_case(manager, case.id, CaseState.ON_HOLD, expected_version=case.version)
        cases.move_case(
            manager, case.id, CaseState.ON_HOLD, expected_version=case.version, reason="hospital"
        )
        closed = cases.close_case(
            manager,
            case.id,
            outcome=ClosureOutcome.NO_CONTACT,
            reason="no answer to calls",
            expected_version=case.version,
        )
        assert closed.state == CaseState.CLOSED and closed.closure_reason == "no answer to calls"
        with pytest.raises(Conflict, match="a closed case cannot move; reopen it first"):
            cases.move_case(manager, case.id, CaseState.ACTIVE, expected_version=case.version)
        reopened = cases.reopen_case(
            manager, case.id, reason="client called back", expected_version=case.version
        )
        assert reopened.state == CaseState.ASSESSMENT and reopened.closure_reason is None
        history = [(c.from_state, c.to_state) for c in cases.state_history(manager, case.id)]
        assert history[0] == (None, CaseState.INTAKE) and history[-1][1] == CaseState.ASSESSMENT


def test_a_stale_version_changes_nothing(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        stale = case.version
        cases.move_case(manager, case.id, CaseState.ASSESSMENT, expected_version=stale)
        with pytest.raises(Conflict, match="changed by someone else"):
            cases.move_case(manager, case.id, CaseState.ON_HOLD, expected_version=stale, reason="x")
        assert case.state == CaseState.ASSESSMENT


def test_processing_without_consent_is_refused_unless_another_basis_is_recorded(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        client = make_client(created_by_id=manager.id)
        with pytest.raises(Conflict, match="no valid consent"):
            make_case(manager, clients=[client])
        clients.record_consent(
            manager,
            client.id,
            purpose=ConsentPurpose.SUPPORT_SERVICES,
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            notice_version="2026-01",
        )
        assert make_case(manager, clients=[client]).state == CaseState.INTAKE


def test_withdrawn_consent_stops_further_processing(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        client = make_consenting_client(manager)
        case = make_case(manager, clients=[client])
        consent = clients.consents_of(client.id)[0]
        clients.withdraw_consent(manager, consent.id)
        with pytest.raises(Conflict, match="no valid consent"):
            assessing.start_assessment(manager, case.id, instrument_id="norr", client_id=client.id)


def test_intake_finds_duplicates_and_lets_the_user_confirm_a_new_client(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        details = clients.ClientDetails(
            given_name="Łukasz", family_name="Wójcik", birth_year=1985, phone="+48 600 100 200"
        )
        first = clients.intake_client(details, actor=manager)
        twin = clients.ClientDetails(given_name="LUKASZ", family_name="WOJCIK", birth_year=1985)
        with pytest.raises(clients.PossibleDuplicate) as found:
            clients.intake_client(twin, actor=manager)
        assert [(c.client.id, set(c.matched_on)) for c in found.value.candidates] == [
            (first.id, {"surname_birth_year"})
        ]
        second = clients.intake_client(twin, actor=manager, confirm_new=True)
        assert second.id != first.id


def test_completing_norr_with_a_grave_violence_item_forces_the_top_level_and_safety_action(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager, kind=CaseKind.COUPLE)
        assessment = assessing.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        assert case.state == CaseState.ASSESSMENT
        assessing.save_answers(
            manager, assessment.id, norr_answers(VIOLENT), expected_version=assessment.version
        )
        done = assessing.complete_assessment(
            manager, assessment.id, expected_version=assessment.version
        )
        assert done.level == "very_high"
        assert case.state == CaseState.ROUTING
        recommended = {
            r.service_code: r for r in assessing.recommendations_of(manager, case.id, joint=False)
        }
        assert recommended["safety_planning"].kind.value == "mandatory"
        assert "couples_therapy" not in recommended
        excluded = {e["service"] for e in done.routing["exclusions"]}
        assert "couples_therapy" in excluded
        assert assessing.rescore(manager, assessment.id).is_same
        with pytest.raises(Conflict, match="completed assessment cannot change"):
            assessing.save_answers(manager, assessment.id, {}, expected_version=done.version)


def test_invalid_answers_are_all_reported(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        assessment = assessing.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        with pytest.raises(ValidationError) as invalid:
            assessing.save_answers(
                manager,
                assessment.id,
                {"no_such_item": "yes", "com_1": "nonsense"},
                expected_version=assessment.version,
            )
        assert len(invalid.value.fields) == 2


def test_declining_the_mandatory_safety_action_needs_a_supervisor(app: Flask, team) -> None:
    with app.app_context():
        manager, supervisor = staff(team, "manager"), staff(team, "supervisor")
        case = make_case(manager)
        assessment = assessing.start_assessment(
            manager, case.id, instrument_id="norr", client_id=case.client_ids[0]
        )
        assessing.save_answers(manager, assessment.id, norr_answers(VIOLENT), expected_version=None)
        assessing.complete_assessment(manager, assessment.id, expected_version=None)
        safety = next(
            r
            for r in assessing.recommendations_of(manager, case.id, joint=False)
            if r.kind.value == "mandatory"
        )
        declined = assessing.decide(
            manager,
            safety.id,
            accept=False,
            reason="client refuses",
            expected_version=safety.version,
        )
        assert declined.decision == Decision.DECLINE_REQUESTED
        with pytest.raises(Forbidden):
            assessing.confirm_decline(
                manager, safety.id, confirm=True, reason="x", expected_version=None
            )
        confirmed = assessing.confirm_decline(
            supervisor,
            safety.id,
            confirm=True,
            reason="discussed; police already involved",
            expected_version=None,
        )
        assert (
            confirmed.decision == Decision.DECLINED and confirmed.confirmed_by_id == supervisor.id
        )


def _couple_with_practitioners(team):
    manager = staff(team, "manager")
    case = make_case(manager, kind=CaseKind.COUPLE)
    first, second = case.client_ids
    care.enrol(
        manager,
        case.id,
        client_id=first,
        service_code="individual_counselling",
        practitioner_id=team["therapist"],
    )
    care.enrol(
        manager,
        case.id,
        client_id=second,
        service_code="individual_counselling",
        practitioner_id=team["therapist2"],
    )
    return manager, case, first, second


def _appointment_now(manager, case, client_id, therapist):
    """An appointment starting now in the client's individual counselling."""
    enrolment = next(
        e for e in care.enrolments_of_case(manager, case.id) if e.client_id == client_id
    )
    return care.schedule_appointment(
        therapist,
        enrolment.id,
        starts_at=utcnow(),
        ends_at=utcnow() + timedelta(hours=1),
        mode=AppointmentMode.REMOTE,
    )


def test_an_individual_disclosure_never_reaches_the_joint_context_or_the_partners_practitioner(
    app: Flask, team
) -> None:
    with app.app_context():
        manager, case, first, second = _couple_with_practitioners(team)
        therapist, therapist2 = staff(team, "therapist"), staff(team, "therapist2")
        enrolment = next(
            e for e in care.enrolments_of_case(manager, case.id) if e.client_id == first
        )
        appointment = care.schedule_appointment(
            therapist,
            enrolment.id,
            starts_at=utcnow() - timedelta(hours=2),
            ends_at=utcnow() - timedelta(hours=1),
            mode=AppointmentMode.IN_PERSON,
            place="Room 2",
        )
        care.record_attendance(
            therapist, appointment.id, attendance=Attendance.ATTENDED, expected_version=None
        )
        disclosure = care.write_note(
            therapist,
            appointment.id,
            kind=NoteKind.PROGRESS,
            body="Discloses fear of partner.",
            is_individual=True,
        )
        shared = care.write_note(
            therapist, appointment.id, kind=NoteKind.PROGRESS, body="Joint goals agreed."
        )
        for note in (disclosure, shared):
            care.sign_note(therapist, note.id, expected_version=None)
        assert {n.id for n in care.notes_of_case(therapist2, case.id, joint=False)} == {shared.id}
        assert {n.id for n in care.notes_of_case(manager, case.id, joint=True)} == {shared.id}
        assert {n.id for n in care.notes_of_case(manager, case.id, joint=False)} == {
            shared.id,
            disclosure.id,
        }
        with pytest.raises(NotFound):
            care.read_note(therapist2, disclosure.id)
        assert care.read_note(therapist, disclosure.id).body == "Discloses fear of partner."
        assert second  # the partner's own practitioner sees only joint material


def test_a_signed_note_is_immutable_and_corrected_by_an_addendum(app: Flask, team) -> None:
    with app.app_context():
        manager, case, first, _ = _couple_with_practitioners(team)
        therapist = staff(team, "therapist")
        appointment = _appointment_now(manager, case, first, therapist)
        note = care.write_note(
            therapist, appointment.id, kind=NoteKind.PRIVATE, body="Hypothesis A."
        )
        care.sign_note(therapist, note.id, expected_version=None)
        with pytest.raises(Conflict, match="add an addendum"):
            care.update_draft(therapist, note.id, body="Changed", expected_version=None)
        care.add_addendum(therapist, note.id, body="Hypothesis A was wrong; see session 3.")
        read = care.read_note(therapist, note.id)
        assert read.body == "Hypothesis A." and [a.body for a in read.addenda] == [
            "Hypothesis A was wrong; see session 3."
        ]
        assert care.read_note(staff(team, "supervisor"), note.id).body == "Hypothesis A."
        with pytest.raises(NotFound):
            care.read_note(manager, note.id)  # private process note: author and supervisor only


def test_who_sees_a_case(app: Flask, team) -> None:
    with app.app_context():
        _manager, case, _, _ = _couple_with_practitioners(team)
        assert cases.get_case(staff(team, "therapist"), case.id) is case
        assert cases.get_case(staff(team, "supervisor"), case.id) is case
        for outsider in ("other_manager", "admin"):
            with pytest.raises(NotFound):
                cases.get_case(staff(team, outsider), case.id)


def test_breaking_the_glass_opens_a_case_with_a_reason_shown_to_the_supervisor(
    app: Flask, team
) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        cases.move_case(manager, case.id, CaseState.ASSESSMENT, expected_version=None)
        outsider = staff(team, "other_manager")
        with pytest.raises(NotFound):
            cases.get_case(outsider, case.id)
        with pytest.raises(ValidationError):
            cases.break_glass(outsider, case.id, reason="need")
        cases.break_glass(outsider, case.id, reason="Client called in crisis; manager away")
        assert cases.get_case(outsider, case.id) is case
        log = cases.break_glass_log(staff(team, "supervisor"))
        assert [(entry.user_id, entry.reason) for entry in log] == [
            (outsider.id, "Client called in crisis; manager away")
        ]
        with pytest.raises(NotFound):
            cases.break_glass(
                staff(team, "admin"), case.id, reason="Administrators see no clinical data"
            )


def test_a_supervisor_reassigns_a_case(app: Flask, team) -> None:
    with app.app_context():
        manager, other = staff(team, "manager"), staff(team, "other_manager")
        case = make_case(manager)
        with pytest.raises(Forbidden):
            cases.assign_case(manager, case.id, case_manager_id=other.id, expected_version=None)
        cases.assign_case(
            staff(team, "supervisor"), case.id, case_manager_id=other.id, expected_version=None
        )
        assert cases.get_case(other, case.id).case_manager_id == other.id
        with pytest.raises(NotFound):
            cases.get_case(manager, case.id)


def test_closing_reassessment_is_compared_with_the_first(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        client_id = case.client_ids[0]
        for answers, closing in ((VIOLENT, False), (CALM, True)):
            a = assessing.start_assessment(
                manager, case.id, instrument_id="norr", client_id=client_id, is_closing=closing
            )
            assessing.save_answers(manager, a.id, norr_answers(answers), expected_version=None)
            assessing.complete_assessment(manager, a.id, expected_version=None)
        comparison = assessing.compare_closing(
            manager, case.id, instrument_id="norr", client_id=client_id
        )
        assert comparison.level_first == "very_high" and comparison.level_closing == "low"
        changes = {change.scale_id: change for change in comparison.scales}
        assert (changes["violence"].first, changes["violence"].closing) == (3, 0)
        assert (changes["violence"].first_band, changes["violence"].closing_band) == (
            "serious",
            "none",
        )


def test_erasure_shreds_one_client_and_keeps_statistics(app: Flask, team) -> None:
    with app.app_context():
        manager, supervisor = staff(team, "manager"), staff(team, "supervisor")
        case = make_case(manager, kind=CaseKind.COUPLE)
        erased_id, kept_id = case.client_ids
        with pytest.raises(Forbidden):
            privacy.erase_client(manager, erased_id, reason="request")
        exported = privacy.export_client(supervisor, erased_id, reason="subject access request")
        assert (
            exported["client"]["family_name"]
            and exported["cases"][0]["reference"] == case.reference
        )
        privacy.erase_client(supervisor, erased_id, reason="GDPR art. 17 request")
        db.session.commit()
    with app.app_context():
        from casework.clients.models import Client

        erased, kept = db.session.get(Client, erased_id), db.session.get(Client, kept_id)
        assert erased.family_name is None and erased.is_erased and erased.birth_year == 1988
        assert kept.family_name is not None


def test_an_individual_disclosure_never_shapes_the_joint_routing_the_partner_sees(
    app: Flask, team
) -> None:
    with app.app_context():
        manager, case, first, second = _couple_with_practitioners(team)
        therapist = staff(team, "therapist")  # works with the first partner only
        disclosure = assessing.start_assessment(
            manager, case.id, instrument_id="norr", client_id=second, is_individual=True
        )
        assessing.save_answers(manager, disclosure.id, norr_answers(VIOLENT), expected_version=None)
        assessing.complete_assessment(manager, disclosure.id, expected_version=None)
        joint = assessing.start_assessment(manager, case.id, instrument_id="norr", client_id=first)
        assessing.save_answers(manager, joint.id, norr_answers(CALM), expected_version=None)
        joint = assessing.complete_assessment(manager, joint.id, expected_version=None)

        seen_jointly = assessing.read_assessment(therapist, joint.id, joint=True)
        text = repr(seen_jointly.routing)
        assert "violence" not in text.lower() and "v_weapon" not in text
        withheld = {e["service"]: e for e in seen_jointly.routing["exclusions"]}
        assert withheld["couples_therapy"]["reason"]["en"] == assessing.WITHHELD_REASON["en"]
        assert "couples_therapy" not in {
            r["service"] for r in seen_jointly.routing["recommendations"]
        }

        for viewer in (therapist, manager):
            jointly = assessing.recommendations_of(viewer, case.id, joint=True)
            assert not any(r.is_individual for r in jointly)
            assert "safety_planning" not in {r.service_code for r in jointly}
        individual = assessing.recommendations_of(manager, case.id, joint=False)
        assert {"safety_planning"} <= {r.service_code for r in individual if r.is_individual}
        assert not any(
            r.is_individual for r in assessing.recommendations_of(therapist, case.id, joint=False)
        )

        high = cases.list_cases(
            manager, cases.CaseFilters(level="very_high"), cursor=None, limit=50
        )
        assert case.id not in {c.id for c in high.items}


def test_intake_never_names_a_matching_client_outside_ones_caseload(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        existing = make_case(manager).client_ids[0]
        phone = "+48 799 123 456"
        client = db.session.get(clients.Client, existing)
        clients.update_client(
            manager,
            existing,
            clients.ClientDetails(given_name="Ala", family_name="Ma", phone=phone),
            expected_version=client.version,
        )
        outsider = make_user(roles=(Role.CONSULTANT,))
        with pytest.raises(clients.PossibleDuplicate) as found:
            clients.intake_client(
                clients.ClientDetails(given_name="?", family_name="?", phone=phone), actor=outsider
            )
        assert found.value.candidates == [] and found.value.hidden_matches == 1
        assert "Ala" not in str(found.value) and "outside your caseload" in str(found.value)


def test_an_administrators_export_holds_no_clinical_content(app: Flask, team) -> None:
    with app.app_context():
        manager, case, first, _ = _couple_with_practitioners(team)
        therapist = staff(team, "therapist")
        appointment = _appointment_now(manager, case, first, therapist)
        for kind, body in (
            (NoteKind.PROGRESS, "Progress text."),
            (NoteKind.PRIVATE, "Private text."),
        ):
            note = care.write_note(therapist, appointment.id, kind=kind, body=body)
            care.sign_note(therapist, note.id, expected_version=None)
        by_admin = privacy.export_client(
            staff(team, "admin"), first, reason="subject access request"
        )
        assert by_admin["client"]["family_name"] and by_admin["session_notes"] == []
        assert by_admin["assessments"] == []
        by_supervisor = privacy.export_client(staff(team, "supervisor"), first, reason="request")
        assert [n["body"] for n in by_supervisor["session_notes"]] == ["Progress text."]


def test_breaking_the_glass_never_lets_one_attach_the_client_elsewhere(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        outsider = staff(team, "other_manager")
        cases.break_glass(outsider, case.id, reason="Client called in crisis; manager away")
        assert clients.read_client(outsider, case.client_ids[0])  # reading is what the glass is for
        with pytest.raises(NotFound):
            make_case(outsider, clients=[db.session.get(clients.Client, case.client_ids[0])])


def test_a_withdrawn_practitioner_loses_access_after_the_grace_period(app: Flask, team) -> None:
    with app.app_context():
        manager, case, first, _ = _couple_with_practitioners(team)
        therapist = staff(team, "therapist")
        enrolment = next(
            e for e in care.enrolments_of_case(manager, case.id) if e.client_id == first
        )
        care.end_enrolment(
            manager, enrolment.id, status=EnrolmentStatus.WITHDRAWN, expected_version=None
        )
        assert cases.get_case(therapist, case.id)  # still there to finish their notes
        enrolment.ended_at = utcnow() - timedelta(days=31)
        db.session.flush()
        with pytest.raises(NotFound):
            cases.get_case(staff(team, "therapist"), case.id)


def test_a_hidden_note_reads_exactly_like_a_missing_one(app: Flask, team) -> None:
    import uuid

    with app.app_context():
        manager, case, first, _ = _couple_with_practitioners(team)
        therapist = staff(team, "therapist")
        appointment = _appointment_now(manager, case, first, therapist)
        note = care.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="x")
        outsider = staff(team, "other_manager")
        messages = []
        for note_id in (note.id, uuid.uuid4()):
            with pytest.raises(NotFound) as missing:
                care.read_note(outsider, note_id)
            messages.append(str(missing.value))
        assert messages == ["no such note", "no such note"]


def test_group_services_are_joined_through_group_runs_not_case_enrolments(app: Flask, team) -> None:
    with app.app_context():
        manager = staff(team, "manager")
        case = make_case(manager)
        with pytest.raises(ValidationError, match="through one of its group runs"):
            care.enrol(
                manager, case.id, client_id=case.client_ids[0], service_code="psychoeducation_group"
            )


def test_nothing_new_is_stored_about_an_erased_client(app: Flask, team) -> None:
    with app.app_context():
        manager, case, first, _ = _couple_with_practitioners(team)
        therapist = staff(team, "therapist")
        appointment = _appointment_now(manager, case, first, therapist)
        privacy.erase_client(staff(team, "supervisor"), first, reason="GDPR art. 17 request")
        with pytest.raises(Conflict, match="was erased"):
            care.write_note(therapist, appointment.id, kind=NoteKind.PROGRESS, body="After erasure")


def test_the_caseload_review_shows_a_couple_case_at_its_most_severe_partners_level(
    app: Flask, team
) -> None:
    from casework.caseload.services import review

    with app.app_context():
        manager, case, first, second = _couple_with_practitioners(team)
        for client_id, vector in ((first, VIOLENT), (second, CALM)):  # the calm one comes last
            a = assessing.start_assessment(
                manager, case.id, instrument_id="norr", client_id=client_id
            )
            assessing.save_answers(manager, a.id, norr_answers(vector), expected_version=None)
            assessing.complete_assessment(manager, a.id, expected_version=None)
        figures = review(staff(team, "supervisor"))
        assert case.id in {row["case_id"] for row in figures["high_risk_without_contact"]}
