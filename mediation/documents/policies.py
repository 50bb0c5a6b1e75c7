"""Who may produce and open a case's documents (docs/domain.md, DOM151; docs/security.md, S70).

The case has been loaded through the user's scope before any of these runs: a case outside it is already a
404, and so is a document of another case reached through this case's address.
"""

from __future__ import annotations

from mediation.cases.models import Case
from mediation.cases.policies import is_assigned, is_supervisor_of


def can_read_documents(user, case: Case) -> bool:
    """The case's staff and the association's supervisors, as for its attachments (DOM107)."""
    return is_assigned(user, case) or is_supervisor_of(user, case)


def can_produce_documents(user, case: Case) -> bool:
    """The same people, open or closed case alike (an attestation is asked for after the closure); an
    anonymised case has nobody left to write to."""
    return case.anonymised_at is None and can_read_documents(user, case)
