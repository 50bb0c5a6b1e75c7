"""Read-only tabulation for the releases (docs/statistics.md, ST3-ST5, ST15 steps 1-2): one GROUP BY per table.

Each function returns {cell codes: CellStats} built from grouped rows of (codes, association,
COUNT(*), SUM(stat_key)); no case is loaded as an object and no encrypted column is named.
Region cells carry the service point's region code (MA-01..MA-12); release.py regroups them into
the geography in force, so merging groups never needs another query.

Periods are the quarter (or year) of the server-set created_at read as a local date in the
service's zone (Africa/Casablanca): the bounds are local midnights turned into UTC instants, so the
filter is a plain range on the stored UTC column and works alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from mediation.accounts.models import Association, ServicePoint
from mediation.cases.codes import (
    OUTCOME_GROUP,
    AgeBand,
    ConsentScope,
    ConsentStatus,
    Outcome,
    OutcomeGroup,
    ParticipantRole,
)
from mediation.cases.models import Participant
from mediation.cases.models.case import Case, CaseIssue, Closure
from mediation.cases.models.safety import Consent, Screening, ScreeningResult
from mediation.core.clock import to_utc
from mediation.counselling.models import CounsellingSession
from mediation.statistics.cells import CellStats
from mediation.statistics.codes import ISSUE_GROUP, IssueGroup

Cells = dict[tuple[str, ...], CellStats]

ISSUE_ORDER = tuple(group.value for group in IssueGroup)  # docs/statistics.md, ST5: the first matching group wins
# Youngest child's band: a rank per stored band, lowest = youngest published band.
_CHILD_RANK = {AgeBand.B0_3: 1, AgeBand.B4_5: 1, AgeBand.B6_11: 2, AgeBand.B12_14: 2, AgeBand.B15_17: 3,
               AgeBand.UNKNOWN: 4}
_CHILD_BAND = {1: "0_5", 2: "6_14", 3: "15_17", 4: "unknown"}  # no rank (or an adult band): "none"


def period_bounds(year: int, quarter: int | None) -> tuple[datetime, datetime]:
    """UTC instants of the first local midnight of the period and of the next one."""
    first_month = 1 if quarter is None else 3 * quarter - 2
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if quarter in (None, 4) else date(year, first_month + 3, 1)
    return to_utc(start, time(0)), to_utc(end, time(0))


def _party_statistics_consent(statuses):
    """EXISTS a party of the case whose latest `statistics` consent row (consent is append-only) has one
    of `statuses`."""
    party, consent, newer = aliased(Participant), aliased(Consent), aliased(Consent)
    return exists().where(
        party.case_id == Case.id, party.is_party.is_(True),
        consent.participant_id == party.id, consent.scope == ConsentScope.STATISTICS,
        consent.status.in_(statuses),
        ~exists().where(newer.participant_id == party.id, newer.scope == ConsentScope.STATISTICS,
                        newer.id > consent.id),
    )


def real_case():
    """Every case except those closed as opened in error (the own-association report's population)."""
    return or_(Case.outcome.is_(None), Case.outcome != Outcome.OPENED_IN_ERROR)


def _counted_case():
    """The release population (docs/statistics.md, ST3): real cases; in an association whose CNDP declaration makes
    anonymous statistics depend on consent (`statistics_need_consent`), only those with at least one
    party's `statistics` consent given and none refused or withdrawn."""
    need_consent = select(Association.id).where(Association.statistics_need_consent.is_(True))
    consented = and_(_party_statistics_consent([ConsentStatus.GIVEN]),
                     ~_party_statistics_consent([ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN]))
    return and_(real_case(), or_(Case.association_id.not_in(need_consent), consented))


def _registered_in(bounds):
    return and_(Case.created_at >= bounds[0], Case.created_at < bounds[1], _counted_case())


def _of(association_id: int | None):
    """Every association (a release), or one (its funder export, docs/statistics.md, ST44)."""
    return true() if association_id is None else Case.association_id == association_id


def _collect(session: Session, stmt, code_of) -> Cells:
    """Run a grouped statement (codes..., association_id, n, key_sum) into CellStats; rows that
    coarsen to the same cell are merged here."""
    cells: Cells = {}
    for row in session.execute(stmt):
        *codes, association_id, n, key_sum = row
        key = code_of(*codes)
        if key is None:
            continue
        cells.setdefault(key, CellStats()).add(int(n), int(key_sum), association_id)
    return cells


def issue_rank():
    """Per case: the rank of its first issue group in the order of docs/statistics.md, ST5."""
    rank = case({issue: ISSUE_ORDER.index(group.value) for issue, group in ISSUE_GROUP.items()},
                value=CaseIssue.issue)
    return (select(CaseIssue.case_id, func.min(rank).label("rank"))
            .group_by(CaseIssue.case_id).subquery("issue_rank"))


def issue_code(rank) -> str:
    # Every case has an issue; a case without one would still be counted (as `other`), so T1 and
    # T2 always count the same set of cases and share their national total (D4).
    return ISSUE_ORDER[rank] if rank is not None else "other"


def _child_rank():
    rank = case({band: value for band, value in _CHILD_RANK.items()}, value=Participant.age_band, else_=5)
    return (select(Participant.case_id, func.min(rank).label("rank"))
            .where(Participant.role == ParticipantRole.CHILD, Participant.active.is_(True))
            .group_by(Participant.case_id).subquery("child_rank"))


def _dv_screening():
    """Per case: 2 if any party's latest screening is positive, 1 if screened and none positive."""
    ordered = select(
        Screening.participant_id, Screening.result,
        func.row_number().over(partition_by=Screening.participant_id,
                               order_by=(Screening.created_at.desc(), Screening.id.desc())).label("rn"),
    ).subquery("screening_ordered")
    positive = case((ordered.c.result == ScreeningResult.POSITIVE, 2), else_=1)
    return (select(Participant.case_id, func.max(positive).label("dv"))
            .join(ordered, ordered.c.participant_id == Participant.id)
            .where(ordered.c.rn == 1)
            .group_by(Participant.case_id).subquery("dv"))


_COUNT = (func.count().label("n"), func.sum(Case.stat_key).label("key_sum"))


def cases_by_region(session: Session, bounds) -> Cells:
    """T1: cases registered in the period by their service point's region."""
    stmt = (select(ServicePoint.region_code, Case.association_id, *_COUNT)
            .join(ServicePoint, ServicePoint.id == Case.service_point_id)
            .where(_registered_in(bounds))
            .group_by(ServicePoint.region_code, Case.association_id))
    return _collect(session, stmt, lambda region: (region,))


def cases_by_issue_group(session: Session, bounds, *, association_id: int | None = None) -> Cells:
    """T2: cases registered in the period by issue group."""
    issue = issue_rank()
    stmt = (select(issue.c.rank, Case.association_id, *_COUNT)
            .outerjoin(issue, issue.c.case_id == Case.id)
            .where(_registered_in(bounds), _of(association_id))
            .group_by(issue.c.rank, Case.association_id))
    return _collect(session, stmt, lambda rank: (issue_code(rank),))


def cases_by_child_band_and_issue(session: Session, bounds) -> Cells:
    """T4: cases registered in the year by youngest child's band and issue group."""
    issue, child = issue_rank(), _child_rank()
    stmt = (select(child.c.rank, issue.c.rank, Case.association_id, *_COUNT)
            .outerjoin(issue, issue.c.case_id == Case.id)
            .outerjoin(child, child.c.case_id == Case.id)
            .where(_registered_in(bounds))
            .group_by(child.c.rank, issue.c.rank, Case.association_id))
    return _collect(session, stmt, lambda child, issue: (_CHILD_BAND.get(child, "none"), issue_code(issue)))


def cases_by_dv_and_region(session: Session, bounds) -> Cells:
    """T5: cases registered in the year by DV screening and region."""
    dv = _dv_screening()
    stmt = (select(dv.c.dv, ServicePoint.region_code, Case.association_id, *_COUNT)
            .join(ServicePoint, ServicePoint.id == Case.service_point_id)
            .outerjoin(dv, dv.c.case_id == Case.id)
            .where(_registered_in(bounds))
            .group_by(dv.c.dv, ServicePoint.region_code, Case.association_id))
    codes = {2: "positive", 1: "negative", None: "not_screened"}
    return _collect(session, stmt, lambda level, region: (codes[level], region))


def closures_by_outcome_group(session: Session, bounds, *, association_id: int | None = None) -> Cells:
    """T3: Closure rows recorded in the period by outcome group; `excluded` is never counted."""
    stmt = (select(Closure.outcome, Case.association_id, func.count().label("n"),
                   func.sum(Closure.stat_key).label("key_sum"))
            .join(Case, Case.id == Closure.case_id)
            .where(Closure.created_at >= bounds[0], Closure.created_at < bounds[1], _counted_case(),
                   _of(association_id))
            .group_by(Closure.outcome, Case.association_id))

    def code_of(outcome):
        group = OUTCOME_GROUP[Outcome(outcome)]
        return None if group is OutcomeGroup.EXCLUDED else (group.value,)

    return _collect(session, stmt, code_of)


def sessions_by_type(session: Session, bounds, *, association_id: int | None = None) -> Cells:
    """T6: sessions recorded in the period and not voided, by type."""
    stmt = (select(CounsellingSession.type, Case.association_id, func.count().label("n"),
                   func.sum(CounsellingSession.stat_key).label("key_sum"))
            .join(Case, Case.id == CounsellingSession.case_id)
            .where(CounsellingSession.created_at >= bounds[0], CounsellingSession.created_at < bounds[1],
                   CounsellingSession.voided_at.is_(None), _counted_case(), _of(association_id))
            .group_by(CounsellingSession.type, Case.association_id))
    return _collect(session, stmt, lambda kind: (str(getattr(kind, "value", kind)),))

