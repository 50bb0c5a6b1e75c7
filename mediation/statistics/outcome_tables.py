"""Tabulation of the catalogue's outcome tables T7 and T8 (docs/statistics.md, ST34), as aggregate.py does for T1-T6.

One read-only GROUP BY per table returning, per cell and association, COUNT(*) and SUM(stat_key); no row is
loaded as an object and no encrypted column is named. The population is the release's (ST3): follow-ups and
referrals count when their case counts.

- T7 counts the post-closure follow-ups at 3 and at 6 months recorded in the year, by result. A follow-up is
  recorded once and dated by the server (`done_on` is the day it was recorded, docs/domain.md, DOM94), so it
  never moves between years. The 1-month call is not published.
- T8 counts the referrals out recorded in the quarter (their server-set `created_at`), by destination group.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.aftercare.codes import AftercareStatus
from mediation.aftercare.models import PostClosureFollowUp
from mediation.cases.codes import FollowUpResult, ReferralDestination
from mediation.cases.models.case import Case
from mediation.referrals.models import Referral
from mediation.statistics.aggregate import Cells, _collect, _counted_case

# docs/statistics.md, ST34: the months of the plan that T7 publishes, and their codes.
FOLLOW_UP_POINT = {3: "3_months", 6: "6_months"}
FOLLOW_UP_RESULT = {FollowUpResult.HOLDING: "holding", FollowUpResult.PARTLY_HOLDING: "partly_holding",
                    FollowUpResult.NOT_HOLDING: "not_holding", FollowUpResult.UNREACHABLE: "not_reached"}
# docs/statistics.md, ST34: one published grouping of the destinations (ST5: one classification per variable).
DESTINATION_GROUP = {
    ReferralDestination.FAMILY_COURT: "justice",
    ReferralDestination.PUBLIC_PROSECUTOR: "justice",
    ReferralDestination.POLICE: "justice",
    ReferralDestination.LEGAL_AID: "legal_aid",
    ReferralDestination.HEALTH: "health",
    ReferralDestination.LISTENING_CENTRE: "protection",
    ReferralDestination.CHILD_PROTECTION_UNIT: "protection",
    ReferralDestination.FAMILY_SOLIDARITY_FUND: "social_protection",
    ReferralDestination.ENTRAIDE_NATIONALE: "social_protection",
    ReferralDestination.OTHER_ASSOCIATION: "other",
    ReferralDestination.OTHER: "other",
}


def _code(value) -> str:
    return str(getattr(value, "value", value))


def follow_ups_by_point_and_result(session: Session, year: int) -> Cells:
    """T7: follow-ups at 3 and 6 months recorded in the year, by months after the closure and result."""
    stmt = (select(PostClosureFollowUp.months_after, PostClosureFollowUp.result, Case.association_id,
                   func.count().label("n"), func.sum(PostClosureFollowUp.stat_key).label("key_sum"))
            .join(Case, Case.id == PostClosureFollowUp.case_id)
            .where(PostClosureFollowUp.status == AftercareStatus.DONE,
                   PostClosureFollowUp.months_after.in_(tuple(FOLLOW_UP_POINT)),
                   PostClosureFollowUp.done_on >= date(year, 1, 1), PostClosureFollowUp.done_on < date(year + 1, 1, 1),
                   _counted_case())
            .group_by(PostClosureFollowUp.months_after, PostClosureFollowUp.result, Case.association_id))

    def code_of(months, result):
        return FOLLOW_UP_POINT[int(months)], FOLLOW_UP_RESULT[FollowUpResult(_code(result))]

    return _collect(session, stmt, code_of)


def referrals_by_destination_group(session: Session, bounds) -> Cells:
    """T8: referrals recorded in the period, by destination group."""
    stmt = (select(Referral.destination, Case.association_id, func.count().label("n"),
                   func.sum(Referral.stat_key).label("key_sum"))
            .join(Case, Case.id == Referral.case_id)
            .where(Referral.created_at >= bounds[0], Referral.created_at < bounds[1], _counted_case())
            .group_by(Referral.destination, Case.association_id))
    return _collect(session, stmt, lambda destination: (DESTINATION_GROUP[ReferralDestination(_code(destination))],))
