"""The counselling blueprint: logging sessions on a case, corrections, and the staff member's own work."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("counselling", __name__)

from mediation.counselling.routes import log, my_work, timeline  # noqa: E402,F401  (registers the routes)
