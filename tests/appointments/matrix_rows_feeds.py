"""Matrix rows of the calendar feed, its settings and the .ics download (merged by tests/matrix.py).

The appointments and feed tokens a row needs are built lazily inside the
test's rolled-back transaction, the first time a URL function asks for them.
ROWS is built on first access, as in tests/counselling/matrix_rows_my_work.py.
"""

from __future__ import annotations

from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.extensions import db

STAFF_ONLY = dict(admin=403, ministry=403)
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
# The right shape (43 URL-safe characters) but no feed behind it.
UNKNOWN_TOKEN = "A" * 43


def _appointments(world):
    if world.appointments is None:
        from tests.appointments.fixtures import build_appointments

        world.appointments = build_appointments(world.app, world)
    return world.appointments


def feed_token(app, username: str, *, revoked: bool = False) -> str:
    """Enable a feed for `username` directly through the service; returns the raw token."""
    from mediation.appointments.services import feeds

    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        token = feeds.enable_feed(db.session, actor=user)
        if revoked:
            feeds.revoke_feed(db.session, actor=user)
        db.session.commit()
        return token


def feed_url(variant: str):
    def url(world) -> str:
        _appointments(world)
        if variant == "unknown":
            token = UNKNOWN_TOKEN
        else:
            token = feed_token(world.app, "mediator.a1", revoked=variant == "revoked")
        return f"/appointments/feed/{token}.ics"

    return url


def download_url(key: str | None):
    def url(world) -> str:
        appointment_id = UNKNOWN_ID if key is None else _appointments(world).appointments[key]
        return f"/appointments/{appointment_id}/appointment.ics"

    return url


def _rows() -> list:
    from tests.matrix import Row, expect

    return [
        Row("appointments.feed_settings", "GET", "/appointments/feed", expect(200, **STAFF_ONLY)),
        # Enabling answers with the page that shows the new address once (no redirect).
        Row("appointments.feed_enable", "POST", "/appointments/feed", expect(200, **STAFF_ONLY)),
        Row("appointments.feed_revoke", "POST", "/appointments/feed/revoke", expect(302, **STAFF_ONLY)),
        # Public: the token is the credential, whoever sends it and with whatever session.
        Row("appointments.feed", "GET", feed_url("active"), expect(200, anonymous=200), variant="active",
            public=True),
        Row("appointments.feed", "GET", feed_url("revoked"), expect(404, anonymous=404), variant="revoked",
            public=True),
        Row("appointments.feed", "GET", feed_url("unknown"), expect(404, anonymous=404), variant="unknown",
            public=True),
        # Mediator A1 holds "own"; the supervisor of its association sees it; everyone else gets 404.
        Row("appointments.download_ics", "GET", download_url("own"),
            expect(404, **STAFF_ONLY, mediator_a1=200, supervisor_a=200), variant="own"),
        Row("appointments.download_ics", "GET", download_url("other"),
            expect(404, **STAFF_ONLY, mediator_b1=200, supervisor_b=200), variant="other_association"),
        Row("appointments.download_ics", "GET", download_url(None), expect(404, **STAFF_ONLY), variant="unknown"),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
