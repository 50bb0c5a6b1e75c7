"""Safeguarding exceptions: the case's staff ask, a supervisor of the association decides, with a reason
(docs/domain.md, DOM87; docs/security.md, P7, S41)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.models import Case
from mediation.cases.policies import is_supervisor_of
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text
from mediation.referrals.codes import ExceptionStatus, SafeguardingGround
from mediation.referrals.models import SafeguardingException
from mediation.referrals.policies import can_request_exception
from mediation.referrals.rules import EXCEPTION_REASON_MAX
from mediation.referrals.services.common import NotAllowed, participant_of

STALE_EXCEPTION = _l("Someone else decided this request while you were filling in the form. Nothing was saved: "
                     "check the request, then try again.")


class AlreadyDecided(DomainError):
    message = _l("This request has already been decided.")
    status = 409


@dataclass(frozen=True)
class ExceptionRequest:
    participant_id: uuid.UUID | str | None
    ground: SafeguardingGround | str | None
    reason: str | None


@dataclass(frozen=True)
class ExceptionDecision:
    approve: bool
    reason: str | None


def request_exception(session: Session, case: Case, data: ExceptionRequest, *,
                      actor: StaffUser) -> SafeguardingException:
    if not can_request_exception(actor, case):
        raise NotAllowed()
    participant = participant_of(session, case, data.participant_id)
    ground = parse_code(SafeguardingGround, data.ground, _l("Choose the ground for the exception."), "ground")
    reason = bounded_text(data.reason, "reason", EXCEPTION_REASON_MAX, required=True)
    exception = SafeguardingException(case_id=case.id, participant_id=participant.id, ground=ground, reason=reason,
                                      requested_by_id=actor.id, status=ExceptionStatus.PENDING)
    session.add(exception)
    session.flush()
    record(session, AuditAction.CREATE, entity="safeguarding_exception", entity_id=exception.public_id,
           association_id=case.association_id)
    return exception


def decide_exception(session: Session, case: Case, exception: SafeguardingException, data: ExceptionDecision, *,
                     actor: StaffUser, expected_version: int | None = None) -> SafeguardingException:
    """Approve or refuse a pending request; the supervisor always gives the reason (DOM87)."""
    if exception.case_id != case.id or not is_supervisor_of(actor, case):
        raise NotAllowed(_l("Only a supervisor of the association decides a safeguarding exception."))
    if exception.status is not ExceptionStatus.PENDING:
        raise AlreadyDecided()
    if not case.is_open:
        raise NotAllowed(_l("The case is closed: no referral can use this exception any more."))
    if expected_version is not None and expected_version != exception.version_id:
        raise StaleRecord(STALE_EXCEPTION)
    reason = bounded_text(data.reason, "decision_reason", EXCEPTION_REASON_MAX)
    if reason is None:
        raise ValidationFailed(_l("Give the reason for your decision."), field="decision_reason")
    exception.status = ExceptionStatus.APPROVED if data.approve else ExceptionStatus.REFUSED
    exception.decided_by_id = actor.id
    exception.decided_at = clock.now()
    exception.decision_reason = reason
    flush_versioned(session, STALE_EXCEPTION)
    record(session, AuditAction.DECISION, entity="safeguarding_exception", entity_id=exception.public_id,
           association_id=case.association_id)
    return exception
