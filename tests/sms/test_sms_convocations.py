"""Convocations at booking (docs/domain.md, DOM161-DOM163), against the real SMPP server on loopback and
the reminders' scene (tests/appointments/test_reminders.py): mother (Arabic) and father (French), both with
`contact` consent given after the scene's own bookings. Each test books a new appointment with both.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from mediation.appointments.services import convocations, reminders
from mediation.appointments.services.booking import book, reschedule
from mediation.appointments.services.status import cancel
from mediation.cases.models import Case, Participant
from mediation.core import clock
from mediation.core.clock import to_utc
from mediation.extensions import db
from mediation.outbox import queries as outbox_queries
from mediation.outbox import services as outbox
from mediation.outbox import sms
from mediation.outbox.models import OutboxMessage
from tests.appointments.fixtures import appointment_by_public_id, data, staff
from tests.appointments.test_reminders import (  # noqa: F401 - fixtures
    FATHER,
    MOTHER,
    SENSITIVE_WORDS,
    Scene,
    run,
    scene,
    smtp,
)
from tests.sms.test_sms_reminders import (
    FATHER_MOBILE,
    FATHER_MSISDN,
    MARKERS,
    MOTHER_MOBILE,
    MOTHER_MSISDN,
    set_profile,
    to,
)

pytestmark = pytest.mark.usefixtures("any_hour")


def book_both(app, scene: Scene, start: str = "16:00", end: str = "17:00", *, now: datetime | None = None) -> str:
    """A new appointment on the scene's Tuesday (or at `start` on Monday when now is given) with both parents."""
    with app.app_context():
        a1 = staff("mediator.a1")
        mother = db.session.get(Participant, scene.mother)
        father = db.session.get(Participant, scene.father)
        case = db.session.get(Case, mother.case_id)
        room = mother_room(scene)
        day = scene.monday if now is not None else scene.monday + timedelta(days=1)
        appointment = book(db.session, data(day, start, end, [a1.public_id], room=room,
                                            session_type="counselling_social",
                                            participants=[mother.public_id, father.public_id]),
                           actor=a1, case=case, now=now)
        db.session.commit()
        return str(appointment.public_id)


def mother_room(scene: Scene) -> uuid.UUID:
    appointment = appointment_by_public_id(scene.meeting)
    return appointment.room.public_id


def convocations_queued(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(row.channel, row.dedupe_key, row.status) for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == reminders.KIND_CONVOCATION).order_by(OutboxMessage.id))]


def send_sms(app, gateway, now: datetime | None = None) -> sms.SmsCounts:
    with app.app_context():
        return sms.deliver_sms(db.session, settings=gateway.settings(), now=now or clock.now(),
                               still_wanted=reminders.still_wanted)


def test_a_party_who_allows_sms_receives_a_neutral_convocation_on_booking(app, scene: Scene, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms_email", phone=FATHER_MOBILE)
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    with app.app_context():
        for participant_id in (scene.mother, scene.father):
            db.session.get(Participant, participant_id).person.full_name = f"Nom {MARKERS[0]}"
        db.session.get(Participant, scene.mother).person.safe_contact_instructions = MARKERS[4]
        db.session.commit()
    book_both(app, scene)
    assert [channel for channel, _key, _status in convocations_queued(app)] == ["sms", "sms"]
    counts = send_sms(app, gateway)
    assert (counts.sent, counts.withdrawn) == (2, 0)
    [father] = to(gateway, FATHER_MSISDN)
    [mother] = to(gateway, MOTHER_MSISDN)
    assert "16:00" in father["text"] and "Rendez-vous" in father["text"] and "Salle 1" in father["text"]
    assert mother["data_coding"] == 8 and "16:00" in mother["text"] and "موعدكم" in mother["text"]
    for pdu in gateway.submits():
        for word in (*SENSITIVE_WORDS, *MARKERS, "Espace"):
            assert word.lower() not in pdu["text"].lower(), word
    # Sent once: a second run sends nothing more.
    assert send_sms(app, gateway).sent == 0 and len(gateway.submits()) == 2
    assert {status for _channel, _key, status in convocations_queued(app)} == {"sent"}


def test_calls_only_or_a_profile_without_sms_gets_no_sms(app, scene: Scene, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "call", phone=FATHER_MOBILE, number=FATHER_MOBILE)
    set_profile(app, scene.mother, "email", phone=MOTHER_MOBILE, number=MOTHER_MOBILE)
    book_both(app, scene)
    send_sms(app, gateway)
    assert gateway.submits() == []
    # The mother by e-mail, the channel her profile allows; the father, calls only: nothing.
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == reminders.KIND_CONVOCATION)))
        assert [(row.channel, row.recipient) for row in rows] == [(outbox.EMAIL, MOTHER)]
        assert "16:00" in rows[0].body and FATHER not in rows[0].body


def test_a_cancelled_appointment_s_convocation_is_withdrawn_before_sending(app, scene: Scene, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    set_profile(app, scene.mother, "sms", number=MOTHER_MOBILE)
    public_id = book_both(app, scene)
    with app.app_context():
        cancel(db.session, appointment_by_public_id(public_id), by_party=False, reason="Salle indisponible",
               actor=staff("mediator.a1"))
        db.session.commit()
    counts = send_sms(app, gateway)
    assert (counts.sent, counts.withdrawn) == (0, 2)
    assert gateway.submits() == []
    with app.app_context():
        assert set(db.session.scalars(select(OutboxMessage.last_error).where(
            OutboxMessage.kind == reminders.KIND_CONVOCATION))) == {outbox.WITHDRAWN}


def test_a_moved_appointment_gets_one_new_convocation_never_two_for_one_time(app, scene: Scene, smpp_gateway):
    gateway = smpp_gateway()
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    public_id = book_both(app, scene)
    tuesday = scene.monday + timedelta(days=1)

    def move(start: str, end: str, room: uuid.UUID | None = None) -> None:
        with app.app_context():
            appointment = appointment_by_public_id(public_id)
            a1 = staff("mediator.a1")
            parties = [row.participant.public_id for row in appointment.parties]
            reschedule(db.session, appointment, data(tuesday, start, end, [a1.public_id],
                                                     room=room or appointment.room.public_id,
                                                     session_type="counselling_social", participants=parties),
                       actor=a1)
            db.session.commit()

    move("17:00", "18:00")
    # The father's by SMS at 16:00, then at 17:00 (the mother's, by e-mail, as well).
    keys = [key for channel, key, _status in convocations_queued(app) if channel == outbox.SMS]
    assert len(keys) == 2 and len(set(keys)) == 2
    assert len(convocations_queued(app)) == 4
    [at_four, at_five] = keys
    assert at_four.endswith(to_utc(tuesday, time(16, 0)).isoformat())
    assert at_five.endswith(to_utc(tuesday, time(17, 0)).isoformat())
    # Changed again without a new time (the same room, same parties): nothing new.
    move("17:00", "18:00")
    assert len(convocations_queued(app)) == 4
    counts = send_sms(app, gateway)
    assert (counts.sent, counts.withdrawn) == (1, 1)
    [father] = to(gateway, FATHER_MSISDN)
    assert "17:00" in father["text"] and "16:00" not in father["text"]
    # Moved back to 16:00: that time had its convocation already (withdrawn): never a second one.
    move("16:00", "17:00")
    assert len(convocations_queued(app)) == 4


def test_no_convocation_for_an_appointment_a_few_hours_away(app, scene: Scene, smpp_gateway):
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    booked_at = to_utc(scene.monday, time(14, 0))
    book_both(app, scene, "16:30", "17:00", now=booked_at)
    assert convocations_queued(app) == []
    book_both(app, scene, "17:30", "18:00", now=booked_at)  # 3 h 30 ahead: convoked
    assert len(convocations_queued(app)) == 2
    assert booked_at + convocations.CONVOCATION_MIN_NOTICE > to_utc(scene.monday, time(16, 30))


def test_a_convocation_queued_on_the_reminder_day_takes_the_reminder_s_place(app, scene: Scene, smtp):
    # Booked on Sunday afternoon for Monday 16:00: the convocation goes, the day-before run adds no reminder.
    public_id = book_both(app, scene, "16:00", "17:00", now=scene.now - timedelta(hours=2))
    run(app, smtp, scene.now)
    with app.app_context():
        about = reminders.appointment_ref(appointment_by_public_id(public_id))
        kinds = sorted(db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.about == about)))
    assert kinds == [reminders.KIND_CONVOCATION, reminders.KIND_CONVOCATION]
    assert len(smtp.to(MOTHER)) == 3  # her two reminders of the scene, and this convocation
    assert len(smtp.to(FATHER)) == 2  # his reminder of the scene, and this convocation


def test_booking_never_fails_because_of_a_message(app, scene: Scene, monkeypatch):
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the outbox is broken")

    monkeypatch.setattr(convocations.outbox, "queue", broken)
    public_id = book_both(app, scene)
    with app.app_context():
        assert appointment_by_public_id(public_id) is not None
    assert convocations_queued(app) == []


def test_the_case_timeline_shows_each_message_s_status_never_its_text_or_address(app, scene: Scene, smpp_gateway,
                                                                                 login_as):
    gateway = smpp_gateway("--receipts")
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    public_id = book_both(app, scene)
    send_sms(app, gateway)
    with app.app_context():
        case_id = db.session.get(Participant, scene.mother).case_id
        case_public_id = db.session.get(Case, case_id).public_id
        [sms_text] = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.kind == reminders.KIND_CONVOCATION, OutboxMessage.channel == outbox.SMS))
        [mail_text] = db.session.scalars(select(OutboxMessage.body).where(
            OutboxMessage.kind == reminders.KIND_CONVOCATION, OutboxMessage.channel == outbox.EMAIL))
    client = login_as("mediator_a1")
    page = client.get(f"/cases/{case_public_id}?lang=fr").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    timeline = timeline[:timeline.index("</section>")]
    assert ('data-kind="message" data-message-kind="party_convocation" data-channel="sms" '
            'data-status="delivered"') in timeline
    assert ('data-kind="message" data-message-kind="party_convocation" data-channel="email" '
            'data-status="queued"') in timeline
    assert "Convocation" in timeline and "Remis" in timeline
    # The parties' numbers and addresses are on the case page's participants table, never in the timeline;
    # the texts nowhere on the page.
    for secret in (FATHER_MOBILE, FATHER_MSISDN, MOTHER, FATHER):
        assert secret not in timeline, secret
    for secret in (sms_text, mail_text.splitlines()[2]):
        assert secret not in page, secret
    # The appointment's own page lists it too, with its kind (DOM145).
    appointment_page = client.get(f"/appointments/{public_id}?lang=en").get_data(as_text=True)
    assert 'data-kind="party_convocation" data-channel="sms" data-status="delivered"' in appointment_page
    assert "Convocation" in appointment_page and FATHER_MSISDN not in appointment_page
    # Another association's staff: the case, its timeline with it, does not exist for them.
    assert login_as("mediator_b1").get(f"/cases/{case_public_id}").status_code == 404


def test_a_receipt_that_arrives_after_the_session_closed_is_recorded_at_the_next_run(app, scene: Scene,
                                                                                     smpp_gateway):
    gateway = smpp_gateway("--late-receipts")
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    book_both(app, scene)
    first = send_sms(app, gateway)
    assert (first.sent, first.receipts) == (1, 0)
    with app.app_context():
        assert outbox_queries.channel_status_counts(db.session)["sms"]["delivered"] == 0
    # The next run has nothing to send: it binds all the same, and the receipt kept by the gateway arrives.
    second = send_sms(app, gateway, clock.now() + timedelta(minutes=5))
    assert (second.sent, second.receipts) == (0, 1)
    assert len(gateway.submits()) == 1
    with app.app_context():
        assert outbox_queries.channel_status_counts(db.session)["sms"]["delivered"] == 1
    # Nothing waits any more: a run with nothing to send no longer binds.
    with app.app_context():
        assert not sms.awaiting_receipts(db.session, now=clock.now())


def test_the_status_command_counts_by_kind_and_channel(app, scene: Scene):
    set_profile(app, scene.father, "sms", phone=FATHER_MOBILE)
    book_both(app, scene)
    output = app.test_cli_runner().invoke(args=["reminders", "status"]).output
    assert f"kind {reminders.KIND_CONVOCATION}: email 1, sms 1" in output
    assert FATHER_MSISDN not in output and "@" not in output
