"""The attachments blueprint: attach a document to a case, download it, and the case page's section."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("attachments", __name__)

from mediation.attachments.routes import attachments  # noqa: E402,F401  (registers the routes)
