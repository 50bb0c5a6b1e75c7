"""The SMS channel of the outbox: SMPP 3.4 to the association's gateway (docs/domain.md, DOM140).

The queue, the claim before any traffic, the back-off and `failed` kept after the
last attempt are the outbox's (services.py). What SMS adds (docs/security.md, S66):

- A text is split into parts the gateway accepts one at a time: GSM 7-bit when
  every character has a GSM code (160 characters, 153 a part), UCS-2 otherwise,
  Arabic always (70 characters, 67 a part). Parts carry a concatenation header
  whose reference is derived from the message, so retries of one message build
  the same parts.
- Each accepted part is committed (`parts_sent`, `OutboxSmsPart`) before the next is
  submitted: a retry after a refusal resumes at the first part not yet accepted,
  and the phone never gets a part twice.
- A refusal (`submit_sm_resp` with an error status) counts as a failed attempt of
  the message; a throttling or system error of the gateway, or a lost
  connection, also ends the run, as for an SMTP server in doubt.
- Delivery receipts (`deliver_sm` with the receipt flag) are matched to the part by
  the gateway's message id and their state is recorded; any other incoming SMS
  (a reply) is acknowledged and dropped unread: it is never stored nor logged.
  A receipt that comes after the run's session closed is kept by the gateway for
  the next bind: a run with nothing to send still binds while parts accepted in
  the last RECEIPT_HORIZON wait for theirs, and records what arrives
  (docs/domain.md, DOM168).
- smpplib logs PDUs in hex at DEBUG: its logger is held at INFO, so numbers and
  texts never reach a log (docs/security.md, S30).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import smpplib.client
import smpplib.consts
import smpplib.exceptions
from smpplib.gsm import GSM_CHARACTER_TABLE
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.core import clock
from mediation.core.audit import AuditOutcome
from mediation.outbox import services as outbox
from mediation.outbox.models import OutboxSmsPart
from mediation.outbox.settings import SmsSettings

LOGGER_NAME = "mediation.outbox.smpp"
logging.getLogger(LOGGER_NAME).setLevel(logging.INFO)

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
DATA_CODING_GSM, DATA_CODING_UCS2 = smpplib.consts.SMPP_ENCODING_DEFAULT, smpplib.consts.SMPP_ENCODING_ISO10646
ESM_UDHI = smpplib.consts.SMPP_GSMFEAT_UDHI
ESM_RECEIPT = 0x04
# Refusals that say the gateway, not the message, is in trouble: stop the run (S66).
GATEWAY_TROUBLE = frozenset({smpplib.consts.SMPP_ESME_RTHROTTLED, smpplib.consts.SMPP_ESME_RSYSERR,
                             smpplib.consts.SMPP_ESME_RMSGQFUL})
# message_state of a receipt (SMPP 3.4, 5.2.28) in the words of its text form.
MESSAGE_STATES = {1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD",
                  7: "UNKNOWN", 8: "REJECTD"}
DELIVERED = "DELIVRD"
RECEIPT_ID = re.compile(rb"id:(\S{1,65})")
RECEIPT_STATE = re.compile(rb"stat:([A-Z]{5,8})")
# How long after a part was accepted a run still binds only to collect its receipt (DOM168).
RECEIPT_HORIZON = timedelta(days=3)

_GSM_BASIC = {char: index for index, char in enumerate(GSM_CHARACTER_TABLE[:128]) if char != "`" or index == 0x60}
_GSM_EXTENDED = {char: index - 128 for index, char in enumerate(GSM_CHARACTER_TABLE[128:], start=128) if char != "`"}


# Encoding and splitting


def gsm_septets(char: str) -> bytes | None:
    """The GSM 03.38 code of one character (unpacked, one septet an octet; escape for the extension table)."""
    if char in _GSM_BASIC:
        return bytes([_GSM_BASIC[char]])
    if char in _GSM_EXTENDED:
        return bytes([0x1B, _GSM_EXTENDED[char]])
    return None


@dataclass(frozen=True)
class Encoded:
    data_coding: int
    esm_class: int
    parts: list[bytes]


def encode(text: str, reference: int) -> Encoded:
    """The parts of a text, split on characters (never inside one), with a concatenation header when more than one."""
    # One unit a character: 1 or 2 septets (an escaped one) in GSM, 2 or 4 octets in UTF-16
    # big-endian (a character outside the BMP is two code units, kept together). Sizes in octets.
    codes = [gsm_septets(char) for char in text]
    units: list[bytes] = [code for code in codes if code is not None]
    data_coding, single, part = DATA_CODING_GSM, GSM_SINGLE, GSM_PART
    if len(units) != len(codes):
        units = [char.encode("utf-16-be") for char in text]
        data_coding, single, part = DATA_CODING_UCS2, UCS2_SINGLE * 2, UCS2_PART * 2
    if sum(len(unit) for unit in units) <= single:
        return Encoded(data_coding, 0, [b"".join(units)])
    chunks: list[bytes] = []
    current = b""
    for unit in units:
        if len(current) + len(unit) > part:
            chunks.append(current)
            current = b""
        current += unit
    chunks.append(current)
    if len(chunks) > 255:
        raise ValueError("an SMS of more than 255 parts")
    header = bytes([0x05, 0x00, 0x03, reference & 0xFF, len(chunks)])
    return Encoded(data_coding, ESM_UDHI, [header + bytes([number]) + chunk
                                           for number, chunk in enumerate(chunks, start=1)])


def part_count(text: str) -> int:
    return len(encode(text, 0).parts)


def is_gsm(text: str) -> bool:
    return all(gsm_septets(char) is not None for char in text)


# The gateway


class SubmitRefused(Exception):
    """The gateway answered a submit_sm with an error status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass
class Receipt:
    gateway_id: str
    state: str


class Gateway:
    """One bound SMPP session (transceiver: receipts come back on it) for a run, opened on first use."""

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings
        self._client: smpplib.client.Client | None = None
        self._last_submit = 0.0
        self.receipts: list[Receipt] = []

    def _connect(self) -> smpplib.client.Client:
        s = self.settings
        client = smpplib.client.Client(s.host, s.port, timeout=s.timeout, logger_name=LOGGER_NAME,
                                       allow_unknown_opt_params=True)
        try:
            client.connect()
            client.bind_transceiver(system_id=s.system_id, password=s.password, system_type=s.system_type or None)
        except BaseException:
            client.disconnect()
            raise
        return client

    def _pace(self) -> None:
        """At most SMPP_THROUGHPUT submits a second."""
        wait = self._last_submit + 1 / self.settings.throughput - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_submit = time.monotonic()

    def submit(self, recipient: str, data_coding: int, esm_class: int, payload: bytes) -> str:
        """Submit one part; the gateway's message id, or SubmitRefused."""
        if self._client is None:
            self._client = self._connect()
        client = self._client
        s = self.settings
        if s.numeric_source:
            source_ton = smpplib.consts.SMPP_TON_INTL if len(s.source_addr) > 8 else smpplib.consts.SMPP_TON_NWSPEC
            source_npi = smpplib.consts.SMPP_NPI_ISDN if len(s.source_addr) > 8 else smpplib.consts.SMPP_NPI_UNK
        else:
            source_ton, source_npi = smpplib.consts.SMPP_TON_ALNUM, smpplib.consts.SMPP_NPI_UNK
        self._pace()
        pdu = client.send_message(
            source_addr_ton=source_ton, source_addr_npi=source_npi, source_addr=s.source_addr.lstrip("+"),
            dest_addr_ton=smpplib.consts.SMPP_TON_INTL, dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
            destination_addr=recipient, short_message=payload, data_coding=data_coding, esm_class=esm_class,
            registered_delivery=smpplib.consts.SMPP_SMSC_DELIVERY_RECEIPT_BOTH)
        while True:
            answer = client.read_pdu()
            if answer.command in ("submit_sm_resp", "generic_nack") and answer.sequence == pdu.sequence:
                if answer.is_error():
                    raise SubmitRefused(int(answer.status))
                message_id = answer.message_id
                return message_id.decode("ascii", "replace") if isinstance(message_id, bytes) else str(message_id)
            self._handle(answer)

    def _handle(self, pdu: Any) -> None:
        client = self._client
        assert client is not None
        if pdu.command == "deliver_sm":
            receipt = parse_receipt(pdu)
            if receipt is not None:
                self.receipts.append(receipt)
            answer = smpplib.smpp.make_pdu("deliver_sm_resp", client=client)
            answer.sequence = pdu.sequence
            client.send_pdu(answer)
        elif pdu.command == "enquire_link":
            answer = smpplib.smpp.make_pdu("enquire_link_resp", client=client)
            answer.sequence = pdu.sequence
            client.send_pdu(answer)

    def open(self) -> None:
        """Bind now, with nothing to submit: a gateway hands over the receipts it kept at the bind."""
        if self._client is None:
            self._client = self._connect()

    def wait_receipts(self, seconds: float) -> None:
        """Read what the gateway sends for a while (receipts of the parts just accepted, or kept since)."""
        client = self._client
        if client is None or seconds <= 0:
            return
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            client._socket.settimeout(left)
            try:
                self._handle(client.read_pdu())
            except TimeoutError:
                break
        client._socket.settimeout(self.settings.timeout)

    def drop(self) -> None:
        if self._client is not None:
            try:
                self._client.disconnect()
            finally:
                self._client = None

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.unbind()
            except (smpplib.exceptions.PDUError, smpplib.exceptions.ConnectionError, OSError):
                pass
            self.drop()


def parse_receipt(pdu: Any) -> Receipt | None:
    """The gateway id and final state of a delivery receipt, or None for anything else (a reply)."""
    if not (pdu.esm_class or 0) & ESM_RECEIPT:
        return None
    text = pdu.short_message or b""
    if isinstance(text, str):
        text = text.encode("latin-1", "replace")
    gateway_id = pdu.receipted_message_id
    if isinstance(gateway_id, bytes):
        gateway_id = gateway_id.decode("ascii", "replace")
    if not gateway_id:
        found = RECEIPT_ID.search(text)
        gateway_id = found.group(1).decode("ascii", "replace") if found else None
    state = MESSAGE_STATES.get(pdu.message_state or 0)
    if state is None:
        found = RECEIPT_STATE.search(text)
        state = found.group(1).decode("ascii") if found else None
    if not gateway_id or not state:
        return None
    return Receipt(str(gateway_id)[:65], state[:16])


def describe_sms_error(error: BaseException) -> str:
    """The error class and SMPP status: never a number or a text."""
    if isinstance(error, SubmitRefused):
        return f"SubmitRefused 0x{error.status:08x}"
    if isinstance(error, smpplib.exceptions.PDUError) and len(error.args) > 1:
        return f"PDUError 0x{int(error.args[1]):08x}"
    return outbox.describe_error(error) if isinstance(error, OSError) else type(error).__name__


# Sending


@dataclass
class SmsCounts(outbox.DeliveryCounts):
    receipts: int = 0
    refusals: list[str] = field(default_factory=list)


def deliver_sms(session: Session, *, settings: SmsSettings, now: datetime | None = None, limit: int = 500,
                still_wanted: outbox.StillWanted | None = None) -> SmsCounts:
    """Send the due SMS; commits after each claim, each accepted part and each outcome."""
    now = now or clock.now()
    counts = SmsCounts()
    ids = outbox.due(session, now=now, claim_minutes=settings.claim_minutes, limit=limit, channel=outbox.SMS)
    session.commit()
    gateway = Gateway(settings)
    try:
        for message_id_ in ids:
            message = outbox._claim(session, message_id_, now=now, claim_minutes=settings.claim_minutes)
            if message is None:
                continue  # another sender has it
            job = outbox.job_of(message)
            if job.attempts > settings.max_attempts:
                outbox._give_up(session, job, outbox.INTERRUPTED, AuditOutcome.FAILURE)
                counts.failed += 1
                continue
            if still_wanted is not None and not still_wanted(session, message, now):
                outbox._give_up(session, job, outbox.WITHDRAWN, AuditOutcome.DENIED)
                counts.withdrawn += 1
                continue
            session.commit()  # the claim is visible to every other sender before any SMPP traffic
            encoded = encode(job.body, job.id)
            try:
                for number in range(job.parts_sent + 1, len(encoded.parts) + 1):
                    gateway_id = gateway.submit(job.recipient, encoded.data_coding, encoded.esm_class,
                                                encoded.parts[number - 1])
                    # Recorded before the next part goes: a retry resumes after it.
                    if not outbox._finish(session, job, parts_sent=number):
                        session.rollback()
                        raise _TakenOver
                    session.add(OutboxSmsPart(message_id=job.id, part=number, gateway_id=gateway_id,
                                              accepted_at=now))
                    session.commit()
                    job = replace(job, parts_sent=number)
            except _TakenOver:
                continue
            except (SubmitRefused, smpplib.exceptions.PDUError, smpplib.exceptions.ConnectionError,
                    OSError) as error:
                reason = describe_sms_error(error)
                counts.refusals.append(reason)
                if not isinstance(error, SubmitRefused):
                    gateway.drop()
                if outbox.failed_attempt(session, job, reason, now=now, max_attempts=settings.max_attempts):
                    counts.failed += 1
                else:
                    counts.retried += 1
                if not isinstance(error, SubmitRefused) or error.status in GATEWAY_TROUBLE:
                    break
                continue
            if outbox._finish(session, job, status=outbox.SENT, sent_at=now, last_error=None):
                outbox._audit_delivery(session, job, AuditOutcome.SUCCESS)
            session.commit()
            counts.sent += 1
        try:
            if awaiting_receipts(session, now=now):
                gateway.open()  # late receipts of an earlier run come at the bind (DOM168)
            gateway.wait_receipts(settings.receipt_wait)
        except (smpplib.exceptions.PDUError, smpplib.exceptions.ConnectionError, OSError):
            gateway.drop()
    finally:
        gateway.close()
    counts.receipts = record_receipts(session, gateway.receipts, now=now)
    session.commit()
    return counts


class _TakenOver(Exception):
    """Another sender took the message over (this claim went stale): leave it to them."""


def awaiting_receipts(session: Session, *, now: datetime) -> bool:
    """Whether a part accepted within RECEIPT_HORIZON still waits for its receipt. The sender's own read."""
    found = session.scalar(select(OutboxSmsPart.message_id).where(
        OutboxSmsPart.receipt.is_(None), OutboxSmsPart.accepted_at >= now - RECEIPT_HORIZON).limit(1))
    session.commit()  # no transaction held while the network is slow
    return found is not None


def record_receipts(session: Session, receipts: list[Receipt], *, now: datetime) -> int:
    """Record each receipt's state on the most recent part with its gateway id; the number recorded."""
    recorded = 0
    for receipt in receipts:
        part = session.scalar(select(OutboxSmsPart).where(OutboxSmsPart.gateway_id == receipt.gateway_id)
                              .order_by(OutboxSmsPart.accepted_at.desc(), OutboxSmsPart.message_id.desc()).limit(1))
        if part is None:
            continue
        part.receipt, part.receipt_at = receipt.state, now
        recorded += 1
    session.flush()
    return recorded

