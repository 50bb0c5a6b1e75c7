"""The outbox's SMTP settings, checked when read, and the address check every sender uses."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class MailSettingsError(ValueError):
    """The MAIL_* / OUTBOX_* configuration cannot be used; the message says which setting."""


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    sender: str
    sender_name: str = ""
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    use_ssl: bool = False
    timeout: float = 30.0
    max_attempts: int = 8
    claim_minutes: int = 15

    @classmethod
    def from_config(cls, config) -> MailSettings:
        """Read and check the application's MAIL_* and OUTBOX_* settings."""
        try:
            settings = cls(
                server=str(config.get("MAIL_SERVER") or "").strip(),
                port=int(config.get("MAIL_PORT") or 0),
                sender=str(config.get("MAIL_DEFAULT_SENDER") or "").strip(),
                sender_name=str(config.get("MAIL_SENDER_NAME") or "").strip(),
                username=config.get("MAIL_USERNAME") or None,
                password=config.get("MAIL_PASSWORD") or None,
                use_tls=bool(config.get("MAIL_USE_TLS")),
                use_ssl=bool(config.get("MAIL_USE_SSL")),
                timeout=float(config.get("MAIL_TIMEOUT") or 30),
                max_attempts=int(config.get("OUTBOX_MAX_ATTEMPTS") or 8),
                claim_minutes=int(config.get("OUTBOX_CLAIM_MINUTES") or 15),
            )
        except (TypeError, ValueError) as error:
            raise MailSettingsError(f"a MAIL_* or OUTBOX_* setting is not a number: {error}") from None
        settings.check()
        return settings

    def check(self) -> None:
        if not self.server:
            raise MailSettingsError("MAIL_SERVER is empty")
        if not 0 < self.port < 65536:
            raise MailSettingsError("MAIL_PORT must be between 1 and 65535")
        if self.use_tls and self.use_ssl:
            raise MailSettingsError("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL exclude each other")
        if clean_address(self.sender, dotted_domain=False) is None:
            raise MailSettingsError("MAIL_DEFAULT_SENDER must be a plain ASCII address (name@domain)")
        if any(char in self.sender_name for char in "\r\n\0"):
            raise MailSettingsError("MAIL_SENDER_NAME must be one line")
        if bool(self.username) != bool(self.password):
            raise MailSettingsError("MAIL_USERNAME and MAIL_PASSWORD go together")
        encrypted = self.use_tls or self.use_ssl
        if self.username and not encrypted and self.server.lower() not in LOOPBACK_HOSTS:
            # The password would cross the network in clear.
            raise MailSettingsError("MAIL_USERNAME needs MAIL_USE_TLS or MAIL_USE_SSL unless the server is local")
        if self.timeout <= 0 or self.max_attempts < 1 or self.claim_minutes < 1:
            raise MailSettingsError("MAIL_TIMEOUT, OUTBOX_MAX_ATTEMPTS and OUTBOX_CLAIM_MINUTES must be positive")

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


def clean_address(value: str | None, *, dotted_domain: bool = True) -> str | None:
    """A plain ASCII address `local@domain.tld`, or None (no display name, no header injection).

    A recipient's domain must have a dot; the sender may be `no-reply@localhost`.
    """
    text = (value or "").strip()
    if not text or len(text) > 254 or not text.isascii() or any(char in text for char in "\r\n\0 ,;<>\"()"):
        return None
    name, address = parseaddr(text)
    local, _at, domain = address.rpartition("@")
    if name or address != text or not local or not domain or domain.startswith(".") or domain.endswith("."):
        return None
    if dotted_domain and "." not in domain:
        return None
    return text


class SmsSettingsError(ValueError):
    """The SMPP_* configuration cannot be used; the message says which setting."""


@dataclass(frozen=True)
class SmsSettings:
    """The SMS gateway (an SMPP 3.4 server of an operator or aggregator; docs/security.md, S65)."""

    host: str
    port: int
    system_id: str
    password: str
    source_addr: str
    system_type: str = ""
    # Submits per second at most (the gateway's contracted throughput).
    throughput: float = 5.0
    timeout: float = 30.0
    # Seconds to wait for delivery receipts after the last submit of a run.
    receipt_wait: float = 2.0
    max_attempts: int = 8
    claim_minutes: int = 15

    @classmethod
    def from_config(cls, config) -> SmsSettings | None:
        """The SMPP_* and OUTBOX_* settings, checked; None when SMPP_HOST is empty (no SMS channel)."""
        host = str(config.get("SMPP_HOST") or "").strip()
        if not host:
            return None
        try:
            settings = cls(
                host=host,
                port=int(config.get("SMPP_PORT") or 2775),
                system_id=str(config.get("SMPP_SYSTEM_ID") or "").strip(),
                password=str(config.get("SMPP_PASSWORD") or ""),
                source_addr=str(config.get("SMPP_SOURCE_ADDR") or "").strip(),
                system_type=str(config.get("SMPP_SYSTEM_TYPE") or "").strip(),
                throughput=float(config.get("SMPP_THROUGHPUT") or 5),
                timeout=float(config.get("SMPP_TIMEOUT") or 30),
                receipt_wait=float(config.get("SMPP_RECEIPT_WAIT") if config.get("SMPP_RECEIPT_WAIT") is not None
                                   else 2),
                max_attempts=int(config.get("OUTBOX_MAX_ATTEMPTS") or 8),
                claim_minutes=int(config.get("OUTBOX_CLAIM_MINUTES") or 15),
            )
        except (TypeError, ValueError) as error:
            raise SmsSettingsError(f"an SMPP_* or OUTBOX_* setting is not a number: {error}") from None
        settings.check()
        return settings

    def check(self) -> None:
        if not 0 < self.port < 65536:
            raise SmsSettingsError("SMPP_PORT must be between 1 and 65535")
        # SMPP 3.4: system_id at most 15 octets, password at most 8 (C-Octet strings of 16 and 9).
        if not self.system_id or len(self.system_id) > 15 or not self.system_id.isascii():
            raise SmsSettingsError("SMPP_SYSTEM_ID must be 1 to 15 ASCII characters")
        if len(self.password) > 8 or not self.password.isascii():
            raise SmsSettingsError("SMPP_PASSWORD must be at most 8 ASCII characters")
        if not self.source_addr or len(self.source_addr) > 20 or not self.source_addr.isascii() \
                or not self.source_addr.replace(" ", "").isalnum():
            raise SmsSettingsError("SMPP_SOURCE_ADDR must be a short code, a number or an alphanumeric "
                                   "sender of at most 20 ASCII letters and digits")
        if len(self.system_type) > 12:
            raise SmsSettingsError("SMPP_SYSTEM_TYPE must be at most 12 characters")
        if self.throughput <= 0 or self.timeout <= 0 or self.receipt_wait < 0:
            raise SmsSettingsError("SMPP_THROUGHPUT and SMPP_TIMEOUT must be positive, SMPP_RECEIPT_WAIT not negative")
        if self.max_attempts < 1 or self.claim_minutes < 1:
            raise SmsSettingsError("OUTBOX_MAX_ATTEMPTS and OUTBOX_CLAIM_MINUTES must be positive")

    @property
    def numeric_source(self) -> bool:
        return self.source_addr.lstrip("+").isdigit()


def clean_msisdn(value: str | None) -> str | None:
    """A mobile number in international form without '+' (e.g. 212612345678), or None.

    Accepts what staff type: spaces, dashes, brackets, a leading + or 00, and a Moroccan
    national number (06..., 07...) which becomes 2126..., 2127...
    """
    text = "".join(char for char in (value or "") if char not in " -().\u00a0")
    if text.startswith("+"):
        text = text[1:]
    elif text.startswith("00"):
        text = text[2:]
    elif len(text) == 10 and text.startswith(("06", "07")):
        text = "212" + text[1:]
    if not text.isascii() or not text.isdigit() or not 8 <= len(text) <= 15 or text.startswith("0"):
        return None
    return text
