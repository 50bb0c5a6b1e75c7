"""The SMS channel of the outbox against a real SMPP server on loopback (docs/domain.md, DOM140;
docs/security.md, S65-S67): exactly once, retries with back-off, `failed` kept, UCS-2 parts in order,
delivery receipts.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.outbox import queries as outbox_queries
from mediation.outbox import services as outbox
from mediation.outbox import sms
from mediation.outbox.models import OutboxMessage, OutboxSmsPart
from mediation.outbox.settings import SmsSettings, SmsSettingsError, clean_msisdn

NOW = datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
NUMBER = "212612345678"
FRENCH = "Rappel : rendez-vous le lun. 7 déc. à 10:00, Salle 2. Pour changer : 0522 00 11 22"
ARABIC = ("تذكير: موعدكم يوم الاثنين 7 دجنبر على الساعة 10:00، القاعة 2. "
          "لتغيير الموعد يرجى الاتصال بالرقم 0522001122 في أوقات العمل.")


def queue_sms(body: str, key: str = "sms:1", recipient: str = "06 12 34 56 78", language: str = "fr") -> int:
    message = outbox.queue(db.session, kind="test", dedupe_key=key, recipient=recipient, subject="ignored",
                           body=body, language=language, association_id=None, now=NOW, channel=outbox.SMS)
    assert message is not None
    db.session.commit()
    return message.id


def reassembled(pdus: list[dict]) -> str:
    return "".join(pdu["text"] for pdu in pdus)


# Encoding


def test_a_short_latin_text_is_one_gsm_part_and_a_long_one_splits_on_characters():
    one = sms.encode(FRENCH, 7)
    assert (one.data_coding, one.esm_class, len(one.parts)) == (sms.DATA_CODING_GSM, 0, 1)
    long = sms.encode("{x} " * 60, 7)  # braces take two septets each: 300 septets
    assert long.data_coding == sms.DATA_CODING_GSM and long.esm_class == sms.ESM_UDHI
    assert all(len(part) - 6 <= sms.GSM_PART for part in long.parts)
    # No escape (0x1B) is separated from the septet it escapes.
    assert all(not part.endswith(b"\x1b") for part in long.parts)


def test_arabic_is_ucs2_and_splits_in_67_character_parts_with_one_reference():
    encoded = sms.encode(ARABIC, 300)
    assert len(ARABIC) > sms.UCS2_SINGLE
    assert encoded.data_coding == sms.DATA_CODING_UCS2 and encoded.esm_class == sms.ESM_UDHI
    headers = [part[:6] for part in encoded.parts]
    assert {header[3] for header in headers} == {300 & 0xFF}
    assert [header[5] for header in headers] == list(range(1, len(encoded.parts) + 1))
    assert b"".join(part[6:] for part in encoded.parts).decode("utf-16-be") == ARABIC


@pytest.mark.parametrize(("typed", "number"), [
    ("06 12 34 56 78", NUMBER), ("+212 6-12-34-56-78", NUMBER), ("00212612345678", NUMBER),
    ("0522001122", None), ("abc", None), ("", None), ("+0612", None),
])
def test_mobile_numbers_are_normalised_or_refused(typed, number):
    assert clean_msisdn(typed) == number


@pytest.mark.parametrize("changes", [
    {"port": 0}, {"system_id": ""}, {"system_id": "x" * 16}, {"password": "x" * 9}, {"source_addr": ""},
    {"source_addr": "Rendez vous!"}, {"throughput": 0}, {"timeout": 0}, {"receipt_wait": -1},
])
def test_gateway_settings_are_checked(changes):
    values = dict(host="sms.example.org", port=2775, system_id="mediation", password="secret", source_addr="RDV")
    values.update(changes)
    with pytest.raises(SmsSettingsError):
        SmsSettings(**values).check()


def test_no_gateway_configured_means_no_sms_channel_and_bad_numbers_are_refused():
    assert SmsSettings.from_config({"SMPP_HOST": ""}) is None
    with pytest.raises(SmsSettingsError, match="not a number"):
        SmsSettings.from_config({"SMPP_HOST": "h", "SMPP_PORT": "many"})
    settings = SmsSettings.from_config({"SMPP_HOST": "h", "SMPP_SYSTEM_ID": "id", "SMPP_PASSWORD": "pw",
                                        "SMPP_SOURCE_ADDR": "212600000000", "SMPP_THROUGHPUT": "2"})
    assert settings is not None and settings.throughput == 2 and settings.numeric_source


def test_an_sms_goes_to_a_mobile_number_only(app):
    with app.app_context(), pytest.raises(ValueError, match="mobile"):
        outbox.queue(db.session, kind="test", dedupe_key="k", recipient="someone@example.org", subject="",
                     body="x", language="fr", association_id=None, channel=outbox.SMS)


# Sending


def test_one_message_arrives_once_with_its_receipt(app, smpp_gateway):
    gateway = smpp_gateway("--receipts")
    with app.app_context():
        message_id = queue_sms(FRENCH)
        counts = sms.deliver_sms(db.session, settings=gateway.settings(), now=NOW)
        assert (counts.sent, counts.retried, counts.failed, counts.receipts) == (1, 0, 0, 1)
        [pdu] = gateway.submits()
        assert (pdu["destination_addr"], pdu["source_addr"], pdu["data_coding"]) == (NUMBER, "RDV", 0)
        assert pdu["text"] == FRENCH and pdu["registered_delivery"] == 1
        [part] = db.session.scalars(select(OutboxSmsPart).where(OutboxSmsPart.message_id == message_id)).all()
        assert (part.gateway_id, part.receipt) == (pdu["message_id"], sms.DELIVERED)
        assert outbox_queries.channel_status_counts(db.session)["sms"]["delivered"] == 1
        # The e-mail sender never takes an SMS.
        assert outbox.due(db.session, now=NOW + timedelta(days=1), claim_minutes=15, limit=10) == []


def test_a_gateway_that_refuses_then_accepts_delivers_exactly_one_copy(app, smpp_gateway):
    gateway = smpp_gateway("--refuse", "ESME_RTHROTTLED,ESME_RSYSERR")
    settings = gateway.settings(max_attempts=5)
    with app.app_context():
        message_id = queue_sms(FRENCH)
        first = sms.deliver_sms(db.session, settings=settings, now=NOW)
        assert (first.sent, first.retried) == (0, 1)
        message = db.session.get(OutboxMessage, message_id)
        assert message.status == outbox.PENDING and message.last_error == "SubmitRefused 0x00000058"
        # Backed off: a run before the next attempt is due sends nothing.
        assert sms.deliver_sms(db.session, settings=settings, now=NOW + timedelta(minutes=1)).retried == 0
        second = sms.deliver_sms(db.session, settings=settings, now=NOW + timedelta(minutes=6))
        assert second.retried == 1
        third = sms.deliver_sms(db.session, settings=settings, now=NOW + timedelta(minutes=30))
        assert third.sent == 1
        later = sms.deliver_sms(db.session, settings=settings, now=NOW + timedelta(hours=12))
        assert later.sent == later.retried == 0
        db.session.expire_all()
        message = db.session.get(OutboxMessage, message_id)
        assert (message.status, message.attempts, message.last_error) == (outbox.SENT, 3, None)
    assert [pdu["status"] for pdu in gateway.submits()] == [0x58, 0x08, 0]
    assert [pdu["text"] for pdu in gateway.accepted()] == [FRENCH]


def test_a_gateway_that_always_refuses_leaves_the_message_failed_and_kept(app, smpp_gateway):
    gateway = smpp_gateway("--always", "ESME_RSYSERR")
    settings = gateway.settings(max_attempts=3)
    with app.app_context():
        message_id = queue_sms(FRENCH)
        results = [sms.deliver_sms(db.session, settings=settings, now=NOW + timedelta(hours=hours))
                   for hours in (0, 1, 2, 3)]
        assert [result.failed for result in results] == [0, 0, 1, 0]
        db.session.expire_all()
        message = db.session.get(OutboxMessage, message_id)
        assert (message.status, message.attempts) == (outbox.FAILED, 3)
        assert message.last_error == "SubmitRefused 0x00000008" and message.body == FRENCH
        assert outbox_queries.channel_status_counts(db.session)["sms"]["failed"] == 1
    assert len(gateway.submits()) == 3 and gateway.accepted() == []


def test_a_gateway_that_is_down_costs_one_attempt(app, smpp_gateway):
    gateway = smpp_gateway()
    settings = gateway.settings(port=gateway.port)
    gateway.process.terminate()
    gateway.process.wait(10)
    with app.app_context():
        message_id = queue_sms(FRENCH, key="a")
        queue_sms(FRENCH, key="b")
        counts = sms.deliver_sms(db.session, settings=settings, now=NOW)
        assert (counts.sent, counts.retried) == (0, 1)  # the run stops at the first connection error
        assert db.session.get(OutboxMessage, message_id).status == outbox.PENDING


def test_an_arabic_message_longer_than_70_characters_arrives_whole_in_order_as_ucs2_parts(app, smpp_gateway):
    gateway = smpp_gateway()
    with app.app_context():
        queue_sms(ARABIC, language="ar")
        assert sms.deliver_sms(db.session, settings=gateway.settings(), now=NOW).sent == 1
    pdus = gateway.accepted()
    assert len(pdus) == 2
    assert {pdu["data_coding"] for pdu in pdus} == {8} and all(pdu["esm_class"] & 0x40 for pdu in pdus)
    # The concatenation element as the server parsed it: IEI 0, length 3, reference, total, number.
    headers = [bytes.fromhex(pdu["udh"][0]) for pdu in pdus]
    assert {header[:2] for header in headers} == {b"\x00\x03"}
    assert len({header[2] for header in headers}) == 1 and {header[3] for header in headers} == {2}
    assert [header[4] for header in headers] == [1, 2]
    assert reassembled(pdus) == ARABIC


def test_a_part_refused_midway_is_resumed_and_no_part_arrives_twice(app, smpp_gateway):
    gateway = smpp_gateway("--refuse", "ESME_ROK,ESME_RTHROTTLED")
    settings = gateway.settings()
    with app.app_context():
        message_id = queue_sms(ARABIC, language="ar")
        assert sms.deliver_sms(db.session, settings=settings, now=NOW).retried == 1
        assert db.session.get(OutboxMessage, message_id).parts_sent == 1
        assert sms.deliver_sms(db.session, settings=settings, now=NOW + timedelta(hours=1)).sent == 1
    pdus = gateway.accepted()
    assert [bytes.fromhex(pdu["udh"][0])[4] for pdu in pdus] == [1, 2]
    assert reassembled(pdus) == ARABIC


def test_a_reply_from_the_family_is_acknowledged_and_never_stored(app, smpp_gateway):
    """Receipts are parsed from deliver_sm flagged as receipts; anything else is dropped unread."""

    class Pdu:
        esm_class = 0
        short_message = "id:m1 stat:DELIVRD text:a reply"
        receipted_message_id = None
        message_state = None

    assert sms.parse_receipt(Pdu()) is None
    Pdu.esm_class = 4
    assert sms.parse_receipt(Pdu()) == sms.Receipt("m1", "DELIVRD")


# Two senders at once


@pytest.mark.no_db_transaction
def test_two_concurrent_senders_deliver_30_messages_exactly_once_each(fresh_app, smpp_gateway):
    """Each thread has its own connection and SMPP session: the claim's compare-and-set keeps them apart."""
    gateway = smpp_gateway()
    application = fresh_app()
    with application.app_context():
        for number in range(30):
            outbox.queue(db.session, kind="test", dedupe_key=f"race:{number}", recipient=f"+2126000000{number:02d}",
                         subject="", body=f"Message {number}", language="fr", association_id=None, now=NOW,
                         channel=outbox.SMS)
        db.session.commit()
    results: list[sms.SmsCounts] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sender():
        try:
            with application.app_context():
                start.wait()
                results.append(sms.deliver_sms(db.session, settings=gateway.settings(receipt_wait=0), now=NOW))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    try:
        assert errors == []
        assert sum(result.sent for result in results) == 30
        texts = sorted(pdu["text"] for pdu in gateway.submits())
        assert texts == sorted(f"Message {number}" for number in range(30))
        with application.app_context():
            assert outbox_queries.channel_status_counts(db.session)["sms"]["sent"] == 30
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
