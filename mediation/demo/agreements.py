"""The demo's agreements: a draft, a revision and a concluded version, at every level (docs/domain.md, DOM77-DOM80).

Written through the models, as the rest of the demo's history, each version dated in the past; the level is
derived by the agreements' own rule, and a closed case's closure is linked only when the agreements' closure
check accepts it, so the demo never holds what the application would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.agreements.models import (
    Agreement,
    AgreementClosure,
    AgreementPoint,
    AgreementSignature,
    AgreementVersion,
)
from mediation.agreements.rules import derive_level
from mediation.agreements.services.closure import check_outcome
from mediation.cases.codes import AgreementForm, AgreementNature, Issue, PointStatus
from mediation.cases.models import Case, Closure, Participant
from mediation.core.audit import AuditAction, record


@dataclass(frozen=True)
class DemoAgreementVersion:
    """One version saved `days_ago` days before today; `points` name every issue of the case."""

    days_ago: int
    points: tuple[tuple[Issue, PointStatus, str | None], ...]
    nature: AgreementNature
    form: AgreementForm | None = None
    concluded: bool = False
    signed: bool = False  # the parties signed it on that day (a written and signed agreement)
    submitted_to_court: bool | None = None


def add_demo_agreement(session: Session, case: Case, versions: tuple[DemoAgreementVersion, ...], lead: StaffUser,
                       parties: list[Participant], today: date) -> None:
    if not versions:
        return
    agreement = Agreement(case_id=case.id, latest_number=len(versions))
    session.add(agreement)
    session.flush()
    for number, spec in enumerate(versions, start=1):
        day = today - timedelta(days=spec.days_ago)
        order = {issue: position for position, issue in enumerate(case.issues)}
        points = [AgreementPoint(issue=issue, position=order[issue], status=status, text=text)
                  for issue, status, text in spec.points]
        version = AgreementVersion(
            agreement_id=agreement.id, case_id=case.id, number=number, nature=spec.nature, form=spec.form,
            level=derive_level(point.status for point in points), concluded_on=day if spec.concluded else None,
            signed_on=day if spec.signed else None, submitted_to_court=spec.submitted_to_court,
            created_by_id=lead.id, created_at=datetime.combine(day, time(16, 0), tzinfo=UTC), points=points,
            signatures=[AgreementSignature(participant_id=party.id) for party in parties] if spec.signed else [],
        )
        session.add(version)
        session.flush()
        record(session, AuditAction.CREATE, entity="agreement_version", entity_id=version.public_id,
               actor_role="cli", association_id=case.association_id)
    closure = session.scalar(select(Closure).where(Closure.case_id == case.id, Closure.reopened_at.is_(None)))
    if closure is not None:
        linked = check_outcome(session, case, closure.outcome)
        if linked is not None:
            session.add(AgreementClosure(closure_id=closure.id, version_id=linked.id))
            session.flush()
