"""Helpers for second-factor tests: read secrets, make codes at chosen times."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.core import clock
from mediation.extensions import db
from tests.conftest import PASSWORD, login


def user_named(app, username: str) -> StaffUser:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        db.session.expunge(user)
        return user


def code_at(secret: str, when: float) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(app, client, username: str, monkeypatch=None) -> tuple[str, list[str]]:
    """Log in, enrol the second factor from the profile, log out; return (secret, recovery codes)."""
    login(client, username)
    client.post("/profile/second-factor", data={"action": "start", "confirm-password": PASSWORD})
    secret = user_named(app, username).totp_pending_secret
    # A code one step in the past: the current step stays free for the test's own login.
    page = client.post("/profile/second-factor", data={"code": code_at(secret, clock.timestamp() - 30)})
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", page.get_data(as_text=True))
    client.post("/logout")
    return secret, codes
