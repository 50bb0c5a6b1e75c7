"""Who may make, update and read referrals, and decide a safeguarding exception (docs/security.md, S40).

The case has been loaded through the user's scope before any of these runs (a case outside it is a 404);
these say only whether the user may act on it (otherwise 403). The case's staff write; the association's
supervisors read, and decide the exceptions.
"""

from __future__ import annotations

from collections.abc import Callable

from mediation.cases.models import Case
from mediation.cases.policies import is_assigned, is_supervisor_of
from mediation.referrals.codes import ExceptionStatus
from mediation.referrals.models import Referral, SafeguardingException


def can_read_referrals(user, case: Case) -> bool:
    return is_assigned(user, case) or is_supervisor_of(user, case)


# What lets the staff of a CLOSED case refer a participant (docs/domain.md, DOM160): a feature above registers a
# predicate here (a post-closure follow-up that asked for a referral), never imported (docs/architecture.md, A1).
CLOSED_CASE_REFERRAL: list[Callable[[Case], bool]] = []


def can_make_referral(user, case: Case) -> bool:
    """A referral is made while the case is open (DOM85), or after its closure when a post-closure follow-up
    asked for one (DOM160), by the staff assigned to it."""
    if not is_assigned(user, case):
        return False
    return case.is_open or any(allows(case) for allows in CLOSED_CASE_REFERRAL)


def can_record_answer(user, case: Case, referral: Referral) -> bool:
    """The destination's answer comes later, after the closure too: the case's staff record it (DOM86)."""
    return referral.case_id == case.id and is_assigned(user, case)


def can_request_exception(user, case: Case) -> bool:
    return can_make_referral(user, case)


def can_decide_exception(user, case: Case, exception: SafeguardingException) -> bool:
    """A supervisor of the association decides a pending request (DOM87)."""
    return (exception.case_id == case.id and exception.status is ExceptionStatus.PENDING and case.is_open
            and is_supervisor_of(user, case))
