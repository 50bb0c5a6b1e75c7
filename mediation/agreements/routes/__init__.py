"""The agreements blueprint: a case's agreement form, its history, and its parts of the case and closure pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agreements", __name__)

from mediation.agreements.routes import agreement  # noqa: E402,F401  (registers the routes)
from mediation.agreements.services import closure  # noqa: E402,F401  (connects the closure's receivers)
