"""Configuration classes, read from the environment.

`MEDIATION_ENV` selects one of Development (default), Testing, Production.
Secrets (one key per purpose, SECURITY.md S23):

- SECRET_KEY                  Flask session signing
- MEDIATION_FIELD_KEYS        field-encryption key ring, "1:<base64>,2:<base64>";
                              the highest id encrypts, every listed id decrypts
- MEDIATION_BLIND_INDEX_KEY   HMAC key of the blind indexes
- MEDIATION_AUDIT_KEY         HMAC key of the audit chain
- MEDIATION_FEED_PEPPER       pepper of the calendar-feed token hashes
- MEDIATION_BACKUP_KEY        optional: the key of `flask backup` archives, one base64 key or a
                              ring "1:<base64>,2:<base64>" (highest id encrypts); never generated
                              into instance/, since it must be kept apart from the backups

Each key is at least 32 random bytes, given in base64 (standard or URL-safe).
Production refuses to start when one is missing or too short, naming it.
Development generates them once into instance/secrets.json (mode 0600).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("MEDIATION_INSTANCE_DIR", BASE_DIR / "instance"))
MIN_KEY_BYTES = 32

SECRET_NAMES = (
    "SECRET_KEY",
    "MEDIATION_FIELD_KEYS",
    "MEDIATION_BLIND_INDEX_KEY",
    "MEDIATION_AUDIT_KEY",
    "MEDIATION_FEED_PEPPER",
)


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely; the message names what is wrong."""


def decode_key(name: str, value: str) -> bytes:
    """Decode one base64 key and refuse it when shorter than 32 bytes."""
    text = value.strip()
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigurationError(f"{name} is not valid base64") from exc
    if len(raw) < MIN_KEY_BYTES:
        raise ConfigurationError(f"{name} must hold at least {MIN_KEY_BYTES} random bytes")
    return raw


def parse_key_ring(name: str, value: str) -> dict[int, bytes]:
    """Parse "1:<base64>,2:<base64>" into {key id: key}."""
    ring: dict[int, bytes] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        key_id, sep, encoded = item.partition(":")
        if not sep or not (key_id.isascii() and key_id.isdigit()) or not 0 < int(key_id) < 65536:
            raise ConfigurationError(f"{name}: each entry must be '<id 1-65535>:<base64 key>'")
        if int(key_id) in ring:
            raise ConfigurationError(f"{name}: key id {key_id} appears twice")
        ring[int(key_id)] = decode_key(f"{name} key {key_id}", encoded)
    if not ring:
        raise ConfigurationError(f"{name} is empty")
    return ring


def parse_backup_keys(value: str) -> dict[int, bytes]:
    """MEDIATION_BACKUP_KEY: empty (no backups), one base64 key (id 1), or a key ring."""
    if not value.strip():
        return {}
    if ":" in value:  # base64 never contains ":", so this is the "1:<key>,2:<key>" ring form
        return parse_key_ring("MEDIATION_BACKUP_KEY", value)
    return {1: decode_key("MEDIATION_BACKUP_KEY", value)}


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(MIN_KEY_BYTES)).decode().rstrip("=")


def generated_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": new_key(),
        "MEDIATION_FIELD_KEYS": f"1:{new_key()}",
        "MEDIATION_BLIND_INDEX_KEY": new_key(),
        "MEDIATION_AUDIT_KEY": new_key(),
        "MEDIATION_FEED_PEPPER": new_key(),
    }


def development_secrets(instance_dir: Path) -> dict[str, str]:
    """Read instance/secrets.json, creating it (0600) on first use."""
    path = instance_dir / "secrets.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    instance_dir.mkdir(parents=True, exist_ok=True)
    values = generated_secrets()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(values, handle, indent=2)
    return values


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names by habit."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def proxy_count(value: str) -> int:
    """How many reverse proxies in front of the app set X-Forwarded-* (0: trust none of them).

    A wrong count lets a client choose its own address (and so escape the
    per-address login limit), hence the strict parsing.
    """
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > 5:
        raise ConfigurationError("MEDIATION_PROXY_COUNT must be a whole number from 0 to 5")
    return int(text)


def days_ahead(value: str) -> int:
    """MEDIATION_MAX_DAYS_AHEAD: how many days ahead of today a date may be, a whole number from 1 to 3660."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 3660:
        raise ConfigurationError("MEDIATION_MAX_DAYS_AHEAD must be a whole number of days from 1 to 3660")
    return int(text)


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    # Sessions (SECURITY.md S6-S9). Remember-me is never offered.
    SESSION_COOKIE_NAME = "mediation_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 10
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the bounded session
    MAX_CONTENT_LENGTH = 1024 * 1024

    # Data
    SQLALCHEMY_ECHO = False
    # Bound values never appear in SQLAlchemy error messages (they may be personal data).
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True, "pool_pre_ping": True}
    # SQLite (the embedded database of `make run`): how long a request waits for the write lock before
    # the "busy, try again" page (PostgreSQL locks rows, not the database, and ignores it).
    SQLITE_BUSY_TIMEOUT_MS = 30_000

    # Languages and time
    SUPPORTED_LOCALES = ("ar", "fr", "en")
    DEFAULT_LOCALE = "ar"
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Security
    MEDIATION_REQUIRE_2FA = False  # Production: True unless MEDIATION_REQUIRE_2FA says otherwise
    PASSWORD_HASH_PROFILE = "rfc9106_low_memory"
    LOGIN_LOCK_FAILURES = 5  # failed passwords or codes per account...
    LOGIN_LOCK_MINUTES = 15  # ...within this window lock the account for the rest of it
    # Per address, failures only: NGO offices often share one NAT address.
    LOGIN_IP_LIMIT = "30/minute;300/hour"
    PENDING_LOGIN_MINUTES = 5  # between the password and the code
    # A supervisor who opened a case outside their assignment with a reason is not asked again for this
    # many hours (docs/security.md, P4): one working day.
    CASE_ACCESS_REASON_HOURS = 10
    RESET_TOKEN_HOURS = 24
    # DOMAIN.md §2.6: by default the supervisor deciding after a positive screen
    # must not work the case themself; an association may allow it (flagged).
    CASE_ALLOW_ASSIGNED_DECIDER = env_flag("CASE_ALLOW_ASSIGNED_DECIDER", False)
    # A session's author corrects it within this many days; afterwards only a supervisor.
    SESSION_EDIT_DAYS = int(os.environ.get("SESSION_EDIT_DAYS", "7"))
    # Children are offered a hearing from about this age, with consent (DOMAIN.md §5).
    CHILD_CONSULTATION_MIN_AGE = int(os.environ.get("CHILD_CONSULTATION_MIN_AGE", "10"))
    # Office hours the booking form proposes free slots in (local time; Monday = 0).
    APPOINTMENT_DAY_START = os.environ.get("APPOINTMENT_DAY_START", "09:00")
    APPOINTMENT_DAY_END = os.environ.get("APPOINTMENT_DAY_END", "17:00")
    APPOINTMENT_WORKING_DAYS = tuple(
        int(day) for day in os.environ.get("APPOINTMENT_WORKING_DAYS", "0,1,2,3,4").split(",") if day.strip()
    )
    # The supervision dashboard flags open cases with no session or appointment for this many days.
    SUPERVISION_STALE_DAYS = int(os.environ.get("SUPERVISION_STALE_DAYS", "30"))
    # ... and cases open for at least this many days (DOMAIN.md §2.14: SHOULD be 90).
    SUPERVISION_LONG_OPEN_DAYS = int(os.environ.get("SUPERVISION_LONG_OPEN_DAYS", "90"))
    RATELIMIT_HEADERS_ENABLED = False

    # Services
    REDIS_URL: str | None = None  # from the environment when the configuration is built
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS", False)  # STARTTLS on a plain port (587)
    MAIL_USE_SSL = env_flag("MAIL_USE_SSL", False)  # TLS from the first byte (465)
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))  # seconds per SMTP operation
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@localhost")
    # The From display name: neutral, since a reminder may be seen by someone else than the party.
    MAIL_SENDER_NAME = os.environ.get("MAIL_SENDER_NAME", "Rendez-vous")
    # The outbox gives up after this many attempts (kept as `failed`, never deleted).
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
    # A message claimed longer ago than this by a sender that never finished is tried again.
    OUTBOX_CLAIM_MINUTES = int(os.environ.get("OUTBOX_CLAIM_MINUTES", "15"))

    # --- Retention (issue 11 part 2, DOMAIN.md §2.15; `flask retention run`) ---
    # Kept as given: mediation/retention/policy.py refuses anything but a whole number above zero,
    # naming the variable, at start-up and again each time the job runs.
    # Closed cases are anonymised this many months after their closure date.
    RETENTION_CLOSED_CASE_MONTHS = os.environ.get("RETENTION_CLOSED_CASE_MONTHS", "60")
    # The label (often a name) of an intake appointment that never became a case.
    RETENTION_INTAKE_APPOINTMENT_MONTHS = os.environ.get("RETENTION_INTAKE_APPOINTMENT_MONTHS", "12")
    # Sent and given-up e-mails (address and text) in the outbox.
    RETENTION_OUTBOX_DAYS = os.environ.get("RETENTION_OUTBOX_DAYS", "90")
    # Used or expired password-reset tokens, and failed-login records.
    RETENTION_RESET_TOKEN_DAYS = os.environ.get("RETENTION_RESET_TOKEN_DAYS", "30")
    RETENTION_LOGIN_FAILURE_DAYS = os.environ.get("RETENTION_LOGIN_FAILURE_DAYS", "30")
    # --- end of retention ---

    def __init__(self) -> None:
        self.INSTANCE_DIR = str(INSTANCE_DIR)
        self.PROXY_COUNT = proxy_count(os.environ.get("MEDIATION_PROXY_COUNT", "0"))
        # Dates within reason: an appointment more than this many days ahead is refused, and every date
        # input offers no later day (two years by default).
        self.MEDIATION_MAX_DAYS_AHEAD = days_ahead(os.environ.get("MEDIATION_MAX_DAYS_AHEAD", "730"))
        self.MEDIATION_REQUIRE_2FA = env_flag("MEDIATION_REQUIRE_2FA", self.MEDIATION_REQUIRE_2FA)
        self.load_secrets()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(self.database_url())
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"

    def database_url(self) -> str:
        return os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'mediation.db'}"

    def secret_source(self) -> dict[str, str]:
        return dict(os.environ)

    def load_secrets(self) -> None:
        source = self.secret_source()
        missing = [name for name in SECRET_NAMES if not source.get(name, "").strip()]
        if missing:
            raise ConfigurationError("missing secret(s): " + ", ".join(missing))
        self.SECRET_KEY = decode_key("SECRET_KEY", source["SECRET_KEY"]).hex()
        self.FIELD_KEYS = parse_key_ring("MEDIATION_FIELD_KEYS", source["MEDIATION_FIELD_KEYS"])
        self.BLIND_INDEX_KEY = decode_key("MEDIATION_BLIND_INDEX_KEY", source["MEDIATION_BLIND_INDEX_KEY"])
        self.AUDIT_KEY = decode_key("MEDIATION_AUDIT_KEY", source["MEDIATION_AUDIT_KEY"])
        self.FEED_PEPPER = decode_key("MEDIATION_FEED_PEPPER", source["MEDIATION_FEED_PEPPER"])
        # Backups (mediation/backup): optional, the application starts without it and
        # `flask backup` refuses, naming the variable; a malformed value still fails here.
        self.BACKUP_KEYS = parse_backup_keys(source.get("MEDIATION_BACKUP_KEY", ""))
        fallbacks = source.get("SECRET_KEY_FALLBACKS", "")
        self.SECRET_KEY_FALLBACKS = [
            decode_key("SECRET_KEY_FALLBACKS", item).hex()
            for item in fallbacks.split(",")
            if item.strip()
        ]


class Development(BaseConfig):
    ENV_NAME = "development"
    DEBUG = False  # the Werkzeug debugger would expose case data; never on

    def secret_source(self) -> dict[str, str]:
        # Environment values win over the generated file, key by key.
        return {**development_secrets(INSTANCE_DIR), **{k: v for k, v in os.environ.items() if v}}


class Testing(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False  # the CSRF test module turns it back on
    PASSWORD_HASH_PROFILE = "cheapest"
    RATELIMIT_ENABLED = False

    def secret_source(self) -> dict[str, str]:
        return {**generated_secrets(), "MEDIATION_BACKUP_KEY": new_key()}

    def database_url(self) -> str:
        return os.environ.get("TEST_DATABASE_URL") or "sqlite://"


class Production(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    MEDIATION_REQUIRE_2FA = True

    def __init__(self) -> None:
        if not os.environ.get("DATABASE_URL"):
            raise ConfigurationError("missing DATABASE_URL")
        super().__init__()
        if env_flag("FLASK_DEBUG", False):
            raise ConfigurationError("FLASK_DEBUG must be off in production")


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def config_from_environment() -> BaseConfig:
    name = os.environ.get("MEDIATION_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise ConfigurationError(f"MEDIATION_ENV must be one of {', '.join(CONFIGS)}")
    return CONFIGS[name]()
