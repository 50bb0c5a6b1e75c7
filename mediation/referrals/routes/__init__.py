"""The referrals blueprint: referrals of a case, safeguarding exceptions, and the supervisors' waiting list."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from mediation.referrals.routes import exceptions, referrals  # noqa: E402,F401  (registers the routes)
