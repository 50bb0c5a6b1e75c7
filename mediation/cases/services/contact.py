"""Recording a person's contact profile (docs/domain.md, DOM141)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.cases.contact import CHANNEL_CHOICES, SMS, ContactProfile, dump, profile_of
from mediation.cases.models import Case, Participant
from mediation.cases.services.parties import CaseClosed
from mediation.core.audit import AuditAction, record
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.outbox.settings import clean_msisdn


def set_contact_profile(session: Session, case: Case, participant: Participant, *, choice: str,
                        sms_number: str | None, name_service: bool, person_version: int) -> ContactProfile:
    """Replace the profile of an adult of an open case, over the version the user saw; flushes and audits."""
    if not case.is_open:
        raise CaseClosed()
    if participant.case_id != case.id or participant.is_child:
        raise DomainError()
    person = participant.person
    if person.version_id != person_version:
        raise StaleRecord()
    channels = CHANNEL_CHOICES.get(choice)
    if channels is None:
        raise ValidationFailed(_l("Choose how the person may be contacted."), field="channels")
    number = (sms_number or "").strip() or None
    if number is not None and clean_msisdn(number) is None:
        raise ValidationFailed(_l("Enter a mobile number that can receive SMS, e.g. 06 12 34 56 78 or "
                                  "+212 6 12 34 56 78."), field="sms_number")
    if SMS in channels and number is None and clean_msisdn(person.phone) is None:
        raise ValidationFailed(_l("SMS needs a mobile number: enter one here or as the person's phone."),
                               field="sms_number")
    profile = ContactProfile(channels=channels, sms_number=number, name_service=name_service, recorded=True)
    if person.contact_profile != dump(profile):
        person.contact_profile = dump(profile)
        flush_versioned(session)
    record(session, AuditAction.UPDATE, entity="person", entity_id=person.public_id,
           association_id=case.association_id)
    return profile_of(person)
