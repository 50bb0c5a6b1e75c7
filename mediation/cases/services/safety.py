"""Safety screening, consent, supervisor decisions and the mediation gate (docs/domain.md, DOM25-DOM33).

Every function flushes and never commits; the route commits once. What the gate and the pages
read (the latest screenings, the current consents, the decisions) is in cases/queries/safety.py,
read once for both so that they agree on what "latest" means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import (
    Adaptation,
    Concern,
    ConsentScope,
    ConsentStatus,
    GatingIndicator,
    NoteVisibility,
    NoticeKind,
    ScreeningDecision,
    SessionType,
    ViolenceLevel,
    ViolenceType,
)
from mediation.cases.models import (
    Case,
    Consent,
    ConsentGiver,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningItem,
    ScreeningResult,
)
from mediation.cases.models.notes import Note, NoteVersion
from mediation.cases.policies import can_decide_screening, is_assigned
from mediation.cases.queries.notices import open_requests
from mediation.cases.queries.safety import has_consent, latest_screenings, parties_of, scopes_for_new_party
from mediation.cases.rules import NOTICE_VERSION
from mediation.cases.services.notices import case_staff_ids, notify
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.errors import DomainError, ValidationFailed

# Adaptations that rule out a joint session (docs/domain.md, DOM28 (5)).
NO_JOINT = frozenset({Adaptation.SEPARATE_SESSIONS, Adaptation.SHUTTLE})
# Session types the gate applies to; every other type is never gated (docs/domain.md, DOM29).
GATED_SESSION_TYPES = frozenset({SessionType.JOINT_MEDIATION, SessionType.SHUTTLE_MEDIATION})
# Setting: may a supervisor who works the case decide on its screening? (docs/domain.md, DOM27)
ALLOW_ASSIGNED_DECIDER = "CASE_ALLOW_ASSIGNED_DECIDER"


class CaseClosed(DomainError):
    message = _l("This case is closed: it can no longer be changed.")


class NotScreenable(DomainError):
    message = _l("Only adult parties are screened.")


class DecisionNotAllowed(DomainError):
    message = _l("Only a supervisor of the association decides after a screening.")


class DeciderWorksTheCase(DomainError):
    message = _l("You work on this case: another supervisor must take this decision.")


class NoDangerFlag(DomainError):
    message = _l("This case is not flagged for immediate danger.")


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise CaseClosed()


def _check_day(day: date, case: Case, field_name: str) -> None:
    if day > clock.today():
        raise ValidationFailed(_l("The date cannot be in the future."), field=field_name)
    if day < case.first_contact_on:
        raise ValidationFailed(_l("The date cannot be before the first contact."), field=field_name)


def _check_participant(case: Case, participant: Participant) -> None:
    if participant.case_id != case.id:
        # Routes load participants through their case; this guards other callers.
        raise DomainError()


def is_screenable(participant: Participant) -> bool:
    """An active adult party: children and non-parties are not screened."""
    return participant.active and participant.is_party and not participant.is_child


# Screening


@dataclass(frozen=True)
class ScreeningData:
    screened_on: date
    violence: ViolenceLevel
    violence_types: tuple[ViolenceType, ...] = ()
    # The indicators answered yes; every other one was answered no.
    gating_indicators: tuple[GatingIndicator, ...] = ()
    concerns: tuple[Concern, ...] = ()
    mediator_view: ScreeningDecision | None = None
    notes: str | None = None


def screening_result(violence: ViolenceLevel | str,
                     gating_indicators: Iterable[GatingIndicator | str]) -> ScreeningResult:
    """Positive when violence is disclosed or any gating indicator is yes (docs/domain.md, DOM25)."""
    if ViolenceLevel(violence) is not ViolenceLevel.NONE or any(True for _ in gating_indicators):
        return ScreeningResult.POSITIVE
    return ScreeningResult.NEGATIVE


def record_screening(session: Session, case: Case, participant: Participant, data: ScreeningData, *,
                     actor: StaffUser) -> Screening:
    """Record one party's screening; a positive screen with immediate danger flags the case."""
    _require_open(case)
    _check_participant(case, participant)
    if not is_screenable(participant):
        raise NotScreenable()
    _check_day(data.screened_on, case, "screened_on")
    violence = ViolenceLevel(data.violence)
    types = tuple(dict.fromkeys(ViolenceType(code) for code in data.violence_types))
    indicators = tuple(dict.fromkeys(GatingIndicator(code) for code in data.gating_indicators))
    concerns = tuple(dict.fromkeys(Concern(code) for code in data.concerns))
    if types and violence is ViolenceLevel.NONE:
        raise ValidationFailed(_l("Types of violence go with past or current violence."), field="violence_types")
    result = screening_result(violence, indicators)
    screening = Screening(
        participant_id=participant.id,
        screened_by_id=actor.id,
        screened_on=data.screened_on,
        violence=violence,
        mediator_view=ScreeningDecision(data.mediator_view) if data.mediator_view else None,
        notes=data.notes or None,
        result=result,
        items=[ScreeningItem(code=f"violence_type.{code}") for code in types]
        + [ScreeningItem(code=f"gating_indicator.{code}") for code in indicators]
        + [ScreeningItem(code=f"concern.{code}") for code in concerns],
    )
    session.add(screening)
    if result is ScreeningResult.POSITIVE and GatingIndicator.IMMEDIATE_DANGER in indicators:
        case.immediate_danger = True
    session.flush()
    record(session, AuditAction.CREATE, entity="screening", entity_id=screening.public_id,
           association_id=case.association_id)
    return screening


# Consent


@dataclass(frozen=True)
class ConsentData:
    scope: ConsentScope
    status: ConsentStatus
    on_date: date
    given_by: ConsentGiver


def record_consent(session: Session, case: Case, participant: Participant, data: ConsentData, *,
                   actor: StaffUser) -> Consent:
    """Append one consent row; a withdrawal needs consent currently given, a child's needs a representative."""
    _require_open(case)
    _check_participant(case, participant)
    scope, status, giver = ConsentScope(data.scope), ConsentStatus(data.status), ConsentGiver(data.given_by)
    _check_day(data.on_date, case, "on_date")
    if status is ConsentStatus.WITHDRAWN and not has_consent(session, participant, scope):
        raise ValidationFailed(_l("Only a consent currently given can be withdrawn."), field="status")
    if participant.is_child and giver is ConsentGiver.SELF and scope is not ConsentScope.CHILD_CONSULTATION:
        raise ValidationFailed(_l("For a child, the legal representative gives this consent."), field="given_by")
    consent = Consent(
        participant_id=participant.id,
        scope=scope,
        status=status,
        on_date=data.on_date,
        given_by=giver,
        notice_version=NOTICE_VERSION,
        recorded_by_id=actor.id,
    )
    session.add(consent)
    session.flush()
    record(session, AuditAction.CONSENT_CHANGE, entity="participant", entity_id=participant.public_id,
           association_id=case.association_id)
    return consent


# The answers a registration records; "not asked" records nothing.
ANSWERED = frozenset({ConsentStatus.GIVEN, ConsentStatus.REFUSED})


def record_answers(session: Session, case: Case, participant: Participant,
                   answers: Mapping[ConsentScope, ConsentStatus], *, actor: StaffUser) -> list[Consent]:
    """The consents answered when an adult party is registered (docs/domain.md, DOM76).

    Each given or refused answer is one row recorded as record_consent() records it, dated today and
    given by the person themself; a scope left out was not asked and records nothing.
    """
    allowed = scopes_for_new_party(session, case.association_id)
    for scope in answers:
        if scope not in allowed:
            raise ValidationFailed(_l("This consent is not asked when a party is registered."),
                                   field=f"consent_{scope}")
    recorded = []
    for scope in allowed:  # in the order of the page, whatever the caller's order
        if scope not in answers:
            continue
        if answers[scope] not in ANSWERED:
            raise ValidationFailed(_l("A consent is given or refused when the person is registered."),
                                   field=f"consent_{scope.value}")
        recorded.append(record_consent(session, case, participant, ConsentData(
            scope=scope, status=answers[scope], on_date=clock.today(), given_by=ConsentGiver.SELF), actor=actor))
    return recorded


# Supervisor decisions


@dataclass(frozen=True)
class DecisionData:
    decision: ScreeningDecision
    rationale: str
    adaptations: tuple[Adaptation, ...] = field(default_factory=tuple)


def _assigned_decider_allowed() -> bool:
    return bool(current_app.config.get(ALLOW_ASSIGNED_DECIDER, False))


def decide_screening(session: Session, case: Case, data: DecisionData, *, actor: StaffUser,
                     allow_case_worker: bool | None = None) -> ScreeningDecisionRecord:
    """A supervisor who does not work the case decides after screening (the setting may allow one who does)."""
    _require_open(case)
    if not can_decide_screening(actor, case):
        raise DecisionNotAllowed()
    works_the_case = is_assigned(actor, case)
    if allow_case_worker is None:
        allow_case_worker = _assigned_decider_allowed()
    if works_the_case and not allow_case_worker:
        raise DeciderWorksTheCase()
    decision = ScreeningDecision(data.decision)
    adaptations = {Adaptation(code) for code in data.adaptations}
    ordered = [code for code in Adaptation if code in adaptations]
    if decision is ScreeningDecision.PROCEED_WITH_ADAPTATIONS and not ordered:
        raise ValidationFailed(_l("Choose at least one adaptation."), field="adaptations")
    if decision is not ScreeningDecision.PROCEED_WITH_ADAPTATIONS and ordered:
        raise ValidationFailed(_l("Adaptations go only with a decision to proceed with adaptations."),
                               field="adaptations")
    if not (data.rationale or "").strip():
        raise ValidationFailed(_l("Give the reasons for the decision."), field="rationale")
    parties = [participant.id for participant in parties_of(session, case)]
    if not latest_screenings(session, parties):
        raise DomainError(_l("No party of this case has been screened yet."))
    record_ = ScreeningDecisionRecord(
        case_id=case.id,
        decided_by_id=actor.id,
        decision=decision,
        adaptations=",".join(ordered),
        rationale=data.rationale,
        decided_by_case_worker=works_the_case,
    )
    session.add(record_)
    session.flush()
    # The decision answers every open request of the case, and the case's staff are told (DOM71, DOM72).
    for request in open_requests(session, case):
        request.answered_at = record_.decided_at
        request.decision_id = record_.id
    notify(session, case, NoticeKind.DECISION, case_staff_ids(case), actor=actor)
    record(session, AuditAction.DECISION, entity="screening_decision", entity_id=record_.public_id,
           association_id=case.association_id)
    return record_


def clear_immediate_danger(session: Session, case: Case, note: str, *, actor: StaffUser) -> Note:
    """A supervisor clears the immediate-danger flag with a note (docs/domain.md, DOM26).

    The note is kept as a staff-only case note (encrypted), the record the
    domain calls for; the audit event names the case only.
    """
    _require_open(case)
    if not can_decide_screening(actor, case):
        raise DecisionNotAllowed()
    if not case.immediate_danger:
        raise NoDangerFlag()
    if not (note or "").strip():
        raise ValidationFailed(_l("Say why the danger is over."), field="note")
    kept = Note(case_id=case.id, author_id=actor.id, visibility=NoteVisibility.STAFF_ONLY,
                versions=[NoteVersion(number=1, body=note, edited_by_id=actor.id)])
    session.add(kept)
    case.immediate_danger = False
    session.flush()
    record(session, AuditAction.UPDATE, entity="case", entity_id=case.public_id,
           association_id=case.association_id)
    return kept
