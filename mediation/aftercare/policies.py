"""Who may read and record post-closure follow-ups (docs/domain.md, DOM97; pure rules).

The case has been loaded through the user's scope first: a case outside it is already a 404, so these say
only whether the user may act on it (otherwise 403).
"""

from __future__ import annotations

from mediation.aftercare.codes import AftercareStatus
from mediation.aftercare.models import PostClosureFollowUp
from mediation.cases.models import Case
from mediation.cases.policies import is_assigned, is_supervisor_of


def can_read(user, case: Case) -> bool:
    """The case's staff and the association's supervisors."""
    return is_assigned(user, case) or is_supervisor_of(user, case)


def can_record(user, case: Case, follow_up: PostClosureFollowUp) -> bool:
    """The staff of the case record a planned follow-up of their closed case; supervisors read."""
    return (follow_up.case_id == case.id and follow_up.status is AftercareStatus.PLANNED
            and not case.is_open and is_assigned(user, case))


def can_mark_seen(user, case: Case, follow_up: PostClosureFollowUp) -> bool:
    """A supervisor of the association takes an alert out of their queue (docs/domain.md, DOM95)."""
    return (follow_up.case_id == case.id and follow_up.alert and follow_up.seen_at is None
            and is_supervisor_of(user, case))
