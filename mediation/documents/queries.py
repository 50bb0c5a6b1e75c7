"""Reads for the produced documents: the record, and what each kind is produced from (docs/domain.md,
DOM150-DOM155). Each read fetches only the fields a document may show: never a screening, a note, a
supervisor's rationale nor a person's address."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.agreements.models import AgreementVersion
from mediation.agreements.queries import latest_concluded
from mediation.appointments.codes import OPEN, AppointmentStatus
from mediation.appointments.models import Appointment, AppointmentParty
from mediation.cases.models import Case, Closure, Participant
from mediation.cases.models.case import AssignmentRole, CaseAssignment
from mediation.core import clock
from mediation.counselling.models import CounsellingSession
from mediation.documents.models import GeneratedDocument


def documents_of(session: Session, case: Case) -> list[GeneratedDocument]:
    return list(session.scalars(select(GeneratedDocument).where(GeneratedDocument.case_id == case.id)
                                .order_by(GeneratedDocument.number.desc())))


def document_of(session: Session, case: Case, public_id: uuid.UUID) -> GeneratedDocument | None:
    """A document of this case: another case's, reached through this case's address, is None (a 404)."""
    return session.scalar(select(GeneratedDocument).where(GeneratedDocument.case_id == case.id,
                                                          GeneratedDocument.public_id == public_id))


def next_number(session: Session, case: Case) -> int:
    return (session.scalar(select(func.max(GeneratedDocument.number))
                           .where(GeneratedDocument.case_id == case.id)) or 0) + 1


def parties_of(session: Session, case: Case) -> list[Participant]:
    """The adult parties still taking part: the only people a document is addressed to."""
    return list(session.scalars(select(Participant).where(
        Participant.case_id == case.id, Participant.is_party.is_(True), Participant.active.is_(True))
        .order_by(Participant.is_requesting_party.desc(), Participant.id)))


def party_of(session: Session, case: Case, public_id: uuid.UUID) -> Participant | None:
    return next((party for party in parties_of(session, case) if party.public_id == public_id), None)


def invitations_of(session: Session, case: Case, participant: Participant) -> list[Appointment]:
    """The coming appointments of the case this party is invited to: what a convocation may name."""
    return list(session.scalars(
        select(Appointment).join(AppointmentParty, AppointmentParty.appointment_id == Appointment.id)
        .where(Appointment.case_id == case.id, AppointmentParty.participant_id == participant.id,
               Appointment.status.in_(OPEN), Appointment.start_utc >= clock.now())
        .order_by(Appointment.start_utc)))


def arrival_of(appointment: Appointment, participant: Participant) -> datetime:
    """When this party is expected: their own arrival when the sessions are staggered (DOM68)."""
    for invited in appointment.parties:
        if invited.participant_id == participant.id and invited.arrives_at is not None:
            return invited.arrives_at
    return appointment.start_utc


@dataclass(frozen=True)
class Attendance:
    on: date
    attended: bool


def attendance_of(session: Session, case: Case, participant: Participant) -> list[Attendance]:
    """The sessions this party was expected at or attended, by date (DOM154): a held session they are
    recorded at is attended; an appointment they were invited to and that was missed, or held without them,
    is not. Nothing else about a session is read."""
    held: dict[int | None, set[int]] = {}
    days: dict[date, bool] = {}
    for counselling in session.scalars(select(CounsellingSession).where(
            CounsellingSession.case_id == case.id, CounsellingSession.voided_at.is_(None))):
        present = {attendee.participant_id for attendee in counselling.attendees}
        held.setdefault(counselling.appointment_id, set()).update(present)
        if participant.id in present:
            days[clock.local_date(counselling.started_at)] = True
    invited = session.scalars(
        select(Appointment).join(AppointmentParty, AppointmentParty.appointment_id == Appointment.id)
        .where(Appointment.case_id == case.id, AppointmentParty.participant_id == participant.id,
               Appointment.status.in_((AppointmentStatus.HELD, AppointmentStatus.MISSED))))
    for appointment in invited:
        day = clock.local_date(appointment.start_utc)
        attended = (appointment.status is AppointmentStatus.HELD
                    and participant.id in held.get(appointment.id, {participant.id}))
        days[day] = days.get(day, False) or attended
    return [Attendance(day, attended) for day, attended in sorted(days.items())]


def closure_of(session: Session, case: Case) -> Closure | None:
    """The closure in force: the newest one not undone by a reopening."""
    if case.is_open:
        return None
    return session.scalar(select(Closure).where(Closure.case_id == case.id, Closure.reopened_at.is_(None))
                          .order_by(Closure.created_at.desc()).limit(1))


def concluded_agreement(session: Session, case: Case) -> AgreementVersion | None:
    return latest_concluded(session, case.id)


def agreement_version(session: Session, version_id: int) -> AgreementVersion | None:
    return session.get(AgreementVersion, version_id)


def association_of(session: Session, case: Case) -> Association:
    return session.get_one(Association, case.association_id)


def service_point_of(session: Session, case: Case) -> ServicePoint:
    return session.get_one(ServicePoint, case.service_point_id)


def mediators_of(session: Session, case: Case) -> list[StaffUser]:
    """The case's lead first, then its co-workers: the signature blocks of the agreement."""
    return list(session.scalars(select(StaffUser).join(CaseAssignment, CaseAssignment.user_id == StaffUser.id)
                                .where(CaseAssignment.case_id == case.id)
                                .order_by((CaseAssignment.role == AssignmentRole.LEAD).desc(), StaffUser.id)))
