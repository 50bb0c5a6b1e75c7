"""The outbox: a message is queued once and sent at most once per claim.

E-mail is sent here; SMS, through the same queue, claim and back-off, in `sms.py`
(docs/domain.md, DOM140). Each sender claims only the messages of its own channel.

Queueing is idempotent on `dedupe_key`. Sending claims one message at a time
with a compare-and-set UPDATE (status and attempt count in the WHERE clause)
and commits the claim before any SMTP traffic: of two concurrent senders
exactly one wins the claim, and no transaction (on SQLite, the write lock)
is held while the network is slow. A refused or failed send goes back to
`pending` with an exponential back-off; after OUTBOX_MAX_ATTEMPTS it is
`failed` and stays in the table, visible, never deleted.

The one window that cannot be closed is a crash after the SMTP server has
accepted a message and before `sent` is committed. The claim then goes stale
(OUTBOX_CLAIM_MINUTES) and the message is sent again, with the same
Message-ID (derived from the message), so receivers can drop the duplicate:
a reminder is never lost, and sent twice only in that crash case.

Addresses and texts are encrypted at rest; `last_error` and the audit events
hold an exception class, an SMTP code and ids, never an address or text.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from email.utils import formataddr
from typing import Any, cast

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediation.core import clock
from mediation.core.audit import AuditAction, AuditOutcome, record
from mediation.outbox.models import OutboxMessage
from mediation.outbox.settings import MailSettings, clean_address, clean_msisdn

EMAIL, SMS = "email", "sms"
CHANNELS = (EMAIL, SMS)
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)
SYSTEM_ROLE = "system"
# Back-off after the n-th failed attempt: 5, 10, 20, 40 ... minutes, at most 6 hours.
RETRY_BASE = timedelta(minutes=5)
RETRY_CAP = timedelta(hours=6)
# last_error of a message the sender no longer wants sent (see `still_wanted` in deliver()).
WITHDRAWN = "Withdrawn"
# last_error of a message whose sender died on it more than OUTBOX_MAX_ATTEMPTS times.
INTERRUPTED = "Interrupted"
# Refusals of one message. Any other error (connection, TLS, login, sender refused; note
# that SMTPException is an OSError) puts the server in doubt: the run stops rather than
# spend an attempt of every due message against a server that is down.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


# Queueing


def queue(session: Session, *, kind: str, dedupe_key: str, recipient: str, subject: str, body: str, language: str,
          association_id: int | None, now: datetime | None = None, channel: str = EMAIL,
          about: str | None = None) -> OutboxMessage | None:
    """Queue one message unless a message with this dedupe_key exists (then None); flushes, never commits.

    An SMS goes to a mobile number (`clean_msisdn`) and has no subject."""
    if channel == SMS:
        address = clean_msisdn(recipient)
        if address is None:
            raise ValueError("not a mobile number")
        subject = ""
    elif channel == EMAIL:
        address = clean_address(recipient)
        if address is None:
            raise ValueError("not a deliverable e-mail address")
    else:
        raise ValueError("unknown channel")
    if any(char in subject for char in "\r\n"):
        raise ValueError("a subject is one line")
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    now = now or clock.now()
    message = OutboxMessage(association_id=association_id, kind=kind, channel=channel, dedupe_key=dedupe_key,
                            recipient=address, subject=subject, body=body, language=language, status=PENDING,
                            attempts=0, parts_sent=0, next_attempt_at=now, created_at=now, about=about)
    try:
        # A concurrent sender may queue the same key between the check and the insert: the
        # savepoint keeps the caller's transaction usable (PostgreSQL aborts it on an error).
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        return None
    record(session, AuditAction.MESSAGE_QUEUED, entity="outbox_message", entity_id=message.id,
           actor_role=SYSTEM_ROLE, association_id=association_id)
    return message


# Sending


@dataclass
class DeliveryCounts:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    withdrawn: int = 0


@dataclass(frozen=True)
class _Job:
    """What the sender needs after the claim is committed: plain values, no ORM object."""

    id: int
    attempts: int
    kind: str
    dedupe_key: str
    recipient: str
    subject: str
    body: str
    language: str
    association_id: int | None
    parts_sent: int = 0


def job_of(message: OutboxMessage) -> _Job:
    return _Job(id=message.id, attempts=message.attempts, kind=message.kind, dedupe_key=message.dedupe_key,
                recipient=message.recipient, subject=message.subject, body=message.body,
                language=message.language, association_id=message.association_id, parts_sent=message.parts_sent)


StillWanted = Callable[[Session, OutboxMessage, datetime], bool]


def retry_delay(attempts: int) -> timedelta:
    """The wait after the attempts-th failed attempt."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def message_id(job_id: int, dedupe_key: str, domain: str) -> str:
    """Stable across retries of one message, unique across messages and installations."""
    digest = hashlib.sha256(f"{job_id}|{dedupe_key}".encode()).hexdigest()[:24]
    return f"<outbox.{job_id}.{digest}@{domain}>"


def describe_error(error: BaseException) -> str:
    """The exception class and SMTP code: server replies and errno texts may quote an address."""
    name = type(error).__name__
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({reply[0] for reply in error.recipients.values()})
        code = codes[0] if codes else None
    if code is None and isinstance(error, OSError):
        code = error.errno
    return f"{name} {code}" if code is not None else name


def due(session: Session, *, now: datetime, claim_minutes: int, limit: int, channel: str = EMAIL) -> list[int]:
    """Ids of the messages to try now: pending and due, or claimed by a sender that never finished.

    The sender's own read, kept beside `_claim`: its condition is the claim's compare-and-set
    condition, and the two must stay the same. The outbox's other reads are in queries.py.
    """
    stale = now - timedelta(minutes=claim_minutes)
    return list(session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.channel == channel, or_(
            and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at <= stale),
        )).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    ))


def _claim(session: Session, message_id_: int, *, now: datetime, claim_minutes: int) -> OutboxMessage | None:
    """Compare-and-set the message to `sending`; the attempt count identifies this claim."""
    stale = now - timedelta(minutes=claim_minutes)
    # An UPDATE returns a CursorResult (its rowcount), which Session.execute() is typed to hide.
    result = cast(CursorResult[Any], session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id_, or_(
            and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at <= stale),
        ))
        .values(status=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ))
    if result.rowcount != 1:
        session.rollback()
        return None
    return session.get(OutboxMessage, message_id_, populate_existing=True)


def _finish(session: Session, job: _Job, **values) -> bool:
    """Leave `sending`, unless another sender has taken the message over since (stale claim)."""
    result = cast(CursorResult[Any], session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == job.id, OutboxMessage.status == SENDING, OutboxMessage.attempts == job.attempts)
        .values(**values)
        .execution_options(synchronize_session=False)
    ))
    return result.rowcount == 1


def _audit_delivery(session: Session, job: _Job, outcome: AuditOutcome) -> None:
    record(session, AuditAction.MESSAGE_SENT, outcome=outcome, entity="outbox_message", entity_id=job.id,
           actor_role=SYSTEM_ROLE, association_id=job.association_id)


def _give_up(session: Session, job: _Job, reason: str, outcome: AuditOutcome) -> None:
    if _finish(session, job, status=FAILED, last_error=reason):
        _audit_delivery(session, job, outcome)
    session.commit()


def build_email(job: _Job, settings: MailSettings, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((settings.sender_name, settings.sender)) if settings.sender_name else settings.sender
    message["To"] = job.recipient
    message["Subject"] = job.subject
    message["Date"] = email_date(now)
    message["Message-ID"] = message_id(job.id, job.dedupe_key, settings.sender_domain)
    # RFC 3834: no vacation replies, no out-of-office loops.
    message["Auto-Submitted"] = "auto-generated"
    # base64 travels through any 7-bit relay; Arabic text would not.
    message.set_content(job.body, cte="base64")
    message["Content-Language"] = job.language  # after set_content, which clears Content-* headers
    return message


class Mailer:
    """One SMTP connection for a run, opened on first use and reopened after an error."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.use_ssl:
            smtp = smtplib.SMTP_SSL(s.server, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.use_tls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username and s.password:  # check() lets neither come without the other
                smtp.login(s.username, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(message, from_addr=self.settings.sender, to_addrs=[recipient])

    def drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.drop()


def deliver(session: Session, *, settings: MailSettings, now: datetime | None = None, limit: int = 500,
            still_wanted: StillWanted | None = None) -> DeliveryCounts:
    """Send the due messages; commits after each claim and each outcome (call it with nothing pending).

    `still_wanted(session, message, now)` is asked inside the claim: False withdraws the
    message (status failed, last_error "Withdrawn") instead of sending it, e.g. when the
    appointment was cancelled or the person may no longer be contacted since it was queued.
    """
    now = now or clock.now()
    counts = DeliveryCounts()
    ids = due(session, now=now, claim_minutes=settings.claim_minutes, limit=limit)
    session.commit()
    mailer = Mailer(settings)
    try:
        for message_id_ in ids:
            message = _claim(session, message_id_, now=now, claim_minutes=settings.claim_minutes)
            if message is None:
                continue  # another sender has it
            job = job_of(message)
            if job.attempts > settings.max_attempts:
                # Senders kept dying on this one: stop trying rather than loop for ever.
                _give_up(session, job, INTERRUPTED, AuditOutcome.FAILURE)
                counts.failed += 1
                continue
            if still_wanted is not None and not still_wanted(session, message, now):
                _give_up(session, job, WITHDRAWN, AuditOutcome.DENIED)
                counts.withdrawn += 1
                continue
            session.commit()  # the claim is visible to every other sender before any SMTP traffic
            try:
                mailer.send(build_email(job, settings, now), job.recipient)
            except (smtplib.SMTPException, OSError) as error:
                mailer.drop()
                if _failed(session, job, error, now=now, settings=settings):
                    counts.failed += 1
                else:
                    counts.retried += 1
                if not isinstance(error, MESSAGE_ERRORS):
                    break
                continue
            if _finish(session, job, status=SENT, sent_at=now, last_error=None):
                _audit_delivery(session, job, AuditOutcome.SUCCESS)
            session.commit()
            counts.sent += 1
    finally:
        mailer.close()
    return counts


def _failed(session: Session, job: _Job, error: BaseException, *, now: datetime, settings: MailSettings) -> bool:
    """Record a failed attempt: back to pending with a back-off, or failed for good. True if given up."""
    return failed_attempt(session, job, describe_error(error), now=now, max_attempts=settings.max_attempts)


def failed_attempt(session: Session, job: _Job, reason: str, *, now: datetime, max_attempts: int) -> bool:
    """Back to pending with a back-off, or failed for good after the last attempt (True); commits."""
    reason = reason[:200]
    if job.attempts >= max_attempts:
        _give_up(session, job, reason, AuditOutcome.FAILURE)
        return True
    _finish(session, job, status=PENDING, last_error=reason, next_attempt_at=now + retry_delay(job.attempts))
    session.commit()
    return False
