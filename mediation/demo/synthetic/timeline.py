"""A synthetic case's timeline: its sessions (with who held and attended them, corrections and
follow-up actions) and its appointments (held ones linked to their session, missed or cancelled
ones, and the coming ones of open cases)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.cases.codes import ConsentScope, ConsentStatus, NoteVisibility, SessionType
from mediation.cases.models import ConsentGiver
from mediation.cases.rules import NOTICE_VERSION
from mediation.core.authz import Profession
from mediation.counselling.rules import DEFAULT_VISIBILITY, TYPES_BY_PROFESSION
from mediation.demo.synthetic import vocabulary as text
from mediation.demo.synthetic.context import SLOTS, Context, Diary
from mediation.demo.synthetic.draws import Weighted, stat_key

S = SessionType
WORK_TYPES = {
    "mediation": Weighted(((S.JOINT_MEDIATION, 45), (S.SHUTTLE_MEDIATION, 20), (S.FOLLOW_UP, 15),
                           (S.INDIVIDUAL, 10), (S.POSITIVE_PARENTING, 5), (S.CHILD_CONSULTATION, 5))),
    Profession.PSYCHOLOGIST: Weighted(((S.COUNSELLING_PSYCHOLOGICAL, 70), (S.POSITIVE_PARENTING, 15),
                                       (S.FOLLOW_UP, 10), (S.CHILD_CONSULTATION, 5))),
    Profession.SOCIAL_WORKER: Weighted(((S.COUNSELLING_SOCIAL, 70), (S.POSITIVE_PARENTING, 15),
                                        (S.FOLLOW_UP, 15))),
    Profession.LEGAL_COUNSELLOR: Weighted(((S.COUNSELLING_LEGAL, 80), (S.FOLLOW_UP, 20))),
}
MODES = Weighted(((SessionMode.IN_PERSON, 80), (SessionMode.PHONE, 12), (SessionMode.VIDEO, 8)))
DURATIONS = (30, 45, 60, 60)
HELD_APPOINTMENT_SHARE = 0.25  # of older sessions; every session of the last three weeks was booked
RECENT_DAYS = 21


@dataclass
class CaseFacts:
    """What the timeline needs to know about a case written by mediation/demo/synthetic/cases.py."""

    case_id: int
    association_id: int
    service_point_id: int
    rooms: list[int]
    lead_id: int
    lead_profession: Profession
    co_worker_id: int | None
    requesting_id: int
    other_id: int | None
    child_id: int | None  # a child old enough to be heard, if any
    interpreter: bool
    positive_screen: bool
    work_stage: bool  # reached mediation or counselling
    opened_on: date
    last_day: date  # closure day, or yesterday for an open case
    is_open: bool


def session_count(draws, facts: CaseFacts, long_case: bool) -> int:
    span = (facts.last_day - facts.opened_on).days
    if not facts.work_stage:
        return 1 + min(span // 10, 2)
    if long_case:
        return draws.between(30, 60)
    return max(3, min(25, 4 + span // 12 + draws.between(-1, 2)))


def _type_of(ctx: Context, facts: CaseFacts, number: int) -> SessionType:
    if number == 0 or not facts.work_stage:
        return S.INDIVIDUAL
    if number == 1 and facts.other_id is not None:
        return S.INDIVIDUAL
    track = "mediation" if facts.lead_profession is Profession.MEDIATOR else facts.lead_profession
    kind = WORK_TYPES[track].pick(ctx.draws)
    if kind in (S.JOINT_MEDIATION, S.SHUTTLE_MEDIATION) and facts.other_id is None:
        return S.INDIVIDUAL
    if kind is S.JOINT_MEDIATION and facts.positive_screen:
        return S.SHUTTLE_MEDIATION
    if kind is S.CHILD_CONSULTATION and facts.child_id is None:
        return S.FOLLOW_UP
    # The session log's rule (docs/domain.md, DOM9): the lead's profession may hold this type; follow-up is open to all.
    return kind if kind in TYPES_BY_PROFESSION[facts.lead_profession] else S.FOLLOW_UP


def _attendees(facts: CaseFacts, kind: SessionType, number: int) -> list[int]:
    if kind in (S.JOINT_MEDIATION, S.SHUTTLE_MEDIATION):
        return [facts.requesting_id, facts.other_id]
    if kind is S.CHILD_CONSULTATION:
        return [facts.child_id]
    if kind is S.INDIVIDUAL and facts.other_id is not None and number % 2 == 1:
        return [facts.other_id]
    return [facts.requesting_id]


def write_timeline(ctx: Context, diary: Diary, facts: CaseFacts, sessions: int) -> None:
    draws, writer = ctx.draws, ctx.writer
    span = max(0, (facts.last_day - facts.opened_on).days)
    targets = sorted(facts.opened_on + timedelta(days=draws.below(span + 1)) for _ in range(sessions - 1))
    consented_child = False
    for number, target in enumerate([facts.opened_on, *targets]):
        kind = _type_of(ctx, facts, number)
        holders = [facts.lead_id]
        if facts.co_worker_id is not None and draws.chance(0.3):
            holders.append(facts.co_worker_id)
        mode = MODES.pick(draws)
        booked = diary.book(draws, holders, facts.rooms if mode is SessionMode.IN_PERSON else [], target,
                            facts.last_day)
        if booked is None:
            continue
        day, slot, room = booked
        if mode is SessionMode.IN_PERSON and room is None:
            mode = SessionMode.PHONE
        attendees = _attendees(facts, kind, number)
        if kind is S.CHILD_CONSULTATION and not consented_child:
            consented_child = True
            writer.add("consent", consent_row(ctx, facts.child_id, ConsentScope.CHILD_CONSULTATION, day,
                                              facts.lead_id, ConsentGiver.LEGAL_REPRESENTATIVE))
        duration = draws.choice(DURATIONS)
        started = ctx.instant(day, slot)
        logged = ctx.clamp_now(started + timedelta(minutes=duration + 15))
        appointment_id = None
        if (facts.opened_on - day).days == 0 or (ctx.today - day).days <= RECENT_DAYS \
                or draws.chance(HELD_APPOINTMENT_SHARE):
            appointment_id = _appointment(ctx, facts, kind, mode, room, day, slot, duration, holders, attendees,
                                          AppointmentStatus.HELD, changed_at=logged)
        session_id = writer.new_id("counselling_session")
        voided = draws.chance(0.015)
        visibility = (NoteVisibility.STAFF_ONLY if kind is S.COUNSELLING_PSYCHOLOGICAL
                      else DEFAULT_VISIBILITY.get(kind, NoteVisibility.STAFF_ONLY))
        writer.add("counselling_session", {
            "id": session_id, "public_id": ctx.ids.uuid(), "case_id": facts.case_id, "type": kind, "mode": mode,
            "started_at": started, "duration_min": duration, "parties_kept_apart": kind is S.SHUTTLE_MEDIATION,
            "interpreter_used": facts.interpreter, "summary": draws.choice(text.SESSION_SUMMARIES),
            "next_steps": draws.choice(text.NEXT_STEPS) if draws.chance(0.4) else None, "visibility": visibility,
            "author_id": holders[0], "appointment_id": appointment_id, "created_at": logged,
            "voided_at": ctx.clamp_now(logged + timedelta(hours=2)) if voided else None,
            "voided_by_id": holders[0] if voided else None, "void_reason": text.VOID_REASON if voided else None,
            "stat_key": stat_key(ctx.seed, "session", session_id), "version_id": 1,
        })
        for user_id in holders:
            writer.add("session_staff", {"session_id": session_id, "user_id": user_id})
        for participant_id in attendees:
            writer.add("session_attendee", {"session_id": session_id, "participant_id": participant_id})
        if draws.chance(0.25):
            _follow_up(ctx, facts, session_id, day, logged)
    _other_appointments(ctx, diary, facts)


def _follow_up(ctx: Context, facts: CaseFacts, session_id: int, day: date, logged) -> None:
    draws = ctx.draws
    due_on = day + timedelta(days=draws.between(7, 21))
    done = due_on <= ctx.today and draws.chance(0.85) or (due_on > ctx.today and draws.chance(0.2))
    done_on = max(day, min(due_on, ctx.today) - timedelta(days=draws.between(0, 3))) if done else None
    ctx.writer.add("follow_up_action", {
        "id": ctx.writer.new_id("follow_up_action"), "public_id": ctx.ids.uuid(), "case_id": facts.case_id,
        "session_id": session_id, "description": draws.choice(text.FOLLOW_UPS), "due_on": due_on,
        "assigned_to_id": facts.lead_id, "created_at": logged, "done_on": done_on,
        "done_by_id": facts.lead_id if done else None,
    })


def _other_appointments(ctx: Context, diary: Diary, facts: CaseFacts) -> None:
    """A missed or cancelled one now and then; the coming ones of an open case."""
    draws = ctx.draws
    span = (facts.last_day - facts.opened_on).days
    if span > 3 and draws.chance(0.3):
        status = Weighted(((AppointmentStatus.MISSED, 50), (AppointmentStatus.CANCELLED_BY_PARTY, 35),
                           (AppointmentStatus.CANCELLED_BY_SERVICE, 15))).pick(draws)
        start = facts.opened_on + timedelta(days=draws.below(span))
        _book(ctx, diary, facts, start, facts.last_day, status)
    if facts.is_open:
        for _ in range(1 + draws.chance(0.3)):
            start = ctx.today + timedelta(days=draws.between(1, 21))
            status = AppointmentStatus.CONFIRMED if draws.chance(0.4) else AppointmentStatus.SCHEDULED
            _book(ctx, diary, facts, start, start + timedelta(days=14), status)


def _book(ctx: Context, diary: Diary, facts: CaseFacts, earliest: date, latest: date, status) -> None:
    draws = ctx.draws
    kind = S.INDIVIDUAL if not facts.work_stage else S.FOLLOW_UP
    mode = MODES.pick(draws)
    booked = diary.book(draws, [facts.lead_id], facts.rooms if mode is SessionMode.IN_PERSON else [], earliest,
                        latest)
    if booked is None:
        return
    day, slot, room = booked
    if mode is SessionMode.IN_PERSON and room is None:
        mode = SessionMode.PHONE
    past = day <= ctx.today
    changed_at = ctx.clamp_now(ctx.instant(day, slot)) if past or status is AppointmentStatus.CONFIRMED else None
    _appointment(ctx, facts, kind, mode, room, day, slot, draws.choice(DURATIONS), [facts.lead_id],
                 [facts.requesting_id], status, changed_at=changed_at)


def _appointment(ctx: Context, facts: CaseFacts, kind, mode, room, day: date, slot: int, duration: int,
                 holders: list[int], attendees: list[int], status, *, changed_at) -> int:
    draws, writer = ctx.draws, ctx.writer
    appointment_id = writer.new_id("appointment")
    start = ctx.instant(day, slot)
    created = ctx.clamp_now(start - timedelta(days=draws.between(2, 14)))
    cancelled = status in (AppointmentStatus.CANCELLED_BY_PARTY, AppointmentStatus.CANCELLED_BY_SERVICE)
    writer.add("appointment", {
        "id": appointment_id, "public_id": ctx.ids.uuid(), "association_id": facts.association_id,
        "service_point_id": facts.service_point_id, "case_id": facts.case_id, "intake_label": None,
        "session_type": kind, "mode": mode, "room_id": room if mode is SessionMode.IN_PERSON else None,
        "video_link": f"https://visio.example.org/s/{appointment_id}" if mode is SessionMode.VIDEO else None,
        "start_local": f"{day.isoformat()}T{SLOTS[slot]:%H:%M}",
        "time_zone": ctx.zone_name, "start_utc": start, "end_utc": start + timedelta(minutes=duration),
        "duration_min": duration, "status": status, "status_changed_at": changed_at,
        "status_changed_by_id": facts.lead_id if changed_at else None,
        "cancel_reason": draws.choice(text.CANCEL_REASONS) if cancelled else None,
        "cancelled_by_participant_id": facts.requesting_id if status is AppointmentStatus.CANCELLED_BY_PARTY
        else None,
        "created_by_id": facts.lead_id, "version_id": 1, "created_at": created, "updated_at": changed_at or created,
    })
    for user_id in holders:
        writer.add("appointment_staff", {"appointment_id": appointment_id, "user_id": user_id})
    for participant_id in attendees:
        writer.add("appointment_party", {"appointment_id": appointment_id, "participant_id": participant_id})
    return appointment_id


def consent_row(ctx: Context, participant_id: int, scope: ConsentScope, day: date, by: int,
                given_by: ConsentGiver = ConsentGiver.SELF) -> dict:
    return {
        "id": ctx.writer.new_id("consent"), "participant_id": participant_id, "scope": scope,
        "status": ConsentStatus.GIVEN, "on_date": day, "given_by": given_by, "notice_version": NOTICE_VERSION,
        "recorded_by_id": by,
        "created_at": ctx.clamp_now(ctx.instant(day, 0)),
    }


def write_intake_meetings(ctx: Context, diary: Diary, association_id: int, service_point_id: int, rooms: list[int],
                          user_id: int, count: int) -> None:
    """First meetings of families that have no case yet, around the current week."""
    draws, writer = ctx.draws, ctx.writer
    for _ in range(count):
        earliest = ctx.today + timedelta(days=draws.between(-7, 14))
        booked = diary.book(draws, [user_id], rooms, earliest, earliest + timedelta(days=14))
        if booked is None:
            continue
        day, slot, room = booked
        mode = SessionMode.IN_PERSON if room is not None else SessionMode.PHONE
        start = ctx.instant(day, slot)
        status = AppointmentStatus.HELD if day < ctx.today else AppointmentStatus.SCHEDULED
        created = ctx.clamp_now(start - timedelta(days=3))
        appointment_id = writer.new_id("appointment")
        writer.add("appointment", {
            "id": appointment_id, "public_id": ctx.ids.uuid(), "association_id": association_id,
            "service_point_id": service_point_id, "case_id": None,
            "intake_label": f"Premier accueil n° {appointment_id} (synthétique)", "session_type": S.INDIVIDUAL,
            "mode": mode, "room_id": room, "video_link": None, "start_local": f"{day.isoformat()}T{SLOTS[slot]:%H:%M}",
            "time_zone": ctx.zone_name, "start_utc": start, "end_utc": start + timedelta(minutes=60),
            "duration_min": 60, "status": status,
            "status_changed_at": ctx.clamp_now(start) if status is AppointmentStatus.HELD else None,
            "status_changed_by_id": user_id if status is AppointmentStatus.HELD else None, "cancel_reason": None,
            "cancelled_by_participant_id": None, "created_by_id": user_id, "version_id": 1, "created_at": created,
            "updated_at": created,
        })
        writer.add("appointment_staff", {"appointment_id": appointment_id, "user_id": user_id})
