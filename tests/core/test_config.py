"""Configuration from the environment (docs/security.md, S9, S23)."""

from __future__ import annotations

import base64
import json
import os
import re
import stat

import pytest

import config
from config import (
    SECRET_NAMES,
    ConfigurationError,
    Development,
    Production,
    config_from_environment,
    decode_key,
    normalise_database_url,
    parse_key_ring,
)

# Never opens a connection to the database under test: .ci/run's PostgreSQL pass leaves it out.
pytestmark = pytest.mark.database_independent

RAW_32 = bytes([0xFB, 0xFF, 0xBF] * 10 + [0xFB, 0xEF])
KEY_32 = base64.b64encode(RAW_32).decode()  # standard alphabet, with "+" and "/"
KEY_32_URLSAFE = base64.urlsafe_b64encode(bytes(range(200, 232))).decode().rstrip("=")
KEY_16 = base64.b64encode(bytes(16)).decode()
ENVIRONMENT = ("MEDIATION_ENV", "DATABASE_URL", "FLASK_DEBUG", "SECRET_KEY_FALLBACKS", "MEDIATION_REQUIRE_2FA",
               "MEDIATION_INSTANCE_DIR", *SECRET_NAMES)


def key(n: int) -> str:
    return base64.urlsafe_b64encode(bytes([n]) * 32).decode()


def good_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": key(1),
        "MEDIATION_FIELD_KEYS": f"1:{key(2)},2:{key(3)}",
        "MEDIATION_BLIND_INDEX_KEY": key(4),
        "MEDIATION_AUDIT_KEY": key(5),
        "MEDIATION_FEED_PEPPER": key(6),
    }


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def production_env(clean_env, tmp_path):
    clean_env.setenv("MEDIATION_ENV", "production")
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.db'}")
    for name, value in good_secrets().items():
        clean_env.setenv(name, value)
    return clean_env


def test_production_starts_with_every_secret_set(production_env):
    settings = config_from_environment()
    assert type(settings) is Production
    assert settings.SECRET_KEY == (bytes([1]) * 32).hex()
    assert settings.FIELD_KEYS == {1: bytes([2]) * 32, 2: bytes([3]) * 32}
    assert (settings.BLIND_INDEX_KEY, settings.AUDIT_KEY, settings.FEED_PEPPER) == (
        bytes([4]) * 32, bytes([5]) * 32, bytes([6]) * 32)
    assert settings.MEDIATION_REQUIRE_2FA is True
    assert settings.DEBUG is False and settings.TESTING is False
    # One key per purpose: the five are distinct.
    assert len({settings.SECRET_KEY, settings.BLIND_INDEX_KEY.hex(), settings.AUDIT_KEY.hex(),
                settings.FEED_PEPPER.hex(), *(k.hex() for k in settings.FIELD_KEYS.values())}) == 6


@pytest.mark.parametrize("name", SECRET_NAMES)
@pytest.mark.parametrize("how", ["unset", "empty", "blank"])
def test_production_refuses_a_missing_secret_naming_it(production_env, name, how):
    if how == "unset":
        production_env.delenv(name)
    else:
        production_env.setenv(name, "" if how == "empty" else "   ")
    with pytest.raises(ConfigurationError) as refused:
        config_from_environment()
    message = str(refused.value)
    assert message == f"missing secret(s): {name}"
    assert all(other not in message for other in SECRET_NAMES if other != name)


def test_production_names_every_missing_secret(production_env):
    for name in SECRET_NAMES:
        production_env.delenv(name)
    with pytest.raises(ConfigurationError, match="missing secret") as refused:
        Production()
    assert all(name in str(refused.value) for name in SECRET_NAMES)


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_production_refuses_a_16_byte_key_naming_it(production_env, name):
    production_env.setenv(name, f"1:{KEY_16}" if name == "MEDIATION_FIELD_KEYS" else KEY_16)
    with pytest.raises(ConfigurationError, match="at least 32 random bytes") as refused:
        Production()
    assert str(refused.value).startswith(name)


def test_production_refuses_a_short_key_in_the_ring_and_in_the_fallbacks(production_env):
    production_env.setenv("MEDIATION_FIELD_KEYS", f"1:{key(2)},2:{KEY_16}")
    with pytest.raises(ConfigurationError, match="MEDIATION_FIELD_KEYS key 2 must hold at least 32"):
        Production()
    production_env.setenv("MEDIATION_FIELD_KEYS", f"1:{key(2)}")
    production_env.setenv("SECRET_KEY_FALLBACKS", f"{key(9)},{KEY_16}")
    with pytest.raises(ConfigurationError, match="SECRET_KEY_FALLBACKS must hold at least 32"):
        Production()
    production_env.setenv("SECRET_KEY_FALLBACKS", f"{key(9)}, {key(10)}")
    assert Production().SECRET_KEY_FALLBACKS == [(bytes([9]) * 32).hex(), (bytes([10]) * 32).hex()]


def test_production_refuses_a_key_that_is_not_base64(production_env):
    production_env.setenv("MEDIATION_AUDIT_KEY", "not base64 at all!" * 3)
    with pytest.raises(ConfigurationError, match="^MEDIATION_AUDIT_KEY is not valid base64$"):
        Production()


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", " TRUE "])
def test_production_refuses_flask_debug(production_env, value):
    production_env.setenv("FLASK_DEBUG", value)
    with pytest.raises(ConfigurationError, match="FLASK_DEBUG must be off in production"):
        config_from_environment()


def test_production_accepts_flask_debug_off(production_env):
    production_env.setenv("FLASK_DEBUG", "0")
    assert isinstance(Production(), Production)


@pytest.mark.parametrize("value", [None, ""])
def test_production_refuses_a_missing_database_url(production_env, value):
    if value is None:
        production_env.delenv("DATABASE_URL")
    else:
        production_env.setenv("DATABASE_URL", value)
    with pytest.raises(ConfigurationError, match="^missing DATABASE_URL$"):
        config_from_environment()


def test_production_database_url_uses_psycopg_3(production_env):
    production_env.setenv("DATABASE_URL", "postgres://app@db.internal:5432/mediation")
    assert Production().SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://app@db.internal:5432/mediation"


def test_unknown_environment_name_is_refused(clean_env):
    clean_env.setenv("MEDIATION_ENV", "staging")
    with pytest.raises(ConfigurationError, match="MEDIATION_ENV must be one of development, testing, production"):
        config_from_environment()


def test_production_may_turn_2fa_off_only_explicitly(production_env):
    production_env.setenv("MEDIATION_REQUIRE_2FA", "0")
    assert Production().MEDIATION_REQUIRE_2FA is False


# --- keys and key rings -------------------------------------------------------


def test_decode_key_accepts_standard_and_url_safe_base64_with_or_without_padding():
    assert "+" in KEY_32 and "/" in KEY_32 and KEY_32.endswith("=")
    assert decode_key("K", KEY_32) == RAW_32
    assert decode_key("K", KEY_32.rstrip("=")) == RAW_32
    assert decode_key("K", KEY_32.replace("+", "-").replace("/", "_")) == RAW_32
    assert decode_key("K", KEY_32_URLSAFE) == bytes(range(200, 232))
    assert decode_key("K", f"  {KEY_32}\n") == RAW_32
    assert len(decode_key("K", base64.b64encode(bytes(64)).decode())) == 64


@pytest.mark.parametrize("size", [0, 1, 16, 31])
def test_decode_key_refuses_fewer_than_32_bytes(size):
    with pytest.raises(ConfigurationError, match="^K must hold at least 32 random bytes$"):
        decode_key("K", base64.b64encode(bytes(size)).decode())


def test_key_ring_parsing():
    assert parse_key_ring("R", f"1:{key(1)},2:{key(2)}") == {1: bytes([1]) * 32, 2: bytes([2]) * 32}
    assert parse_key_ring("R", f" 7:{key(7)} , ,65535:{key(8)},") == {7: bytes([7]) * 32, 65535: bytes([8]) * 32}
    assert max(parse_key_ring("R", f"2:{key(2)},10:{key(1)}")) == 10


@pytest.mark.parametrize("value", [f"1:{key(1)},1:{key(2)}", f"1:{key(1)},01:{key(2)}"])
def test_key_ring_refuses_a_duplicate_id(value):
    with pytest.raises(ConfigurationError, match="^R: key id 0?1 appears twice$"):
        parse_key_ring("R", value)


@pytest.mark.parametrize("value", [
    key(1),                      # no id
    f":{key(1)}",                # empty id
    f"a:{key(1)}",               # not a number
    f"-1:{key(1)}",
    f"0:{key(1)}",               # ids start at 1
    f"65536:{key(1)}",
    f"1 :{key(1)}",
    f"\u00b2:{key(1)}",          # a superscript two is a "digit" to str.isdigit()
    f"\u0661:{key(1)}",          # an Arabic-Indic one
])
def test_key_ring_refuses_a_bad_format(value):
    with pytest.raises(ConfigurationError, match=r"^R: each entry must be '<id 1-65535>:<base64 key>'$"):
        parse_key_ring("R", value)


def test_key_ring_refuses_a_wrong_separator():
    with pytest.raises(ConfigurationError, match="^R key 1 is not valid base64$"):
        parse_key_ring("R", f"1:{key(1)};2:{key(2)}")


@pytest.mark.parametrize("value", ["", " , ", ","])
def test_key_ring_refuses_an_empty_ring(value):
    with pytest.raises(ConfigurationError, match="^R is empty$"):
        parse_key_ring("R", value)


def test_key_ring_refuses_a_short_or_invalid_key_naming_its_id():
    with pytest.raises(ConfigurationError, match="^R key 3 must hold at least 32"):
        parse_key_ring("R", f"1:{key(1)},3:{KEY_16}")
    with pytest.raises(ConfigurationError, match="^R key 2 is not valid base64$"):
        parse_key_ring("R", f"1:{key(1)},2:***")


# --- development secrets --------------------------------------------------------


def test_development_generates_its_secrets_once_with_mode_0600(clean_env, tmp_path):
    instance = tmp_path / "instance"
    clean_env.setattr(config, "INSTANCE_DIR", instance)
    first = Development()
    path = instance / "secrets.json"
    assert path.is_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(stored) == sorted(SECRET_NAMES)
    assert first.SECRET_KEY == decode_key("SECRET_KEY", stored["SECRET_KEY"]).hex()
    assert first.AUDIT_KEY == decode_key("A", stored["MEDIATION_AUDIT_KEY"])
    assert len({stored[name] for name in SECRET_NAMES}) == len(SECRET_NAMES)
    assert first.SQLALCHEMY_DATABASE_URI == f"sqlite:///{instance / 'mediation.db'}"
    assert first.DEBUG is False

    content = path.read_bytes()
    second = Development()
    assert path.read_bytes() == content  # reused, not regenerated
    assert (second.SECRET_KEY, second.FIELD_KEYS, second.BLIND_INDEX_KEY, second.AUDIT_KEY, second.FEED_PEPPER) == (
        first.SECRET_KEY, first.FIELD_KEYS, first.BLIND_INDEX_KEY, first.AUDIT_KEY, first.FEED_PEPPER)
    # The environment wins, key by key.
    clean_env.setenv("MEDIATION_AUDIT_KEY", key(42))
    third = Development()
    assert third.AUDIT_KEY == bytes([42]) * 32 and third.SECRET_KEY == first.SECRET_KEY
    assert path.read_bytes() == content


def test_development_is_the_default_environment(clean_env, tmp_path):
    clean_env.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    assert type(config_from_environment()) is Development


# --- database URLs ------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
    ("postgresql://u@h/d?sslmode=verify-full", "postgresql+psycopg://u@h/d?sslmode=verify-full"),
    ("postgresql+psycopg2://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:////var/lib/mediation.db", "sqlite:////var/lib/mediation.db"),
    ("sqlite://", "sqlite://"),
])
def test_normalise_database_url(url, expected):
    assert normalise_database_url(url) == expected


# --- the production session cookie (S9) -------------------------------------------


def test_production_session_cookie_settings():
    assert Production.SESSION_COOKIE_NAME == "__Host-session"
    assert Production.SESSION_COOKIE_SECURE is True
    assert Production.SESSION_COOKIE_HTTPONLY is True
    assert Production.SESSION_COOKIE_SAMESITE == "Lax"
    assert getattr(Production, "SESSION_COOKIE_DOMAIN", None) is None


def test_production_app_sets_the_host_prefixed_session_cookie(production_env):
    from mediation import create_app
    from mediation.extensions import db

    application = create_app(Production())
    try:
        assert application.config["ENV_NAME"] == "production"
        assert not application.debug and not application.testing
        client = application.test_client()
        response = client.get("/login", base_url="https://localhost")
        assert response.status_code == 200
        cookies = response.headers.getlist("Set-Cookie")
        assert len(cookies) == 1, cookies
        assert re.fullmatch(r"__Host-session=[^;\s]+; Secure; HttpOnly; Path=/; SameSite=Lax", cookies[0]), cookies
        assert "domain" not in cookies[0].lower() and "expires" not in cookies[0].lower()
    finally:
        with application.app_context():
            db.engine.dispose()


def test_production_app_refuses_debug_or_testing(production_env):
    from mediation import create_app

    for override in ({"DEBUG": True}, {"TESTING": True}):
        settings = Production()
        for name, value in override.items():
            setattr(settings, name, value)
        with pytest.raises(ConfigurationError, match="production refuses to run with DEBUG or TESTING on"):
            create_app(settings)
