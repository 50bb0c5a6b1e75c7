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
