"""Making a referral and recording the destination's answer (docs/domain.md, DOM85-DOM87; docs/security.md,
S40, P6).

The rule that matters most is here, whatever a form sends: the referred participant's personal data leave
only with their current `share_for_referral` consent or under a safeguarding exception a supervisor
approved for them (DOM87). A referral that shares nothing personal needs neither.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import ConsentScope, ConsentStatus, ReferralDestination
from mediation.cases.models import Case
from mediation.cases.queries.safety import current_consents
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.errors import StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text
from mediation.referrals.codes import ANSWERS, ReferralStatus, SharedData, Urgency
from mediation.referrals.models import Referral, ReferralSharedData
from mediation.referrals.policies import can_make_referral, can_record_answer
from mediation.referrals.queries import usable_exception
from mediation.referrals.rules import ORGANISATION_MAX, REASON_MAX
from mediation.referrals.services.common import NotAllowed, participant_of

STALE_REFERRAL = _l("Someone else changed this referral while you were filling in the form. Nothing was saved: "
                    "check the referral, then try again.")


class NoLawfulBasis(ValidationFailed):
    """Personal data would leave without consent and without an approved exception (DOM87)."""

    message = _l("This person has not consented to sharing their data for a referral, and no safeguarding "
                 "exception approved by a supervisor covers it. Share no personal data, record their consent, "
                 "or ask a supervisor for a safeguarding exception.")
    field = "data_shared"


@dataclass(frozen=True)
class ReferralData:
    participant_id: uuid.UUID | str | None
    destination: ReferralDestination | str | None
    organisation_name: str | None
    urgency: Urgency | str | None
    reason: str | None
    made_on: date | None
    data_shared: Iterable[SharedData | str] = field(default_factory=tuple)


@dataclass(frozen=True)
class AnswerData:
    status: ReferralStatus | str | None
    feedback_on: date | None


def _shared(values: Iterable[SharedData | str]) -> list[SharedData]:
    chosen = {parse_code(SharedData, value, _l("Choose among the listed kinds of data."), "data_shared")
              for value in values or ()}
    return [category for category in SharedData if category in chosen]


def _made_on(case: Case, made_on: date | None) -> date:
    if made_on is None:
        raise ValidationFailed(_l("Enter the date the referral was made."), field="made_on")
    if made_on > clock.today():
        raise ValidationFailed(_l("The referral date cannot be in the future."), field="made_on")
    if made_on < case.first_contact_on:
        raise ValidationFailed(_l("The referral date cannot come before the first contact with the family."),
                               field="made_on")
    return made_on


def make_referral(session: Session, case: Case, data: ReferralData, *, actor: StaffUser) -> Referral:
    """Record a referral of one participant of an open case; refused when it would share personal data
    without a lawful basis (DOM87)."""
    if not can_make_referral(actor, case):
        raise NotAllowed()
    participant = participant_of(session, case, data.participant_id)
    destination = parse_code(ReferralDestination, data.destination, _l("Choose the destination."), "destination")
    urgency = parse_code(Urgency, data.urgency, _l("Say whether the referral is urgent."), "urgency")
    organisation = bounded_text(data.organisation_name, "organisation_name", ORGANISATION_MAX, required=True)
    reason = bounded_text(data.reason, "reason", REASON_MAX, required=True)
    made_on = _made_on(case, data.made_on)
    shared = _shared(data.data_shared)

    consent_id = exception = None
    if shared:
        consent = current_consents(session, [participant.id]).get((participant.id, ConsentScope.SHARE_FOR_REFERRAL))
        if consent is not None and consent.status is ConsentStatus.GIVEN:
            consent_id = consent.id
        else:
            exception = usable_exception(session, case, participant.id)
            if exception is None:
                raise NoLawfulBasis()

    referral = Referral(
        case_id=case.id, participant_id=participant.id, destination=destination, organisation_name=organisation,
        urgency=urgency, reason=reason, made_on=made_on, consent_id=consent_id,
        exception_id=exception.id if exception is not None else None, status=ReferralStatus.MADE,
        made_by_id=actor.id, shared=[ReferralSharedData(category=category) for category in shared],
    )
    session.add(referral)
    session.flush()
    record(session, AuditAction.CREATE, entity="referral", entity_id=referral.public_id,
           association_id=case.association_id)
    return referral


def record_answer(session: Session, case: Case, referral: Referral, data: AnswerData, *, actor: StaffUser,
                  expected_version: int | None = None) -> Referral:
    """The destination accepted, declined or never answered, on a date (DOM86)."""
    if not can_record_answer(actor, case, referral):
        raise NotAllowed()
    if expected_version is not None and expected_version != referral.version_id:
        raise StaleRecord(STALE_REFERRAL)
    status = parse_code(ReferralStatus, data.status, _l("Choose the answer."), "status")
    if status not in ANSWERS:
        raise ValidationFailed(_l("Choose the answer."), field="status")
    if data.feedback_on is None:
        raise ValidationFailed(_l("Enter the date of the answer, or the date you noted that none came."),
                               field="feedback_on")
    if data.feedback_on > clock.today():
        raise ValidationFailed(_l("The date of the answer cannot be in the future."), field="feedback_on")
    if data.feedback_on < referral.made_on:
        raise ValidationFailed(_l("The date of the answer cannot come before the referral."), field="feedback_on")
    referral.status = status
    referral.feedback_on = data.feedback_on
    flush_versioned(session, STALE_REFERRAL)
    record(session, AuditAction.STATUS_CHANGE, entity="referral", entity_id=referral.public_id,
           association_id=case.association_id)
    return referral
