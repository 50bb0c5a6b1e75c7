"""iCalendar routes: the private feed, its settings page, and one appointment as .ics.

HTTP only: the rules are in mediation.appointments.services.feeds, the reads in queries/feeds.py. One commit
per request.

The feed is public (core/security.py PUBLIC_ENDPOINTS) because calendar
programs carry no session cookie: the token in its path is the credential.
The request log names the endpoint, never the path, so the token stays out
of the application's logs and audit events.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.appointments.models import Appointment
from mediation.appointments.policies import visible_appointments
from mediation.appointments.queries import feeds as queries
from mediation.appointments.routes import bp
from mediation.appointments.rules import hash_token
from mediation.appointments.services import feeds as service
from mediation.core.authz import Permission, require
from mediation.core.i18n import current_language
from mediation.core.views import render_viewed
from mediation.extensions import db, limiter

ICS_TYPE = "text/calendar; charset=utf-8"
# Calendar programs poll every 15 to 60 minutes. A token is limited on its own;
# the address limit stays generous because an office often shares one NAT address.
TOKEN_LIMIT = "60/hour"
ADDRESS_LIMIT = "600/hour"


def _token_key() -> str:
    # The limiter's storage (Redis in production) keeps a digest, never the token.
    return "feed:" + hash_token(request.view_args.get("token", "")).hex()


def _settings_page(feed_url: str | None = None):
    feed = queries.active_feed_of(db.session, current_user)
    return render_viewed("appointments/feed_settings.html", entity="calendar_feed",
                         entity_id=feed.public_id if feed else None, association_id=current_user.association_id,
                         feed=feed, feed_url=feed_url,
                         shows_details=queries.association_shows_details(db.session, current_user.association_id))


@bp.route("/feed")
@require(Permission.APPOINTMENT_VIEW)
def feed_settings():
    return _settings_page()


@bp.route("/feed", methods=["POST"])
@require(Permission.APPOINTMENT_VIEW)
def feed_enable():
    """The address is rendered in this response only: not stored, not flashed (the session cookie is readable)."""
    token = service.enable_feed(db.session, actor=current_user)
    db.session.commit()
    return _settings_page(feed_url=url_for("appointments.feed", token=token, _external=True))


@bp.route("/feed/revoke", methods=["POST"])
@require(Permission.APPOINTMENT_VIEW)
def feed_revoke():
    if service.revoke_feed(db.session, actor=current_user):
        db.session.commit()
        flash(_("Your calendar address no longer works."), "success")
    return redirect(url_for("appointments.feed_settings"))


@bp.route("/feed/<token>.ics")
@limiter.limit(TOKEN_LIMIT, key_func=_token_key)
@limiter.limit(ADDRESS_LIMIT)
def feed(token: str):
    """Public: unknown, revoked and inactive-user tokens all answer the same 404."""
    found = queries.find_active_feed(db.session, token)
    if found is None:
        abort(404)
    body = service.feed_ics(db.session, found, link=_link)
    db.session.commit()
    return _ics(body)


@bp.route("/<uuid:appointment_id>/appointment.ics")
@require(Permission.APPOINTMENT_VIEW)
def download_ics(appointment_id):
    appointment = db.one_or_404(visible_appointments(current_user).where(Appointment.public_id == appointment_id))
    # A generated name: the local day only, nothing that names the case.
    filename = f"appointment-{appointment.start_local[:10]}.ics"
    body = service.appointment_ics(db.session, appointment, language=current_language(), link=_link)
    db.session.commit()
    response = _ics(body)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _link(appointment: Appointment) -> str:
    """The appointment's page: its public id only, and nothing opens without a login."""
    return url_for("appointments.detail", appointment_id=appointment.public_id, _external=True)


def _ics(body: bytes) -> Response:
    response = Response(body, content_type=ICS_TYPE)
    # Also set by the security headers for every page; said here because a feed
    # must never sit in a shared cache whoever serves it.
    response.headers["Cache-Control"] = "no-store"
    return response
