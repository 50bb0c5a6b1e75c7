"""Builders of the referral tests and matrix rows: rows stored directly, or through the services."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from mediation.cases.codes import ConsentScope, ConsentStatus, ReferralDestination
from mediation.cases.models import Consent, Participant
from mediation.cases.models.safety import ConsentGiver
from mediation.core import clock
from mediation.extensions import db
from mediation.referrals.codes import ExceptionStatus, ReferralStatus, SafeguardingGround, SharedData, Urgency
from mediation.referrals.models import Referral, ReferralSharedData, SafeguardingException
from mediation.referrals.services import referrals as referral_service
from tests.cases.matrix_rows_notes import actor, case_by_public_id

REASON = "CANARY-referral-reason-7f3e9a: عنف ضد الأطفال"
ORGANISATION = "CANARY-organisation-51c2: مركز الاستماع"


def participant(public_id: str) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.public_id == uuid.UUID(str(public_id))))


def consent(participant_row: Participant, status: ConsentStatus, username: str = "mediator.a1") -> Consent:
    row = Consent(participant_id=participant_row.id, scope=ConsentScope.SHARE_FOR_REFERRAL, status=status,
                  on_date=clock.today(), given_by=ConsentGiver.SELF, notice_version="v1",
                  recorded_by_id=actor(username).id)
    db.session.add(row)
    db.session.flush()
    return row


def exception(case_id: int, participant_row: Participant, status: ExceptionStatus,
              username: str = "mediator.a1") -> SafeguardingException:
    row = SafeguardingException(case_id=case_id, participant_id=participant_row.id,
                                ground=SafeguardingGround.CHILD_AT_RISK, reason="سبب", status=status,
                                requested_by_id=actor(username).id)
    if status is not ExceptionStatus.PENDING:
        row.decided_by_id, row.decided_at, row.decision_reason = actor("supervisor.a").id, clock.now(), "قرار"
    db.session.add(row)
    db.session.flush()
    return row


def stored_referral(case_id: int, participant_row: Participant, *, username: str = "mediator.a1",
                    destination: ReferralDestination = ReferralDestination.LISTENING_CENTRE,
                    status: ReferralStatus = ReferralStatus.MADE, exception_id: int | None = None,
                    shared: tuple[SharedData, ...] = ()) -> Referral:
    """A referral stored directly (for worlds and counts), whatever the rules would say."""
    row = Referral(case_id=case_id, participant_id=participant_row.id, destination=destination,
                   organisation_name="مركز", urgency=Urgency.ROUTINE, reason="سبب", made_on=date(2026, 11, 20),
                   status=status, made_by_id=actor(username).id, exception_id=exception_id,
                   shared=[ReferralSharedData(category=category) for category in shared])
    db.session.add(row)
    db.session.flush()
    return row


def refer(app, case_id: str, participant_id: str, username: str = "mediator.a1",
          destination: ReferralDestination = ReferralDestination.LISTENING_CENTRE, **values) -> str:
    """A referral through the service, committed; returns its public id."""
    with app.app_context():
        referral = referral_service.make_referral(db.session, case_by_public_id(case_id), referral_service.ReferralData(
            participant_id=participant_id, destination=destination, organisation_name=values.pop(
                "organisation_name", ORGANISATION), urgency=values.pop("urgency", Urgency.URGENT),
            reason=values.pop("reason", REASON), made_on=values.pop("made_on", clock.today()), **values),
            actor=actor(username))
        db.session.commit()
        return str(referral.public_id)


def counts(app) -> tuple[int, int, int]:
    """Referrals, shared-data rows and exceptions stored: what a refusal must leave unchanged."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Referral)),
                db.session.scalar(select(func.count()).select_from(ReferralSharedData)),
                db.session.scalar(select(func.count()).select_from(SafeguardingException)))
