"""The outbox: messages to families and staff, queued in the transaction that causes them, sent later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.core import clock
from mediation.core.crypto import Encrypted
from mediation.core.models import Base, UTCDateTime


class OutboxMessage(Base):
    """An e-mail or an SMS waiting to be sent, sent, or given up on; never deleted by the sender.

    `dedupe_key` makes queueing idempotent (one reminder per recipient and
    appointment time); the `sending` claim keeps two senders from sending one
    message twice.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int | None] = mapped_column(ForeignKey("association.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    # "email" or "sms" (docs/domain.md, DOM140): each sender claims only its own channel.
    channel: Mapped[str] = mapped_column(String(8), nullable=False, default="email", server_default="email")
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    # The address (an e-mail address or a mobile number) and the text are personal data: encrypted at rest.
    recipient: Mapped[str] = mapped_column(Encrypted("outbox_message.recipient"), nullable=False)
    subject: Mapped[str] = mapped_column(Encrypted("outbox_message.subject"), nullable=False)
    body: Mapped[str] = mapped_column(Encrypted("outbox_message.body"), nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The SMTP error class and code only: never an address or message text.
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    # SMS only: how many parts the gateway has accepted; a retry resumes after them (docs/security.md, S66).
    parts_sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # What the message is about, e.g. "appointment:42", for the appointment's and the case's
    # timelines (docs/domain.md, DOM145). Ids only.
    about: Mapped[str | None] = mapped_column(String(80), index=True)

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"),
        CheckConstraint("channel IN ('email', 'sms')", name="channel_known"),
    )


class OutboxSmsPart(Base):
    """One part of an SMS accepted by the gateway, its message id there and its delivery receipt.

    The gateway's message id and the receipt state (DELIVRD, UNDELIV...) are not personal data;
    the receipt's text, which some gateways echo, is never stored (docs/security.md, S66).
    """

    __tablename__ = "outbox_sms_part"

    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    gateway_id: Mapped[str] = mapped_column(String(65), nullable=False, index=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    receipt: Mapped[str | None] = mapped_column(String(16))
    receipt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
