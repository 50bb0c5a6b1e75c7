"""A person's contact profile: which channels automatic messages may use, in which order, at which
number, and whether a text may name the service (docs/domain.md, DOM141-DOM142).

Stored encrypted on the person (`Person.contact_profile`, JSON). A person with no profile yet
keeps the rule that held before profiles existed: e-mail only. The route a message takes is
decided here, when it is queued and again when it is sent (DOM142): never by a channel the
profile does not list, whatever the consents say, and nothing automatic for "calls only".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mediation.cases.codes import ConsentScope, ConsentStatus
from mediation.cases.models import Participant, Person
from mediation.outbox.settings import clean_address, clean_msisdn

SMS, EMAIL, CALL = "sms", "email", "call"
# The choices of the profile form, each an ordered tuple of channels (DOM141).
CHANNEL_CHOICES: dict[str, tuple[str, ...]] = {
    "sms_email": (SMS, EMAIL),
    "email_sms": (EMAIL, SMS),
    "sms": (SMS,),
    "email": (EMAIL,),
    "call": (CALL,),
    "none": (),
}
AUTOMATIC = frozenset({SMS, EMAIL})
# Before a profile is recorded: what reminders did until then.
DEFAULT_CHANNELS = (EMAIL,)


@dataclass(frozen=True)
class ContactProfile:
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    sms_number: str | None = None
    name_service: bool = False
    recorded: bool = False

    @property
    def choice(self) -> str:
        return next((key for key, value in CHANNEL_CHOICES.items() if value == self.channels), "email")


def profile_of(person: Person) -> ContactProfile:
    """The person's profile; a damaged one allows nothing automatic rather than guess."""
    if not person.contact_profile:
        return ContactProfile()
    try:
        data = json.loads(person.contact_profile)
        channels = tuple(str(channel) for channel in data.get("channels", ()))
        if any(channel not in (SMS, EMAIL, CALL) for channel in channels):
            raise ValueError
        return ContactProfile(channels=channels, sms_number=data.get("sms_number") or None,
                              name_service=bool(data.get("name_service")), recorded=True)
    except (ValueError, TypeError, AttributeError):
        return ContactProfile(channels=(), recorded=True)


def dump(profile: ContactProfile) -> str:
    return json.dumps({"channels": list(profile.channels), "sms_number": profile.sms_number,
                       "name_service": profile.name_service}, sort_keys=True)


@dataclass(frozen=True)
class Route:
    """Where one automatic message to a person goes: a channel and an address (e-mail or mobile number)."""

    channel: str
    address: str


def contact_consented(participant: Participant, consents: dict) -> bool:
    consent = consents.get((participant.id, ConsentScope.CONTACT))
    return consent is not None and consent.status is ConsentStatus.GIVEN


def route_for(participant: Participant, consents: dict) -> Route | None:
    """The first channel of the party's preference that every rule allows, or None (DOM142).

    An active adult, contact allowed, `contact` consent given, then the profile's channels in
    order: SMS to the profile's number (else the person's phone) when it is a mobile number,
    e-mail to a deliverable address. "Calls only" and "no contact" give None: nothing automatic.
    """
    person = participant.person
    if not participant.active or participant.is_child or not person.may_contact:
        return None
    if not contact_consented(participant, consents):
        return None
    return first_route(person)


def first_route(person: Person) -> Route | None:
    """The first channel of the person's contact profile that has an address: SMS to the profile's number
    (else the person's phone) when it is a mobile number, e-mail to a deliverable address (DOM142).
    The caller has checked that the person may be contacted at all."""
    profile = profile_of(person)
    for channel in profile.channels:
        if channel == SMS:
            number = clean_msisdn(profile.sms_number or person.phone)
            if number is not None:
                return Route(SMS, number)
        elif channel == EMAIL:
            address = clean_address(person.email)
            if address is not None:
                return Route(EMAIL, address)
    return None
