"""What every route does the same way: serve a page with its audit event, load a row through the
user's scope, and submit a form to a service as one transaction (docs/architecture.md, A2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, render_template
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm.exc import StaleDataError

from mediation.core.audit import AuditAction, record
from mediation.core.errors import DomainError, StaleRecord
from mediation.core.forms import attach_error
from mediation.extensions import db


def render_viewed(template: str, *, entity: str, entity_id: object, association_id: int | None = None,
                  status: int = 200, **context: Any) -> tuple[str, int]:
    """Render a page, then commit the VIEW event that records who read it (ids only).

    Rendering comes first: a commit expires every loaded row, and the template
    would reload them one query at a time. The commit still comes before the
    response, so a page whose event cannot be written is never served (S28).
    """
    record(db.session(), AuditAction.VIEW, entity=entity, entity_id=entity_id, association_id=association_id)
    page = render_template(template, **context)
    db.session.commit()
    return page, status


def load_in_scope(scope: Select, *conditions: ColumnElement[bool], allowed: Callable[[Any], bool] | None = None) -> Any:
    """The one row that `scope` (a query already limited to what the user may see) finds under `conditions`.

    Outside the scope the answer is 404, exactly as for an unknown id, so that nobody learns what
    exists elsewhere (S10); in scope but without the right (`allowed` says no) it is 403.
    """
    row = db.one_or_404(scope.where(*conditions))
    if allowed is not None and not allowed(row):
        abort(403)
    return row


def submit(form: FlaskForm | None, change: Callable[[], Any], *, done: Callable[[Any], Any],
           page: Callable[[int], Any] | None = None, success: str | LazyString | None = None,
           aliases: dict[str, str] | None = None) -> Any:
    """Run `change` (a service call) for a submitted form, as one transaction.

    Valid and accepted: commit, flash `success`, return `done(result)` (usually a redirect).
    Invalid: `page(422)`. Refused by a DomainError, or lost to a concurrent save (a StaleDataError at
    commit becomes StaleRecord): roll back so that nothing is half-saved, show the refusal beside the
    field it names and return `page(status)` with the status the error declares (422, or 409 for a stale
    record); the user's input stays in the form, and the error in `form.refused`. An error that
    declares 403 is the forbidden page.

    A button on a page (no input to keep: `form` is None or `page` is None) flashes the refusal instead
    and returns `done(None)`, back to the page it was pressed on.
    """
    if form is not None and not form.validate_on_submit():
        return page(422) if page is not None else done(None)
    try:
        result = change()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        error: DomainError = StaleRecord()
    except DomainError as refused:
        db.session.rollback()
        error = refused
    else:
        if success:
            flash(success, "success")
        return done(result)
    if error.status == 403:
        abort(403)
    if form is None or page is None:
        flash(str(error.message), "error")
        return done(None)
    attach_error(form, error, aliases)
    form.refused = error  # for a page that shows more of the refusal than its message
    return page(error.status)
