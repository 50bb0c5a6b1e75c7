"""The post-closure follow-up blueprint: recording one, a supervisor seeing an alert, the case page's section."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("aftercare", __name__)

from mediation.aftercare.routes import follow_ups  # noqa: E402,F401  (registers the routes)

# The receivers of the case's events, and the registry entry letting a follow-up open the way to a referral.
from mediation.aftercare.services import plan, referral  # noqa: E402,F401
