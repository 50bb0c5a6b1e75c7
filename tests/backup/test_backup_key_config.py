"""MEDIATION_BACKUP_KEY: optional (the application starts without it), checked when given."""

from __future__ import annotations

import base64

import pytest

from config import ConfigurationError, Production, parse_backup_keys
from tests.core.test_config import good_secrets

pytestmark = pytest.mark.no_db_transaction


def key(n: int) -> str:
    return base64.b64encode(bytes([n]) * 32).decode()


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIATION_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.db'}")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    for name, value in good_secrets().items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_starts_without_a_backup_key(production):
    production.delenv("MEDIATION_BACKUP_KEY", raising=False)
    assert Production().BACKUP_KEYS == {}


def test_one_key_is_id_1_and_a_ring_keeps_its_ids(production):
    production.setenv("MEDIATION_BACKUP_KEY", key(7))
    assert Production().BACKUP_KEYS == {1: bytes([7]) * 32}
    production.setenv("MEDIATION_BACKUP_KEY", f"1:{key(7)},3:{key(8)}")
    assert Production().BACKUP_KEYS == {1: bytes([7]) * 32, 3: bytes([8]) * 32}


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(bytes(16)).decode(), f"0:{key(1)}",
                                   f"1:{key(1)},1:{key(2)}"])
def test_a_malformed_backup_key_stops_the_start_naming_it(production, value):
    production.setenv("MEDIATION_BACKUP_KEY", value)
    with pytest.raises(ConfigurationError, match="MEDIATION_BACKUP_KEY"):
        Production()
    with pytest.raises(ConfigurationError, match="MEDIATION_BACKUP_KEY"):
        parse_backup_keys(value)
