"""Positive-parenting groups and family-space activities in the own-association report (docs/statistics.md, ST2,
ST39) and in the ministry's tables T9 and T10 as tabulated from the database (ST35, ST38, ST46), counted by hand on
a small fixture of association A's 2026Q3, with decoys in Q2, in Q4 and in association B.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from mediation.accounts.models import Association, ServicePoint
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentStaff, Room
from mediation.cases.codes import AgeBand, PreferredLanguage, SessionType, Sex
from mediation.cases.models.case import ImmutableStatKey
from mediation.extensions import db
from mediation.groups.codes import ActivityTheme, ProgrammeTarget
from mediation.groups.models import (
    Activity,
    ActivityCount,
    ActivityFacilitator,
    Attendance,
    Enrolment,
    GroupFacilitator,
    GroupParticipant,
    GroupSession,
    ParentingGroup,
    Programme,
)
from mediation.statistics.aggregate import period_bounds
from mediation.statistics.group_tables import activities_by_measure_and_theme, enrolments_by_participation_and_sex
from mediation.statistics.own_report import association_report
from mediation.statistics.release import build_release
from tests.statistics.test_own_report import Q3, staff

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def _group(association_id: int, name: str, planned: int, finished_on: date | None, facilitator: str):
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.association_id == association_id)
                              .order_by(ServicePoint.id).limit(1))
    room = Room(service_point_id=point.id, association_id=association_id, name=f"Salle {name}")
    programme = Programme(association_id=association_id, name=f"Programme {name}", planned_sessions=planned,
                          target=ProgrammeTarget.PARENTS_YOUNG_CHILDREN)
    db.session.add_all([room, programme])
    db.session.flush()
    user = staff(facilitator)
    group = ParentingGroup(association_id=association_id, service_point_id=point.id, programme=programme, name=name,
                           start_on=date(2026, 6, 1), planned_sessions=planned, room_id=room.id,
                           language=PreferredLanguage.AR, capacity=60, created_by_id=user.id, finished_on=finished_on,
                           facilitators=[GroupFacilitator(user_id=user.id)])
    db.session.add(group)
    db.session.flush()
    return group


def _sessions(group: ParentingGroup, first: date, count: int, *, held: bool = True) -> list[GroupSession]:
    rows = []
    for number in range(1, count + 1):
        start = datetime(first.year, first.month, first.day, 9, tzinfo=UTC) + timedelta(days=7 * (number - 1))
        appointment = Appointment(
            association_id=group.association_id, service_point_id=group.service_point_id, case_id=None,
            intake_label=group.name, session_type=SessionType.POSITIVE_PARENTING, mode=SessionMode.IN_PERSON,
            room_id=group.room_id, start_local=start.strftime("%Y-%m-%dT%H:%M"), time_zone="Africa/Casablanca",
            start_utc=start, end_utc=start + timedelta(hours=2), duration_min=120,
            status=AppointmentStatus.HELD if held else AppointmentStatus.SCHEDULED,
            created_by_id=group.created_by_id,
            staff=[AppointmentStaff(user_id=user_id) for user_id in group.facilitator_ids])
        db.session.add(appointment)
        db.session.flush()
        row = GroupSession(group_id=group.id, number=number, appointment_id=appointment.id,
                           attendance_recorded_at=start + timedelta(hours=3) if held else None)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def _participant(group: ParentingGroup, name: str, sex: Sex) -> GroupParticipant:
    participant = GroupParticipant(association_id=group.association_id, full_name=name, sex=sex,
                                   age_band=AgeBand.B25_34, consent_data_processing=True,
                                   created_by_id=group.created_by_id)
    db.session.add(participant)
    db.session.flush()
    return participant


def _enrol(group, participant, sessions, present: set[int], pre=None, post=None) -> Enrolment:
    enrolment = Enrolment(group_id=group.id, participant_id=participant.id, enrolled_on=date(2026, 6, 20),
                          sex=participant.sex, age_band=participant.age_band, pre_score=pre, post_score=post)
    db.session.add(enrolment)
    db.session.flush()
    for row in sessions:
        if row.attendance_recorded_at is not None:
            db.session.add(Attendance(session_id=row.id, enrolment_id=enrolment.id, present=row.number in present))
    return enrolment


def _activity(association_id: int, held_on: date, theme: ActivityTheme, counts, recorded_on: date | None = None):
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.association_id == association_id)
                              .order_by(ServicePoint.id).limit(1))
    user = staff("mediator.a1" if association_id == _ids["a"] else "mediator.b1")
    recorded = recorded_on or held_on
    activity = Activity(association_id=association_id, service_point_id=point.id, held_on=held_on, theme=theme,
                        created_by_id=user.id, created_at=datetime(recorded.year, recorded.month, recorded.day, 12,
                                                                   tzinfo=UTC),
                        facilitators=[ActivityFacilitator(user_id=user.id)],
                        counts=[ActivityCount(sex=sex, age_band=band, count=n) for sex, band, n in counts])
    db.session.add(activity)
    db.session.flush()
    return activity


_ids: dict[str, int] = {}


@pytest.fixture
def parenting(app, world):
    """Association A, 2026Q3:

    - G1, 4 planned sessions, all held in July, finished on 20 September: Amina (1-4: completed, scores 40 -> 60),
      Salma (1-3, exactly 75 %: completed, 50 -> 45), Omar (2: took part, a score before only), Karim (none:
      enrolled, 20 -> 90), Hind (3-4 only: enrolled, neither session 1 nor 2 and 50 %);
    - G2, 12 planned, 9 held from 1 July, finished on 30 August: Amina again (1-9, 9 of 12 = 75 %: completed,
      10 -> 20; counted once in each group), Youssef (1-8, 66.7 %: took part);
    - G3, running (not finished): one session held in August, one booked and not held; enrolments not counted;
    - decoys: G4 of A finished on 28 June (Q2), sessions in June; G5 of B finished in August (Rachid, completed).
    Activities held by A in Q3: a talk on 10 July (12 women 25-34, 3 men 35-44), a talk on 30 September (5 girls
    6-11), an intergenerational day on 15 August (4 women and 2 men of 60 and over, 7 girls 6-11); decoys: a talk
    held on 30 June but recorded on 2 July (100 women 25-34), an activity of B in Q3 (8 men 45-59).
    """
    with app.app_context():
        _ids.update(a=world.association_a, b=world.association_b)
        g1 = _group(world.association_a, "G1", 4, date(2026, 9, 20), "mediator.a1")
        s1 = _sessions(g1, date(2026, 7, 4), 4)
        amina = _participant(g1, "Amina", Sex.FEMALE)
        _enrol(g1, amina, s1, {1, 2, 3, 4}, 40, 60)
        _enrol(g1, _participant(g1, "Salma", Sex.FEMALE), s1, {1, 2, 3}, 50, 45)
        _enrol(g1, _participant(g1, "Omar", Sex.MALE), s1, {2}, 30, None)
        _enrol(g1, _participant(g1, "Karim", Sex.MALE), s1, set(), 20, 90)
        _enrol(g1, _participant(g1, "Hind", Sex.FEMALE), s1, {3, 4})
        g2 = _group(world.association_a, "G2", 12, date(2026, 8, 30), "mediator.a1")
        s2 = _sessions(g2, date(2026, 7, 1), 9)
        _enrol(g2, amina, s2, set(range(1, 10)), 10, 20)
        _enrol(g2, _participant(g2, "Youssef", Sex.MALE), s2, set(range(1, 9)))
        g3 = _group(world.association_a, "G3", 10, None, "mediator.a1")
        s3 = _sessions(g3, date(2026, 8, 10), 1) + _sessions(g3, date(2026, 9, 28), 1, held=False)
        _enrol(g3, _participant(g3, "Nadia", Sex.FEMALE), s3, {1})
        g4 = _group(world.association_a, "G4", 2, date(2026, 6, 28), "mediator.a1")
        s4 = _sessions(g4, date(2026, 6, 6), 2)
        _enrol(g4, _participant(g4, "Laila", Sex.FEMALE), s4, {1, 2}, 10, 90)
        g5 = _group(world.association_b, "G5", 1, date(2026, 8, 15), "mediator.b1")
        s5 = _sessions(g5, date(2026, 8, 1), 1)
        _enrol(g5, _participant(g5, "Rachid", Sex.MALE), s5, {1})
        _activity(world.association_a, date(2026, 7, 10), ActivityTheme.AWARENESS_TALK,
                  [(Sex.FEMALE, AgeBand.B25_34, 12), (Sex.MALE, AgeBand.B35_44, 3)])
        _activity(world.association_a, date(2026, 9, 30), ActivityTheme.AWARENESS_TALK,
                  [(Sex.FEMALE, AgeBand.B6_11, 5)])
        _activity(world.association_a, date(2026, 8, 15), ActivityTheme.INTERGENERATIONAL_DAY,
                  [(Sex.FEMALE, AgeBand.B60_PLUS, 4), (Sex.MALE, AgeBand.B60_PLUS, 2), (Sex.FEMALE, AgeBand.B6_11, 7)])
        _activity(world.association_a, date(2026, 6, 30), ActivityTheme.AWARENESS_TALK,
                  [(Sex.FEMALE, AgeBand.B25_34, 100)], recorded_on=date(2026, 7, 2))
        _activity(world.association_b, date(2026, 8, 20), ActivityTheme.OTHER, [(Sex.MALE, AgeBand.B45_59, 8)])
        db.session.commit()


def _figures(report):
    return {figure.code: figure for figure in report.figures}


def _section(report, code):
    return {row.code: row.count for row in next(s for s in report.sections if s.code == code).rows}


def test_the_report_counts_groups_parents_and_activities_exactly(app, world, parenting):
    with app.app_context():
        report = association_report(db.session, world.association_a, *Q3)
    figures = _figures(report)
    assert figures["parenting_groups"].value == 3  # G1, G2, G3 held a session in Q3; G4 only in June
    assert figures["parenting_group_sessions"].value == 4 + 9 + 1  # G3's booked session is not held
    assert figures["parenting_cycles_finished"].value == 2
    enrolments = _section(report, "parenting_enrolments")
    assert {code: n for code, n in enrolments.items() if n} == {
        "enrolled|female": 4, "enrolled|male": 3,  # Amina twice (once per group), Salma, Hind; Omar, Karim, Youssef
        "took_part|female": 3, "took_part|male": 2,  # Amina twice, Salma; Omar, Youssef
        "completed|female": 3}  # Amina twice (4 of 4, 9 of 12), Salma (3 of 4 = 75 %)
    assert len(enrolments) == 9 and next(s for s in report.sections if s.code == "parenting_enrolments").totalled \
        is False
    completion = figures["parenting_completion"]
    assert (completion.value, completion.numerator, completion.denominator) == (Decimal("60.0"), 3, 5)
    # Sessions attended by those who took part: 4 + 3 + 1 + 9 + 8 = 25 over 5.
    assert figures["parenting_mean_sessions"].value == Decimal("5.0")
    # Both scores: Amina in G1 (+20) and in G2 (+10), Salma (-5), Karim (+70); Omar has no score after.
    assert figures["parenting_scored"].value == 4
    assert figures["parenting_score_change"].value == Decimal("23.8")  # 95 / 4 = 23.75, half up
    assert _section(report, "activities_by_theme") == {"awareness_talk": 2, "intergenerational_day": 1,
                                                       "social_protection_info": 0, "other": 0}
    assert _section(report, "activity_attendance") == {"awareness_talk": 20, "intergenerational_day": 13,
                                                       "social_protection_info": 0, "other": 0}
    assert _section(report, "activity_people") == {"male|35_44": 3, "male|60_plus": 2, "female|6_11": 12,
                                                   "female|25_34": 12, "female|60_plus": 4}


def test_the_completion_setting_is_the_groups_one(app, world, parenting):
    """At 76 % Salma's 3 of 4 (75 %) and Amina's 9 of 12 no longer complete: the report reuses DOM124's rule."""
    app.config["GROUP_COMPLETION_PERCENT"] = 76
    try:
        with app.app_context():
            report = association_report(db.session, world.association_a, *Q3)
            cells = enrolments_by_participation_and_sex(db.session, 2026, 3)
    finally:
        app.config["GROUP_COMPLETION_PERCENT"] = 75
    figures = _figures(report)
    assert (figures["parenting_completion"].numerator, figures["parenting_completion"].denominator) == (1, 5)
    assert {key: stats.count for key, stats in cells.items()} == {
        ("completed", "female"): 1, ("took_part", "female"): 2, ("took_part", "male"): 2,
        ("completed", "male"): 1}  # B's Rachid: 1 of 1


def test_association_b_sees_only_its_own(app, world, parenting):
    with app.app_context():
        report = association_report(db.session, world.association_b, *Q3)
    figures = _figures(report)
    assert figures["parenting_groups"].value == 1 and figures["parenting_cycles_finished"].value == 1
    assert {code: n for code, n in _section(report, "parenting_enrolments").items() if n} == {
        "enrolled|male": 1, "took_part|male": 1, "completed|male": 1}
    assert _section(report, "activities_by_theme")["other"] == 1
    assert figures["parenting_score_change"].value is None and figures["parenting_scored"].value == 0


@pytest.mark.parametrize("lang, text", [("en", "Positive-parenting completion rate"),
                                        ("fr", "Taux d'achèvement de la parentalité positive"),
                                        ("ar", "نسبة إتمام")])
def test_the_page_and_the_workbook_show_them(login_as, parenting, lang, text):
    client = login_as("supervisor_a")
    html = client.get(f"/statistics/own-report?quarter=2026Q3&lang={lang}").get_data(as_text=True)
    for section in ("parenting_enrolments", "activities_by_theme", "activity_attendance", "activity_people"):
        assert f'id="section-{section}"' in html
    assert text in html
    assert 'data-numerator="3" data-denominator="5"' in html
    for name in ("Amina", "Salma", "Omar"):
        assert name not in html
    download = client.get(f"/statistics/own-report.xlsx?quarter=2026Q3&lang={lang}")
    assert download.status_code == 200 and b"Amina" not in download.data


# --- T9 and T10 from the database ------------------------------------------------------------------------------


def test_t9_and_t10_count_their_own_records_in_their_periods(app, world, parenting):
    with app.app_context():
        t9 = enrolments_by_participation_and_sex(db.session, 2026, 3)
        # Every association: B's Rachid completed. A participant enrolled in two groups counts once per group;
        # the running G3 and G4 (finished in Q2) are not counted; Karim and Hind never took part.
        assert {key: stats.count for key, stats in t9.items()} == {
            ("completed", "female"): 3, ("took_part", "male"): 2, ("completed", "male"): 1}
        keys = db.session.execute(select(Enrolment.stat_key, Enrolment.sex).join(
            ParentingGroup, ParentingGroup.id == Enrolment.group_id).where(
            ParentingGroup.name.in_(("G1", "G2")))).all()
        assert len(keys) == 7 and all(0 <= key < 256 for key, _sex in keys)
        assert enrolments_by_participation_and_sex(db.session, 2026, 2)[("completed", "female")].count == 1  # G4
        t10 = activities_by_measure_and_theme(db.session, period_bounds(2026, 3))
        # Recorded in Q3 (server time), whatever the date typed in: the talk of 30 June recorded on 2 July counts.
        assert {key: stats.count for key, stats in t10.items()} == {
            ("activities", "awareness_talk"): 3, ("attendance", "awareness_talk"): 120,
            ("activities", "intergenerational_day"): 1, ("attendance", "intergenerational_day"): 13,
            ("activities", "other"): 1, ("attendance", "other"): 8}
        # An attendance cell's key is the sum of the keys of the activities it adds up (ST38).
        for theme in ("awareness_talk", "intergenerational_day", "other"):
            assert t10[("activities", theme)].cell_key == t10[("attendance", theme)].cell_key
        talks = db.session.scalars(select(Activity.stat_key).where(Activity.theme == ActivityTheme.AWARENESS_TALK))
        assert t10[("attendance", "awareness_talk")].cell_key == sum(talks) % 256
        # In an association whose statistics depend on consent, no enrolment counts (group participants give none).
        db.session.get(Association, world.association_b).statistics_need_consent = True
        db.session.flush()
        assert ("completed", "male") not in enrolments_by_participation_and_sex(db.session, 2026, 3)
        db.session.rollback()


def test_the_record_keys_never_change(app, world, parenting):
    with app.app_context():
        enrolment = db.session.scalars(select(Enrolment).limit(1)).one()
        with pytest.raises(ImmutableStatKey):
            enrolment.stat_key = (enrolment.stat_key + 1) % 256
        db.session.rollback()
        activity = db.session.scalars(select(Activity).limit(1)).one()
        with pytest.raises(ImmutableStatKey):
            activity.stat_key = (activity.stat_key + 1) % 256
        db.session.rollback()


def test_a_build_publishes_t9_and_t10_without_small_values(app, world, parenting):
    with app.app_context():
        release = build_release(db.session, "2026Q3", now=NOW)
        for table_id, rows in (("T9", 6), ("T10", 8)):
            stored = next(f for f in release.files if f.table_id == table_id and f.format == "json")
            data = json.loads(stored.content)
            assert data["metadata"]["catalogue_version"] == "3"
            value = data["columns"].index("value")
            values = [str(row[value]) for row in data["rows"]]
            assert len(values) == rows and "total" not in {row[data["columns"].index("code")] for row in data["rows"]}
            # T9 counts 6 enrolments in all: every cell `<10`. T10 counts 133 people of two associations only: the
            # national rule (ST13) withholds it whole, activities and attendance alike.
            assert set(values) == ({"<10"} if table_id == "T9" else {"x"}), (table_id, values)
        db.session.rollback()


def test_statements_do_not_grow_with_enrolments_or_activities(app, world, parenting):
    def statements() -> int:
        with app.app_context():
            seen = []
            engine = db.engine
            listener = lambda *args: seen.append(1)  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                association_report(db.session, world.association_a, *Q3)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            return len(seen)

    few = statements()
    with app.app_context():
        group = db.session.scalar(select(ParentingGroup).where(ParentingGroup.name == "G2"))
        rows = db.session.scalars(select(GroupSession).where(GroupSession.group_id == group.id)).all()
        for index in range(15):
            _enrol(group, _participant(group, f"P{index}", Sex.FEMALE), rows, set(range(1, index % 9 + 1)), 10, 30)
            _activity(world.association_a, date(2026, 8, 1), ActivityTheme.OTHER, [(Sex.MALE, AgeBand.B18_24, 2)])
        db.session.commit()
    assert statements() == few
