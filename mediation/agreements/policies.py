"""Who may read and write a case's agreement (docs/domain.md, DOM81; docs/security.md, S38).

The case has been loaded through the user's scope before any of these runs: a case outside it is already a
404 (a mediator not assigned to it, another association's supervisor), so these say only whether the user may
act on it (otherwise 403).
"""

from __future__ import annotations

from mediation.cases.models import Case
from mediation.cases.policies import is_assigned, is_supervisor_of


def can_write_agreement(user, case: Case) -> bool:
    """The case's own staff (its lead and co-workers) draft, revise and conclude, while the case is open.
    A supervisor reads: the agreement is the parties' and their mediators' work."""
    return case.is_open and is_assigned(user, case)


def can_read_agreement(user, case: Case) -> bool:
    return is_assigned(user, case) or is_supervisor_of(user, case)
