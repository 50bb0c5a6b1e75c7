"""Deny-by-default login gate, session limits, headers and safe redirects."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from mediation.core import clock
from mediation.extensions import login_manager

# Endpoints reachable without an account. Everything else needs a login and a
# declared permission (docs/security.md, S11).
PUBLIC_ENDPOINTS = frozenset({
    "auth.login",
    "auth.totp",  # these three check their own half-way state
    "auth.totp_enrol",
    "auth.reset_password",
    "main.set_language",
    "health.live",
    "static",
    # Calendar programs send no cookie: the 256-bit token in the path is the
    # credential, checked by the view (docs/security.md, S20).
    "appointments.feed",
})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

# What a view declared cacheable may answer at most: kept by the browser only, a day (docs/security.md, S74).
CACHEABLE_MAX_AGE = 86400

View = TypeVar("View", bound=Callable)

SESSION_AUTH_AT = "auth_at"
SESSION_SEEN_AT = "seen_at"
SEEN_AT_REFRESH_SECONDS = 60


def safe_next(target: str | None) -> str | None:
    """Return target when it is a path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def cacheable(view: View) -> View:
    """Declare that the view may answer a response the browser keeps (docs/security.md, S74).

    Only for a response that holds nothing about anyone and is the same for every account: the view then sets
    its own Cache-Control with cache_privately(); every other response is "no-store" (S19)."""
    view.cacheable = True  # type: ignore[attr-defined]
    return view


def cache_privately(response: Response) -> Response:
    """Let the browser alone keep the response of a view declared cacheable, a day at most, revalidated by its
    ETag afterwards (docs/security.md, S74)."""
    response.cache_control.private = True
    response.cache_control.max_age = CACHEABLE_MAX_AGE
    response.add_etag()
    response.make_conditional(request)
    return response


def start_session_clock() -> None:
    """Called at login, after session.clear()."""
    now = int(clock.timestamp())
    session[SESSION_AUTH_AT] = now
    session[SESSION_SEEN_AT] = now


def session_expired(now: float) -> bool:
    auth_at = session.get(SESSION_AUTH_AT)
    seen_at = session.get(SESSION_SEEN_AT)
    if not isinstance(auth_at, int) or not isinstance(seen_at, int):
        return True
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]).total_seconds()
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]).total_seconds()
    return now - seen_at > idle or now - auth_at > absolute


def init_security(app: Flask) -> None:
    @app.before_request
    def open_request() -> None:
        g.request_id = secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.before_request
    def login_gate() -> ResponseReturnValue | None:
        endpoint = request.endpoint
        if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
            return None  # unknown URL: the normal 404
        # A stale session_version or an inactive account loads no user.
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        now = clock.timestamp()
        if session_expired(now):
            logout_user()
            session.clear()
            return login_manager.unauthorized()
        if now - session[SESSION_SEEN_AT] >= SEEN_AT_REFRESH_SECONDS:
            session[SESSION_SEEN_AT] = int(now)
        view = app.view_functions.get(endpoint)
        permission = getattr(view, "required_permission", None)
        try:
            allowed = permission is not None and current_user.has(permission)
        except Exception:  # fail closed (docs/security.md, S15)
            allowed = False
        if not allowed:
            abort(403)
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint != "static" and not _declared_cacheable(app, response):
            response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Server", None)
        return response


def _declared_cacheable(app: Flask, response: Response) -> bool:
    """A successful response of a view declared cacheable that chose to be kept (S74); never an error, a
    redirect or a response that set no caching of its own."""
    view = app.view_functions.get(request.endpoint or "")
    return (getattr(view, "cacheable", False) and response.status_code in (200, 304)
            and bool(response.cache_control.private) and bool(response.cache_control.max_age))


def unauthorized() -> ResponseReturnValue:
    """No valid session: 401 for JSON clients, else the login page."""
    from flask import flash, jsonify, redirect, url_for

    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=401), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    # Only the path travels: query strings never carry anything worth keeping here.
    target = request.path if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))
