"""Template values every page needs beyond the language: warnings for the user's association."""

from __future__ import annotations

from mediation.core.authz import Role


def page_warnings(user) -> dict:
    """While the CNDP declaration is missing, supervisors see it on every page (docs/domain.md, DOM2)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.SUPERVISOR:
        return {"cndp_missing": False}
    association = user.association
    return {"cndp_missing": association is not None and not association.cndp_declaration_no}
