"""Fixtures of the administration tests."""

from __future__ import annotations

import pytest

from tests.conftest import login


@pytest.fixture
def other_client(app, world):
    """A second browser, logged in as a persona: to watch its sessions end."""

    def log_in(persona: str):
        client = app.test_client()
        assert login(client, world.usernames[persona]).status_code == 302
        assert client.get("/").status_code == 200
        return client

    return log_in
