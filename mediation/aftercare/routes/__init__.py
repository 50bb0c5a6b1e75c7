"""The post-closure follow-up blueprint: recording one, a supervisor seeing an alert, the case page's section."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("aftercare", __name__)

from mediation.aftercare.routes import follow_ups  # noqa: E402,F401  (registers the routes)
from mediation.aftercare.services import plan  # noqa: E402,F401  (connects the receivers of the case's events)
