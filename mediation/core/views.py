"""Serving a page of confidential content together with its audit event."""

from __future__ import annotations

from flask import render_template

from mediation.core.audit import AuditAction, record
from mediation.extensions import db


def render_viewed(template: str, *, entity: str, entity_id, association_id: int | None = None,
                  status: int = 200, **context):
    """Render a page, then commit the VIEW event that records who read it (ids only).

    Rendering comes first: a commit expires every loaded row, and the template
    would reload them one query at a time. The commit still comes before the
    response, so a page whose event cannot be written is never served (S28).
    """
    record(db.session, AuditAction.VIEW, entity=entity, entity_id=entity_id, association_id=association_id)
    page = render_template(template, **context)
    db.session.commit()
    return page, status
