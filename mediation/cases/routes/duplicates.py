"""Related cases on the case page, and the supervisor's possible duplicates (docs/domain.md, DOM74;
docs/security.md, P5)."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from mediation.cases import queries
from mediation.cases.forms.duplicates import DuplicateDecisionForm
from mediation.cases.models import Case, DuplicateFlag
from mediation.cases.policies import can_decide_duplicates
from mediation.cases.routes import bp, case_section
from mediation.cases.services import duplicates
from mediation.core.authz import Permission, require
from mediation.core.views import load_in_scope, render_viewed, submit
from mediation.extensions import db


@case_section
def related_section(case: Case, user) -> dict:
    """The other cases of this case's people, only those the viewer may see: reference and status."""
    return {"related_cases": queries.related_cases(db.session, user, case)}


def _prefix(flag: DuplicateFlag) -> str:
    """One form per flag on the page: their fields need distinct names and ids."""
    return f"flag-{flag.public_id}"


def _flags_page(status: int = 200, forms: dict | None = None):
    flags = queries.open_duplicate_flags(db.session, current_user)
    cases = queries.known_cases(db.session, current_user,
                                   [flag.candidate_person_id for flag in flags] +
                                   [flag.participant.person_id for flag in flags])
    by_id = queries.cases_by_id(db.session, {flag.participant.case_id for flag in flags})
    new_cases = {flag.id: by_id[flag.participant.case_id] for flag in flags}
    forms = {flag.id: (forms or {}).get(flag.id) or DuplicateDecisionForm(formdata=None, prefix=_prefix(flag))
             for flag in flags}
    # The oldest come first, a page at a time: the page says how many wait in all.
    waiting = queries.count_open_duplicate_flags(db.session, current_user)
    return render_viewed("cases/duplicates.html", entity="duplicate_flag", entity_id=None,
                         association_id=current_user.association_id, status=status, flags=flags, cases=cases,
                         new_cases=new_cases, forms=forms, waiting=waiting)


@bp.route("/duplicates")
@require(Permission.CASE_REVIEW)
def duplicates_index():
    if not can_decide_duplicates(current_user):
        abort(403)
    return _flags_page()


@bp.route("/duplicates/<uuid:flag_id>", methods=["POST"])
@require(Permission.CASE_REVIEW)
def duplicate_decide(flag_id):
    # Another association's flag, or one already decided, does not exist here (docs/security.md, S10).
    flag = load_in_scope(select(DuplicateFlag).where(DuplicateFlag.association_id == current_user.association_id,
                                                     DuplicateFlag.linked.is_(None)),
                         DuplicateFlag.public_id == flag_id, allowed=lambda _flag: can_decide_duplicates(current_user))
    form = DuplicateDecisionForm(prefix=_prefix(flag))
    done_message = (_l("The two records are now one.") if form.decision.data == "link"
                    else _l("The two records are kept separate."))
    return submit(form, lambda: duplicates.decide(db.session, flag, link=form.decision.data == "link",
                                                  actor=current_user),
                  success=done_message, done=lambda _flag: redirect(url_for("cases.duplicates_index")),
                  page=lambda status: _flags_page(status, {flag.id: form}))
