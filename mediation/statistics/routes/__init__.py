"""The statistics blueprint: the ministry's releases, their administration, an association's own report."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("statistics", __name__, url_prefix="/statistics")

from mediation.statistics.routes import own_report, releases  # noqa: E402,F401  (registers the routes)
