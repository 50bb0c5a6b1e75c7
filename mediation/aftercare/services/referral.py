"""A post-closure follow-up that asks for a referral opens the way to one on the closed case (docs/domain.md,
DOM160): the referrals' policy hears of it through its registry, never by importing this package.
"""

from __future__ import annotations

from sqlalchemy.orm import object_session

from mediation.aftercare.queries import referral_requested
from mediation.cases.models import Case
from mediation.referrals.policies import CLOSED_CASE_REFERRAL


def _requested(case: Case) -> bool:
    session = object_session(case)
    return session is not None and referral_requested(session, case)


if _requested not in CLOSED_CASE_REFERRAL:
    CLOSED_CASE_REFERRAL.append(_requested)
