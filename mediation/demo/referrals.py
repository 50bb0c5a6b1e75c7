"""Demo referrals out: on the open demo cases, referrals in every status, made with the person's consent,
under an approved safeguarding exception or sharing nothing, and one exception awaiting a supervisor
(docs/domain.md, DOM85-DOM87).

Written through the referral services, so the demo obeys the rule it shows; organisations and reasons are
invented and marked as demonstration data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import CaseStatus, ConsentScope, ConsentStatus, ReferralDestination
from mediation.cases.models import AssignmentRole, Case, CaseAssignment, Consent, ConsentGiver, Participant
from mediation.core import clock
from mediation.core.authz import Role
from mediation.referrals.codes import ReferralStatus, SafeguardingGround, SharedData, Urgency
from mediation.referrals.services import exceptions as exception_service
from mediation.referrals.services import referrals as referral_service

NOTICE_VERSION = "2025-01"


@dataclass(frozen=True)
class DemoReferral:
    destination: ReferralDestination
    organisation: str
    reason: str
    urgency: Urgency
    shared: tuple[SharedData, ...]
    basis: str  # "none" (nothing shared), "consent" or "exception"
    answer: ReferralStatus
    days_ago: int


PLAN = (
    DemoReferral(ReferralDestination.LEGAL_AID, "Bureau d'assistance judiciaire (démo)",
                 "Information sur la procédure de pension alimentaire. (démo)", Urgency.ROUTINE, (), "none",
                 ReferralStatus.MADE, 3),
    DemoReferral(ReferralDestination.LISTENING_CENTRE, "مركز الاستماع التجريبي",
                 "مواكبة نفسية واجتماعية للأم (معطيات تجريبية).", Urgency.ROUTINE,
                 (SharedData.IDENTITY, SharedData.CONTACT_DETAILS), "consent", ReferralStatus.ACCEPTED, 12),
    DemoReferral(ReferralDestination.HEALTH, "Centre de santé Exemple (démo)",
                 "Suivi psychologique demandé par le père. (démo)", Urgency.ROUTINE, (SharedData.IDENTITY,),
                 "consent", ReferralStatus.DECLINED, 20),
    DemoReferral(ReferralDestination.ENTRAIDE_NATIONALE, "التعاون الوطني - مندوبية تجريبية",
                 "طلب دعم اجتماعي للأسرة (معطيات تجريبية).", Urgency.ROUTINE, (), "none",
                 ReferralStatus.NO_ANSWER, 30),
    DemoReferral(ReferralDestination.CHILD_PROTECTION_UNIT, "Unité de protection de l'enfance Exemple (démo)",
                 "Inquiétude sérieuse pour la sécurité de l'enfant. (démo)", Urgency.URGENT,
                 (SharedData.IDENTITY, SharedData.CASE_SUMMARY), "exception", ReferralStatus.MADE, 1),
)


def _lead(session: Session, case: Case) -> StaffUser | None:
    return session.scalar(select(StaffUser).join(CaseAssignment, CaseAssignment.user_id == StaffUser.id).where(
        CaseAssignment.case_id == case.id, CaseAssignment.role == AssignmentRole.LEAD))


def _supervisor(session: Session, case: Case) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(
        StaffUser.association_id == case.association_id, StaffUser.role == Role.SUPERVISOR,
        StaffUser.active.is_(True)).order_by(StaffUser.id))


def _refer(session: Session, case: Case, party: Participant, lead: StaffUser, spec: DemoReferral) -> bool:
    today = clock.today()
    if spec.basis == "consent":
        session.add(Consent(participant_id=party.id, scope=ConsentScope.SHARE_FOR_REFERRAL,
                            status=ConsentStatus.GIVEN, on_date=today, given_by=ConsentGiver.SELF,
                            notice_version=NOTICE_VERSION, recorded_by_id=lead.id))
        session.flush()
    elif spec.basis == "exception":
        supervisor = _supervisor(session, case)
        if supervisor is None:
            return False
        request = exception_service.request_exception(session, case, exception_service.ExceptionRequest(
            participant_id=party.public_id, ground=SafeguardingGround.CHILD_AT_RISK,
            reason="L'enfant a décrit des violences récentes à la maison. (démo)"), actor=lead)
        exception_service.decide_exception(session, case, request, exception_service.ExceptionDecision(
            approve=True, reason="Danger sérieux pour l'enfant : transmission sans consentement justifiée. (démo)"),
            actor=supervisor)
    made_on = max(case.first_contact_on, today - timedelta(days=spec.days_ago))
    referral = referral_service.make_referral(session, case, referral_service.ReferralData(
        participant_id=party.public_id, destination=spec.destination, organisation_name=spec.organisation,
        urgency=spec.urgency, reason=spec.reason, made_on=made_on, data_shared=spec.shared), actor=lead)
    if spec.answer is not ReferralStatus.MADE:
        referral_service.record_answer(session, case, referral, referral_service.AnswerData(
            status=spec.answer, feedback_on=today), actor=lead)
    return True


def load_demo_referrals(session: Session, references: list[str]) -> int:
    """Referrals on the open cases among `references` (those just created), one per case in turn through
    PLAN, and a safeguarding exception awaiting a decision on the first of them; returns how many."""
    cases = session.scalars(select(Case).where(Case.reference.in_(references), Case.status != CaseStatus.CLOSED)
                            .order_by(Case.id)).all()
    made = 0
    for index, case in enumerate(cases[:len(PLAN)]):
        lead = _lead(session, case)
        party = session.scalar(select(Participant).where(Participant.case_id == case.id,
                                                         Participant.is_requesting_party.is_(True)))
        if lead is None or party is None:
            continue
        made += _refer(session, case, party, lead, PLAN[index])
        if index == 0:
            exception_service.request_exception(session, case, exception_service.ExceptionRequest(
                participant_id=party.public_id, ground=SafeguardingGround.ADULT_AT_RISK,
                reason="Menaces répétées rapportées par la mère ; elle hésite à consentir. (démo)"), actor=lead)
    return made
