"""The appointments blueprint; its routes live in one module per subject."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

from mediation.appointments.routes import attendance, booking, calendar, feeds, rooms  # noqa: E402,F401  (registers the routes)
