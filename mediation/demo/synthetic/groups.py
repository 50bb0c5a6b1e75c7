"""Positive-parenting groups and family-space activities of one synthetic association (docs/domain.md,
DOM120-DOM130; docs/statistics.md, ST50), in proportion to its cases.

Each association runs cycles of its programmes over the population's years: weekly sessions booked
in the association's diary (a group session holds an appointment, DOM122, so nobody and no room is
booked twice), enrolments of a dozen participants, most of them group-only (never in the person
table, DOM127) and some known from a case, attendance for the sessions held. Family-space
activities carry counts by sex and age band only (DOM130).
"""

from __future__ import annotations

from datetime import date, timedelta

from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.cases.codes import AgeBand, PreferredLanguage, SessionType, Sex
from mediation.cases.identity import normalise_phone
from mediation.core.crypto import blind_index
from mediation.demo.synthetic import vocabulary as text
from mediation.demo.synthetic.context import SLOTS, Context, Diary, utc
from mediation.demo.synthetic.draws import Weighted, stat_key
from mediation.demo.synthetic.population import YEARS, AssociationPlan
from mediation.groups.codes import ActivityTheme, ProgrammeTarget

CASES_PER_GROUP = 100  # one cycle for every 100 cases of the association, at least one
CASES_PER_ACTIVITY = 25
KNOWN_FROM_A_CASE = 0.2  # the other participants have no case (DOM123)
PROGRAMMES = (
    ("Parentalité positive - cycle 0-6 ans", 8, ProgrammeTarget.PARENTS_YOUNG_CHILDREN),
    ("Parents d'adolescents", 6, ProgrammeTarget.PARENTS_ADOLESCENTS),
    ("Couples et coparentalité", 5, ProgrammeTarget.COUPLES),
)
ADULT_BANDS = Weighted(((AgeBand.B18_24, 10), (AgeBand.B25_34, 35), (AgeBand.B35_44, 35), (AgeBand.B45_59, 15),
                        (AgeBand.B60_PLUS, 3), (AgeBand.UNKNOWN, 2)))
THEMES = Weighted(((ActivityTheme.AWARENESS_TALK, 60), (ActivityTheme.INTERGENERATIONAL_DAY, 15),
                   (ActivityTheme.SOCIAL_PROTECTION_INFO, 20), (ActivityTheme.OTHER, 5)))
ACTIVITY_BANDS = (AgeBand.B6_11, AgeBand.B12_14, AgeBand.B15_17, AgeBand.B18_24, AgeBand.B25_34, AgeBand.B35_44,
                  AgeBand.B45_59, AgeBand.B60_PLUS)
TITLES = ("Les écrans et les enfants", "Dialogue entre générations", "Le programme Tayssir", "Droits de la famille")


def write_groups_and_activities(ctx: Context, diary: Diary, plan: AssociationPlan,
                                adults: list[tuple[int, Sex, AgeBand]]) -> None:
    """`adults`: (person id, sex, age band) of the association's requesting parties, some of whom join a group."""
    draws, writer = ctx.draws, ctx.writer
    created = utc(ctx.today - timedelta(days=365 * YEARS + 40))
    facilitators = [m.id for m in plan.mediators] + plan.supervisors
    programmes = []
    for name, sessions, target in PROGRAMMES[:1 + draws.below(len(PROGRAMMES))]:
        programme_id = writer.new_id("parenting_programme")
        programmes.append((programme_id, sessions))
        writer.add("parenting_programme", {
            "id": programme_id, "public_id": ctx.ids.uuid(), "association_id": plan.id, "name": name,
            "planned_sessions": sessions, "target": target, "framework": None, "active": True,
            "version_id": 1, "created_at": created, "updated_at": created})
    by_person: dict[int, int] = {}
    group_only: list[int] = []
    for number in range(max(1, round(plan.cases / CASES_PER_GROUP))):
        _group(ctx, diary, plan, number, draws.choice(programmes), facilitators, adults, by_person, group_only)
    for _ in range(max(1, round(plan.cases / CASES_PER_ACTIVITY))):
        _activity(ctx, plan, facilitators)


def _group(ctx: Context, diary: Diary, plan: AssociationPlan, number: int, programme: tuple[int, int],
           facilitators: list[int], adults: list, by_person: dict[int, int], group_only: list[int]) -> None:
    draws, writer = ctx.draws, ctx.writer
    programme_id, planned = programme
    point_id = plan.service_points[0][0]
    rooms = plan.rooms[point_id]
    start_on = ctx.today - timedelta(days=draws.below(365 * YEARS)) + timedelta(days=30)
    staff = draws.sample(facilitators, 1 + draws.chance(0.4))
    group_id = writer.new_id("parenting_group")
    capacity = draws.between(10, 20)
    booked = []
    day = start_on
    for _ in range(planned):
        slot = diary.book(draws, staff, rooms[:1], day, day + timedelta(days=6))
        if slot is not None and slot[2] is not None:
            booked.append(slot)
        day += timedelta(days=7)
    finished = bool(booked) and len(booked) == planned and booked[-1][0] < ctx.today
    created = ctx.clamp_now(utc(start_on - timedelta(days=20)))
    name = f"Cycle {number + 1} - {draws.choice(('mardi matin', 'jeudi après-midi', 'samedi matin'))}"
    writer.add("parenting_group", {
        "id": group_id, "public_id": ctx.ids.uuid(), "association_id": plan.id, "service_point_id": point_id,
        "programme_id": programme_id, "name": name, "start_on": start_on, "planned_sessions": planned,
        "room_id": rooms[0], "language": draws.choice((PreferredLanguage.AR, PreferredLanguage.ARY)),
        "capacity": capacity, "finished_on": booked[-1][0] if finished else None, "created_by_id": staff[0],
        "version_id": 1, "created_at": created, "updated_at": created})
    for user_id in sorted(staff):
        writer.add("parenting_group_facilitator", {"group_id": group_id, "user_id": user_id})
    enrolments = []
    chosen: set[int] = set()
    for _ in range(draws.between(capacity // 2, capacity)):
        participant_id, sex, band = _participant(ctx, plan, adults, by_person, group_only, staff[0], start_on)
        if participant_id in chosen:
            continue
        chosen.add(participant_id)
        enrolment_id = writer.new_id("parenting_enrolment")
        dropped = draws.chance(0.15)
        drop_after = draws.below(planned) if dropped else planned
        held = [s for s in booked if s[0] < ctx.today]
        completed = not dropped and finished
        writer.add("parenting_enrolment", {
            "id": enrolment_id, "public_id": ctx.ids.uuid(), "group_id": group_id, "participant_id": participant_id,
            "enrolled_on": start_on - timedelta(days=draws.between(1, 15)), "sex": sex, "age_band": band,
            "dropped_out_on": held[drop_after][0] if dropped and drop_after < len(held) else None,
            "pre_score": draws.between(20, 70), "post_score": draws.between(40, 95) if completed else None,
            "satisfaction": draws.between(3, 5) if completed else None, "version_id": 1,
            "stat_key": stat_key(ctx.seed, "enrolment", enrolment_id),
            "created_at": created, "updated_at": created})
        enrolments.append((enrolment_id, drop_after))
    for index, (day, slot, room) in enumerate(booked):
        start = ctx.instant(day, slot)
        past = day < ctx.today
        appointment_id = writer.new_id("appointment")
        writer.add("appointment", {
            "id": appointment_id, "public_id": ctx.ids.uuid(), "association_id": plan.id,
            "service_point_id": point_id, "case_id": None, "intake_label": name,
            "session_type": SessionType.POSITIVE_PARENTING, "mode": SessionMode.IN_PERSON, "room_id": room,
            "video_link": None, "start_local": f"{day.isoformat()}T{SLOTS[slot]:%H:%M}", "time_zone": ctx.zone_name,
            "start_utc": start, "end_utc": start + timedelta(minutes=60), "duration_min": 60,
            "status": AppointmentStatus.HELD if past else AppointmentStatus.SCHEDULED,
            "status_changed_at": ctx.clamp_now(start) if past else None,
            "status_changed_by_id": staff[0] if past else None, "cancel_reason": None,
            "cancelled_by_participant_id": None, "created_by_id": staff[0], "version_id": 1,
            "created_at": created, "updated_at": created})
        for user_id in staff:
            writer.add("appointment_staff", {"appointment_id": appointment_id, "user_id": user_id})
        session_id = writer.new_id("parenting_group_session")
        present = 0
        if past:
            for enrolment_id, drop_after in enrolments:
                here = index < drop_after and draws.chance(0.8)
                present += here
                writer.add("parenting_attendance", {"session_id": session_id, "enrolment_id": enrolment_id,
                                                    "present": here})
        writer.add("parenting_group_session", {
            "id": session_id, "public_id": ctx.ids.uuid(), "group_id": group_id, "number": index + 1,
            "appointment_id": appointment_id, "attendance_recorded_at": ctx.clamp_now(start) if past else None,
            "present_count": present if past else None})


def _participant(ctx: Context, plan: AssociationPlan, adults: list, by_person: dict[int, int], group_only: list[int],
                 by: int, on: date) -> tuple[int, Sex, AgeBand]:
    """A participant known from a case, one from an earlier group, or a new group-only one."""
    draws, writer = ctx.draws, ctx.writer
    created = ctx.clamp_now(utc(on - timedelta(days=15)))
    if adults and draws.chance(KNOWN_FROM_A_CASE):
        person_id, sex, band = draws.choice(adults)
        if person_id not in by_person:
            by_person[person_id] = writer.new_id("group_participant")
            writer.add("group_participant", {
                "id": by_person[person_id], "public_id": ctx.ids.uuid(), "association_id": plan.id,
                "person_id": person_id, "full_name": None, "phone": None, "email": None, "sex": sex,
                "age_band": band, "name_bidx": None, "phone_bidx": None, "consent_data_processing": True,
                "consent_contact": draws.chance(0.7), "consent_on": on - timedelta(days=15), "created_by_id": by,
                "created_at": created, "updated_at": created})
        return by_person[person_id], sex, band
    sex = Sex.FEMALE if draws.chance(0.75) else Sex.MALE
    band = ADULT_BANDS.pick(draws)
    if group_only and draws.chance(0.1):
        return draws.choice(group_only), sex, band  # back for another cycle (sex and band as enrolled then)
    first_ar, _ = draws.choice(text.FIRST_NAMES[sex])
    name = f"{first_ar} {draws.choice(text.FAMILY_NAMES)[0]}"
    phone = f"06{draws.between(0, 99):02d} {draws.between(0, 999):03d} {draws.between(0, 999):03d}" \
        if draws.chance(0.8) else None
    participant_id = writer.new_id("group_participant")
    writer.add("group_participant", {
        "id": participant_id, "public_id": ctx.ids.uuid(), "association_id": plan.id, "person_id": None,
        "full_name": name, "phone": phone, "email": None, "sex": sex, "age_band": band,
        "name_bidx": blind_index("person_name", plan.id, name),
        "phone_bidx": blind_index("phone", plan.id, normalise_phone(phone)) if phone else None,
        "consent_data_processing": True, "consent_contact": phone is not None and draws.chance(0.8),
        "consent_on": on - timedelta(days=15), "created_by_id": by, "created_at": created, "updated_at": created})
    group_only.append(participant_id)
    return participant_id, sex, band


def _activity(ctx: Context, plan: AssociationPlan, facilitators: list[int]) -> None:
    draws, writer = ctx.draws, ctx.writer
    held_on = ctx.today - timedelta(days=1 + draws.below(365 * YEARS))
    activity_id = writer.new_id("family_activity")
    by = draws.choice(facilitators)
    created = ctx.clamp_now(utc(held_on, 17))
    writer.add("family_activity", {
        "id": activity_id, "public_id": ctx.ids.uuid(), "association_id": plan.id,
        "service_point_id": draws.choice(plan.service_points)[0], "held_on": held_on, "theme": THEMES.pick(draws),
        "title": draws.choice(TITLES) if draws.chance(0.7) else None, "created_by_id": by,
        "stat_key": stat_key(ctx.seed, "activity", activity_id),
        "created_at": created, "updated_at": created})
    writer.add("family_activity_facilitator", {"activity_id": activity_id, "user_id": by})
    for sex, band in draws.sample([(s, b) for s in (Sex.FEMALE, Sex.MALE) for b in ACTIVITY_BANDS],
                                  draws.between(2, 7)):
        writer.add("family_activity_count", {"activity_id": activity_id, "sex": sex, "age_band": band,
                                             "count": 1 + int(40 * draws.random() ** 2)})
