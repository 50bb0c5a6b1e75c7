"""Helpers for the administration tests (the fixtures are in conftest.py).

Direct database work happens inside `with app.app_context():`; requests are
made outside it (tests/conftest.py explains why).
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, select

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.core.audit import AuditEvent
from mediation.extensions import db

STRONG_PASSWORD = "lantern-olive-harbour-93"


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def counts(app) -> tuple[int, int, int, int]:
    """Rows that a refused form must leave untouched."""
    return tuple(count(app, model) for model in (Association, ServicePoint, StaffUser, AuditEvent))


def translated(app, language: str, message: str, **values) -> str:
    """The message as the catalogue of `language` renders it in a page (HTML-escaped)."""
    from markupsafe import escape

    with app.test_request_context(f"/?lang={language}"):
        return str(escape(gettext(message, **values)))


def user_by_username(app, username: str) -> StaffUser | None:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is not None:
            db.session.expunge(user)
        return user


def audit_events(app, after_seq: int = 0) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > after_seq)
                                         .order_by(AuditEvent.seq)))
        for event in events:
            db.session.expunge(event)
        return events


def last_seq(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))


def logged_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")
