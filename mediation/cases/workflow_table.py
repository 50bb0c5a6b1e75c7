"""The case workflow table: which status changes are allowed, and to whom (docs/domain.md, DOM14).

The guards of each change (DOM15) are checked by `mediation/cases/services/workflow.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from mediation.cases.codes import OPEN_STATUSES, CaseStatus
from mediation.core.authz import Role


@dataclass(frozen=True)
class Transition:
    """One allowed status change; its guard (docs/domain.md, DOM15) is checked by the cases service."""

    from_: CaseStatus
    to: CaseStatus
    by: frozenset[str]
    lead_only: bool = False
    needs_reason: bool = False


_MEDIATOR = frozenset({Role.MEDIATOR})
_SUPERVISOR = frozenset({Role.SUPERVISOR})
_BOTH = frozenset({Role.MEDIATOR, Role.SUPERVISOR})

_ROWS = (
    Transition(CaseStatus.INTAKE, CaseStatus.ASSESSMENT, _MEDIATOR),
    Transition(CaseStatus.INTAKE, CaseStatus.IN_COUNSELLING, _MEDIATOR),
    Transition(CaseStatus.ASSESSMENT, CaseStatus.IN_MEDIATION, _MEDIATOR),
    Transition(CaseStatus.ASSESSMENT, CaseStatus.IN_COUNSELLING, _BOTH),
    Transition(CaseStatus.IN_COUNSELLING, CaseStatus.ASSESSMENT, _MEDIATOR),
    Transition(CaseStatus.IN_MEDIATION, CaseStatus.IN_COUNSELLING, _MEDIATOR),
    Transition(CaseStatus.IN_MEDIATION, CaseStatus.SUSPENDED, _BOTH, needs_reason=True),
    Transition(CaseStatus.IN_COUNSELLING, CaseStatus.SUSPENDED, _BOTH, needs_reason=True),
    Transition(CaseStatus.SUSPENDED, CaseStatus.IN_MEDIATION, _SUPERVISOR),
    Transition(CaseStatus.SUSPENDED, CaseStatus.IN_COUNSELLING, _SUPERVISOR),
    # Closing needs a valid closure (docs/domain.md, DOM53-DOM54); its outcome, not a separate reason, says why.
    *(Transition(status, CaseStatus.CLOSED, _MEDIATOR, lead_only=True) for status in CaseStatus
      if status in OPEN_STATUSES),
    Transition(CaseStatus.CLOSED, CaseStatus.ASSESSMENT, _SUPERVISOR, needs_reason=True),
)

TRANSITIONS: Mapping[tuple[CaseStatus, CaseStatus], Transition] = MappingProxyType(
    {(row.from_, row.to): row for row in _ROWS}
)


def allowed_transition(from_: CaseStatus | str, to: CaseStatus | str) -> Transition | None:
    """The workflow row for this change, or None: a change not listed MUST be rejected."""
    return TRANSITIONS.get((from_, to))
