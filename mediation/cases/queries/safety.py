"""The safety reads (docs/domain.md, DOM25-DOM33): the parties due to take part in mediation, their
latest screenings and current consents, the supervisor's decisions, the consents asked at registration,
and the positive screenings a closure with agreement waits on (DOM30).

The mediation gate, the services and the pages all read through these, so that they agree on what
"latest" means: the most recently recorded row (screenings per participant, consents per participant
and scope, decisions per case).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.cases.codes import CaseStatus, ConsentScope, ConsentStatus, ScreeningDecision
from mediation.cases.models import (
    Case,
    Consent,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningResult,
    StatusChange,
)
from mediation.cases.rules import PARTY_SCOPES

# The decisions that resolve a positive screening for a closure with agreement (DOM30).
PROCEED_DECISIONS = frozenset({ScreeningDecision.PROCEED, ScreeningDecision.PROCEED_WITH_ADAPTATIONS})


def parties_of(session: Session, case: Case) -> list[Participant]:
    """The parties due to take part in mediation: active adult parties, requesting party first."""
    participants = session.scalars(
        select(Participant).where(Participant.case_id == case.id, Participant.active.is_(True),
                                  Participant.is_party.is_(True))
        .order_by(Participant.is_requesting_party.desc(), Participant.id)
    )
    return [participant for participant in participants if not participant.is_child]


def latest_screenings(session: Session, participant_ids: Iterable[int]) -> dict[int, Screening]:
    """The most recently recorded screening of each participant (one query, items preloaded)."""
    ids = list(participant_ids)
    if not ids:
        return {}
    latest = (select(func.max(Screening.id)).where(Screening.participant_id.in_(ids))
              .group_by(Screening.participant_id))
    return {row.participant_id: row for row in session.scalars(select(Screening).where(Screening.id.in_(latest)))}


def current_consents(session: Session, participant_ids: Iterable[int]) -> dict[tuple[int, ConsentScope], Consent]:
    """The current state per participant and scope: the latest recorded row (consent is append-only)."""
    ids = list(participant_ids)
    if not ids:
        return {}
    latest = (select(func.max(Consent.id)).where(Consent.participant_id.in_(ids))
              .group_by(Consent.participant_id, Consent.scope))
    return {(row.participant_id, row.scope): row
            for row in session.scalars(select(Consent).where(Consent.id.in_(latest)))}


def has_consent(session: Session, participant: Participant, scope: ConsentScope) -> bool:
    consent = current_consents(session, [participant.id]).get((participant.id, scope))
    return consent is not None and consent.status is ConsentStatus.GIVEN


def decisions_of(session: Session, case: Case) -> list[ScreeningDecisionRecord]:
    """The case's supervisor decisions, latest first."""
    return list(session.scalars(
        select(ScreeningDecisionRecord).where(ScreeningDecisionRecord.case_id == case.id)
        .order_by(ScreeningDecisionRecord.id.desc())
    ))


def latest_decision(session: Session, case: Case) -> ScreeningDecisionRecord | None:
    return session.scalar(
        select(ScreeningDecisionRecord).where(ScreeningDecisionRecord.case_id == case.id)
        .order_by(ScreeningDecisionRecord.id.desc()).limit(1)
    )


def rescreening_since(session: Session, case: Case) -> datetime | None:
    """When the case last came back from counselling to assessment: screenings before it no longer count."""
    return session.scalar(
        select(StatusChange.changed_at)
        .where(StatusChange.case_id == case.id, StatusChange.to_status == CaseStatus.ASSESSMENT,
               StatusChange.from_status == CaseStatus.IN_COUNSELLING)
        .order_by(StatusChange.id.desc()).limit(1)
    )


def scopes_for_new_party(session: Session, association_id: int | None) -> tuple[ConsentScope, ...]:
    """PARTY_SCOPES; `sensitive_data` only where psychological sessions may be held (DOM3, DOM76)."""
    association = session.get(Association, association_id) if association_id is not None else None
    authorised = association is not None and bool(association.cndp_authorisation_no)
    return tuple(scope for scope in PARTY_SCOPES if scope is not ConsentScope.SENSITIVE_DATA or authorised)


def unresolved_positive_screenings(session: Session, case: Case) -> list[Screening]:
    """Positive latest screenings of the case's participants with no later proceed decision.

    For each participant the latest screening counts (docs/domain.md, DOM25). It is
    resolved only when the latest supervisor decision taken after it is
    `proceed` or `proceed_with_adaptations`: a later `counselling_only` or
    `not_suitable` undoes an earlier go-ahead.
    """
    screenings = session.scalars(
        select(Screening)
        .join(Participant, Participant.id == Screening.participant_id)
        .where(Participant.case_id == case.id)
        .order_by(Screening.participant_id, Screening.screened_on, Screening.created_at, Screening.id)
    ).all()
    latest: dict[int, Screening] = {}
    for screening in screenings:
        latest[screening.participant_id] = screening
    positives = [screening for screening in latest.values() if screening.result is ScreeningResult.POSITIVE]
    if not positives:
        return []
    decisions = session.scalars(
        select(ScreeningDecisionRecord)
        .where(ScreeningDecisionRecord.case_id == case.id)
        .order_by(ScreeningDecisionRecord.decided_at, ScreeningDecisionRecord.id)
    ).all()
    unresolved = []
    for screening in positives:
        later = [decision for decision in decisions if decision.decided_at > screening.created_at]
        if not later or later[-1].decision not in PROCEED_DECISIONS:
            unresolved.append(screening)
    return unresolved


def has_decision(session: Session, case: Case, decision: ScreeningDecision) -> bool:
    """Whether a supervisor ever took this decision on the case (a closure as not suitable needs one)."""
    return bool(session.scalar(select(exists().where(
        ScreeningDecisionRecord.case_id == case.id, ScreeningDecisionRecord.decision == decision
    ))))
