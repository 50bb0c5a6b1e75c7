"""Tabulation of the catalogue's positive-parenting and family-space tables T9 and T10 (docs/statistics.md, ST35,
ST38), as aggregate.py does for T1-T6 and outcome_tables.py for T7 and T8.

One read-only GROUP BY per table returning, per cell and association, a count and SUM(stat_key); no row is loaded
as an object and no encrypted column is named (a participant's name, phone or e-mail is never read).

- T9 counts the enrolments of the cycles declared over in the quarter (`finished_on`, the day the server recorded
  it): once a cycle is over it takes no more sessions or attendance (docs/domain.md, DOM121), so an enrolment's
  status is final and never moves between quarters. An enrolment counts as `completed` under the groups' own rule
  (docs/domain.md, DOM124: at least GROUP_COMPLETION_PERCENT of the planned sessions, 9 of 12 is 75 %), else as
  `took_part` when present at session 1 or 2 (a drop-out recorded later does not undo it); an enrolment that never
  came is not counted. A participant enrolled in two groups has two enrolments, counted once per group.
- T10 counts the activities recorded in the quarter (their server-set `created_at`, never the date typed in),
  by theme group, and their attendance: the sum of each activity's counts by sex and age band. The attendance
  cell's key is the sum of the record keys of the activities whose counts it adds (docs/statistics.md, ST38).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.groups.codes import ActivityTheme
from mediation.groups.models import Activity, ActivityCount, Attendance, Enrolment, GroupSession, ParentingGroup
from mediation.groups.rules import TAKE_UP_SESSIONS, completion_percent
from mediation.statistics.aggregate import Cells, _collect
from mediation.statistics.cells import CellStats

# docs/statistics.md, ST38: the published theme groups, one classification of the themes (ST5).
ACTIVITY_THEME_GROUP = {ActivityTheme.AWARENESS_TALK: "awareness_talk",
                        ActivityTheme.INTERGENERATIONAL_DAY: "intergenerational_day",
                        ActivityTheme.SOCIAL_PROTECTION_INFO: "social_protection_info",
                        ActivityTheme.OTHER: "other"}
TOOK_PART, COMPLETED = "took_part", "completed"


def _code(value) -> str:
    return str(getattr(value, "value", value))


def quarter_days(year: int, quarter: int) -> tuple[date, date]:
    """The first day of the quarter and the first day of the next one (local dates)."""
    first = date(year, 3 * quarter - 2, 1)
    return first, date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)


def attendance_per_enrolment():
    """Per enrolment: the number of held sessions it was present at, and whether one of them was session 1 or 2
    (the groups' own reading, mediation/groups/queries.py, attended_numbers)."""
    return (select(Attendance.enrolment_id,
                   func.count(func.distinct(GroupSession.number)).label("attended"),
                   func.max(case((GroupSession.number.in_(tuple(TAKE_UP_SESSIONS)), 1), else_=0)).label("early"))
            .join(GroupSession, GroupSession.id == Attendance.session_id)
            .where(Attendance.present.is_(True), GroupSession.attendance_recorded_at.is_not(None))
            .group_by(Attendance.enrolment_id).subquery("attended"))


def participation(attended, percent: int):
    """The enrolment's published participation, in SQL: completed first (DOM124), then took part, else NULL."""
    return case((attended.c.attended * 100 >= literal(percent) * ParentingGroup.planned_sessions, COMPLETED),
                (attended.c.early == 1, TOOK_PART), else_=None)


def enrolments_by_participation_and_sex(session: Session, year: int, quarter: int) -> Cells:
    """T9: enrolments of the cycles finished in the quarter that took part, by participation and sex.

    In an association whose anonymous statistics depend on consent (`statistics_need_consent`), no enrolment is
    counted: group participants give no statistics consent (docs/statistics.md, ST35)."""
    first, after = quarter_days(year, quarter)
    attended = attendance_per_enrolment()
    stage = participation(attended, completion_percent()).label("stage")
    need_consent = select(Association.id).where(Association.statistics_need_consent.is_(True))
    stmt = (select(stage, Enrolment.sex, ParentingGroup.association_id, func.count().label("n"),
                   func.sum(Enrolment.stat_key).label("key_sum"))
            .select_from(Enrolment)
            .join(ParentingGroup, ParentingGroup.id == Enrolment.group_id)
            .join(attended, attended.c.enrolment_id == Enrolment.id)
            .where(ParentingGroup.finished_on >= first, ParentingGroup.finished_on < after,
                   ParentingGroup.association_id.not_in(need_consent))
            .group_by(stage, Enrolment.sex, ParentingGroup.association_id))
    return _collect(session, stmt, lambda stage, sex: None if stage is None else (str(stage), _code(sex)))


def activities_by_measure_and_theme(session: Session, bounds) -> Cells:
    """T10: activities recorded in the period by theme group, and the people present at them."""
    present = (select(ActivityCount.activity_id, func.sum(ActivityCount.count).label("present"))
               .group_by(ActivityCount.activity_id).subquery("present"))
    stmt = (select(Activity.theme, Activity.association_id, func.count().label("n"),
                   func.sum(Activity.stat_key).label("key_sum"), func.sum(present.c.present).label("people"))
            .join(present, present.c.activity_id == Activity.id)
            .where(Activity.created_at >= bounds[0], Activity.created_at < bounds[1])
            .group_by(Activity.theme, Activity.association_id))
    cells: Cells = {}
    for theme, association_id, n, key_sum, people in session.execute(stmt):
        group = ACTIVITY_THEME_GROUP[ActivityTheme(_code(theme))]
        for measure, count in (("activities", n), ("attendance", people)):
            # Both cells of a theme sum the same activities' keys (docs/statistics.md, ST38).
            cells.setdefault((measure, group), CellStats()).add(int(count), int(key_sum), association_id)
    return cells

