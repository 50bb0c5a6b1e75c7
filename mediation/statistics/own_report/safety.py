"""Safety indicators of the own-association report (docs/domain.md, DOM25-DOM31; docs/statistics.md, ST2).

Ministry releases show safety items only at region level or above; this report is the association's
own data, so it shows them for the association, as counts of codes: never a screening's content,
never a case. Screenings count in the quarter they were recorded (created_at, set by the server),
decisions in the quarter they were taken.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from mediation.cases.codes import Adaptation, CaseStatus, GatingIndicator, ScreeningDecision
from mediation.cases.models import Participant
from mediation.cases.models.case import Case
from mediation.cases.models.safety import Screening, ScreeningDecisionRecord, ScreeningItem, ScreeningResult
from mediation.core.clock import local_parts
from mediation.counselling.models import CounsellingSession
from mediation.statistics.aggregate import real_case
from mediation.statistics.own_report.activity import aware
from mediation.statistics.own_report.outcomes import MEDIATION_SESSIONS
from mediation.statistics.own_report.shapes import Figure, Row, Section, rate_figure

DANGER_ITEM = f"gating_indicator.{GatingIndicator.IMMEDIATE_DANGER.value}"
RESULT_LABELS = {ScreeningResult.NEGATIVE: _l("Negative"), ScreeningResult.POSITIVE: _l("Positive")}


def screenings(session: Session, association_id: int, bounds) -> tuple[Section, list[Figure]]:
    """Screenings recorded in the quarter by result, the positive share and those reporting danger."""
    danger = exists().where(ScreeningItem.screening_id == Screening.id, ScreeningItem.code == DANGER_ITEM)
    counts, dangers = {}, 0
    for result, n, with_danger in session.execute(
            select(Screening.result, func.count(), func.sum(case((danger, 1), else_=0)))
            .join(Participant, Participant.id == Screening.participant_id)
            .join(Case, Case.id == Participant.case_id)
            .where(Case.association_id == association_id, real_case(),
                   Screening.created_at >= bounds[0], Screening.created_at < bounds[1])
            .group_by(Screening.result)):
        counts[str(getattr(result, "value", result))] = int(n)
        dangers += int(with_danger or 0)
    section = Section("screenings", _l("Safety screenings recorded, by result"),
                      [Row(result.value, label, counts.get(result.value, 0))
                       for result, label in RESULT_LABELS.items()])
    positive = counts.get(ScreeningResult.POSITIVE.value, 0)
    return section, [
        rate_figure("positive_share", _l("Positive screenings (positive ÷ screenings recorded)"),
                    positive, section.total),
        Figure("danger_screenings", _l("Screenings reporting immediate danger"), dangers),
    ]


def decisions(session: Session, association_id: int, bounds) -> tuple[Section, Section]:
    """Supervisors' screening decisions of the quarter by type, and the adaptations they set."""
    by_decision: dict[str, int] = {}
    by_adaptation: dict[str, int] = {}
    for decision, adaptations, n in session.execute(
            select(ScreeningDecisionRecord.decision, ScreeningDecisionRecord.adaptations, func.count())
            .join(Case, Case.id == ScreeningDecisionRecord.case_id)
            .where(Case.association_id == association_id, real_case(),
                   ScreeningDecisionRecord.decided_at >= bounds[0], ScreeningDecisionRecord.decided_at < bounds[1])
            .group_by(ScreeningDecisionRecord.decision, ScreeningDecisionRecord.adaptations)):
        key = str(getattr(decision, "value", decision))
        by_decision[key] = by_decision.get(key, 0) + int(n)
        for code in set(filter(None, (adaptations or "").split(","))):
            by_adaptation[code] = by_adaptation.get(code, 0) + int(n)
    return (
        Section("screening_decisions", _l("Screening decisions taken by supervisors, by decision"),
                [Row(d.value, d.label, by_decision.get(d.value, 0)) for d in ScreeningDecision]),
        Section("adaptations", _l("Adaptations set by those decisions (a decision may set several)"),
                [Row(a.value, a.label, by_adaptation.get(a.value, 0)) for a in Adaptation], totalled=False),
    )


def danger_flags_today(session: Session, association_id: int) -> Figure:
    """The flag is a current state (clearing it keeps no dated history), so it is counted today."""
    n = session.scalar(select(func.count()).select_from(Case).where(
        Case.association_id == association_id, Case.status != CaseStatus.CLOSED, Case.immediate_danger.is_(True)))
    return Figure("danger_flags_today", _l("Open cases flagged for immediate danger (today)"), int(n or 0))


def screened_before_mediation(session: Session, association_id: int, bounds) -> Figure:
    """Share of the cases whose first mediation session fell in the quarter in which every party had
    been screened on or before that session's (local) day (target 100 %).

    One grouped row per party of those cases, carrying no identifier out of this function: the local
    day is taken here because the two backends convert instants to dates differently."""
    first = (select(CounsellingSession.case_id, func.min(CounsellingSession.started_at).label("first"))
             .where(CounsellingSession.type.in_(MEDIATION_SESSIONS), CounsellingSession.voided_at.is_(None))
             .group_by(CounsellingSession.case_id).subquery("first_mediation"))
    rows = session.execute(
        select(first.c.case_id, first.c.first, func.min(Screening.screened_on))
        .join(Case, Case.id == first.c.case_id)
        .join(Participant, Participant.case_id == first.c.case_id)
        .outerjoin(Screening, Screening.participant_id == Participant.id)
        .where(Case.association_id == association_id, real_case(), first.c.first >= bounds[0],
               first.c.first < bounds[1], Participant.is_party.is_(True), Participant.active.is_(True))
        .group_by(first.c.case_id, first.c.first, Participant.id))
    screened: dict[int, bool] = {}
    for case_key, started, earliest in rows:
        if isinstance(earliest, str):  # a raw aggregate value on SQLite
            earliest = date.fromisoformat(earliest)
        day = local_parts(aware(started))[0]
        screened[case_key] = screened.get(case_key, True) and earliest is not None and earliest <= day
    return rate_figure("screened_before_mediation",
                       _l("Cases with every party screened before the first mediation session "
                          "(first mediation session in the quarter)"),
                       sum(screened.values()), len(screened))
