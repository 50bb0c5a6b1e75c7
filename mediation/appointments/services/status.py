"""Appointment statuses: confirm, cancel, held, missed; the cancellations a closed case causes; retiming
after a change of the zone rules. One transaction each; the rules of booking are in booking.py."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.appointments.codes import OPEN, AppointmentStatus
from mediation.appointments.models import Appointment
from mediation.appointments.rules import CANCEL_REASON_MAX
from mediation.appointments.services.booking import (
    STALE_APPOINTMENT,
    audit_appointment,
    require_open,
)
from mediation.cases.models import Case
from mediation.core import clock
from mediation.core.audit import AuditAction
from mediation.core.clock import to_utc
from mediation.core.errors import ValidationFailed
from mediation.core.events import case_closed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text


def _set_status(session: Session, appointment: Appointment, status: AppointmentStatus, actor: StaffUser,
                now: datetime) -> None:
    appointment.status = status
    appointment.status_changed_at = now
    appointment.status_changed_by_id = actor.id
    flush_versioned(session, STALE_APPOINTMENT)
    audit_appointment(session, AuditAction.STATUS_CHANGE, appointment)


def confirm(session: Session, appointment: Appointment, *, actor: StaffUser, version: int | None = None,
            now: datetime | None = None) -> None:
    require_open(appointment, actor, version)
    if appointment.status is AppointmentStatus.CONFIRMED:
        return
    _set_status(session, appointment, AppointmentStatus.CONFIRMED, actor, now or clock.now())


def cancel(session: Session, appointment: Appointment, *, by_party: bool, reason: str | None,
           participant_id: uuid.UUID | None = None, actor: StaffUser, version: int | None = None,
           now: datetime | None = None) -> None:
    """Cancel with a reason; a party's cancellation names the party when known (counted per party)."""
    require_open(appointment, actor, version)
    text = bounded_text(reason, "reason", CANCEL_REASON_MAX)
    if text is None:
        raise ValidationFailed(_l("Give the reason for the cancellation."), field="reason")
    appointment.cancel_reason = text
    appointment.cancelled_by_participant_id = None
    if by_party and participant_id is not None:
        invited = {row.participant.public_id: row.participant_id for row in appointment.parties}
        if participant_id not in invited:
            raise ValidationFailed(_l("Choose one of the invited people."), field="participant_id")
        appointment.cancelled_by_participant_id = invited[participant_id]
    status = AppointmentStatus.CANCELLED_BY_PARTY if by_party else AppointmentStatus.CANCELLED_BY_SERVICE
    _set_status(session, appointment, status, actor, now or clock.now())


def _require_started(appointment: Appointment, now: datetime) -> None:
    if appointment.start_utc > now:
        raise ValidationFailed(_l("This appointment has not started yet."), field="status")


def mark_held(session: Session, appointment: Appointment, *, actor: StaffUser, version: int | None = None,
              now: datetime | None = None) -> None:
    """It took place; the route then opens the session log prefilled from it."""
    now = now or clock.now()
    require_open(appointment, actor, version)
    _require_started(appointment, now)
    _set_status(session, appointment, AppointmentStatus.HELD, actor, now)


def mark_missed(session: Session, appointment: Appointment, *, actor: StaffUser, version: int | None = None,
                now: datetime | None = None) -> None:
    """Nobody came (a no-show): counted per case and per invited party."""
    now = now or clock.now()
    require_open(appointment, actor, version)
    _require_started(appointment, now)
    _set_status(session, appointment, AppointmentStatus.MISSED, actor, now)


def cancel_future_for_case(session: Session, case: Case, *, actor: StaffUser, now: datetime | None = None) -> int:
    """Closing a case cancels its future appointments (docs/domain.md, DOM56); returns how many."""
    now = now or clock.now()
    future = list(session.scalars(select(Appointment).where(
        Appointment.case_id == case.id, Appointment.status.in_(OPEN), Appointment.start_utc > now)))
    for appointment in future:
        appointment.cancel_reason = None
        appointment.status = AppointmentStatus.CANCELLED_BY_SERVICE
        appointment.status_changed_at = now
        appointment.status_changed_by_id = actor.id
    session.flush()
    for appointment in future:
        audit_appointment(session, AuditAction.STATUS_CHANGE, appointment)
    return len(future)


def _on_case_closed(case: Case, *, session: Session, actor: StaffUser, **_) -> None:
    cancel_future_for_case(session, case, actor=actor)


case_closed.connect(_on_case_closed, weak=False)


def retime_future(session: Session, *, now: datetime | None = None) -> int:
    """Recompute start_utc/end_utc of future appointments from their local time (after a tzdata update)."""
    now = now or clock.now()
    changed = 0
    for appointment in session.scalars(select(Appointment).where(Appointment.status.in_(OPEN),
                                                                 Appointment.end_utc > now)):
        day, wall = date.fromisoformat(appointment.start_local[:10]), time.fromisoformat(appointment.start_local[11:])
        try:
            start = to_utc(day, wall)
        except ValidationFailed:
            # The local time no longer exists under the new rules: keep the instant, a person must decide.
            continue
        if start != appointment.start_utc:
            shift = start - appointment.start_utc
            appointment.start_utc, appointment.end_utc = start, start + timedelta(minutes=appointment.duration_min)
            # Each party's own times keep their place in the appointment (docs/domain.md, DOM68).
            for row in appointment.parties:
                if row.arrives_at is not None and row.leaves_at is not None:
                    row.arrives_at, row.leaves_at = row.arrives_at + shift, row.leaves_at + shift
            changed += 1
    session.flush()
    return changed
