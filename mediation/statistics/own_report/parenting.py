"""Positive-parenting groups and family-space activities in the own-association report (docs/statistics.md, ST2,
ST39). Exact counts of one association, one grouped statement per indicator, no participant's name, phone or
e-mail read.

- Groups run and sessions held: the group sessions whose attendance was recorded (held, docs/domain.md, DOM125)
  and which started in the quarter, and the groups they belong to.
- Parents: the enrolments of the cycles declared over in the quarter (their statuses are then final, DOM121), by
  the sex copied at enrolment: enrolled, took part (present at session 1 or 2, or completed), completed (the groups'
  rule, DOM124). A participant enrolled in two groups counts once per group. The completion rate is completed ÷
  took part; the mean sessions attended is over those who took part; the mean change of the questionnaire score
  (after - before) is over the enrolments with both scores only.
- Activities: those held in the quarter (their date), by theme, and the people present, by theme and by sex and
  age band (the counts recorded, DOM130).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.appointments.models import Appointment
from mediation.cases.codes import AgeBand, Sex
from mediation.core.clock import local_date
from mediation.groups.codes import ActivityTheme
from mediation.groups.models import Activity, ActivityCount, Enrolment, GroupSession, ParentingGroup
from mediation.groups.rules import completion_percent
from mediation.statistics.group_tables import COMPLETED, attendance_per_enrolment, participation
from mediation.statistics.own_report.shapes import Figure, JoinedLabel, Row, Section, rate_figure

STAGES = (("enrolled", _l("Enrolled")), ("took_part", _l("Took part")), ("completed", _l("Completed")))


def _days(bounds):
    """The quarter's first local day and the next quarter's, from its UTC bounds (local midnights)."""
    return local_date(bounds[0]), local_date(bounds[1])


def _mean(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _code(value) -> str:
    return str(getattr(value, "value", value))


def groups_and_sessions(session: Session, association_id: int, bounds) -> list[Figure]:
    groups, sessions = session.execute(
        select(func.count(func.distinct(GroupSession.group_id)), func.count(GroupSession.id))
        .join(ParentingGroup, ParentingGroup.id == GroupSession.group_id)
        .join(Appointment, Appointment.id == GroupSession.appointment_id)
        .where(ParentingGroup.association_id == association_id, GroupSession.attendance_recorded_at.is_not(None),
               Appointment.start_utc >= bounds[0], Appointment.start_utc < bounds[1])).one()
    first, after = _days(bounds)
    finished = session.scalar(select(func.count()).select_from(ParentingGroup).where(
        ParentingGroup.association_id == association_id, ParentingGroup.finished_on >= first,
        ParentingGroup.finished_on < after))
    return [
        Figure("parenting_groups", _l("Positive-parenting groups run (a session held in the quarter)"), int(groups)),
        Figure("parenting_group_sessions", _l("Positive-parenting group sessions held"), int(sessions)),
        Figure("parenting_cycles_finished", _l("Positive-parenting cycles finished in the quarter"),
               int(finished or 0)),
    ]


def parents(session: Session, association_id: int, bounds) -> tuple[Section, list[Figure]]:
    """The enrolments of the cycles finished in the quarter, by sex and how far they went, and the figures
    computed from them."""
    first, after = _days(bounds)
    attended = attendance_per_enrolment()
    stage = participation(attended, completion_percent()).label("stage")
    measured = Enrolment.pre_score.is_not(None) & Enrolment.post_score.is_not(None)
    rows = session.execute(
        select(Enrolment.sex, stage, func.count(), func.coalesce(func.sum(attended.c.attended), 0),
               func.count(func.nullif(measured, False)),
               func.coalesce(func.sum(Enrolment.post_score - Enrolment.pre_score), 0))
        .select_from(Enrolment).join(ParentingGroup, ParentingGroup.id == Enrolment.group_id)
        .outerjoin(attended, attended.c.enrolment_id == Enrolment.id)
        .where(ParentingGroup.association_id == association_id, ParentingGroup.finished_on >= first,
               ParentingGroup.finished_on < after)
        .group_by(Enrolment.sex, stage)).all()
    counts: dict[tuple[str, str], int] = {}
    took_part = completed = sessions_attended = scored = change = 0
    for sex, reached, n, attended_sum, n_scored, change_sum in rows:
        n = int(n)
        sex = _code(sex)
        counts[("enrolled", sex)] = counts.get(("enrolled", sex), 0) + n
        scored += int(n_scored or 0)
        change += int(change_sum or 0)
        if reached is None:
            continue
        counts[("took_part", sex)] = counts.get(("took_part", sex), 0) + n
        took_part += n
        sessions_attended += int(attended_sum or 0)
        if reached == COMPLETED:
            counts[("completed", sex)] = counts.get(("completed", sex), 0) + n
            completed += n
    section = Section("parenting_enrolments",
                      _l("Parents of the positive-parenting cycles finished in the quarter, by sex"),
                      [Row(f"{code}|{sex.value}", JoinedLabel((label, sex.label)), counts.get((code, sex.value), 0))
                       for code, label in STAGES for sex in Sex],
                      totalled=False)  # a parent who completed also took part and was enrolled
    figures = [
        rate_figure("parenting_completion", _l("Positive-parenting completion rate (completed ÷ took part)"),
                    completed, took_part),
        Figure("parenting_mean_sessions",
               _l("Mean sessions attended by the parents who took part"), _mean(sessions_attended, took_part)),
        Figure("parenting_scored", _l("Parents with a questionnaire score before and after the cycle"), scored),
        Figure("parenting_score_change",
               _l("Mean change of the questionnaire score (after - before), where both were measured"),
               _mean(change, scored)),
    ]
    return section, figures


def activities(session: Session, association_id: int, bounds) -> list[Section]:
    first, after = _days(bounds)
    held = (Activity.association_id == association_id, Activity.held_on >= first, Activity.held_on < after)
    by_theme = {_code(theme): int(n) for theme, n in session.execute(
        select(Activity.theme, func.count()).where(*held).group_by(Activity.theme))}
    people_by_theme: dict[str, int] = {}
    people: dict[tuple[str, str], int] = {}
    for theme, sex, band, n in session.execute(
            select(Activity.theme, ActivityCount.sex, ActivityCount.age_band, func.sum(ActivityCount.count))
            .join(ActivityCount, ActivityCount.activity_id == Activity.id).where(*held)
            .group_by(Activity.theme, ActivityCount.sex, ActivityCount.age_band)):
        people_by_theme[_code(theme)] = people_by_theme.get(_code(theme), 0) + int(n)
        key = (_code(sex), _code(band))
        people[key] = people.get(key, 0) + int(n)
    return [
        Section("activities_by_theme", _l("Family-space activities held, by theme"),
                [Row(theme.value, theme.label, by_theme.get(theme.value, 0)) for theme in ActivityTheme]),
        Section("activity_attendance", _l("People present at the family-space activities, by theme"),
                [Row(theme.value, theme.label, people_by_theme.get(theme.value, 0)) for theme in ActivityTheme]),
        Section("activity_people", _l("People present at the family-space activities, by sex and age band"),
                [Row(f"{sex.value}|{band.value}", JoinedLabel((sex.label, band.label)), people[(sex.value, band.value)])
                 for sex in Sex for band in AgeBand if (sex.value, band.value) in people]),
    ]
