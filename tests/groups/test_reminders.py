"""Reminders of group sessions go through the outbox to those whose consent and profile allow it
(docs/domain.md, DOM129)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from mediation.appointments.services import reminders
from mediation.cases.contact import CALL, EMAIL, SMS, ContactProfile, dump
from mediation.cases.models import Person
from mediation.core import clock
from mediation.extensions import db
from mediation.groups.models import Enrolment, GroupParticipant
from mediation.groups.reminders import KIND, participant_route
from mediation.outbox.models import OutboxMessage
from tests.groups.support import add_past_sessions, enrol_directly, make_group


def test_group_reminders_follow_consent_and_are_neutral(app, world):
    group_id = make_group(app, world.association_a, name="Groupe des mamans")
    tomorrow = clock.now() + timedelta(days=1)
    add_past_sessions(app, group_id, 1, first_start=tomorrow)
    agreed, refused, dropped = enrol_directly(app, group_id, 3, prefix="Khadija")
    with app.app_context():
        rows = {str(row.public_id): row for row in db.session.scalars(select(Enrolment))}
        for key, consent in ((agreed, True), (refused, False), (dropped, True)):
            rows[key].participant.consent_contact = consent
            rows[key].participant.email = f"{key[:8]}@example.org"
        rows[dropped].dropped_out_on = clock.today()
        db.session.commit()
    with app.test_request_context():
        reminders.queue_reminders(db.session, now=clock.now())
        messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == KIND)))
        assert [message.recipient for message in messages] == [f"{agreed[:8]}@example.org"]
        body = messages[0].body + messages[0].subject
        assert "Khadija" not in body and "mamans" not in body
        assert reminders.still_wanted(db.session, messages[0], clock.now())
        reminders.queue_reminders(db.session, now=clock.now())
        assert len(list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == KIND)))) == 1
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.public_id == uuid.UUID(agreed)))
        enrolment.dropped_out_on = clock.today()
        db.session.flush()
        assert not reminders.still_wanted(db.session, messages[0], clock.now())


def test_a_person_known_from_a_case_is_reminded_only_by_a_channel_their_profile_lists(app):
    """DOM142: the contact profile decides for a group as for a case, in its order; calls only or no contact
    means nothing automatic about a group session either, whatever the participant's consent."""
    person = Person(email="k.group@example.org", contact_allowed="yes")
    participant = GroupParticipant(consent_contact=True, person=person)

    def route():
        found = participant_route(participant)
        return (found.channel, found.address) if found is not None else None

    assert route() == (EMAIL, "k.group@example.org")  # no profile yet: e-mail, as before
    for channels, expected in (((SMS,), None), ((CALL,), None), ((), None),
                               ((SMS, EMAIL), (EMAIL, "k.group@example.org"))):
        person.contact_profile = dump(ContactProfile(channels=channels))
        assert route() == expected, channels
    person.contact_profile = dump(ContactProfile(channels=(SMS, EMAIL), sms_number="06 11 22 33 44"))
    assert route() == (SMS, "212611223344")  # SMS first, to a mobile: the group's SMS text (DOM159)
    person.contact_allowed = "no"
    assert route() is None
