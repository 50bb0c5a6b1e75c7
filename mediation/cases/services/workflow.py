"""The case status workflow (docs/domain.md, DOM14, DOM15): exactly the listed transitions, each guarded and audited.

Closing and reopening have their own services (closure): they are refused here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import CaseStatus, ConsentScope
from mediation.cases.models import Case, Participant, Screening, StatusChange
from mediation.cases.policies import is_assigned, is_lead
from mediation.cases.queries.people import requesting_party
from mediation.cases.queries.safety import has_consent
from mediation.cases.services.gate import GateProblem, mediation_gate
from mediation.cases.services.safety import ScreeningData, record_screening
from mediation.cases.workflow_table import Transition, allowed_transition
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned


class TransitionRefused(DomainError):
    message = _l("This status change is not allowed.")


class ClosureElsewhere(DomainError):
    message = _l("Closing and reopening a case are done on their own pages.")


class StatusChangeForbidden(DomainError):
    """The transition exists, but not for this user: the forbidden page (403)."""

    message = _l("Your account may not make this status change on this case.")
    status = 403


# The refusal when someone saved first (docs/security.md, S31): StaleRecord, 409.
STALE_STATUS = _l(
    "The status of this case has changed since the page was loaded. Check it and try again.")


class MissingDataConsent(DomainError):
    message = _l("The requesting party's consent to the processing of their data is not recorded.")


class GateClosed(DomainError):
    """The mediation gate refuses the move; `problems` say why."""

    message = _l("The case cannot go into mediation yet.")

    def __init__(self, problems: list[GateProblem]):
        super().__init__()
        self.problems = problems


# Moves into mediation: the gate must be open (docs/domain.md, DOM15, DOM28).
INTO_MEDIATION = frozenset({(CaseStatus.ASSESSMENT, CaseStatus.IN_MEDIATION),
                            (CaseStatus.SUSPENDED, CaseStatus.IN_MEDIATION)})
# Moves out of intake: the requesting party's data_processing consent is given.
OUT_OF_INTAKE = frozenset({(CaseStatus.INTAKE, CaseStatus.ASSESSMENT),
                           (CaseStatus.INTAKE, CaseStatus.IN_COUNSELLING)})


def _role(user) -> str | None:
    return getattr(user, "role", None)


def may_make(user, case: Case, transition: Transition) -> bool:
    """Role from the workflow row, plus scope: a staff member must work the case, a supervisor be of its association."""
    if _role(user) not in transition.by or getattr(user, "association_id", None) != case.association_id:
        return False
    if _role(user) == Role.MEDIATOR and not is_assigned(user, case):
        return False
    return not transition.lead_only or is_lead(user, case)


def _workflow_row(from_: CaseStatus, to: CaseStatus) -> Transition | None:
    if CaseStatus.CLOSED in (from_, to):
        return None
    return allowed_transition(from_, to)


def available_transitions(case: Case, user) -> list[Transition]:
    """The status changes offered to this user on this case (guards are checked when one is asked for)."""
    return [row for to in CaseStatus
            if (row := _workflow_row(case.status, to)) is not None and may_make(user, case, row)]


def check_guard(session: Session, case: Case, to: CaseStatus) -> None:
    """Raise when the guard of this (listed) transition does not hold."""
    move = (case.status, to)
    if move in OUT_OF_INTAKE:
        # The immediate-danger question is required at intake, so it is always answered.
        party = requesting_party(session, case)
        if party is None or not has_consent(session, party, ConsentScope.DATA_PROCESSING):
            raise MissingDataConsent()
    if move in INTO_MEDIATION:
        problems = mediation_gate(session, case)
        if problems:
            raise GateClosed(problems)


def change_status(session: Session, case: Case, to_status: CaseStatus | str, *, actor: StaffUser,
                  reason: str | None = None, expected_from: CaseStatus | str | None = None) -> StatusChange:
    """Move the case along one listed transition, if this user may and its guard holds; audited."""
    try:
        to = CaseStatus(to_status)
    except ValueError:
        raise TransitionRefused() from None
    if expected_from is not None and str(expected_from) != case.status.value:
        raise StaleRecord(STALE_STATUS)
    if CaseStatus.CLOSED in (case.status, to):
        raise ClosureElsewhere()
    row = allowed_transition(case.status, to)
    if row is None:
        raise TransitionRefused()
    if not may_make(actor, case, row):
        raise StatusChangeForbidden()
    reason = (reason or "").strip() or None
    if row.needs_reason and reason is None:
        raise ValidationFailed(_l("Give the reason for this change."), field="reason")
    check_guard(session, case, to)
    change = StatusChange(case_id=case.id, from_status=case.status, to_status=to, changed_by_id=actor.id,
                          reason=reason)
    session.add(change)
    case.status = to
    flush_versioned(session, STALE_STATUS)
    record(session, AuditAction.STATUS_CHANGE, entity="case", entity_id=case.public_id,
           association_id=case.association_id)
    return change


def screen_party(session: Session, case: Case, participant: Participant, data: ScreeningData, *,
                 actor: StaffUser) -> Screening:
    """Record a party's screening; a case still at intake moves into assessment with it, when its actor may
    make that move and its guard holds (docs/domain.md, DOM104). Otherwise the case stays where it is."""
    screening = record_screening(session, case, participant, data, actor=actor)
    row = allowed_transition(case.status, CaseStatus.ASSESSMENT)
    if case.status is CaseStatus.INTAKE and row is not None and may_make(actor, case, row):
        try:
            check_guard(session, case, CaseStatus.ASSESSMENT)
        except MissingDataConsent:
            return screening  # the case page still says what the move needs
        change_status(session, case, CaseStatus.ASSESSMENT, actor=actor)
    return screening
