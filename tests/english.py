"""A login_as fixture that also switches the client to English, for tests that read the English messages.

Import it into a test module (`from tests.english import login_as`): it wraps the suite's login_as.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def login_as(login_as):
    """The suite's login_as, then English."""

    def log_in(persona: str):
        client = login_as(persona)
        client.post("/language", data={"lang": "en", "next": "/"})
        return client

    return log_in
