"""Rows that give every encrypted column of the schema a value (canary and key-rotation tests).

`fill_every_encrypted_column` opens a case through the intake service and adds,
through the models, one row of every other table with an encrypted column. A new
`Encrypted` column must be given a value here: the canary test fails, naming the
column, until it is (docs/security.md, V2: every encrypted column is seeded).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import LargeBinary, select, type_coerce
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.aftercare.codes import AftercareAction, AftercareStatus, ContactMode
from mediation.aftercare.models import PostClosureFollowUp
from mediation.agreements.models import Agreement, AgreementPoint, AgreementVersion
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment
from mediation.attachments.codes import AttachmentKind, AttachmentVisibility, ContentType
from mediation.attachments.models import Attachment
from mediation.attachments.storage import storage_for
from mediation.cases import codes
from mediation.cases.codes import (
    AccessReason,
    AgreementLevel,
    AgreementNature,
    CaseStatus,
    CourtStage,
    FollowUpResult,
    Issue,
    NoteVisibility,
    Outcome,
    PointStatus,
    ReferralDestination,
    ScreeningDecision,
    SessionType,
    ViolenceLevel,
)
from mediation.cases.models import (
    Case,
    CaseAccess,
    Closure,
    DecisionRequest,
    Note,
    NoteVersion,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningResult,
    StatusChange,
)
from mediation.cases.services.intake import open_case
from mediation.core.crypto import Encrypted
from mediation.counselling.models import (
    CounsellingSession,
    FollowUpAction,
    SessionAttendee,
    SessionRevision,
    SessionStaff,
)
from mediation.extensions import db
from mediation.groups.models import GroupParticipant
from mediation.outbox.models import OutboxMessage
from mediation.referrals.codes import ExceptionStatus, SafeguardingGround, Urgency
from mediation.referrals.models import Referral, SafeguardingException
from mediation.subject_requests.codes import RequestOutcome, RequestType
from mediation.subject_requests.models import DataSubjectRequest
from mediation.supervision.codes import SupervisionDecision, SupervisionTrigger
from mediation.supervision.models import LeadChange, SupervisionReview
from tests.cases.fixtures import new_case, person


def encrypted_columns() -> list[tuple[str, str]]:
    """(table, column) of every `Encrypted` column in the metadata."""
    return [
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Encrypted)
    ]


def raw_values(session: Session) -> dict[str, list[bytes]]:
    """"table.column" -> the stored bytes of every non-null value, read without decrypting."""
    values = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                raw = type_coerce(column, LargeBinary)
                values[f"{table.name}.{column.name}"] = [
                    bytes(blob) for blob in session.scalars(select(raw).where(column.is_not(None)))
                ]
    return values


def fill_every_encrypted_column(session: Session, service_point_id: int, lead: StaffUser, supervisor: StaffUser,
                                value: Callable[[str], str], requesting_party=None) -> tuple[Case, dict[str, str]]:
    """Open a case and give each encrypted column value("table.column"); return it and what was written.

    `requesting_party` (a PersonData) lets two calls in one association use two different people."""
    written: dict[str, str] = {}

    def put(obj, table: str, attribute: str) -> None:
        text = value(f"{table}.{attribute}")
        setattr(obj, attribute, text)
        written[f"{table}.{attribute}"] = text

    case = open_case(session, new_case(service_point_id, court_stage=CourtStage.PENDING, court_file_no="2026/1601/17",
                                       requesting_party=requesting_party or person()), actor=lead)
    put(case, "case_file", "court_file_no")
    put(case, "case_file", "request_summary")
    requesting = session.scalar(select(Participant).where(Participant.case_id == case.id))
    for attribute in ("full_name", "full_name_latin", "birth_date", "phone", "email", "address",
                      "contact_allowed", "safe_contact_instructions", "contact_profile"):
        put(requesting.person, "person", attribute)

    change = StatusChange(case_id=case.id, from_status=CaseStatus.INTAKE, to_status=CaseStatus.ASSESSMENT,
                          changed_by_id=lead.id)
    put(change, "case_status_change", "reason")
    session.add(change)

    screening = Screening(participant_id=requesting.id, screened_by_id=lead.id, screened_on=date(2026, 11, 3),
                          violence=ViolenceLevel.PAST, mediator_view=ScreeningDecision.PROCEED_WITH_ADAPTATIONS,
                          result=ScreeningResult.POSITIVE)
    put(screening, "screening", "notes")
    session.add(screening)

    decision = ScreeningDecisionRecord(case_id=case.id, decided_by_id=supervisor.id,
                                       decision=ScreeningDecision.PROCEED_WITH_ADAPTATIONS,
                                       adaptations="separate_sessions")
    put(decision, "screening_decision", "rationale")
    session.add(decision)

    note = Note(case_id=case.id, author_id=lead.id, visibility=NoteVisibility.STAFF_ONLY)
    version = NoteVersion(number=1, edited_by_id=lead.id)
    put(version, "case_note_version", "body")
    note.versions.append(version)
    session.add(note)

    closure = Closure(case_id=case.id, closed_on=date(2026, 11, 20), closed_by_id=lead.id,
                      outcome=Outcome.AGREEMENT_PARTIAL)
    for attribute in ("agreement_points", "note", "reopen_reason"):
        put(closure, "case_closure", attribute)
    session.add(closure)

    # The case's agreement: a version with one point whose text is the parties' (docs/domain.md, DOM77).
    agreement = Agreement(case_id=case.id, latest_number=1)
    session.add(agreement)
    session.flush()
    point = AgreementPoint(issue=Issue.CUSTODY, position=0, status=PointStatus.PARTIALLY_AGREED)
    put(point, "agreement_point", "text")
    session.add(AgreementVersion(agreement_id=agreement.id, case_id=case.id, number=1,
                                 nature=AgreementNature.SEPARATION_ARRANGEMENTS, level=AgreementLevel.PARTIAL,
                                 created_by_id=lead.id, points=[point]))

    counselling = CounsellingSession(case_id=case.id, type=SessionType.JOINT_MEDIATION, mode=SessionMode.IN_PERSON,
                                     started_at=datetime(2026, 11, 10, 9, 30, tzinfo=UTC), duration_min=60,
                                     visibility=NoteVisibility.STAFF_ONLY, author_id=lead.id,
                                     voided_at=datetime(2026, 11, 11, 8, 0, tzinfo=UTC), voided_by_id=supervisor.id)
    for attribute in ("summary", "next_steps", "void_reason"):
        put(counselling, "counselling_session", attribute)
    counselling.staff.append(SessionStaff(user_id=lead.id))
    counselling.attendees.append(SessionAttendee(participant_id=requesting.id))
    session.add(counselling)
    session.flush()

    revision = SessionRevision(session_id=counselling.id, number=1, changed_by_id=lead.id)
    put(revision, "session_revision", "previous")
    session.add(revision)

    action = FollowUpAction(case_id=case.id, session_id=counselling.id, due_on=date(2026, 11, 24),
                            assigned_to_id=lead.id)
    put(action, "follow_up_action", "description")
    session.add(action)
    # A post-closure follow-up of the closure, recorded with a note (docs/domain.md, DOM94).
    after = PostClosureFollowUp(case_id=case.id, closure_id=closure.id, months_after=1, due_on=date(2026, 12, 20),
                                assigned_to_id=lead.id, status=AftercareStatus.DONE, done_on=date(2026, 12, 21),
                                done_by_id=lead.id, contact_mode=ContactMode.PHONE, contacted_id=requesting.id,
                                result=FollowUpResult.HOLDING, new_proceedings=False, action=AftercareAction.NONE)
    put(after, "post_closure_follow_up", "note")
    session.add(after)

    start = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
    by_video = Appointment(association_id=case.association_id, service_point_id=case.service_point_id,
                           case_id=case.id, session_type=SessionType.INDIVIDUAL, mode=SessionMode.VIDEO,
                           start_local="2026-12-14T09:00", time_zone="Africa/Casablanca", start_utc=start,
                           end_utc=start + timedelta(hours=1), duration_min=60,
                           status=AppointmentStatus.CANCELLED_BY_PARTY, created_by_id=lead.id)
    put(by_video, "appointment", "video_link")
    put(by_video, "appointment", "cancel_reason")
    intake = Appointment(association_id=case.association_id, service_point_id=case.service_point_id,
                         session_type=SessionType.INDIVIDUAL, mode=SessionMode.PHONE,
                         start_local="2026-12-14T11:00", time_zone="Africa/Casablanca",
                         start_utc=start + timedelta(hours=2), end_utc=start + timedelta(hours=3), duration_min=60,
                         created_by_id=lead.id)
    put(intake, "appointment", "intake_label")
    session.add_all([by_video, intake])
    message = OutboxMessage(association_id=case.association_id, kind="party_reminder", dedupe_key=f"canary-{case.id}",
                            language="ar")
    for attribute in ("recipient", "subject", "body"):
        put(message, "outbox_message", attribute)
    session.add(message)

    review = SupervisionReview(case_id=case.id, supervisor_id=supervisor.id, reviewed_on=date(2026, 11, 21),
                               trigger=SupervisionTrigger.PERIODIC, decision=SupervisionDecision.CONTINUE)
    put(review, "supervision_review", "note")
    change = LeadChange(case_id=case.id, from_user_id=lead.id, to_user_id=lead.id, changed_by_id=supervisor.id)
    put(change, "case_lead_change", "reason")
    session.add_all([review, change])
    # A supervisor's reason for opening the case outside their assignment (docs/security.md, P4).
    opened = CaseAccess(case_id=case.id, user_id=supervisor.id, reason=AccessReason.OTHER)
    put(opened, "case_access", "note")
    session.add(opened)
    # A staff member's request for a supervisor's decision, with its note (docs/domain.md, DOM71).
    asked = DecisionRequest(case_id=case.id, requested_by_id=lead.id, gate_checks="no_decision")
    put(asked, "decision_request", "note")
    session.add(asked)

    # A referral out under an approved safeguarding exception (docs/domain.md, DOM85, DOM87).
    exception = SafeguardingException(case_id=case.id, participant_id=requesting.id,
                                      ground=SafeguardingGround.CHILD_AT_RISK, requested_by_id=lead.id,
                                      status=ExceptionStatus.APPROVED, decided_by_id=supervisor.id)
    put(exception, "safeguarding_exception", "reason")
    put(exception, "safeguarding_exception", "decision_reason")
    session.add(exception)
    session.flush()
    referral = Referral(case_id=case.id, participant_id=requesting.id, destination=ReferralDestination.POLICE,
                        urgency=Urgency.URGENT, made_on=date(2026, 11, 19), made_by_id=lead.id,
                        exception_id=exception.id)
    put(referral, "referral", "organisation_name")
    put(referral, "referral", "reason")
    session.add(referral)

    # A participant known only from positive-parenting groups (docs/domain.md, DOM123; docs/security.md, S60).
    group_only = GroupParticipant(association_id=case.association_id, sex=codes.Sex.FEMALE,
                                  age_band=codes.AgeBand.B25_34,
                                  consent_data_processing=True, created_by_id=lead.id)
    put(group_only, "group_participant", "full_name")
    put(group_only, "group_participant", "phone")
    put(group_only, "group_participant", "email")
    session.add(group_only)

    # A staff member's mobile number for the day-before agenda by SMS (docs/domain.md, DOM164).
    put(lead, "staff_user", "mobile")

    # A document of the case, its content sealed in chunks (docs/domain.md, DOM106; docs/security.md, S45).
    attachment = Attachment(case_id=case.id, kind=AttachmentKind.COURT_ORDER,
                            visibility=AttachmentVisibility.CASE_STAFF, document_date=date(2026, 11, 18),
                            content_type=ContentType.PDF, size=0, chunk_count=0, added_by_id=lead.id)
    put(attachment, "attachment", "label")
    session.add(attachment)
    session.flush()  # gives the storage key
    content = value("attachment_chunk.data").encode()
    attachment.size = len(content)
    attachment.chunk_count = storage_for(session).put(attachment.storage_key, [content[:8], content[8:]])

    # A data-subject request of the requesting party, asked and answered.
    request = DataSubjectRequest(association_id=case.association_id, person_id=requesting.person_id,
                                 type=RequestType.ACCESS, received_on=date(2026, 11, 22),
                                 answered_on=date(2026, 11, 25), outcome=RequestOutcome.GRANTED,
                                 recorded_by_id=supervisor.id, handled_by_id=supervisor.id)
    put(request, "data_subject_request", "request_note")
    put(request, "data_subject_request", "answer_note")
    session.add(request)

    put(lead, "staff_user", "totp_secret")
    put(lead, "staff_user", "totp_pending_secret")
    session.flush()
    return case, written

