"""Configuration classes, read from the environment when one is built (docs/architecture.md C1).

`MEDIATION_ENV` selects one of Development (default), Testing, Production. Every other
setting goes through `Environment`, the one typed reader, which refuses a malformed value
naming the variable; docs/deploy/settings.md lists them all with their defaults and bounds.
Secrets (one key per purpose, docs/security.md, S23):

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
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# Where the SQLite file and the development secrets live unless MEDIATION_INSTANCE_DIR says otherwise.
INSTANCE_DIR = BASE_DIR / "instance"
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


# --- The one typed reader of the environment (docs/architecture.md C1) ------------------------------
# Every setting an installation may change goes through `Environment`: a malformed value stops the start
# with a ConfigurationError naming the variable and what it expects, never a bare ValueError. A variable
# that is unset, or set to nothing but spaces, takes its default (text excepted: an empty text is kept).
# docs/deploy/settings.md lists every variable, its type, default and bounds.

FLAG_ON = ("1", "true", "yes", "on")
FLAG_OFF = ("0", "false", "no", "off")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# ASCII digits only (str.isdigit() also takes "²" and Arabic-Indic digits), and few of them: int() refuses
# strings of more than 4300 digits with a ValueError of its own.
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")
# No exponent, "inf", "nan" or "1_0", which float() would take.
DECIMAL_NUMBER = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")
CLOCK_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
SHOWN_CHARACTERS = 40
MAX_PROXIES = 5
MAX_DAYS_AHEAD = 3660
# The longest retention period, in months or days: longer is a typo (days entered as months...), not a
# policy. The same bound as mediation/accounts/models.py RETENTION_MAXIMUM, which the tests compare.
RETENTION_MAXIMUM = 1200


@dataclass(frozen=True)
class Setting:
    """One environment variable as the configuration asked for it."""

    name: str
    kind: str  # whole number, decimal number, flag, text, clock time, weekdays, months, choice
    default: object
    expected: str  # what a valid value looks like, as a refusal says it
    minimum: int | float | None = None
    maximum: int | float | None = None


def shown(value: str) -> str:
    """A refused value as the message quotes it, cut short."""
    return repr(value if len(value) <= SHOWN_CHARACTERS else value[:SHOWN_CHARACTERS] + "...")


def refused(name: str, expected: str, value: str) -> ConfigurationError:
    return ConfigurationError(f"{name} must be {expected} (got {shown(value)})")


def bounds_text(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    return f" of at most {maximum}" if maximum is not None else ""


def whole_number_expected(minimum: int | None, maximum: int | None, unit: str = "") -> str:
    return f"a whole number{f' of {unit}' if unit else ''}{bounds_text(minimum, maximum)}"


def whole_number(name: str, value: str, minimum: int | None = None, maximum: int | None = None,
                 unit: str = "") -> int:
    """`value` as an int within the bounds, or ConfigurationError naming `name`."""
    text = value.strip()
    if WHOLE_NUMBER.fullmatch(text):
        number = int(text)
        if (minimum is None or number >= minimum) and (maximum is None or number <= maximum):
            return number
    raise refused(name, whole_number_expected(minimum, maximum, unit), value)


def decimal_number(name: str, value: str, minimum: float, maximum: float, unit: str = "") -> float:
    """`value` as a float within the bounds (digits and one optional point), or ConfigurationError."""
    text = value.strip()
    if DECIMAL_NUMBER.fullmatch(text) and minimum <= float(text) <= maximum:
        return float(text)
    raise refused(name, f"a number{f' of {unit}' if unit else ''}{bounds_text(minimum, maximum)}", value)


def parse_flag(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in FLAG_ON or text in FLAG_OFF:
        return text in FLAG_ON
    raise refused(name, f"on ({', '.join(FLAG_ON)}) or off ({', '.join(FLAG_OFF)})", value)


def proxy_count(value: str) -> int:
    """How many reverse proxies in front of the app set X-Forwarded-* (0: trust none of them).

    A wrong count lets a client choose its own address (and so escape the
    per-address login limit), hence the strict parsing.
    """
    return whole_number("MEDIATION_PROXY_COUNT", value, 0, MAX_PROXIES)


def days_ahead(value: str) -> int:
    """MEDIATION_MAX_DAYS_AHEAD: how many days ahead of today a date may be, a whole number from 1 to 3660."""
    return whole_number("MEDIATION_MAX_DAYS_AHEAD", value, 1, MAX_DAYS_AHEAD, "days")


class Environment:
    """Reads typed settings from the environment (or any mapping a test gives), recording in `read` each
    variable it was asked for, so that the tests and docs/deploy/settings.md can cover every one."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source = os.environ if source is None else source
        self.read: dict[str, Setting] = {}

    def _value(self, setting: Setting, *, blank_is_unset: bool = True) -> str | None:
        self.read[setting.name] = setting
        value = self.source.get(setting.name)
        if value is None or (blank_is_unset and not value.strip()):
            return None
        return value

    def integer(self, name: str, default: int, minimum: int | None = None, maximum: int | None = None, *,
                unit: str = "") -> int:
        setting = Setting(name, "whole number", default, whole_number_expected(minimum, maximum, unit),
                          minimum, maximum)
        value = self._value(setting)
        return default if value is None else whole_number(name, value, minimum, maximum, unit)

    def decimal(self, name: str, default: float, minimum: float, maximum: float, *, unit: str = "") -> float:
        expected = f"a number{f' of {unit}' if unit else ''}{bounds_text(minimum, maximum)}"
        value = self._value(Setting(name, "decimal number", default, expected, minimum, maximum))
        return default if value is None else decimal_number(name, value, minimum, maximum, unit)

    def flag(self, name: str, default: bool) -> bool:
        expected = f"on ({', '.join(FLAG_ON)}) or off ({', '.join(FLAG_OFF)})"
        value = self._value(Setting(name, "flag", default, expected))
        return default if value is None else parse_flag(name, value)

    def text(self, name: str, default: str | None) -> str | None:
        """Taken as given, an empty value included; a control character (a line break...) is refused and,
        since the text may be a password, never quoted."""
        expected = "one line of text without control characters"
        value = self._value(Setting(name, "text", default, expected), blank_is_unset=False)
        if value is None:
            return default
        if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
            raise ConfigurationError(f"{name} must be {expected}")
        return value

    def clock_time(self, name: str, default: str) -> str:
        """A time of day, "HH:MM" on the 24-hour clock."""
        expected = "a time of day HH:MM on the 24-hour clock (09:00, 17:30)"
        value = self._value(Setting(name, "clock time", default, expected))
        if value is None:
            return default
        if not CLOCK_TIME.fullmatch(value.strip()):
            raise refused(name, expected, value)
        return value.strip()

    def weekdays(self, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
        """Day numbers separated by commas, Monday = 0."""
        expected = "day numbers from 0 (Monday) to 6 (Sunday) separated by commas, at least one"
        value = self._value(Setting(name, "weekdays", default, expected, 0, len(WEEKDAY_NAMES) - 1))
        if value is None:
            return default
        days = [part.strip() for part in value.split(",") if part.strip()]
        if not days or not all(len(day) == 1 and "0" <= day <= "6" for day in days):
            raise refused(name, expected, value)
        return tuple(int(day) for day in days)

    def months(self, name: str, default: tuple[int, ...], maximum: int) -> tuple[int, ...]:
        """Whole numbers of months separated by commas, each from 1 to `maximum`, rising, at least one."""
        expected = f"whole numbers of months from 1 to {maximum} separated by commas, rising, at least one"
        value = self._value(Setting(name, "months", default, expected, 1, maximum))
        if value is None:
            return default
        parts = [part.strip() for part in value.split(",")]
        if not parts or not all(WHOLE_NUMBER.fullmatch(part) and len(part) <= 3 for part in parts):
            raise refused(name, expected, value)
        numbers = tuple(int(part) for part in parts)
        if not all(1 <= number <= maximum for number in numbers) or list(numbers) != sorted(set(numbers)):
            raise refused(name, expected, value)
        return numbers

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        """One of `choices` (any case); unlike the other kinds, an empty value is refused, not the default."""
        expected = f"one of {', '.join(choices)}"
        value = self._value(Setting(name, "choice", default, expected), blank_is_unset=False)
        if value is None:
            return default
        if value.strip().lower() not in choices:
            raise refused(name, expected, value)
        return value.strip().lower()


class BaseConfig:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    # Sessions (docs/security.md, S6-S9). Remember-me is never offered.
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
    RATELIMIT_HEADERS_ENABLED = False
    # The release gate's belief about a correction: at most this many units changed per cell
    # between two versions of a period (docs/statistics.md, ST30).
    STATISTICS_CORRECTION_UNITS = 3

    # Services
    REDIS_URL: str | None = None  # from the environment when the configuration is built

    def __init__(self, environment: Environment | None = None) -> None:
        # Read now, not at import (docs/architecture.md C1): a test sets a variable and builds a configuration.
        self.environment = env = Environment() if environment is None else environment
        self.INSTANCE_DIR = str(Path(env.text("MEDIATION_INSTANCE_DIR", None) or INSTANCE_DIR))
        self.read_settings(env)
        self.load_secrets()
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(self.database_url())
        self.REDIS_URL = env.text("REDIS_URL", None) or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"

    def read_settings(self, env: Environment) -> None:
        """The settings an installation may change, each with its default and bounds; every one is listed in
        docs/deploy/settings.md and refused, named, when malformed (docs/architecture.md C1)."""
        self.PROXY_COUNT = env.integer("MEDIATION_PROXY_COUNT", 0, 0, MAX_PROXIES)
        # Dates within reason: an appointment more than this many days ahead is refused, and every date
        # input offers no later day (two years by default).
        self.MEDIATION_MAX_DAYS_AHEAD = env.integer("MEDIATION_MAX_DAYS_AHEAD", 730, 1, MAX_DAYS_AHEAD,
                                                    unit="days")
        self.MEDIATION_REQUIRE_2FA = env.flag("MEDIATION_REQUIRE_2FA", type(self).MEDIATION_REQUIRE_2FA)

        # docs/domain.md, DOM27: by default the supervisor deciding after a positive screen
        # must not work the case themself; an association may allow it (flagged).
        self.CASE_ALLOW_ASSIGNED_DECIDER = env.flag("CASE_ALLOW_ASSIGNED_DECIDER", False)
        # A session's author corrects it within this many days; afterwards only a supervisor.
        self.SESSION_EDIT_DAYS = env.integer("SESSION_EDIT_DAYS", 7, 0, 365, unit="days")
        # Children are offered a hearing from about this age, with consent (docs/domain.md, DOM35).
        self.CHILD_CONSULTATION_MIN_AGE = env.integer("CHILD_CONSULTATION_MIN_AGE", 10, 0, 17, unit="years")
        # The largest document a case takes (docs/security.md, S44).
        self.ATTACHMENT_MAX_MB = env.integer("ATTACHMENT_MAX_MB", 10, 1, 100, unit="MB")
        # Where new documents are kept: the database, or an S3-compatible object store receiving sealed chunks
        # only (docs/security.md, S78); the credentials are the usual AWS_* variables of the environment.
        self.ATTACHMENT_STORAGE = env.choice("ATTACHMENT_STORAGE", "database", ("database", "s3"))
        self.ATTACHMENT_S3_BUCKET = env.text("ATTACHMENT_S3_BUCKET", None) or None
        self.ATTACHMENT_S3_ENDPOINT_URL = env.text("ATTACHMENT_S3_ENDPOINT_URL", None) or None
        self.ATTACHMENT_S3_REGION = env.text("ATTACHMENT_S3_REGION", "us-east-1")
        self.AWS_ACCESS_KEY_ID = env.text("AWS_ACCESS_KEY_ID", None) or None
        self.AWS_SECRET_ACCESS_KEY = env.text("AWS_SECRET_ACCESS_KEY", None) or None
        if self.ATTACHMENT_STORAGE == "s3":
            missing = [name for name in ("ATTACHMENT_S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
                       if not (getattr(self, name) or "").strip()]
            if missing:
                raise ConfigurationError(f"ATTACHMENT_STORAGE=s3 needs {', '.join(missing)}")
        # Office hours the booking form proposes free slots in (local time; Monday = 0).
        self.APPOINTMENT_DAY_START = env.clock_time("APPOINTMENT_DAY_START", "09:00")
        self.APPOINTMENT_DAY_END = env.clock_time("APPOINTMENT_DAY_END", "17:00")
        if self.APPOINTMENT_DAY_START >= self.APPOINTMENT_DAY_END:  # "HH:MM" strings sort as times do
            raise ConfigurationError(f"APPOINTMENT_DAY_START must be before APPOINTMENT_DAY_END (got "
                                     f"{self.APPOINTMENT_DAY_START} and {self.APPOINTMENT_DAY_END})")
        self.APPOINTMENT_WORKING_DAYS = env.weekdays("APPOINTMENT_WORKING_DAYS", (0, 1, 2, 3, 4))
        # Parties kept apart by a supervisor's decision: the least time between one party's arrival or
        # departure and another's (docs/domain.md, DOM44 and DOM68; 30 minutes by default).
        self.APPOINTMENT_SEPARATION_MINUTES = env.integer("APPOINTMENT_SEPARATION_MINUTES", 30, 10, 240,
                                                          unit="minutes")
        # The supervision dashboard flags open cases with no session or appointment for this many days.
        self.SUPERVISION_STALE_DAYS = env.integer("SUPERVISION_STALE_DAYS", 30, 1, 3660, unit="days")
        # ... and cases open for at least this many days (docs/domain.md, DOM52: 90 by default).
        self.SUPERVISION_LONG_OPEN_DAYS = env.integer("SUPERVISION_LONG_OPEN_DAYS", 90, 1, 3660, unit="days")
        # Post-closure follow-ups planned when a case closes with an agreement or a reconciliation, in months
        # after the closure date (docs/domain.md, DOM93: 1, 3 and 6 by default, a project default).
        self.POST_CLOSURE_FOLLOW_UP_MONTHS = env.months("POST_CLOSURE_FOLLOW_UP_MONTHS", (1, 3, 6), 24)

        # Outgoing e-mail; mediation/appointments/services/outbox.py checks how they fit together.
        self.MAIL_SERVER = env.text("MAIL_SERVER", "127.0.0.1")
        self.MAIL_PORT = env.integer("MAIL_PORT", 25, 1, 65535)
        self.MAIL_USERNAME = env.text("MAIL_USERNAME", None)
        self.MAIL_PASSWORD = env.text("MAIL_PASSWORD", None)
        self.MAIL_USE_TLS = env.flag("MAIL_USE_TLS", False)  # STARTTLS on a plain port (587)
        self.MAIL_USE_SSL = env.flag("MAIL_USE_SSL", False)  # TLS from the first byte (465)
        self.MAIL_TIMEOUT = env.decimal("MAIL_TIMEOUT", 30.0, 1, 3600, unit="seconds")  # per SMTP operation
        self.MAIL_DEFAULT_SENDER = env.text("MAIL_DEFAULT_SENDER", "no-reply@localhost")
        # The From display name: neutral, since a reminder may be seen by someone else than the party.
        self.MAIL_SENDER_NAME = env.text("MAIL_SENDER_NAME", "Rendez-vous")
        # The outbox gives up after this many attempts (kept as `failed`, never deleted).
        self.OUTBOX_MAX_ATTEMPTS = env.integer("OUTBOX_MAX_ATTEMPTS", 8, 1, 100)
        # A message claimed longer ago than this by a sender that never finished is tried again.
        self.OUTBOX_CLAIM_MINUTES = env.integer("OUTBOX_CLAIM_MINUTES", 15, 1, 1440, unit="minutes")

        # Retention (docs/domain.md, DOM57; `flask retention run`). mediation/retention/policy.py checks the
        # periods again, with the same bounds, at start-up and each time the job runs.
        # Closed cases are anonymised this many months after their closure date.
        self.RETENTION_CLOSED_CASE_MONTHS = env.integer("RETENTION_CLOSED_CASE_MONTHS", 60, 1, RETENTION_MAXIMUM,
                                                        unit="months")
        # The label (often a name) of an intake appointment that never became a case.
        self.RETENTION_INTAKE_APPOINTMENT_MONTHS = env.integer("RETENTION_INTAKE_APPOINTMENT_MONTHS", 12, 1,
                                                               RETENTION_MAXIMUM, unit="months")
        # Sent and given-up e-mails (address and text) in the outbox.
        self.RETENTION_OUTBOX_DAYS = env.integer("RETENTION_OUTBOX_DAYS", 90, 1, RETENTION_MAXIMUM, unit="days")
        # Used or expired password-reset tokens, and failed-login records.
        self.RETENTION_RESET_TOKEN_DAYS = env.integer("RETENTION_RESET_TOKEN_DAYS", 30, 1, RETENTION_MAXIMUM,
                                                      unit="days")
        self.RETENTION_LOGIN_FAILURE_DAYS = env.integer("RETENTION_LOGIN_FAILURE_DAYS", 30, 1, RETENTION_MAXIMUM,
                                                        unit="days")

    def database_url(self) -> str:
        return self.environment.text("DATABASE_URL", None) or f"sqlite:///{Path(self.INSTANCE_DIR) / 'mediation.db'}"

    def secret_source(self) -> dict[str, str]:
        return dict(self.environment.source)

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
        environment = self.environment.source
        return {**development_secrets(Path(self.INSTANCE_DIR)), **{k: v for k, v in environment.items() if v}}


class Testing(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False  # the CSRF test module turns it back on
    PASSWORD_HASH_PROFILE = "cheapest"
    RATELIMIT_ENABLED = False

    def secret_source(self) -> dict[str, str]:
        return {**generated_secrets(), "MEDIATION_BACKUP_KEY": new_key()}

    def database_url(self) -> str:
        return self.environment.text("TEST_DATABASE_URL", None) or "sqlite://"


class Production(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    MEDIATION_REQUIRE_2FA = True

    def __init__(self, environment: Environment | None = None) -> None:
        environment = Environment() if environment is None else environment
        if not environment.text("DATABASE_URL", None):
            raise ConfigurationError("missing DATABASE_URL")
        super().__init__(environment)
        if environment.flag("FLASK_DEBUG", False):
            raise ConfigurationError("FLASK_DEBUG must be off in production")


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def config_from_environment(environment: Environment | None = None) -> BaseConfig:
    """The configuration MEDIATION_ENV names, read from `environment` (the process environment by default)."""
    environment = Environment() if environment is None else environment
    return CONFIGS[environment.choice("MEDIATION_ENV", "development", tuple(CONFIGS))](environment)
