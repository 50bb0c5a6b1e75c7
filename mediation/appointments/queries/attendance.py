"""No-shows and cancellations counted per case and per party, in grouped queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.models import Appointment, AppointmentParty
from mediation.cases.models import Case


@dataclass(frozen=True)
class AttendanceCounts:
    missed: int = 0
    cancelled_by_party: int = 0
    cancelled_by_service: int = 0


def case_counts(session: Session, case: Case) -> AttendanceCounts:
    rows = dict(session.execute(
        select(Appointment.status, func.count()).where(Appointment.case_id == case.id).group_by(Appointment.status)
    ).all())
    return AttendanceCounts(missed=rows.get(AppointmentStatus.MISSED, 0),
                            cancelled_by_party=rows.get(AppointmentStatus.CANCELLED_BY_PARTY, 0),
                            cancelled_by_service=rows.get(AppointmentStatus.CANCELLED_BY_SERVICE, 0))


def party_counts(session: Session, case: Case) -> dict[int, AttendanceCounts]:
    """Per participant: appointments missed while invited, and cancellations made by them."""
    missed = dict(session.execute(
        select(AppointmentParty.participant_id, func.count())
        .join(Appointment, Appointment.id == AppointmentParty.appointment_id)
        .where(Appointment.case_id == case.id, Appointment.status == AppointmentStatus.MISSED)
        .group_by(AppointmentParty.participant_id)
    ).all())
    cancelled = {pid: count for pid, count in session.execute(
        select(Appointment.cancelled_by_participant_id, func.count())
        .where(and_(Appointment.case_id == case.id, Appointment.status == AppointmentStatus.CANCELLED_BY_PARTY,
                    Appointment.cancelled_by_participant_id.is_not(None)))
        .group_by(Appointment.cancelled_by_participant_id)
    ) if pid is not None}  # the WHERE leaves out None
    return {pid: AttendanceCounts(missed=missed.get(pid, 0), cancelled_by_party=cancelled.get(pid, 0))
            for pid in set(missed) | set(cancelled)}
