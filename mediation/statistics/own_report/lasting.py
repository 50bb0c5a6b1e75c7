"""Outcomes that last in the own-association report (docs/statistics.md, ST2, ST36): agreements by level and by
issue, post-closure follow-ups by result, new court proceedings, referrals out by destination and status, and
the median days from intake to the first mediation session.

Exact counts, one grouped query each, filtered on the association; no encrypted column is read (a point's text,
a follow-up's note, a referral's organisation and reason stay where they are).
"""

from __future__ import annotations

import statistics as stats
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.aftercare.codes import AftercareStatus
from mediation.aftercare.models import PostClosureFollowUp
from mediation.agreements.models import AgreementClosure, AgreementPoint, AgreementVersion
from mediation.cases.codes import AgreementLevel, FollowUpResult, Issue, PointStatus, ReferralDestination
from mediation.cases.models.case import Case, Closure
from mediation.core.clock import local_date
from mediation.counselling.models import CounsellingSession
from mediation.referrals.codes import ReferralStatus
from mediation.referrals.models import Referral
from mediation.statistics.aggregate import real_case
from mediation.statistics.own_report.activity import aware
from mediation.statistics.own_report.outcomes import MEDIATION_SESSIONS
from mediation.statistics.own_report.shapes import Figure, RateRow, RateTable, Row, Section, rate_figure

REACHED = (FollowUpResult.HOLDING, FollowUpResult.PARTLY_HOLDING, FollowUpResult.NOT_HOLDING)


def _code(value) -> str:
    return str(getattr(value, "value", value))


def _row(code: str, label, counts: dict[str, int], columns) -> RateRow:
    """A row with every column counted, zeros included (the page and the workbook read each column)."""
    return RateRow(code, label, sum(counts.values()), {column: counts.get(column, 0) for column, _label in columns})


@dataclass(frozen=True)
class MonthsLabel:
    """"At 3 months", translated when shown (the months come from the plan's setting, so not a lazy string)."""

    months: int

    def __str__(self) -> str:
        if self.months == 1:
            return gettext("At 1 month")
        return gettext("At %(months)s months", months=self.months)


def _days(bounds):
    """The quarter's first local day and the next quarter's: a follow-up is dated by the day it was recorded."""
    return local_date(bounds[0]), local_date(bounds[1])


def _agreement_closures(association_id: int, bounds):
    """The quarter's closures resting on a concluded agreement, with the version they rest on."""
    return (select(AgreementClosure.version_id).join(Closure, Closure.id == AgreementClosure.closure_id)
            .join(Case, Case.id == Closure.case_id)
            .where(Case.association_id == association_id, real_case(), Closure.created_at >= bounds[0],
                   Closure.created_at < bounds[1]))


def agreements_by_level(session: Session, association_id: int, bounds) -> Section:
    """Closures of the quarter that rest on an agreement, by the level of that agreement (derived, DOM78)."""
    linked = _agreement_closures(association_id, bounds).subquery("linked")
    counts = {_code(level): int(n) for level, n in session.execute(
        select(AgreementVersion.level, func.count()).join(linked, linked.c.version_id == AgreementVersion.id)
        .group_by(AgreementVersion.level))}
    return Section("agreements_by_level", _l("Cases closed on an agreement, by the agreement's level"),
                   [Row(level.value, level.label, counts.get(level.value, 0)) for level in AgreementLevel])


def agreement_points_by_issue(session: Session, association_id: int, bounds) -> RateTable:
    """The points of those agreements by issue and status: what families settled, and what they did not."""
    linked = _agreement_closures(association_id, bounds).subquery("linked")
    counts: dict[str, dict[str, int]] = {}
    for issue, status, n in session.execute(
            select(AgreementPoint.issue, AgreementPoint.status, func.count())
            .join(linked, linked.c.version_id == AgreementPoint.version_id)
            .group_by(AgreementPoint.issue, AgreementPoint.status)):
        counts.setdefault(_code(issue), {})[_code(status)] = int(n)
    columns = [(status.value, status.label) for status in PointStatus]
    rows = [_row(issue.value, issue.label, counts[issue.value], columns) for issue in Issue if issue.value in counts]
    return RateTable("agreement_points", _l("Points of the agreements the quarter's closures rest on, by issue"),
                     _l("Points"), columns, rows)


def follow_ups(session: Session, association_id: int, bounds) -> tuple[RateTable, list[Figure]]:
    """Post-closure follow-ups recorded in the quarter, by months after the closure and result; the agreements
    holding at 3 and 6 months among the families reached, and the new court proceedings found."""
    first, after = _days(bounds)
    counts: dict[int, dict[str, int]] = {}
    proceedings = 0
    for months, result, found, n in session.execute(
            select(PostClosureFollowUp.months_after, PostClosureFollowUp.result, PostClosureFollowUp.new_proceedings,
                   func.count())
            .join(Case, Case.id == PostClosureFollowUp.case_id)
            .where(Case.association_id == association_id, real_case(),
                   PostClosureFollowUp.status == AftercareStatus.DONE,
                   PostClosureFollowUp.done_on >= first, PostClosureFollowUp.done_on < after)
            .group_by(PostClosureFollowUp.months_after, PostClosureFollowUp.result,
                      PostClosureFollowUp.new_proceedings)):
        by_result = counts.setdefault(int(months), {})
        by_result[_code(result)] = by_result.get(_code(result), 0) + int(n)
        proceedings += int(n) if found else 0
    columns = [(result.value, result.label) for result in FollowUpResult]
    rows = [_row(f"{months}_months", MonthsLabel(months), counts.get(months, {}), columns)
            for months in sorted({1, 3, 6} | set(counts))]
    table = RateTable("follow_ups_by_result", _l("Post-closure follow-ups recorded in the quarter, by result"),
                      _l("Follow-ups recorded"), columns, rows)

    def reached(months: int | None) -> int:
        chosen = [counts.get(months, {})] if months else list(counts.values())
        return sum(by.get(result.value, 0) for by in chosen for result in REACHED)

    def holding(months: int) -> int:
        return counts.get(months, {}).get(FollowUpResult.HOLDING.value, 0)

    figures = [
        rate_figure("holding_3_months", _l("Agreements holding at 3 months (holding ÷ follow-ups at 3 months "
                                           "that reached the family)"), holding(3), reached(3)),
        rate_figure("holding_6_months", _l("Agreements holding at 6 months (holding ÷ follow-ups at 6 months "
                                           "that reached the family)"), holding(6), reached(6)),
        rate_figure("new_proceedings", _l("New court proceedings after mediation (follow-ups that found new "
                                          "proceedings ÷ follow-ups that reached the family)"),
                    proceedings, reached(None)),
    ]
    return table, figures


def referrals_by_destination(session: Session, association_id: int, bounds) -> RateTable:
    """Referrals out recorded in the quarter, by destination and by the destination's answer so far."""
    counts: dict[str, dict[str, int]] = {}
    for destination, status, n in session.execute(
            select(Referral.destination, Referral.status, func.count()).join(Case, Case.id == Referral.case_id)
            .where(Case.association_id == association_id, real_case(), Referral.created_at >= bounds[0],
                   Referral.created_at < bounds[1])
            .group_by(Referral.destination, Referral.status)):
        counts.setdefault(_code(destination), {})[_code(status)] = int(n)
    columns = [(status.value, status.label) for status in ReferralStatus]
    rows = [_row(destination.value, destination.label, counts.get(destination.value, {}), columns)
            for destination in ReferralDestination]
    return RateTable("referrals_by_destination", _l("Referrals out made in the quarter, by destination and answer"),
                     _l("Referrals made"), columns, rows)


def days_to_first_mediation(session: Session, association_id: int, bounds) -> Figure:
    """Median days from intake (the day the case was opened) to the first mediation session, over the cases
    whose first mediation session was held in the quarter (one grouped row per case, no identifier)."""
    first = func.min(CounsellingSession.started_at)
    stmt = (select(Case.opened_on, first)
            .join(CounsellingSession, CounsellingSession.case_id == Case.id)
            .where(Case.association_id == association_id, real_case(), CounsellingSession.voided_at.is_(None),
                   CounsellingSession.type.in_(MEDIATION_SESSIONS))
            .group_by(Case.id, Case.opened_on)
            .having(first >= bounds[0], first < bounds[1]))
    days = [max(0, (local_date(aware(started)) - opened).days) for opened, started in session.execute(stmt)]
    value = (Decimal(str(stats.median(days))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if days else None)
    return Figure("days_to_first_mediation", _l("Median days from intake to the first mediation session"), value,
                  "days")
