"""The session log: logging, correcting and voiding a session held on a case (docs/domain.md, DOM34-DOM37).

Rules live here; routes only translate HTTP. Every function flushes and never
commits; the route commits once. Times are entered in the service's time zone
(flask_babel's, Africa/Casablanca) and stored as aware UTC instants.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from mediation.accounts.models import Association, StaffUser
from mediation.appointments.codes import SessionMode
from mediation.cases.codes import ConsentScope, ConsentStatus, NoteVisibility, SessionType, age_in_years
from mediation.cases.models import Case, Participant
from mediation.cases.policies import is_supervisor_of
from mediation.cases.queries import active_participants, current_consents, has_consent
from mediation.cases.services import gate
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Profession
from mediation.core.clock import to_utc
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text
from mediation.counselling.models import (
    CounsellingSession,
    FollowUpAction,
    SessionAttendee,
    SessionRevision,
    SessionStaff,
)
from mediation.counselling.policies import can_correct_session, can_log_session, can_void_session
from mediation.counselling.queries import revisions_of
from mediation.counselling.rules import (
    DEFAULT_VISIBILITY,
    DURATION_MAX,
    DURATION_MIN,
    FOLLOW_UPS_MAX,
    MEDIATION_TYPES,
    TEXT_MAX,
    TYPES_BY_PROFESSION,
    VOID_REASON_MAX,
    allowed_visibilities,
)


class SessionPermissionDenied(DomainError):
    message = _l("You may not change this session.")


# The refusal when someone saved first (docs/security.md, S31): StaleRecord, 409.
STALE_SESSION = _l(
    "Someone else saved this session while you were editing it. Nothing was overwritten: "
    "compare your entry with the current one, then save again.")


class SessionVoided(DomainError):
    message = _l("This session has been voided: it can no longer be changed.")


@dataclass(frozen=True)
class FollowUpData:
    description: str | None
    due_on: date | None
    assigned_to_id: uuid.UUID | None  # staff public id


@dataclass(frozen=True)
class SessionData:
    type: SessionType | str | None
    mode: SessionMode | str | None
    day: date | None
    start: time | None  # local time in the service's zone
    duration_min: int | None
    staff_ids: tuple[uuid.UUID, ...] = ()  # staff public ids
    attendee_ids: tuple[uuid.UUID, ...] = ()  # participant public ids
    interpreter_used: bool = False
    parties_kept_apart: bool = False
    summary: str | None = None
    next_steps: str | None = None
    visibility: NoteVisibility | str | None = None
    follow_ups: tuple[FollowUpData, ...] = field(default_factory=tuple)


# Helpers (the reads are in mediation/counselling/queries.py)


def staff_of(case: Case) -> list[StaffUser]:
    """The staff assigned to the case, who may have held its sessions."""
    return [assignment.user for assignment in sorted(case.assignments, key=lambda a: a.id)]


def revision_values(revision: SessionRevision) -> dict:
    return json.loads(revision.previous)


def local_start(day: date, start: time) -> datetime:
    return to_utc(day, start, field="start")


# Checks


def _holders(case: Case, data: SessionData, actor: StaffUser) -> list[StaffUser]:
    by_public = {user.public_id: user for user in staff_of(case)}
    wanted = list(dict.fromkeys(data.staff_ids))
    if not wanted and actor.public_id in by_public:
        wanted = [actor.public_id]
    if not wanted:
        raise ValidationFailed(_l("Choose the staff who held the session."), field="staff_ids")
    if any(public_id not in by_public for public_id in wanted):
        raise ValidationFailed(_l("Choose staff assigned to this case."), field="staff_ids")
    holders = [by_public[public_id] for public_id in wanted]
    if not is_supervisor_of(actor, case) and actor.id not in {user.id for user in holders}:
        raise ValidationFailed(_l("You can log only the sessions you held."), field="staff_ids")
    return holders


def _attendees(session: Session, case: Case, data: SessionData) -> list[Participant]:
    by_public = {participant.public_id: participant for participant in active_participants(session, case)}
    wanted = list(dict.fromkeys(data.attendee_ids))
    if any(public_id not in by_public for public_id in wanted):
        raise ValidationFailed(_l("Choose people of this case."), field="attendee_ids")
    if not wanted:
        raise ValidationFailed(_l("Tick who was present."), field="attendee_ids")
    return [by_public[public_id] for public_id in wanted]


def _child_age(child: Participant, on: date) -> int | None:
    """Age in whole years from the stored birth date; a year alone counts from 1 July (codes.age_in_years)."""
    born = child.person.birth_date
    if not born:
        return None
    try:
        birth = date.fromisoformat(born) if len(born) == 10 else int(born)
    except ValueError:
        return None
    return age_in_years(birth, on)


def _check_child_consultation(session: Session, children: list[Participant], day: date) -> None:
    """One child, old enough (a setting, 10 by default: docs/domain.md, DOM35), whose hearing was consented to."""
    if len(children) != 1:
        raise ValidationFailed(_l("A child consultation is held with one child."), field="attendee_ids")
    minimum = current_app.config.get("CHILD_CONSULTATION_MIN_AGE", 10)
    age = _child_age(children[0], day)
    if age is None or age < minimum:
        raise ValidationFailed(_l("A child is heard from the age of %(age)d, with a known birth date.",
                                  age=int(minimum)), field="attendee_ids")
    if not has_consent(session, children[0], ConsentScope.CHILD_CONSULTATION):
        raise ValidationFailed(_l("Hearing the child needs the consent recorded for the child consultation."),
                               field="attendee_ids")


def _check_type_rules(session: Session, case: Case, kind: SessionType, holders: list[StaffUser],
                      attendees: list[Participant], kept_apart: bool, day: date) -> None:
    professions = {user.profession for user in holders if user.profession is not None}
    if not any(kind in TYPES_BY_PROFESSION.get(Profession(p), frozenset()) for p in professions):
        raise ValidationFailed(_l("None of the staff who held it may hold this type of session."), field="type")
    parties = [p for p in attendees if p.is_party and not p.is_child]
    children = [p for p in attendees if p.is_child]
    if kind is SessionType.INDIVIDUAL and len(parties) != 1:
        raise ValidationFailed(_l("An individual meeting is held with exactly one party."), field="attendee_ids")
    if kind in MEDIATION_TYPES:
        if len(parties) < 2:
            raise ValidationFailed(_l("A mediation session needs at least two parties present."),
                                   field="attendee_ids")
        if kind is SessionType.SHUTTLE_MEDIATION and not kept_apart:
            raise ValidationFailed(_l("In shuttle mediation the parties are kept apart: confirm it."),
                                   field="parties_kept_apart")
        problems = gate.mediation_gate(session, case, [p.id for p in attendees], kind)
        if problems:
            messages = list(dict.fromkeys(str(problem.message) for problem in problems))
            raise DomainError(" ".join(messages))
    if kind is SessionType.CHILD_CONSULTATION:
        _check_child_consultation(session, children, day)
    if kind is SessionType.COUNSELLING_PSYCHOLOGICAL:
        if Profession.PSYCHOLOGIST not in professions:
            raise ValidationFailed(_l("A psychologist must hold a psychological session."), field="staff_ids")
        association = session.get(Association, case.association_id)
        if association is None or not (association.cndp_authorisation_no or "").strip():
            raise DomainError(_l("The association's CNDP authorisation for health data is not recorded: "
                                 "psychological sessions cannot be logged yet."))
        consents = current_consents(session, [p.id for p in attendees])
        for participant in attendees:
            consent = consents.get((participant.id, ConsentScope.SENSITIVE_DATA))
            if consent is None or consent.status is not ConsentStatus.GIVEN:
                raise ValidationFailed(_l("Everyone present must have consented to psychological data "
                                          "being kept."), field="attendee_ids")


@dataclass(frozen=True)
class _Checked:
    type: SessionType
    mode: SessionMode
    started_at: datetime
    duration_min: int
    holders: list[StaffUser]
    attendees: list[Participant]
    interpreter_used: bool
    parties_kept_apart: bool
    summary: str | None
    next_steps: str | None
    visibility: NoteVisibility


def _check(session: Session, case: Case, data: SessionData, actor: StaffUser) -> _Checked:
    kind = parse_code(SessionType, data.type, _l("Choose the type of session."), "type")
    mode = parse_code(SessionMode, data.mode, _l("Choose how the session was held."), "mode")
    if data.day is None:
        raise ValidationFailed(_l("Enter the date."), field="day")
    if data.start is None:
        raise ValidationFailed(_l("Enter the start time."), field="start")
    # The day is checked before its local time becomes an instant: a year such as 1 or 9999 would overflow.
    if data.day > clock.today():
        raise ValidationFailed(_l("A session that was held cannot start in the future."), field="day")
    if data.day < case.first_contact_on:
        raise ValidationFailed(_l("The date cannot be before the first contact."), field="day")
    started_at = local_start(data.day, data.start)
    if started_at > clock.now():
        raise ValidationFailed(_l("A session that was held cannot start in the future."), field="day")
    duration = data.duration_min
    if not isinstance(duration, int) or not DURATION_MIN <= duration <= DURATION_MAX:
        raise ValidationFailed(_l("Enter a duration from 1 to 480 minutes."), field="duration_min")
    holders = _holders(case, data, actor)
    attendees = _attendees(session, case, data)
    kept_apart = bool(data.parties_kept_apart)
    summary = bounded_text(data.summary, "summary", TEXT_MAX)
    next_steps = bounded_text(data.next_steps, "next_steps", TEXT_MAX)
    allowed = allowed_visibilities(kind)
    if len(allowed) == 1:
        visibility = allowed[0]  # whatever was sent: the type allows one visibility only
    elif data.visibility in (None, ""):
        visibility = DEFAULT_VISIBILITY.get(kind, NoteVisibility.STAFF_ONLY)
    else:
        visibility = parse_code(NoteVisibility, data.visibility, _l("Choose who may see this note."), "visibility")
    _check_type_rules(session, case, kind, holders, attendees, kept_apart, data.day)
    return _Checked(kind, mode, started_at, duration, holders, attendees, bool(data.interpreter_used),
                    kept_apart, summary, next_steps, visibility)


def _follow_ups(case: Case, data: SessionData, day: date) -> list[tuple[str, date, StaffUser]]:
    by_public: dict[uuid.UUID | None, StaffUser] = {user.public_id: user for user in staff_of(case)}
    wanted = [item for item in data.follow_ups
              if (item.description or "").strip() or item.due_on is not None or item.assigned_to_id is not None]
    if len(wanted) > FOLLOW_UPS_MAX:
        raise ValidationFailed(_l("Add at most %(max)d follow-up actions.", max=FOLLOW_UPS_MAX),
                               field="follow_ups")
    actions = []
    for item in wanted:
        description = (item.description or "").strip()
        if not description or len(description) > VOID_REASON_MAX:
            raise ValidationFailed(_l("Describe each follow-up action (at most %(max)d characters).",
                                      max=VOID_REASON_MAX), field="follow_ups")
        if item.due_on is None or item.due_on < day:
            raise ValidationFailed(_l("Give each follow-up action a due date on or after the session."),
                                   field="follow_ups")
        user = by_public.get(item.assigned_to_id)
        if user is None:
            raise ValidationFailed(_l("Give each follow-up action to a staff member of this case."),
                                   field="follow_ups")
        actions.append((description, item.due_on, user))
    return actions


def _apply(counselling_session: CounsellingSession, checked: _Checked) -> None:
    counselling_session.type = checked.type
    counselling_session.mode = checked.mode
    counselling_session.started_at = checked.started_at
    counselling_session.duration_min = checked.duration_min
    counselling_session.interpreter_used = checked.interpreter_used
    counselling_session.parties_kept_apart = checked.parties_kept_apart
    counselling_session.summary = checked.summary
    counselling_session.next_steps = checked.next_steps
    counselling_session.visibility = checked.visibility
    # Keep the rows that stay (composite keys), drop and add the rest.
    staff_ids = [user.id for user in checked.holders]
    counselling_session.staff[:] = ([row for row in counselling_session.staff if row.user_id in staff_ids]
                                    + [SessionStaff(user_id=uid) for uid in staff_ids
                                       if uid not in {row.user_id for row in counselling_session.staff}])
    attendee_ids = [participant.id for participant in checked.attendees]
    current = {row.participant_id for row in counselling_session.attendees}
    counselling_session.attendees[:] = (
        [row for row in counselling_session.attendees if row.participant_id in attendee_ids]
        + [SessionAttendee(participant_id=pid) for pid in attendee_ids if pid not in current])


# Changes


def log_session(session: Session, case: Case, data: SessionData, *, actor: StaffUser,
                appointment=None) -> CounsellingSession:
    """Record a session held on an open case, with its follow-up actions; `appointment` is the one it was held for."""
    if not can_log_session(actor, case):
        raise SessionPermissionDenied()
    if appointment is not None and appointment.case_id != case.id:
        raise ValidationFailed(_l("This appointment belongs to another case."))
    checked = _check(session, case, data, actor)
    assert data.day is not None  # _check() refuses a session without its day
    actions = _follow_ups(case, data, data.day)
    counselling_session = CounsellingSession(case_id=case.id, author_id=actor.id,
                                             appointment_id=appointment.id if appointment is not None else None)
    _apply(counselling_session, checked)
    session.add(counselling_session)
    session.flush()
    for description, due_on, user in actions:
        session.add(FollowUpAction(case_id=case.id, session_id=counselling_session.id, description=description,
                                   due_on=due_on, assigned_to_id=user.id))
    session.flush()
    record(session, AuditAction.CREATE, entity="session", entity_id=counselling_session.public_id,
           association_id=case.association_id)
    return counselling_session


def snapshot(counselling_session: CounsellingSession) -> dict:
    """The values a correction may change, as kept in a revision."""
    return {
        "type": counselling_session.type.value,
        "mode": counselling_session.mode.value,
        "started_at": counselling_session.started_at.isoformat(),
        "duration_min": counselling_session.duration_min,
        "staff_ids": sorted(row.user_id for row in counselling_session.staff),
        "attendee_ids": sorted(row.participant_id for row in counselling_session.attendees),
        "interpreter_used": counselling_session.interpreter_used,
        "parties_kept_apart": counselling_session.parties_kept_apart,
        "summary": counselling_session.summary,
        "next_steps": counselling_session.next_steps,
        "visibility": counselling_session.visibility.value,
    }


def correct_session(session: Session, case: Case, counselling_session: CounsellingSession, data: SessionData, *,
                    expected_version: int, actor: StaffUser) -> CounsellingSession:
    """Correct a session under the same rules as logging; the replaced values are kept in a revision."""
    if counselling_session.case_id != case.id:
        raise DomainError()
    if counselling_session.is_void:
        raise SessionVoided()
    if not can_correct_session(actor, case, counselling_session):
        raise SessionPermissionDenied()
    if expected_version != counselling_session.version_id:
        raise StaleRecord(STALE_SESSION)
    checked = _check(session, case, data, actor)
    before = snapshot(counselling_session)
    _apply(counselling_session, checked)
    if snapshot(counselling_session) == before:
        return counselling_session
    number = len(revisions_of(session, counselling_session)) + 1
    session.add(SessionRevision(session_id=counselling_session.id, number=number,
                                previous=json.dumps(before, ensure_ascii=False), changed_by_id=actor.id))
    flag_modified(counselling_session, "mode")  # bumps version_id even when only staff/attendees changed
    flush_versioned(session, STALE_SESSION)
    record(session, AuditAction.UPDATE, entity="session", entity_id=counselling_session.public_id,
           association_id=case.association_id)
    return counselling_session


def void_session(session: Session, case: Case, counselling_session: CounsellingSession, reason: str | None, *,
                 actor: StaffUser) -> CounsellingSession:
    """Void a wrongly entered session with a reason: it stays on file and stops counting."""
    if counselling_session.case_id != case.id:
        raise DomainError()
    if counselling_session.is_void:
        raise SessionVoided()
    if not can_void_session(actor, case, counselling_session):
        raise SessionPermissionDenied()
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(_l("Say why the session is voided."), field="reason")
    if len(text) > VOID_REASON_MAX:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=VOID_REASON_MAX), field="reason")
    counselling_session.voided_at = clock.now()
    counselling_session.voided_by_id = actor.id
    counselling_session.void_reason = text
    flush_versioned(session, STALE_SESSION)
    record(session, AuditAction.UPDATE, entity="session", entity_id=counselling_session.public_id,
           association_id=case.association_id)
    return counselling_session
