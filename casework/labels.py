"""The translated label of every enum value the interface shows, registered with the web layer
when the app is built; the completeness test covers them.

Templates use the `label` filter: `{{ case.state | label }}`; forms `choices(SomeEnum)`.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from casework.auth.models import Language, Role
from casework.care.models import (
    AppointmentMode,
    Attendance,
    EnrolmentStatus,
    NoteKind,
    NoteState,
)
from casework.case_assessments.models import AssessmentState, Decision, RecommendationKind
from casework.cases.models import (
    CaseKind,
    CaseState,
    ClosureOutcome,
    ParticipantRole,
    ReferralSource,
)
from casework.catalogue.models import ServiceKind
from casework.clients.models import ConsentPurpose, Gender, LegalBasis, MigrationReason
from casework.consultations.models import AgeGroup, Channel
from casework.crypto.blind_index import IndexKind
from casework.groups.models import GroupEnrolmentStatus, MeetingPresence
from casework.partners.models import EventKind, InstitutionKind, ProfessionalType
from casework.web.labels import LABELS, label, register_labels

__all__ = ["LABELS", "label"]

#: (member, label) pairs. Not a dict keyed by member: StrEnum members of different enums with
#: the same value (CaseState.ACTIVE, EnrolmentStatus.ACTIVE) are equal and would collide.
_PAIRS: tuple[tuple[enum.Enum, object], ...] = (
    (Role.CASE_MANAGER, _l("Case manager")),
    (Role.THERAPIST, _l("Therapist or counsellor")),
    (Role.FACILITATOR, _l("Group facilitator")),
    (Role.SUPERVISOR, _l("Supervisor")),
    (Role.CONSULTANT, _l("Information consultant")),
    (Role.COORDINATOR, _l("Coordinator (reporting)")),
    (Role.ADMIN, _l("Administrator")),
    (Language.PL, "Polski"),
    (Language.EN, "English"),
    (Language.UK, "Українська"),
    (CaseKind.INDIVIDUAL, _l("Individual")),
    (CaseKind.COUPLE, _l("Couple")),
    (CaseKind.FAMILY, _l("Family")),
    (CaseState.INTAKE, _l("Intake")),
    (CaseState.ASSESSMENT, _l("Assessment")),
    (CaseState.ROUTING, _l("Routing")),
    (CaseState.ACTIVE, _l("Active")),
    (CaseState.ON_HOLD, _l("On hold")),
    (CaseState.CLOSED, _l("Closed")),
    (ReferralSource.SELF, _l("Self-referral")),
    (ReferralSource.SOCIAL_WELFARE_CENTRE, _l("Social welfare centre")),
    (ReferralSource.COURT, _l("Court")),
    (ReferralSource.SCHOOL, _l("School")),
    (ReferralSource.POLICE_NIEBIESKA_KARTA, _l("Police (Blue Card procedure)")),
    (ReferralSource.NGO, _l("Non-governmental organisation")),
    (ReferralSource.OTHER, _l("Other")),
    (ParticipantRole.PARTNER, _l("Partner")),
    (ParticipantRole.PARENT, _l("Parent")),
    (ParticipantRole.CHILD, _l("Child")),
    (ParticipantRole.OTHER, _l("Other participant")),
    (ClosureOutcome.GOALS_ACHIEVED, _l("Goals achieved")),
    (ClosureOutcome.GOALS_PARTLY_ACHIEVED, _l("Goals partly achieved")),
    (ClosureOutcome.CLIENT_WITHDREW, _l("Client withdrew")),
    (ClosureOutcome.REFERRED_ELSEWHERE, _l("Referred elsewhere")),
    (ClosureOutcome.NO_CONTACT, _l("No contact")),
    (ClosureOutcome.OTHER, _l("Other outcome")),
    (Gender.FEMALE, _l("Female")),
    (Gender.MALE, _l("Male")),
    (Gender.NON_BINARY, _l("Non-binary")),
    (Gender.UNDISCLOSED, _l("Not disclosed")),
    (MigrationReason.NOT_MIGRANT, _l("Not a migrant")),
    (MigrationReason.WAR, _l("War")),
    (MigrationReason.WORK, _l("Work")),
    (MigrationReason.FAMILY, _l("Family reasons")),
    (MigrationReason.STUDY, _l("Study")),
    (MigrationReason.INTERNATIONAL_PROTECTION, _l("International protection")),
    (MigrationReason.OTHER, _l("Other reason")),
    (MigrationReason.UNDISCLOSED, _l("Reason not disclosed")),
    (ConsentPurpose.SUPPORT_SERVICES, _l("Processing data to provide support services")),
    (ConsentPurpose.SHARING_WITH_PARTNERS, _l("Sharing with partner institutions")),
    (ConsentPurpose.CONTACT_BY_PHONE_OR_EMAIL, _l("Contact by phone or e-mail")),
    (LegalBasis.CONSENT, _l("Consent")),
    (LegalBasis.LEGAL_OBLIGATION, _l("Legal obligation")),
    (LegalBasis.VITAL_INTERESTS, _l("Vital interests")),
    (LegalBasis.PUBLIC_TASK, _l("Public task")),
    (AssessmentState.DRAFT, _l("Draft")),
    (AssessmentState.COMPLETED, _l("Completed")),
    (Decision.PENDING, _l("Pending")),
    (Decision.ACCEPTED, _l("Accepted")),
    (Decision.DECLINED, _l("Declined")),
    (Decision.DECLINE_REQUESTED, _l("Decline awaits a supervisor")),
    (RecommendationKind.RECOMMEND, _l("Recommended")),
    (RecommendationKind.MANDATORY, _l("Mandatory")),
    (RecommendationKind.ADDED, _l("Added by the case manager")),
    (EnrolmentStatus.ACTIVE, _l("Enrolled")),
    (EnrolmentStatus.WAITLISTED, _l("Waitlisted")),
    (EnrolmentStatus.COMPLETED, _l("Finished")),
    (EnrolmentStatus.WITHDRAWN, _l("Withdrawn")),
    (AppointmentMode.IN_PERSON, _l("In person")),
    (AppointmentMode.REMOTE, _l("Remote")),
    (Attendance.SCHEDULED, _l("Scheduled")),
    (Attendance.ATTENDED, _l("Attended")),
    (Attendance.NO_SHOW, _l("No-show")),
    (Attendance.CANCELLED_BY_CLIENT, _l("Cancelled by the client")),
    (Attendance.CANCELLED_BY_CENTRE, _l("Cancelled by the centre")),
    (NoteKind.PROGRESS, _l("Progress note")),
    (NoteKind.PRIVATE, _l("Private process note")),
    (NoteState.DRAFT, _l("Draft note")),
    (NoteState.SIGNED, _l("Signed")),
    (ServiceKind.INDIVIDUAL, _l("Individual service")),
    (ServiceKind.COUPLES, _l("Couples service")),
    (ServiceKind.FAMILY, _l("Family service")),
    (ServiceKind.GROUP, _l("Group")),
    (ServiceKind.WORKSHOP, _l("Workshop")),
    (ServiceKind.CONSULTATION, _l("Consultation")),
    (ServiceKind.PROCEDURE, _l("Procedure")),
    (ServiceKind.REFERRAL, _l("Referral")),
    (GroupEnrolmentStatus.ACTIVE, _l("Holds a seat")),
    (GroupEnrolmentStatus.WAITLISTED, _l("Waitlisted")),
    (GroupEnrolmentStatus.COMPLETED, _l("Completed")),
    (GroupEnrolmentStatus.WITHDRAWN, _l("Withdrawn")),
    (EventKind.PUBLIC_EVENT, _l("Public event")),
    (EventKind.WORKSHOP, _l("Workshop")),
    (EventKind.LECTURE, _l("Lecture or webinar")),
    (EventKind.CAMPAIGN, _l("Campaign")),
    (ProfessionalType.PSYCHOLOGIST, _l("Psychologist")),
    (ProfessionalType.SOCIAL_WORKER, _l("Social worker")),
    (ProfessionalType.FAMILY_ASSISTANT, _l("Family assistant")),
    (ProfessionalType.TEACHER, _l("Teacher")),
    (ProfessionalType.POLICE_OFFICER, _l("Police officer")),
    (ProfessionalType.PROBATION_OFFICER, _l("Probation officer")),
    (ProfessionalType.HEALTH_WORKER, _l("Health worker")),
    (ProfessionalType.LAWYER, _l("Lawyer")),
    (ProfessionalType.OTHER, _l("Other profession")),
    (InstitutionKind.SOCIAL_WELFARE, _l("Social welfare")),
    (InstitutionKind.SCHOOL, _l("School or kindergarten")),
    (InstitutionKind.POLICE, _l("Police")),
    (InstitutionKind.COURT, _l("Court or probation service")),
    (InstitutionKind.HEALTH_CARE, _l("Health care")),
    (InstitutionKind.LOCAL_GOVERNMENT, _l("Local government")),
    (InstitutionKind.NGO, _l("Non-governmental organisation")),
    (InstitutionKind.OTHER, _l("Other institution")),
    (MeetingPresence.PRESENT, _l("Present")),
    (MeetingPresence.ABSENT, _l("Absent")),
    (MeetingPresence.EXCUSED, _l("Excused")),
    (Channel.IN_PERSON, _l("In person")),
    (Channel.PHONE, _l("By phone")),
    (Channel.ONLINE, _l("Online")),
    (AgeGroup.UNDER_18, _l("Under 18")),
    (AgeGroup.FROM_18_TO_29, _l("18 to 29")),
    (AgeGroup.FROM_30_TO_44, _l("30 to 44")),
    (AgeGroup.FROM_45_TO_59, _l("45 to 59")),
    (AgeGroup.FROM_60, _l("60 or older")),
    (AgeGroup.UNDISCLOSED, _l("Age not disclosed")),
    (IndexKind.NATIONAL_ID, _l("National ID number")),
    (IndexKind.PHONE, _l("Phone")),
    (IndexKind.EMAIL, _l("E-mail")),
    (IndexKind.SURNAME_BIRTH_YEAR, _l("Surname and year of birth")),
    (IndexKind.DOCUMENT, _l("Identity document")),
)

register_labels(_PAIRS)
