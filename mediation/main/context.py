"""Template values every page needs beyond the language: warnings for the user's association, and the
count of the staff member's unread notices in the header."""

from __future__ import annotations

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from mediation.cases.queries import unread_notice_count
from mediation.core.authz import ASSOCIATION_ROLES, Role
from mediation.extensions import db


def page_warnings(user) -> dict:
    """While the CNDP declaration is missing, supervisors see it on every page (docs/domain.md, DOM2)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.SUPERVISOR:
        return {"cndp_missing": False}
    association = user.association
    return {"cndp_missing": association is not None and not association.cndp_declaration_no}


def notice_counter(user):
    """The header's counter of unread notices (docs/domain.md, DOM72), for staff only.

    Lazy: the page asks for it once, as base.html renders its header, so one count is sent per page
    and none for a template that is not a page; remembered for the request. None (no counter) for
    anyone else, or when the database failed (an error page still renders)."""

    def count() -> int | None:
        if not getattr(user, "is_authenticated", False) or user.role not in ASSOCIATION_ROLES:
            return None
        if "unread_notices" not in g:
            try:
                g.unread_notices = unread_notice_count(db.session(), user)
            except SQLAlchemyError:
                g.unread_notices = None
        return g.unread_notices

    return count
