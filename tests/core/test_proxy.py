"""X-Forwarded-* headers are trusted only when MEDIATION_PROXY_COUNT says so (deployment)."""

from __future__ import annotations

import pytest
from flask import request

from config import ConfigurationError, proxy_count
from mediation import create_app
from mediation.core import security
from tests.conftest import make_config

# Never opens a connection to the database under test: .ci/run's PostgreSQL pass leaves it out.
pytestmark = pytest.mark.database_independent

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7, 198.51.100.2",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "jisr.example.ma",
}


@pytest.fixture
def client_view(monkeypatch):
    """A throw-away app with one public route that shows what Flask believes about the client."""
    monkeypatch.setattr(security, "PUBLIC_ENDPOINTS", security.PUBLIC_ENDPOINTS | {"whoami"})

    def build(count: int):
        app = create_app(make_config("sqlite://", PROXY_COUNT=count))

        @app.route("/_whoami")
        def whoami():
            return {"address": request.remote_addr, "scheme": request.scheme, "host": request.host}

        return app.test_client()

    return build


def test_forwarded_headers_are_ignored_by_default(client_view):
    seen = client_view(0).get("/_whoami", headers=FORWARDED).get_json()
    assert seen == {"address": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_one_trusted_proxy_gives_the_address_it_saw_and_the_original_scheme(client_view):
    seen = client_view(1).get("/_whoami", headers=FORWARDED).get_json()
    # Only the last hop is trusted: the address the proxy itself received the request from.
    assert seen == {"address": "198.51.100.2", "scheme": "https", "host": "jisr.example.ma"}


def test_two_trusted_proxies_look_one_hop_further(client_view):
    assert client_view(2).get("/_whoami", headers=FORWARDED).get_json()["address"] == "203.0.113.7"


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "6", "", "١"])
def test_a_wrong_proxy_count_stops_the_start(value):
    with pytest.raises(ConfigurationError, match="MEDIATION_PROXY_COUNT"):
        proxy_count(value)


@pytest.mark.parametrize("value, expected", [("0", 0), (" 1 ", 1), ("5", 5)])
def test_proxy_count_parses_small_whole_numbers(value, expected):
    assert proxy_count(value) == expected
