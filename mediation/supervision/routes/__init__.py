"""The supervision blueprint; its routes live in one module per subject."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

from mediation.supervision.routes import case_list, dashboard, reassignment, reviews, sessions  # noqa: E402,F401
