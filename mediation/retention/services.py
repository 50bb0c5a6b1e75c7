"""Anonymising expired closed cases and deleting expired records (docs/security.md, S26, S32).

What an anonymised case keeps: its rows, codes, dates, stat_keys and links, i.e. everything
mediation/statistics reads (Case, CaseIssue, Participant, Person.sex, Screening.result, Closure,
CounsellingSession, Appointment status and times, the codes and dates of referrals), so a past release
rebuilt afterwards gives the same figures. What goes: every encrypted field of the case and of the rows
hanging from it (set to NULL, or to "" where the column may not be NULL), the rows that are nothing but
free text (note versions, session revisions, follow-up actions, the party reminders of its
appointments), its attachments with their content, and, once all of their cases are anonymised,
the people's identity, blind indexes and
name tokens. The reference stays: it holds no personal data (docs/domain.md, DOM10) and the audit trail
names it through the case's public id.

Services flush, never commit: the CLI commits once per case, so a crash leaves no case half-done.
Bulk UPDATEs bump version_id themselves (an editor holding the old version then gets a 409, S31).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Delete, Update, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.aftercare.models import PostClosureFollowUp
from mediation.agreements.models import AgreementPoint, AgreementVersion
from mediation.appointments.models import Appointment
from mediation.attachments.services import forget_case_attachments
from mediation.auth.models import LoginFailure, PasswordResetToken
from mediation.cases.codes import CaseStatus
from mediation.cases.models import (
    Case,
    CaseAccess,
    Closure,
    DecisionRequest,
    Note,
    NoteVersion,
    Participant,
    Person,
    PersonNameToken,
    Screening,
    ScreeningDecisionRecord,
    StatusChange,
)
from mediation.core.audit import AuditAction, record
from mediation.counselling.models import CounsellingSession, FollowUpAction, SessionRevision
from mediation.groups.models import Enrolment, GroupParticipant, ParentingGroup
from mediation.outbox.models import OutboxMessage
from mediation.outbox.services import FAILED, SENT
from mediation.referrals.models import Referral, SafeguardingException
from mediation.retention.policy import RetentionPolicy
from mediation.subject_requests.models import DataSubjectRequest
from mediation.supervision.models import LeadChange, SupervisionReview

# The audit trail names the job, not a person.
ACTOR_ROLE = "system"
PERSON_IDENTITY = ("full_name_latin", "birth_date", "phone", "email", "address", "contact_allowed",
                   "safe_contact_instructions", "contact_profile", "identity_bidx", "name_bidx", "phone_bidx")


def anonymise_case(session: Session, case_id: int, policy: RetentionPolicy, *, today: date, now: datetime) -> bool:
    """Strip a closed case whose retention ended by `today` of identity and free text; False if not due (any more)."""
    # OF case_file: PostgreSQL cannot lock the nullable side of the eager outer joins.
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update(of=Case))
    if case is None:
        return False
    months = session.scalar(select(Association.retention_months).where(Association.id == case.association_id))
    if (case.anonymised_at is not None or case.status is not CaseStatus.CLOSED
            or case.closed_on is None or policy.case_expires_on(case.closed_on, months) > today):
        return False  # done by a run in parallel, reopened, or not due
    case.court_file_no = None
    case.court_file_bidx = None
    case.request_summary = None
    case.anonymised_at = now
    session.flush()  # before the bulk statements, which expire every loaded row
    _clear_case_rows(session, case.id)
    # Documents are nothing but personal data: the rows and their content go (docs/domain.md, DOM108).
    forget_case_attachments(session, case.id)
    for person_id in session.scalars(select(Participant.person_id).where(Participant.case_id == case.id).distinct()):
        anonymise_person_if_unused(session, person_id, now=now)
    record(session, AuditAction.ANONYMISED, entity="case", entity_id=case.public_id,
           association_id=case.association_id, actor_role=ACTOR_ROLE)
    session.flush()
    return True


def _clear_case_rows(session: Session, case_id: int) -> None:
    """Every encrypted field of the rows of one case: NULL, or the row deleted where it is only free text."""
    session_ids = select(CounsellingSession.id).where(CounsellingSession.case_id == case_id)
    participant_ids = select(Participant.id).where(Participant.case_id == case_id)
    appointments = session.execute(
        select(Appointment.id, Appointment.public_id).where(Appointment.case_id == case_id)).all()
    for statement in (
        update(StatusChange).where(StatusChange.case_id == case_id).values(reason=None),
        update(Closure).where(Closure.case_id == case_id).values(agreement_points=None, note=None,
                                                                  reopen_reason=None),
        # What each point of the agreement settled; its issue, status and the derived level stay.
        update(AgreementPoint).where(AgreementPoint.version_id.in_(
            select(AgreementVersion.id).where(AgreementVersion.case_id == case_id))).values(text=None),
        update(Screening).where(Screening.participant_id.in_(participant_ids)).values(notes=None),
        update(ScreeningDecisionRecord).where(ScreeningDecisionRecord.case_id == case_id).values(rationale=None),
        update(CounsellingSession).where(CounsellingSession.case_id == case_id).values(
            summary=None, next_steps=None, void_reason=None, version_id=CounsellingSession.version_id + 1),
        update(SupervisionReview).where(SupervisionReview.case_id == case_id).values(note=None),
        # The result of a post-closure follow-up stays for the statistics; its note goes.
        update(PostClosureFollowUp).where(PostClosureFollowUp.case_id == case_id).values(
            note=None, version_id=PostClosureFollowUp.version_id + 1),
        # Who opened the case outside their assignment, when and for which coded reason stays.
        update(CaseAccess).where(CaseAccess.case_id == case_id).values(note=None),
        # Who asked for a decision, when, and the gate's coded checks stay.
        update(DecisionRequest).where(DecisionRequest.case_id == case_id).values(note=None),
        # NOT NULL column: the reason becomes empty; who moved the case, and when, stays.
        update(LeadChange).where(LeadChange.case_id == case_id).values(reason=""),
        update(Appointment).where(Appointment.case_id == case_id).values(
            video_link=None, cancel_reason=None, intake_label=None, version_id=Appointment.version_id + 1),
        # Referrals keep destination, status, dates and what was shared (by category), not the free text.
        update(Referral).where(Referral.case_id == case_id).values(
            organisation_name="", reason="", version_id=Referral.version_id + 1),
        update(SafeguardingException).where(SafeguardingException.case_id == case_id).values(
            reason="", decision_reason=None, version_id=SafeguardingException.version_id + 1),
        delete(SessionRevision).where(SessionRevision.session_id.in_(session_ids)),
        delete(FollowUpAction).where(FollowUpAction.case_id == case_id),
        delete(NoteVersion).where(NoteVersion.note_id.in_(select(Note.id).where(Note.case_id == case_id))),
        delete(Note).where(Note.case_id == case_id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    if appointments:
        prefixes = [OutboxMessage.dedupe_key.startswith(f"party:{public_id}:", autoescape=True)
                    for _id, public_id in appointments]
        session.execute(delete(OutboxMessage).where(or_(*prefixes)).execution_options(synchronize_session=False))
    # Rows loaded before the bulk statements must not be flushed back over them.
    session.expire_all()


def anonymise_person_if_unused(session: Session, person_id: int, *, now: datetime) -> bool:
    """Empty a person's identity once every case they take part in is anonymised; False while one is not."""
    in_live_case = exists().where(Participant.person_id == person_id, Participant.case_id == Case.id,
                                  Case.anonymised_at.is_(None))
    if session.scalar(select(in_live_case)):
        return False
    person = session.get(Person, person_id, with_for_update=True)
    if person is None or person.anonymised_at is not None:
        return False
    # NOT NULL and encrypted: an empty name (pages show "anonymised" instead, see anonymised_at).
    person.full_name = ""
    for attribute in PERSON_IDENTITY:
        setattr(person, attribute, None)
    person.anonymised_at = now
    # The keyed words of the name go with it: the case search no longer finds the person (docs/security.md, S37).
    session.execute(delete(PersonNameToken).where(PersonNameToken.person_id == person_id)
                    .execution_options(synchronize_session=False))
    session.execute(update(DataSubjectRequest).where(DataSubjectRequest.person_id == person_id)
                    .values(request_note=None, answer_note=None,
                            version_id=DataSubjectRequest.version_id + 1)
                    .execution_options(synchronize_session=False))
    session.flush()
    return True


@dataclass(frozen=True)
class PurgeCounts:
    outbox_messages: int = 0
    intake_labels: int = 0
    reset_tokens: int = 0
    login_failures: int = 0
    group_participants: int = 0


def purge_expired_records(session: Session, policy: RetentionPolicy, *, now: datetime,
                          dry_run: bool = False) -> PurgeCounts:
    """Delete (or, with dry_run, only count) the records of the other classes past their period."""
    targets = {
        "outbox_messages": (OutboxMessage, "outbox_message", OutboxMessage.status.in_((SENT, FAILED))
                            & (OutboxMessage.created_at < policy.outbox_before(now))),
        "intake_labels": (Appointment, "appointment", Appointment.case_id.is_(None)
                          & Appointment.intake_label.is_not(None)
                          & (Appointment.start_utc < policy.intake_before(now))),
        "reset_tokens": (PasswordResetToken, "password_reset_token",
                         (PasswordResetToken.created_at < policy.reset_token_before(now))
                         & or_(PasswordResetToken.used_at.is_not(None), PasswordResetToken.expires_at < now)),
        "login_failures": (LoginFailure, "login_failure", LoginFailure.at < policy.login_failure_before(now)),
    }
    counts: dict[str, int] = {"group_participants": _purge_group_participants(session, policy, now=now,
                                                                              dry_run=dry_run)}
    for name, (model, entity, condition) in targets.items():
        count = session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        counts[name] = count
        if dry_run or not count:
            continue
        statement: Update | Delete
        if model is Appointment:  # the meeting stays (statistics count it); only its label goes
            statement = update(Appointment).where(condition).values(
                intake_label=None, version_id=Appointment.version_id + 1)
        else:
            statement = delete(model).where(condition)
        session.execute(statement.execution_options(synchronize_session=False))
        # A count, never an id list: what was removed is the point, not who.
        record(session, AuditAction.PURGED, entity=entity, entity_id=count, actor_role=ACTOR_ROLE)
    session.flush()
    return PurgeCounts(**counts)


def _purge_group_participants(session: Session, policy: RetentionPolicy, *, now: datetime, dry_run: bool) -> int:
    """Delete the participants known only from positive-parenting groups once every group they were
    enrolled in finished (or was cancelled) more than RETENTION_GROUP_PARTICIPANT_MONTHS ago, or, never
    enrolled, were recorded that long ago (docs/domain.md, DOM127). Their enrolments stay without them: sex
    and age band were copied there, so the group's counts do not change. A participant known from a case
    keeps their row (it holds no identity: the case's retention decides about the person)."""
    cutoff = policy.group_participant_before(now.date())
    # A group cancelled before it started ends on its cancellation (DOM136).
    ended = func.coalesce(ParentingGroup.finished_on, ParentingGroup.cancelled_on)
    still_needed = exists().where(
        Enrolment.participant_id == GroupParticipant.id, Enrolment.group_id == ParentingGroup.id,
        or_(ended.is_(None), ended >= cutoff))
    condition = (GroupParticipant.person_id.is_(None) & ~still_needed
                 & (GroupParticipant.created_at < datetime.combine(cutoff, datetime.min.time(), tzinfo=now.tzinfo)))
    ids = list(session.scalars(select(GroupParticipant.id).where(condition)))
    if dry_run or not ids:
        return len(ids)
    session.execute(update(Enrolment).where(Enrolment.participant_id.in_(ids))
                    .values(participant_id=None, version_id=Enrolment.version_id + 1)
                    .execution_options(synchronize_session=False))
    # Their requests stay in the register, naming nobody, without the notes about them (DOM137).
    session.execute(update(DataSubjectRequest).where(DataSubjectRequest.group_participant_id.in_(ids))
                    .values(group_participant_id=None, request_note=None, answer_note=None,
                            version_id=DataSubjectRequest.version_id + 1)
                    .execution_options(synchronize_session=False))
    session.execute(delete(GroupParticipant).where(GroupParticipant.id.in_(ids))
                    .execution_options(synchronize_session=False))
    record(session, AuditAction.PURGED, entity="group_participant", entity_id=len(ids), actor_role=ACTOR_ROLE)
    return len(ids)
