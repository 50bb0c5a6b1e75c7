"""Closing and reopening a case (docs/domain.md, DOM14 workflow, DOM53-DOM56 consistency; docs/security.md, S31, S32).

A closure is an event: reopening keeps the earlier Closure row (marked
reopened, with the reason) and closing again adds a new one, so a reopened
case counts again when it closes again. Each operation is one transaction:
every function flushes and never commits; the route commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import (
    OUTCOME_GROUP,
    AgreementLevel,
    CaseStatus,
    Outcome,
    OutcomeGroup,
    ReferralDestination,
    ScreeningDecision,
)
from mediation.cases.models import (
    Case,
    Closure,
    StatusChange,
)
from mediation.cases.policies import can_close, can_reopen, is_lead, is_supervisor_of
from mediation.cases.queries.safety import has_decision, unresolved_positive_screenings
from mediation.cases.rules import AGREEMENT_POINTS_MAX, CLOSURE_NOTE_MAX, REOPEN_REASON_MAX
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code, parse_optional_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.events import case_closed, case_closing, case_reopened
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text

# The level an agreement outcome implies and records on the closure, which the statistics read; the concluded
# agreement the outcome rests on has that level, or the closure is refused (docs/domain.md, DOM54, DOM80).
AGREEMENT_LEVEL_OF = {
    Outcome.AGREEMENT_FULL: AgreementLevel.FULL,
    Outcome.AGREEMENT_PARTIAL: AgreementLevel.PARTIAL,
}
REFERRAL_OUTCOMES = frozenset({Outcome.REFERRED_TO_JUSTICE, Outcome.REFERRED_OTHER_SERVICE})
# "Referred to court or prosecutor": the judicial destinations. The police act for the
# prosecutor but also protect: a referral to them fits either outcome.
COURT_DESTINATIONS = frozenset({ReferralDestination.FAMILY_COURT, ReferralDestination.PUBLIC_PROSECUTOR})
JUSTICE_DESTINATIONS = COURT_DESTINATIONS | {ReferralDestination.POLICE}
# Only a supervisor records it, and a supervisor records nothing else (docs/domain.md, DOM53).
SUPERVISOR_OUTCOMES = (Outcome.OPENED_IN_ERROR,)
class CaseNotOpen(DomainError):
    message = _l("This case is already closed.")


class CaseNotClosed(DomainError):
    message = _l("Only a closed case can be reopened.")


class ClosureNotAllowed(DomainError):
    message = _l("You may not close this case.")


# The refusal when someone saved first (docs/security.md, S31): StaleRecord, 409.
STALE_CASE = _l(
    "Someone else changed this case while you were filling in the form. Nothing was saved: "
    "check the case, then try again.")


@dataclass(frozen=True)
class ClosureData:
    outcome: Outcome
    agreement_level: AgreementLevel | None = None
    agreement_points: str | None = None
    referral_destination: ReferralDestination | None = None
    follow_up_on: date | None = None
    note: str | None = None


# Who may record which outcome


def outcomes_for(user, case: Case) -> list[Outcome]:
    """The outcomes this user may record: the lead any but opened_in_error; a supervisor only that one."""
    if not can_close(user, case):
        return []
    if is_lead(user, case):
        return [outcome for outcome in Outcome if outcome not in SUPERVISOR_OUTCOMES]
    if is_supervisor_of(user, case):
        return list(SUPERVISOR_OUTCOMES)
    return []


def may_close(user, case: Case) -> bool:
    return bool(outcomes_for(user, case))


# Checks


def _check_actor(actor: StaffUser, case: Case, outcome: Outcome) -> None:
    if outcome in outcomes_for(actor, case):
        return
    if outcome in SUPERVISOR_OUTCOMES:
        raise ClosureNotAllowed(_l("Only a supervisor records that a case was opened in error."), field="outcome")
    if is_supervisor_of(actor, case):
        raise ClosureNotAllowed(_l("A supervisor closes a case only as opened in error; "
                                   "its lead records any other outcome."), field="outcome")
    raise ClosureNotAllowed(_l("Only the lead of the case closes it."))


def _check_agreement(outcome: Outcome, level: AgreementLevel | None, points: str | None) -> None:
    required = AGREEMENT_LEVEL_OF.get(outcome)
    if required is not None:
        # The points are those of the concluded agreement, which the agreements check (DOM80); free text
        # here is only what a closure without an agreement page could say.
        if level is not required:
            raise ValidationFailed(_l("The agreement level must match the outcome: full for a full agreement, "
                                      "partial for a partial one."), field="agreement_level")
        return
    if level is not None:
        raise ValidationFailed(_l("An agreement level goes only with a full or partial agreement."),
                               field="agreement_level")
    # A reconciliation may record what the spouses settled; other outcomes settled nothing.
    if points and outcome is not Outcome.RECONCILIATION:
        raise ValidationFailed(_l("Agreed points go only with an agreement or a reconciliation."),
                               field="agreement_points")


def _check_referral(outcome: Outcome, destination: ReferralDestination | None) -> None:
    # docs/domain.md, DOM54, DOM88: a referral outcome rests on a referral record of the case, whose feature
    # checks it (case_closing) and fills the destination from it (case_closed). A caller may still name the
    # destination; it must then fit the outcome.
    if outcome not in REFERRAL_OUTCOMES:
        if destination is not None:
            raise ValidationFailed(_l("A destination goes only with a referral outcome."),
                                   field="referral_destination")
        return
    if destination is None:
        return
    if outcome is Outcome.REFERRED_TO_JUSTICE and destination not in JUSTICE_DESTINATIONS:
        raise ValidationFailed(_l("Choose the court, the prosecutor or the police."), field="referral_destination")
    if outcome is Outcome.REFERRED_OTHER_SERVICE and destination in COURT_DESTINATIONS:
        raise ValidationFailed(_l("For the court or the prosecutor, choose the outcome "
                                  "“Referred to court or prosecutor”."), field="referral_destination")


def _check_consistency(session: Session, case: Case, outcome: Outcome) -> None:
    """docs/domain.md, DOM30, DOM54, as far as the records it needs exist."""
    if OUTCOME_GROUP[outcome] is OutcomeGroup.AGREEMENT and unresolved_positive_screenings(session, case):
        raise ValidationFailed(_l("No closure with an agreement while a positive screening awaits a "
                                  "supervisor's decision to proceed."), field="outcome")
    if outcome is Outcome.NOT_SUITABLE and not has_decision(session, case, ScreeningDecision.NOT_SUITABLE):
        raise ValidationFailed(_l("Closing as not suitable needs a supervisor's screening decision "
                                  "that mediation is not suitable."), field="outcome")
    # no_agreement needs a held mediation session, counselling_completed a counselling
    # session and no mediation session (docs/domain.md, DOM54). Sessions are not recorded yet (the
    # session log comes with a later issue): both are accepted until then.


# Changes


def close_case(session: Session, case: Case, data: ClosureData, *, actor: StaffUser,
               expected_version: int | None = None) -> Closure:
    """Close an open case with one consistent outcome, dated today (docs/domain.md, DOM53, DOM54)."""
    if not case.is_open:
        raise CaseNotOpen()
    if expected_version is not None and expected_version != case.version_id:
        raise StaleRecord(STALE_CASE)
    outcome = parse_code(Outcome, data.outcome, _l("Choose the outcome of the case."), "outcome")
    _check_actor(actor, case, outcome)
    # The outcome names the level (docs/domain.md, DOM54): the form does not ask for it again; a caller that
    # gives one must give the same.
    level = (parse_optional_code(AgreementLevel, data.agreement_level,
                                 _l("The agreement level must match the outcome: full for a full agreement, "
                                    "partial for a partial one."), "agreement_level")
             or AGREEMENT_LEVEL_OF.get(outcome))
    destination = parse_optional_code(ReferralDestination, data.referral_destination,
                                      _l("Choose where the case was referred."), "referral_destination")
    points = bounded_text(data.agreement_points, "agreement_points", AGREEMENT_POINTS_MAX)
    note = bounded_text(data.note, "note", CLOSURE_NOTE_MAX)
    today = clock.today()
    if data.follow_up_on is not None and data.follow_up_on <= today:
        raise ValidationFailed(_l("The follow-up date must be after the closure date."), field="follow_up_on")
    _check_agreement(outcome, level, points)
    _check_referral(outcome, destination)
    _check_consistency(session, case, outcome)
    # The features that own an outcome's records (agreements, referrals) check them (docs/architecture.md, A1).
    case_closing.send(case, session=session, actor=actor, outcome=outcome)

    closure = Closure(
        case_id=case.id,
        closed_on=today,
        closed_by_id=actor.id,
        outcome=outcome,
        agreement_level=level,
        agreement_points=points,
        referral_destination=destination,
        follow_up_on=data.follow_up_on,
        note=note,
    )
    session.add(closure)
    session.add(StatusChange(case_id=case.id, from_status=case.status, to_status=CaseStatus.CLOSED,
                             changed_by_id=actor.id))
    case.status = CaseStatus.CLOSED
    case.closed_on = today
    case.outcome = outcome
    case.follow_up_on = data.follow_up_on
    flush_versioned(session, STALE_CASE)
    record(session, AuditAction.STATUS_CHANGE, entity="case", entity_id=case.public_id,
           association_id=case.association_id)
    # Closing a case cancels its future appointments (docs/domain.md, DOM56): the appointments listen.
    case_closed.send(case, session=session, actor=actor, closure=closure)
    return closure


def reopen_case(session: Session, case: Case, reason: str, *, actor: StaffUser,
                expected_version: int | None = None) -> Closure | None:
    """A supervisor reopens a closed case into assessment, with a reason; the closure stays in history."""
    if case.is_open:
        raise CaseNotClosed()
    if not can_reopen(actor, case):
        raise DomainError(_l("Only a supervisor of the association reopens a case."))
    if expected_version is not None and expected_version != case.version_id:
        raise StaleRecord(STALE_CASE)
    text = bounded_text(reason, "reason", REOPEN_REASON_MAX)
    if text is None:
        raise ValidationFailed(_l("Give the reason for reopening the case."), field="reason")
    current = session.scalar(
        select(Closure)
        .where(Closure.case_id == case.id, Closure.reopened_at.is_(None))
        .order_by(Closure.created_at.desc(), Closure.id.desc())
        .limit(1)
    )
    if current is not None:
        current.reopened_at = clock.now()
        current.reopen_reason = text
    session.add(StatusChange(case_id=case.id, from_status=CaseStatus.CLOSED, to_status=CaseStatus.ASSESSMENT,
                             changed_by_id=actor.id, reason=text))
    case.status = CaseStatus.ASSESSMENT
    case.closed_on = None
    case.outcome = None
    # The follow-up belonged to that closure (it stays on the Closure row).
    case.follow_up_on = None
    flush_versioned(session, STALE_CASE)
    record(session, AuditAction.STATUS_CHANGE, entity="case", entity_id=case.public_id,
           association_id=case.association_id)
    # What the closure had planned (its post-closure follow-ups, docs/domain.md, DOM96) is cancelled by the
    # features that own it (docs/architecture.md, A1).
    case_reopened.send(case, session=session, actor=actor, closure=current)
    return current
