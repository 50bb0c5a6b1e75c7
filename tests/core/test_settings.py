"""Every setting read from the environment goes through one typed reader, when a configuration is built
(docs/architecture.md C1): a malformed value is refused naming the variable, a valid one is honoured, and
docs/deploy/settings.md lists each one.

The list of settings is not written here: it is what the reader recorded while the three configurations
were built, so a setting added to config.py is covered (and must be documented) without touching this file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import config
from config import (
    CONFIGS,
    FLAG_OFF,
    FLAG_ON,
    SECRET_NAMES,
    ConfigurationError,
    Development,
    Environment,
    Production,
    Setting,
    config_from_environment,
)
from tests.core.test_config import good_secrets

pytestmark = pytest.mark.no_db_transaction

SETTINGS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "settings.md"


def environ(env_name: str, home: str | Path, **values: str) -> dict[str, str]:
    """A complete environment for `env_name`, its instance directory in `home`."""
    return {**good_secrets(), "MEDIATION_ENV": env_name, "DATABASE_URL": f"sqlite:///{home}/mediation.db",
            "MEDIATION_INSTANCE_DIR": str(home), **values}


def build(env_name: str, home: str | Path, **values: str):
    return config_from_environment(Environment(environ(env_name, home, **values)))


def settings_read() -> dict[str, tuple[str, Setting]]:
    """{variable: (first configuration that reads it, the setting as read)}, over the three configurations."""
    found: dict[str, tuple[str, Setting]] = {}
    with tempfile.TemporaryDirectory() as home:  # Development writes its secrets.json there
        for env_name in CONFIGS:
            environment = Environment(environ(env_name, home))
            config_from_environment(environment)
            for name, setting in environment.read.items():
                found.setdefault(name, (env_name, setting))
    return found


READ = settings_read()

# Values each kind of setting must refuse; whole numbers also refuse one below and one above their bounds.
MALFORMED = {
    "whole number": ("twelve", "1.5", "\u0661", "1e3", "9" * 5000),
    "decimal number": ("thirty", "1e3", "nan", "1_0", "-5"),
    "flag": ("maybe", "2", "y", "enabled"),
    "text": ("one\nline", "nul\x00byte", "line\u2028separator"),
    "clock time": ("9h", "9:00", "24:00", "17:00:00", "noon"),
    "weekdays": ("mon", "0,7", "1-5", ","),
    "months": ("one", "3,1", "0", "1,,3", "25", "1,1", "1.5", "\u0661"),
    "choice": ("staging", "prod"),
}


def malformed_cases():
    for name, (env_name, setting) in sorted(READ.items()):
        values = list(MALFORMED.get(setting.kind, ()))
        if setting.kind == "whole number":
            values += [str(bound) for bound in (setting.minimum - 1 if setting.minimum is not None else None,
                                                setting.maximum + 1 if setting.maximum is not None else None)
                       if bound is not None]
        for value in values:
            yield pytest.param(env_name, name, value, id=f"{name}={value[:12]!r}")


# Where a valid value shows, when it is not an attribute of the same name holding the value as read.
ATTRIBUTE = {"MEDIATION_PROXY_COUNT": "PROXY_COUNT"}
SPECIAL = {  # variable: (value, the configuration it builds -> whether the value was honoured)
    "MEDIATION_ENV": ("Testing", lambda settings: type(settings) is config.Testing),
    "DATABASE_URL": ("postgres://u@db.internal/d",
                     lambda settings: settings.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db.internal/d"),
    "TEST_DATABASE_URL": ("sqlite:////var/tmp/other.db",
                          lambda settings: settings.SQLALCHEMY_DATABASE_URI == "sqlite:////var/tmp/other.db"),
    "REDIS_URL": ("redis://127.0.0.1:6379/3",
                  lambda settings: settings.REDIS_URL == settings.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"),
    # "s3" alone is refused (test_the_object_store_needs_a_bucket_and_credentials): any case is read.
    "ATTACHMENT_STORAGE": (" Database ", lambda settings: settings.ATTACHMENT_STORAGE == "database"),
}


def valid_value(name: str, setting: Setting) -> tuple[str, object]:
    """A valid value other than the default, as written in the environment and as read."""
    if setting.kind == "whole number":
        number = setting.maximum if setting.default != setting.maximum else setting.minimum
        return f" {number} ", number
    return {
        "decimal number": ("2.5", 2.5),
        "flag": ("ON" if not setting.default else " Off ", not setting.default),
        "text": ("smtp.example.org", "smtp.example.org"),
        "clock time": ("12:30", "12:30"),  # after the default start, before the default end
        "weekdays": (" 5, 6 ", (5, 6)),
        "months": (" 2, 12 ", (2, 12)),
    }[setting.kind]


# --- the settings, as the reader recorded them ----------------------------------------------------------


def test_the_reader_recorded_the_known_settings():
    """A floor, not the list: the parametrised tests below follow whatever the reader records."""
    assert {"MEDIATION_ENV", "DATABASE_URL", "REDIS_URL", "FLASK_DEBUG", "MEDIATION_PROXY_COUNT",
            "MEDIATION_MAX_DAYS_AHEAD", "MEDIATION_REQUIRE_2FA", "SESSION_EDIT_DAYS", "APPOINTMENT_WORKING_DAYS",
            "APPOINTMENT_SEPARATION_MINUTES", "MAIL_PORT", "MAIL_TIMEOUT", "OUTBOX_CLAIM_MINUTES",
            "RETENTION_OUTBOX_DAYS"} <= set(READ)
    assert not set(READ) & {*SECRET_NAMES, "MEDIATION_BACKUP_KEY"}  # the keys have their own parsing


def test_every_kind_of_setting_has_malformed_examples():
    assert {setting.kind for _, setting in READ.values()} <= set(MALFORMED)


@pytest.mark.parametrize(("env_name", "name", "value"), list(malformed_cases()))
def test_a_malformed_value_is_refused_naming_the_variable(tmp_path, env_name, name, value):
    with pytest.raises(ConfigurationError) as refused:
        build(env_name, tmp_path, **{name: value})
    message = str(refused.value)
    assert message.startswith(f"{name} must be "), message
    assert len(message) < 200  # a long value is cut short
    if READ[name][1].kind == "text":
        assert value not in message  # a text may be a password: never quoted


@pytest.mark.parametrize("name", sorted(READ))
def test_a_valid_value_is_honoured(tmp_path, name):
    env_name, setting = READ[name]
    if name == "MEDIATION_INSTANCE_DIR":
        elsewhere = tmp_path / "elsewhere"
        settings = build(env_name, tmp_path, MEDIATION_INSTANCE_DIR=str(elsewhere))
        assert settings.INSTANCE_DIR == str(elsewhere) and (elsewhere / "secrets.json").is_file()
    elif name == "FLASK_DEBUG":
        assert build(env_name, tmp_path, FLASK_DEBUG="0")
        with pytest.raises(ConfigurationError, match="^FLASK_DEBUG must be off in production$"):
            build(env_name, tmp_path, FLASK_DEBUG="on")
    elif name in SPECIAL:
        value, honoured = SPECIAL[name]
        assert honoured(build(env_name, tmp_path, **{name: value}))
    else:
        written, expected = valid_value(name, setting)
        assert expected != setting.default
        assert getattr(build(env_name, tmp_path, **{name: written}), ATTRIBUTE.get(name, name)) == expected


@pytest.mark.parametrize("name", sorted(set(READ) - set(SPECIAL) - {"MEDIATION_INSTANCE_DIR", "FLASK_DEBUG"}))
@pytest.mark.parametrize("how", ["unset", "blank"])
def test_unset_or_blank_gives_the_recorded_default(tmp_path, name, how):
    env_name, setting = READ[name]
    values = {} if how == "unset" else {name: "  "}
    expected = "  " if how == "blank" and setting.kind == "text" else setting.default  # a text is kept as given
    assert getattr(build(env_name, tmp_path, **values), ATTRIBUTE.get(name, name)) == expected


def test_blank_mediation_env_is_refused_not_taken_for_development(tmp_path):
    with pytest.raises(ConfigurationError, match="^MEDIATION_ENV must be one of development, testing, production"):
        build("", tmp_path)


# --- read when built, not at import ----------------------------------------------------------------------


def test_a_setting_set_in_the_process_environment_is_seen_by_the_next_configuration(monkeypatch):
    monkeypatch.setenv("SESSION_EDIT_DAYS", "3")
    monkeypatch.setenv("APPOINTMENT_WORKING_DAYS", "0,1,2,3,4,5")
    first = config.Testing()  # by module: pytest would collect a class Test... in this one
    assert (first.SESSION_EDIT_DAYS, first.APPOINTMENT_WORKING_DAYS) == (3, (0, 1, 2, 3, 4, 5))
    monkeypatch.setenv("SESSION_EDIT_DAYS", "fourteen")
    with pytest.raises(ConfigurationError, match=r"^SESSION_EDIT_DAYS must be a whole number of days from 0 to "
                                                 r"365 \(got 'fourteen'\)$"):
        config.Testing()


def test_an_application_sees_a_retention_period_set_in_the_environment(monkeypatch):
    from mediation import create_app
    from mediation.retention.policy import RetentionPolicy
    from tests.conftest import make_config

    monkeypatch.setenv("RETENTION_OUTBOX_DAYS", "45")
    application = create_app(make_config("sqlite://"))
    assert application.config["RETENTION_OUTBOX_DAYS"] == 45
    assert RetentionPolicy.from_config(application.config).outbox_days == 45


def test_the_retention_bound_is_the_policy_s():
    from mediation.retention.policy import MAXIMUM

    assert config.RETENTION_MAXIMUM == MAXIMUM


def test_office_hours_must_start_before_they_end(tmp_path):
    with pytest.raises(ConfigurationError, match=r"^APPOINTMENT_DAY_START must be before APPOINTMENT_DAY_END "
                                                 r"\(got 17:00 and 09:00\)$"):
        build("testing", tmp_path, APPOINTMENT_DAY_START="17:00", APPOINTMENT_DAY_END="09:00")


def test_production_still_requires_2fa_by_default_and_a_blank_value_keeps_it(tmp_path):
    assert type(build("production", tmp_path)) is Production
    assert build("production", tmp_path).MEDIATION_REQUIRE_2FA is True
    assert build("production", tmp_path, MEDIATION_REQUIRE_2FA="").MEDIATION_REQUIRE_2FA is True
    assert build("development", tmp_path).MEDIATION_REQUIRE_2FA is False
    assert type(build("development", tmp_path)) is Development


# --- the reader itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", [*FLAG_ON, *FLAG_OFF, "TRUE", " Yes ", "oN", "OFF\n"])
def test_flag_spellings(spelling):
    assert Environment({"F": spelling}).flag("F", default=spelling.strip().lower() in FLAG_OFF) is (
        spelling.strip().lower() in FLAG_ON)


@given(
    text=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\s*[+-]?[0-9]{1,30}\s*", fullmatch=True),
        st.builds(lambda n: "9" * n, st.integers(min_value=0, max_value=6000)),
    ),
    minimum=st.one_of(st.none(), st.integers(min_value=-10, max_value=10)),
    span=st.one_of(st.none(), st.integers(min_value=0, max_value=5000)),
)
def test_the_int_reader_returns_a_number_in_range_or_refuses_naming_the_variable(text, minimum, span):
    maximum = None if span is None else (minimum or 0) + span
    default = minimum if minimum is not None else (maximum if maximum is not None else 0)
    environment = Environment({"SOME_SETTING": text})
    try:
        value = environment.integer("SOME_SETTING", default, minimum, maximum)
    except ConfigurationError as refused:
        assert str(refused).startswith("SOME_SETTING must be a whole number")
    else:
        assert type(value) is int
        assert (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
    assert set(environment.read) == {"SOME_SETTING"}


READERS = {
    "decimal": lambda env: env.decimal("SOME_SETTING", 30.0, 1, 3600),
    "flag": lambda env: env.flag("SOME_SETTING", False),
    "text": lambda env: env.text("SOME_SETTING", None),
    "clock time": lambda env: env.clock_time("SOME_SETTING", "09:00"),
    "weekdays": lambda env: env.weekdays("SOME_SETTING", (0,)),
    "months": lambda env: env.months("SOME_SETTING", (1,), 24),
    "choice": lambda env: env.choice("SOME_SETTING", "a", ("a", "b")),
}


@pytest.mark.parametrize("kind", sorted(READERS))
@given(text=st.text(max_size=40))
def test_every_reader_returns_a_value_or_refuses_naming_the_variable(kind, text):
    try:
        READERS[kind](Environment({"SOME_SETTING": text}))
    except ConfigurationError as refused:
        assert str(refused).startswith("SOME_SETTING must be ")


# --- the deployer's page ----------------------------------------------------------------------------------


def documented_row(name: str) -> str | None:
    rows = [line for line in SETTINGS_PAGE.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"| `{name}`")]
    return rows[0] if len(rows) == 1 else None


@pytest.mark.parametrize("name", sorted(READ))
def test_every_setting_is_documented_with_its_default_and_bounds(name):
    row = documented_row(name)
    assert row is not None, f"docs/deploy/settings.md has no row for {name}"
    setting = READ[name][1]
    if setting.kind in {"whole number", "decimal number"}:
        assert f"{setting.minimum}–{setting.maximum}" in row, row
        assert f"`{setting.default:g}`" in row, row


@pytest.mark.parametrize("name", [*SECRET_NAMES, "MEDIATION_BACKUP_KEY", "SECRET_KEY_FALLBACKS"])
def test_every_key_is_documented(name):
    assert documented_row(name) is not None, f"docs/deploy/settings.md has no row for {name}"


def test_the_object_store_needs_a_bucket_and_credentials(tmp_path):
    """docs/security.md, S78: the object store is chosen with its bucket and the credentials of the environment."""
    with pytest.raises(ConfigurationError, match="^ATTACHMENT_STORAGE=s3 needs ATTACHMENT_S3_BUCKET, "
                                                 "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY$"):
        build("production", tmp_path, ATTACHMENT_STORAGE="s3")
    with pytest.raises(ConfigurationError, match="^ATTACHMENT_STORAGE=s3 needs AWS_SECRET_ACCESS_KEY$"):
        build("production", tmp_path, ATTACHMENT_STORAGE="S3", ATTACHMENT_S3_BUCKET="documents",
              AWS_ACCESS_KEY_ID="id", AWS_SECRET_ACCESS_KEY=" ")
    settings = build("production", tmp_path, ATTACHMENT_STORAGE="s3", ATTACHMENT_S3_BUCKET="documents",
                     ATTACHMENT_S3_ENDPOINT_URL="https://s3.example.org", AWS_ACCESS_KEY_ID="id",
                     AWS_SECRET_ACCESS_KEY="secret")
    assert (settings.ATTACHMENT_STORAGE, settings.ATTACHMENT_S3_BUCKET, settings.ATTACHMENT_S3_ENDPOINT_URL,
            settings.ATTACHMENT_S3_REGION) == ("s3", "documents", "https://s3.example.org", "us-east-1")
