"""Asking the supervisors for a decision when the mediation gate refuses (docs/domain.md, DOM71).

One step from the refusal: the request, with an optional note (encrypted), goes to the supervisors'
queue and onto the case's timeline; a supervisor answers it by recording a decision on the case
(safety.decide_screening). Functions flush and never commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.models import Case, DecisionRequest
from mediation.cases.policies import can_request_decision
from mediation.cases.queries.notices import open_requests
from mediation.cases.rules import DECISION_REQUEST_NOTE_MAX
from mediation.cases.services.gate import mediation_gate
from mediation.core.audit import AuditAction, record
from mediation.core.errors import DomainError, ValidationFailed


class RequestNotAllowed(DomainError):
    """Only the staff who work an open case ask for a decision on it: the forbidden page (403)."""

    message = _l("Only the staff who work this case may ask a supervisor for a decision on it.")
    status = 403


class GateOpen(DomainError):
    message = _l("The mediation gate is open: there is no decision to ask for.")


class AlreadyRequested(DomainError):
    message = _l("A request for a decision on this case is already waiting for a supervisor.")


def request_decision(session: Session, case: Case, note: str | None, *, actor: StaffUser) -> DecisionRequest:
    """Ask for a decision while the gate refuses the move into mediation; one open request per case."""
    if not can_request_decision(actor, case):
        raise RequestNotAllowed()
    note = (note or "").strip() or None
    if note is not None and len(note) > DECISION_REQUEST_NOTE_MAX:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=DECISION_REQUEST_NOTE_MAX), field="note")
    problems = mediation_gate(session, case)
    if not problems:
        raise GateOpen()
    # Two staff of the case pressing the button at once: the case's row is held until the commit, so the
    # second sees the first's request (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    if open_requests(session, case):
        raise AlreadyRequested()
    checks = dict.fromkeys(problem.check.value for problem in problems)
    request = DecisionRequest(case_id=case.id, requested_by_id=actor.id, gate_checks=",".join(checks), note=note)
    session.add(request)
    session.flush()
    # The kind of event only: never the note (docs/security.md, S27).
    record(session, AuditAction.CREATE, entity="decision_request", entity_id=request.public_id,
           association_id=case.association_id)
    return request
