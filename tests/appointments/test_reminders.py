"""Day-before reminders through the e-mail outbox (docs/domain.md, DOM19, DOM33, DOM47).

A real SMTP server (aiosmtpd) runs on loopback and the tests read what
arrives. The sender commits between its claim and its SMTP traffic; inside
the suite's rolled-back transaction those commits only release savepoints,
which is enough here: one sender, one connection. The race between two
senders needs two connections and has its own database (last test).

The scene, for the Monday of the appointments fixture, seen from Sunday 17:00:
mediator A1 (French) holds an intake call at 08:00 (its label names someone),
the "own" appointment at 10:00 with the mother, and a 14:00 meeting with the
mother (Arabic) and the father (French); mediator A2 (no saved language)
holds the "colleague" appointment at 10:00.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from aiosmtpd.controller import Controller
from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, text

from mediation.accounts.models import Association
from mediation.appointments.services import reminders
from mediation.appointments.services.booking import book
from mediation.appointments.services.status import cancel
from mediation.cases.codes import ConsentScope, ConsentStatus, ParticipantRole, PreferredLanguage, Sex
from mediation.cases.identity import PersonData
from mediation.cases.models import Consent, ConsentGiver, Participant
from mediation.cases.services.parties import PartyRole, add_party
from mediation.core.audit import AuditAction, AuditEvent
from mediation.core.clock import to_utc
from mediation.extensions import db
from mediation.outbox import queries as outbox_queries
from mediation.outbox import services as outbox
from mediation.outbox.models import OutboxMessage
from mediation.outbox.settings import MailSettings, MailSettingsError
from tests.appointments.fixtures import appointment_by_public_id, case_of, data, requesting_party, staff
from tests.conftest import ANY_HOUR_WITH_TIME_OF_DAY

# Date-sensitive (reminders for tomorrow): every test runs under the instants of ANY_HOUR_WITH_TIME_OF_DAY
# (tests/conftest.py; T1), the morning included: bookings are checked against the current instant.
pytestmark = pytest.mark.usefixtures("any_hour")
ANY_HOUR_INSTANTS = ANY_HOUR_WITH_TIME_OF_DAY

MOTHER = "mother@example.org"
FATHER = "father@example.net"
A1_MAIL = "a1@staff.example.org"
A2_MAIL = "a2@staff.example.org"
FATHER_NAME = "Youssef Bennani CANARY"
MOTHER_NAME = "فاطمة الزهراء بناني"
INTAKE_LABEL = "CANARY-label Mme H."
PHONE = "0522 00 11 22"
# Nothing in a party's reminder may say what the service is about.
SENSITIVE_WORDS = ("media", "médiat", "violence", "famil", "custody", "garde", "conseil", "counsel",
                   "وساطة", "عنف", "أسر", "حضانة", "Intake", "CANARY")


# The SMTP server


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()


class Handler:
    """Keeps what it accepts; refuses the next `failures` deliveries (or all) with a temporary error."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.failures = 0
        self.always_fail = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.always_fail or self.failures > 0:
                self.failures -= 1
                return "451 4.3.0 try later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


def settings_for(smtp: Handler, **changes) -> MailSettings:
    values = dict(server="127.0.0.1", port=smtp.port, sender="rendez-vous@service.example.org",
                  sender_name="Rendez-vous", timeout=5, max_attempts=3, claim_minutes=15)
    values.update(changes)
    return MailSettings(**values)


# The scene


@dataclass
class Scene:
    now: datetime  # Sunday 17:00 local, the day before
    monday: date
    references: dict[str, str]
    meeting: str  # public id of the 14:00 appointment with both parents
    mother: int  # participant ids
    father: int


def contact_consent(participant: Participant, status: ConsentStatus, recorded_by: int) -> None:
    db.session.add(Consent(participant_id=participant.id, scope=ConsentScope.CONTACT, status=status,
                           on_date=date(2026, 11, 2), given_by=ConsentGiver.SELF, notice_version="test",
                           recorded_by_id=recorded_by))


@pytest.fixture
def scene(app, world, cases, appointments) -> Scene:
    with app.app_context():
        a1, a2 = staff("mediator.a1"), staff("mediator.a2")
        a1.email, a1.locale = A1_MAIL, "fr"
        a2.email, a2.locale = A2_MAIL, None
        db.session.get(Association, world.association_a).phone = PHONE
        case = case_of(cases.own)
        mother = requesting_party(case)
        mother.person.email = MOTHER
        mother.person.preferred_language = PreferredLanguage.AR
        father = add_party(db.session, case, PersonData(FATHER_NAME, Sex.MALE, birth_date="1984-03-05", email=FATHER,
                                                        contact_allowed=True,
                                                        preferred_language=PreferredLanguage.FR),
                           PartyRole(ParticipantRole.FATHER), actor=a1).participant
        monday = appointments.monday
        rooms = appointments.rooms
        meeting = book(db.session, data(monday, "14:00", "15:00", [a1.public_id], room=uuid.UUID(rooms["A1"]),
                                        session_type="counselling_social",
                                        participants=[mother.public_id, father.public_id]), actor=a1, case=case)
        # Consent recorded after the booking: no convocation at booking (DOM161), the reminders alone
        # (convocations: tests/sms/test_sms_convocations.py).
        for participant in (mother, father):
            contact_consent(participant, ConsentStatus.GIVEN, a1.id)
        book(db.session, data(monday, "08:00", "08:45", [a1.public_id], mode="phone", label=INTAKE_LABEL), actor=a1)
        db.session.commit()
        return Scene(now=to_utc(monday - timedelta(days=1), time(17, 0)), monday=monday, references=cases.references,
                     meeting=str(meeting.public_id), mother=mother.id, father=father.id)


def run(app, smtp: Handler, now: datetime, *, queue: bool = True, **settings) -> outbox.DeliveryCounts:
    """One cron run: queue tomorrow's messages, then send what is due."""
    with app.app_context():
        if queue:
            reminders.queue_reminders(db.session, now=now)
            db.session.commit()
        return outbox.deliver(db.session, settings=settings_for(smtp, **settings), now=now,
                              still_wanted=reminders.still_wanted)


def messages(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:  # load the encrypted columns while the session is open
            row.recipient, row.body  # noqa: B018
        db.session.expunge_all()
        return rows


def participant(participant_id: int) -> Participant:
    return db.session.get(Participant, participant_id)


# Who receives what


def test_everyone_allowed_receives_one_message_and_nobody_else(app, scene, smtp):
    counts = run(app, smtp, scene.now)
    assert (counts.sent, counts.retried, counts.failed, counts.withdrawn) == (5, 0, 0, 0)
    assert sorted(r for item in smtp.received for r in item.recipients) == sorted(
        [A1_MAIL, A2_MAIL, MOTHER, MOTHER, FATHER])
    # The sender is the neutral name, never the association's.
    assert {str(item.message["From"]) for item in smtp.received} == {"Rendez-vous <rendez-vous@service.example.org>"}
    assert all(item.message["Auto-Submitted"] == "auto-generated" for item in smtp.received)
    assert len({item.message["Message-ID"] for item in smtp.received}) == 5


def test_a_party_flagged_no_contact_never_receives_a_reminder(app, scene, smtp):
    with app.app_context():
        participant(scene.mother).person.contact_allowed = "no"  # e-mail and consent stay as they were
        db.session.commit()
    run(app, smtp, scene.now)
    run(app, smtp, scene.now + timedelta(hours=3))
    assert smtp.to(MOTHER) == []
    assert all(message.recipient != MOTHER for message in messages(app))
    assert len(smtp.to(FATHER)) == 1  # the rule is per person: the father still gets his


@pytest.mark.parametrize("consent", [None, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN])
def test_without_contact_consent_given_a_party_gets_nothing(app, scene, smtp, consent):
    with app.app_context():
        father = participant(scene.father)
        db.session.execute(text("DELETE FROM consent WHERE participant_id = :id"), {"id": father.id})
        if consent is ConsentStatus.WITHDRAWN:
            contact_consent(father, ConsentStatus.GIVEN, staff("mediator.a1").id)
        if consent is not None:
            contact_consent(father, consent, staff("mediator.a1").id)
        db.session.commit()
    run(app, smtp, scene.now)
    assert smtp.to(FATHER) == []
    assert len(smtp.to(MOTHER)) == 2


@pytest.mark.parametrize("change", ["inactive", "child"])
def test_children_and_inactive_participants_get_nothing(app, scene, smtp, change):
    with app.app_context():
        father = participant(scene.father)
        if change == "inactive":
            father.active = False
        else:  # messages about a child go to the legal representative, never to the child
            father.role = ParticipantRole.CHILD
        db.session.commit()
    run(app, smtp, scene.now)
    assert smtp.to(FATHER) == []


def test_a_reminder_is_in_the_party_language_and_says_nothing_sensitive(app, scene, smtp):
    run(app, smtp, scene.now)
    [mother_at_ten, mother_at_two] = sorted(smtp.to(MOTHER), key=lambda item: "14:00" in item.body)
    [father] = smtp.to(FATHER)
    with app.app_context():
        with force_locale("ar_MA"):
            arabic_subject = _("Appointment reminder")
        with force_locale("fr_MA"):
            french_subject = _("Appointment reminder")
    for item, language, subject, locale in ((mother_at_ten, "ar", arabic_subject, "ar_MA"),
                                            (mother_at_two, "ar", arabic_subject, "ar_MA"),
                                            (father, "fr", french_subject, "fr_MA")):
        assert item.message["Content-Language"] == language
        assert item.subject == subject
        assert format_date(scene.monday, "full", locale=locale) in item.body
        assert PHONE in item.body
        lowered = item.body.lower() + item.subject.lower()
        for reference in scene.references.values():
            assert reference not in item.body
        for name in (MOTHER_NAME, FATHER_NAME, "Bennani", "Karim", "Aicha"):
            assert name.lower() not in lowered
        for word in SENSITIVE_WORDS:
            assert word.lower() not in lowered, word
        assert "Salle" not in item.body and "Espace" not in item.body  # not even where
    assert "الاثنين" in mother_at_two.body and "lundi" in father.body
    assert "10:00" in mother_at_ten.body and "14:00" in mother_at_two.body and "14:00" in father.body


def test_the_staff_agenda_lists_references_but_no_party(app, scene, smtp):
    run(app, smtp, scene.now)
    [a1] = smtp.to(A1_MAIL)
    [a2] = smtp.to(A2_MAIL)
    assert a1.message["Content-Language"] == "fr" and a2.message["Content-Language"] == "ar"
    assert scene.references["own"] in a1.body and scene.references["colleague"] not in a1.body
    assert scene.references["colleague"] in a2.body and scene.references["own"] not in a2.body
    with app.app_context(), force_locale("fr_MA"):
        intake = _("Intake meeting")
        by_phone = _("By phone")
    for expected in ("08:00", "10:00", "14:00", "Salle 1", "Espace A", intake, by_phone):
        assert expected in a1.body
    assert "قاعة 2" in a2.body and format_date(scene.monday, "full", locale="ar_MA") in a2.subject
    for item in (a1, a2):
        for secret in (MOTHER_NAME, FATHER_NAME, "Bennani", "Karim", INTAKE_LABEL, "Mme H.", MOTHER, FATHER,
                       "https://"):
            assert secret not in item.body and secret not in item.subject


# Exactly once


def test_running_send_twice_sends_each_message_once(app, scene, smtp):
    run(app, smtp, scene.now)
    second = run(app, smtp, scene.now + timedelta(minutes=10))
    assert (second.sent, second.retried) == (0, 0)
    assert len(smtp.received) == 5
    assert len(messages(app)) == 5
    assert {message.status for message in messages(app)} == {"sent"}


def test_smtp_failing_on_the_first_try_sends_every_message_exactly_once(app, scene, smtp):
    smtp.failures = 1
    first = run(app, smtp, scene.now)
    assert (first.sent, first.retried) == (4, 1)
    [waiting] = [m for m in messages(app) if m.status == "pending"]
    assert waiting.attempts == 1 and waiting.last_error == "SMTPDataError 451"
    assert waiting.next_attempt_at == scene.now + timedelta(minutes=5)

    assert run(app, smtp, scene.now + timedelta(minutes=4), queue=False).sent == 0  # not due yet
    assert run(app, smtp, scene.now + timedelta(minutes=6), queue=False).sent == 1
    assert run(app, smtp, scene.now + timedelta(hours=2)).sent == 0
    assert sorted(r for item in smtp.received for r in item.recipients) == sorted(
        [A1_MAIL, A2_MAIL, MOTHER, MOTHER, FATHER])
    retried = next(item for item in smtp.received if waiting.recipient in item.recipients
                   and item.message["Message-ID"].startswith(f"<outbox.{waiting.id}."))
    assert retried is not None
    assert all(m.status == "sent" and m.sent_at is not None for m in messages(app))


def test_a_server_that_always_refuses_leaves_the_message_failed_and_kept(app, scene, smtp):
    smtp.always_fail = True
    now, outcomes = scene.now, []
    for _attempt in range(3):
        outcomes.append(run(app, smtp, now, queue=False) if outcomes else run(app, smtp, now))
        now += outbox.retry_delay(3) + timedelta(minutes=1)
    assert [(o.retried, o.failed) for o in outcomes] == [(5, 0), (5, 0), (0, 5)]
    assert run(app, smtp, now + timedelta(days=1), queue=False) == outbox.DeliveryCounts()
    stored = messages(app)
    assert len(stored) == 5 and smtp.received == []
    assert {(m.status, m.attempts, m.last_error) for m in stored} == {("failed", 3, "SMTPDataError 451")}
    assert all(m.body for m in stored)  # nothing lost: the text is still there
    with app.app_context():
        gave_up = db.session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.MESSAGE_SENT)).all()
        assert {event.outcome for event in gave_up} == {"failure"} and len(gave_up) == 5
    with app.app_context():
        assert outbox_queries.status_counts(db.session) == {"pending": 0, "sending": 0, "sent": 0, "failed": 5}


def test_a_server_that_is_down_costs_one_attempt_and_stops_the_run(app, scene, smtp):
    closed = free_port()
    counts = run(app, smtp, scene.now, port=closed)
    assert (counts.sent, counts.retried) == (0, 1)
    stored = messages(app)
    assert sorted(m.attempts for m in stored) == [0, 0, 0, 0, 1]
    [tried] = [m for m in stored if m.attempts == 1]
    assert tried.status == "pending" and tried.last_error.startswith("ConnectionRefusedError")
    assert run(app, smtp, scene.now + timedelta(minutes=6), queue=False).sent == 5


def test_a_crash_after_the_server_accepted_resends_with_the_same_message_id(app, scene, smtp, monkeypatch):
    """The documented window: at-least-once, and the receiver can drop the copy by its Message-ID."""
    original = outbox._finish

    def crash(session, job, **values):
        if values.get("status") == outbox.SENT:
            raise RuntimeError("power cut")
        return original(session, job, **values)

    monkeypatch.setattr(outbox, "_finish", crash)
    with pytest.raises(RuntimeError):
        run(app, smtp, scene.now)
    with app.app_context():
        db.session.rollback()
    monkeypatch.setattr(outbox, "_finish", original)
    [first] = smtp.received
    [claimed] = [m for m in messages(app) if m.status == "sending"]
    # A live claim is left alone: another sender may be working on it.
    assert run(app, smtp, scene.now + timedelta(minutes=5), queue=False).sent == 4
    assert len(smtp.to(claimed.recipient)) == 1
    # A stale one is sent again, as the same message.
    assert run(app, smtp, scene.now + timedelta(minutes=16), queue=False).sent == 1
    copies = [item for item in smtp.received if item.message["Message-ID"] == first.message["Message-ID"]]
    assert len(copies) == 2 and copies[0].body == copies[1].body
    assert {m.status for m in messages(app)} == {"sent"}


# Checked again before sending


def test_a_reminder_queued_before_the_party_was_marked_no_contact_is_withdrawn(app, scene, smtp):
    with app.app_context():
        reminders.queue_reminders(db.session, now=scene.now)
        participant(scene.mother).person.contact_allowed = "no"
        db.session.commit()
    counts = run(app, smtp, scene.now, queue=False)
    assert (counts.sent, counts.withdrawn) == (3, 2)
    assert smtp.to(MOTHER) == []
    withdrawn = [m for m in messages(app) if m.status == "failed"]
    assert {m.last_error for m in withdrawn} == {outbox.WITHDRAWN} and len(withdrawn) == 2


def test_a_changed_address_or_a_cancelled_appointment_withdraws_the_reminder(app, scene, smtp):
    with app.app_context():
        reminders.queue_reminders(db.session, now=scene.now)
        participant(scene.father).person.email = "father.new@example.net"
        meeting = appointment_by_public_id(scene.meeting)
        cancel(db.session, meeting, by_party=False, reason="Salle indisponible", actor=staff("mediator.a1"))
        db.session.commit()
    counts = run(app, smtp, scene.now, queue=False)
    assert smtp.to(FATHER) == [] and smtp.to("father.new@example.net") == []
    assert len(smtp.to(MOTHER)) == 1  # her 10:00 reminder; the 14:00 one was cancelled
    # A1's agenda changed: the queued one is withdrawn and the next run sends the current one.
    assert smtp.to(A1_MAIL) == []
    assert counts.withdrawn == 3  # the father's and the mother's 14:00 reminders, A1's outdated agenda
    run(app, smtp, scene.now + timedelta(minutes=10))
    [agenda] = smtp.to(A1_MAIL)
    assert "14:00" not in agenda.body and "10:00" in agenda.body


def test_a_changed_agenda_is_sent_again_as_an_update_and_parties_are_not_reminded_twice(app, scene, smtp):
    run(app, smtp, scene.now)
    with app.app_context():
        cancel(db.session, appointment_by_public_id(scene.meeting), by_party=True, reason="Empêchement",
               actor=staff("mediator.a1"))
        db.session.commit()
    assert run(app, smtp, scene.now + timedelta(hours=1)).sent == 1
    first, update = smtp.to(A1_MAIL)
    with app.app_context(), force_locale("fr_MA"):
        assert update.subject == _("Updated: your appointments on %(date)s",
                                   date=format_date(scene.monday, "full", locale="fr_MA"))
    assert "14:00" in first.body and "14:00" not in update.body
    assert len(smtp.to(MOTHER)) == 2 and len(smtp.to(FATHER)) == 1 and len(smtp.to(A2_MAIL)) == 1


# At rest


def test_addresses_and_texts_are_encrypted_at_rest_and_never_audited(app, scene, smtp):
    run(app, smtp, scene.now)
    with app.app_context():
        raw = db.session.execute(text("SELECT recipient, subject, body, last_error, dedupe_key "
                                      "FROM outbox_message")).all()
        audit = db.session.scalars(select(AuditEvent.body).where(AuditEvent.entity == "outbox_message")).all()
        queued = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.action == AuditAction.MESSAGE_QUEUED))
    assert len(raw) == 5 and queued == 5
    stored = b"".join(bytes(value) if isinstance(value, (bytes, memoryview)) else str(value or "").encode()
                      for row in raw for value in row)
    for secret in (MOTHER, FATHER, A1_MAIL, PHONE, scene.references["own"], "Appointment reminder",
                   "reminder of your appointment", "Salle 1"):
        assert secret.encode() not in stored
    assert all(b"@" not in body for body in audit)


# The commands


def test_the_cron_command_sends_and_reports_counts(app, scene, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "rendez-vous@service.example.org")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "send", "--now", scene.now.isoformat()])
    assert result.exit_code == 0, result.output
    assert "2 agenda(s), 3 reminder(s)" in result.output and "sent: 5" in result.output
    assert "@" not in result.output
    assert len(smtp.received) == 5
    again = runner.invoke(args=["reminders", "send", "--now", scene.now.isoformat()])
    assert again.exit_code == 0 and "sent: 0" in again.output and len(smtp.received) == 5
    retries_only = runner.invoke(args=["reminders", "send", "--no-queue"])
    assert retries_only.exit_code == 0 and "0 agenda(s)" in retries_only.output
    status = runner.invoke(args=["reminders", "status"])
    assert status.exit_code == 0 and "sent: 5" in status.output and "pending: 0" in status.output


def test_the_cron_command_refuses_unusable_settings(app, scene, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USE_SSL", True)
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--now", scene.now.isoformat()])
    assert result.exit_code == 2 and "MAIL_USE_SSL" in result.output
    assert messages(app) == [] and smtp.received == []


@pytest.mark.parametrize("changes,setting", [
    ({"MAIL_USERNAME": "robot", "MAIL_PASSWORD": "x" * 20, "MAIL_SERVER": "smtp.example.org"}, "MAIL_USERNAME"),
    ({"MAIL_DEFAULT_SENDER": "Rendez-vous <a@b.org>"}, "MAIL_DEFAULT_SENDER"),
    ({"MAIL_PORT": 0}, "MAIL_PORT"),
])
def test_settings_are_checked(app, changes, setting):
    config = {**app.config, **changes}
    with pytest.raises(MailSettingsError, match=setting):
        MailSettings.from_config(config)


def test_retime_reports_how_many_appointments_moved(app, appointments):
    result = app.test_cli_runner().invoke(args=["appointments", "retime"])
    assert result.exit_code == 0 and "0 appointment(s) moved" in result.output


def test_queueing_is_idempotent_and_refuses_header_injection(app, world):
    with app.app_context():
        first = outbox.queue(db.session, kind="test", dedupe_key="k1", recipient="x@example.org", subject="S",
                             body="B", language="fr", association_id=world.association_a)
        again = outbox.queue(db.session, kind="test", dedupe_key="k1", recipient="y@example.org", subject="S2",
                             body="B2", language="fr", association_id=world.association_a)
        assert first is not None and again is None
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        for bad in ("x@example.org\r\nBcc: z@example.org", "Name <x@example.org>", "x", "x@localhost",
                    "a@b.org, c@d.org"):
            with pytest.raises(ValueError):
                outbox.queue(db.session, kind="test", dedupe_key=bad, recipient=bad, subject="S", body="B",
                             language="fr", association_id=None)
        db.session.rollback()


# Two senders at once


@pytest.mark.no_db_transaction
def test_two_concurrent_senders_never_send_a_message_twice(fresh_app, smtp):
    """Each thread has its own connection: the claim's compare-and-set is what keeps them apart."""
    application = fresh_app()
    now = datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
    with application.app_context():
        for number in range(30):
            outbox.queue(db.session, kind="test", dedupe_key=f"race:{number}", recipient=f"p{number}@example.org",
                         subject=f"Subject {number}", body="Body", language="fr", association_id=None, now=now)
        db.session.commit()
    results: list[outbox.DeliveryCounts] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sender():
        try:
            with application.app_context():
                start.wait()
                results.append(outbox.deliver(db.session, settings=settings_for(smtp), now=now))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert errors == []
        assert sum(result.sent for result in results) == 30
        recipients = [r for item in smtp.received for r in item.recipients]
        assert len(recipients) == 30 and len(set(recipients)) == 30
        with application.app_context():
            assert outbox_queries.status_counts(db.session)["sent"] == 30
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
