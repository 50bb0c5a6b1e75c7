"""The groups blueprint: programmes, groups, their sessions, enrolment and attendance."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/groups")

from mediation.groups import reminders  # noqa: E402,F401  (registers the group reminders with the appointments')
from mediation.groups.routes import groups  # noqa: E402,F401  (registers the routes)
