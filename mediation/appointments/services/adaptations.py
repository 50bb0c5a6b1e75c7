"""What a supervisor's decision asks of a case's appointments (docs/domain.md, DOM44, DOM68, DOM69).

The case's latest decision (DOM27) may keep its parties apart at the door (DOM44), give each party
their own arrival and departure (staggered arrival, DOM68), or never bring them together in one
appointment (separate sessions, shuttle mediation: DOM69). The booking (booking.py) runs the checks
below before it writes; the booking form, the appointment page, the agenda and the feeds read the
proposed and recorded times from here. Nothing here writes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.appointments.codes import BUSY
from mediation.appointments.models import Appointment, AppointmentParty
from mediation.cases.codes import Adaptation, SessionType
from mediation.cases.models import Case, Participant
from mediation.cases.queries import latest_decision, parties_of
from mediation.core.clock import local_parts, to_utc
from mediation.core.errors import ValidationFailed

# Parties kept apart must not cross at the door (docs/domain.md, DOM44): by default 30 minutes,
# the setting APPOINTMENT_SEPARATION_MINUTES.
DEFAULT_SEPARATION_MIN = 30
KEPT_APART = frozenset({Adaptation.STAGGERED_ARRIVAL, Adaptation.SEPARATE_SESSIONS, Adaptation.SHUTTLE})


@dataclass(frozen=True)
class PartyTimes:
    """One invited party's own arrival and departure, local times of the appointment's day (DOM68).

    None asks for the proposed time (`proposed_times`)."""

    participant_id: uuid.UUID
    arrives: time | None = None
    leaves: time | None = None


# The decision's adaptations


def case_adaptations(session: Session, case: Case | None) -> frozenset[Adaptation]:
    """The adaptations of the case's latest supervisor decision (docs/domain.md, DOM27)."""
    decision = latest_decision(session, case) if case is not None else None
    if decision is None:
        return frozenset()
    known = {code.value: code for code in Adaptation}
    return frozenset(known[code] for code in decision.adaptation_codes if code in known)


def separation() -> timedelta:
    """The least time between two parties kept apart at the door (APPOINTMENT_SEPARATION_MINUTES)."""
    return timedelta(minutes=current_app.config.get("APPOINTMENT_SEPARATION_MINUTES", DEFAULT_SEPARATION_MIN))


# Staggered arrival: the proposed times, and the times recorded on an appointment


def proposed_times(start: datetime, end: datetime, count: int, gap: timedelta) -> list[tuple[datetime, datetime]]:
    """The times proposed to `count` staggered parties, in order (docs/domain.md, DOM68).

    The first arrives at the start, each next one `gap` later; they leave in reverse order, `gap`
    apart, the first to arrive leaving last, at the end.
    """
    return [(start + index * gap, end - index * gap) for index in range(count)]


def staggered_parties(session: Session, case: Case | None) -> list[Participant]:
    """The case's adult parties, each to be given their own times, when its decision staggers arrivals."""
    if Adaptation.STAGGERED_ARRIVAL not in case_adaptations(session, case) or case is None:
        return []
    return parties_of(session, case)


def slot_minutes(staggered: int, meeting_min: int) -> int:
    """The length of the free times proposed for a case (docs/domain.md, DOM68): a meeting of
    `meeting_min`, lengthened when `staggered` parties arrive one after the other, so that the last to
    arrive, who leaves first, still has it whole (each party one separation later in, one earlier out)."""
    if staggered < 2:
        return meeting_min
    return meeting_min + 2 * (staggered - 1) * int(separation().total_seconds() // 60)


def proposed_local_times(day: date, start: time, end: time, count: int) -> list[tuple[time, time]]:
    """The proposed local arrival and departure of `count` parties, or [] when they do not fit (DOM68)."""
    try:
        start_utc, end_utc = to_utc(day, start), to_utc(day, end)
    except (ValidationFailed, OverflowError):
        return []
    times = proposed_times(start_utc, end_utc, count, separation())
    if any(leaves <= arrives for arrives, leaves in times):
        return []
    return [(local_parts(arrives)[1], local_parts(leaves)[1]) for arrives, leaves in times]


def door_order(appointment: Appointment) -> list[AppointmentParty]:
    """The invited parties with their own times, by arrival: "Party 1" arrives first (DOM68)."""
    timed = [row for row in appointment.parties if row.arrives_at is not None and row.leaves_at is not None]
    return sorted(timed, key=lambda row: (row.arrives_at, row.participant_id))


def door_times(appointment: Appointment) -> list[tuple[datetime, datetime]]:
    """Each party's (arrival, departure) in the order of door_order: the times without the people."""
    pairs = [(row.arrives_at, row.leaves_at) for row in door_order(appointment)]
    return [(arrives, leaves) for arrives, leaves in pairs if arrives is not None and leaves is not None]


# Checks of a booking


def _adult_parties(participants: list[Participant]) -> list[Participant]:
    """The invited people an adaptation keeps apart: adult parties (a child comes with a parent)."""
    return [participant for participant in participants if participant.is_party and not participant.is_child]


def check_together(adaptations: frozenset[Adaptation], kind: SessionType, participants: list[Participant]) -> None:
    """No joint meeting when the decision sets separate sessions or shuttle mediation (docs/domain.md, DOM69)."""
    together = kind is SessionType.JOINT_MEDIATION or len(_adult_parties(participants)) > 1
    if not together:
        return
    if Adaptation.SEPARATE_SESSIONS in adaptations:
        raise ValidationFailed(_l("The supervisor's decision allows separate sessions only: invite one party per "
                                  "appointment, never a joint meeting."), field="participant_ids")
    if Adaptation.SHUTTLE in adaptations and kind is not SessionType.SHUTTLE_MEDIATION:
        raise ValidationFailed(_l("The supervisor's decision allows shuttle mediation only: the parties never meet "
                                  "together. Book a shuttle mediation, or one party at a time."),
                               field="participant_ids")


def _separation_refused(gap: timedelta, field: str) -> ValidationFailed:
    # gettext at call time: the number of minutes is a setting.
    return ValidationFailed(_("Leave at least %(minutes)s minutes between one party's arrival or departure and "
                              "another's: change the times, or make the appointment longer.",
                              minutes=format_decimal(int(gap.total_seconds() // 60))), field=field)


def checked_door_times(day: date, party_times: tuple[PartyTimes, ...], adaptations: frozenset[Adaptation],
                       participants: list[Participant], start: datetime, end: datetime
                       ) -> dict[int, tuple[datetime, datetime]]:
    """Each invited adult party's own arrival and departure under staggered arrival (docs/domain.md, DOM68).

    A time left blank takes the proposed one; every time lies within the appointment, each party
    arrives before leaving, and no party's arrival or departure comes within the separation of
    another party's.
    """
    if Adaptation.STAGGERED_ARRIVAL not in adaptations:
        return {}
    gap = separation()
    # In the order of the case's parties, as the form lists them: the requesting party first.
    parties = sorted(_adult_parties(participants), key=lambda party: (not party.is_requesting_party, party.id))
    given = {entry.participant_id: entry for entry in party_times}
    times: dict[int, tuple[datetime, datetime]] = {}
    for party, (arrives, leaves) in zip(parties, proposed_times(start, end, len(parties), gap), strict=True):
        entry = given.get(party.public_id)
        if entry is not None and entry.arrives is not None:
            arrives = to_utc(day, entry.arrives, field="party_times")
        if entry is not None and entry.leaves is not None:
            leaves = to_utc(day, entry.leaves, field="party_times")
        if not start <= arrives < leaves <= end:
            if entry is None or None in (entry.arrives, entry.leaves):
                raise _separation_refused(gap, "party_times")  # a proposed time does not fit this appointment
            raise ValidationFailed(_l("Each party arrives before leaving, within the times of the appointment: "
                                      "correct the times, or leave them blank to take the proposed ones."),
                                   field="party_times")
        times[party.id] = (arrives, leaves)
    rows = list(times.values())
    for index, (arrives, leaves) in enumerate(rows):
        for other_arrives, other_leaves in rows[index + 1:]:
            if any(abs(mine - theirs) < gap for mine in (arrives, leaves) for theirs in (other_arrives, other_leaves)):
                raise _separation_refused(gap, "party_times")
    return times


def check_kept_apart(session: Session, case: Case, participants: list[Participant], start: datetime, end: datetime,
                     adaptations: frozenset[Adaptation], exclude_id: int | None) -> None:
    """Parties kept apart by the supervisor's decision, booked in different appointments, never arrive or
    leave within the separation of each other (docs/domain.md, DOM44)."""
    if not KEPT_APART & adaptations:
        return
    gap = separation()
    mine = {p.id for p in participants}
    query = select(Appointment).where(
        Appointment.case_id == case.id, Appointment.status.in_(BUSY),
        Appointment.start_utc < end + gap,
        Appointment.end_utc > start - gap,
    )
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    for other in session.scalars(query):
        theirs = set(other.participant_ids)
        if theirs and mine and theirs != mine:
            close = any(abs(mine_at - theirs_at) < gap
                        for mine_at in (start, end)
                        for theirs_at in (other.start_utc, other.end_utc))
            if close or (other.start_utc < end and other.end_utc > start):
                raise ValidationFailed(_("These parties are kept apart: leave at least %(minutes)s minutes between "
                                         "their arrivals and departures.",
                                         minutes=format_decimal(int(gap.total_seconds() // 60))), field="start")
