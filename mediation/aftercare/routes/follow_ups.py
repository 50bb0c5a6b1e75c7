"""Post-closure follow-up routes (docs/domain.md, DOM94, DOM95, DOM97): HTTP only.

The case is loaded through the user's scope (404 outside it), then the follow-up within the case (404 when it is
not that case's); the policy answers 403 for a user who sees the case but may not act.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.aftercare import policies, queries
from mediation.aftercare.codes import AftercareAction
from mediation.aftercare.forms import FollowUpRecordForm
from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.routes import bp
from mediation.aftercare.services import record as service
from mediation.cases import queries as case_queries
from mediation.cases.models import Case
from mediation.cases.routes import case_section
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db

URL = "/cases/<uuid:case_id>/post-closure-follow-ups/<uuid:follow_up_id>"


def _load(case_id, follow_up_id) -> tuple[Case, PostClosureFollowUp]:
    case = case_queries.load_case(db.session, current_user, case_id)
    follow_up = queries.load(db.session, case, follow_up_id)
    if follow_up is None:
        abort(404)
    return case, follow_up


def _back(case: Case):
    return lambda _result: redirect(url_for("cases.detail", case_id=case.public_id, _anchor="aftercare"))


def _after_record(case: Case):
    """Back to the case; to the referral form when the follow-up asked for a referral (docs/domain.md, DOM160)."""
    def done(result: PostClosureFollowUp):
        if result is not None and result.action is AftercareAction.REFERRAL:
            return redirect(url_for("referrals.referral_new", case_id=case.public_id))
        return _back(case)(result)
    return done


def _form(case: Case) -> tuple[FollowUpRecordForm, list, list]:
    """The form with only the parties who may be contacted as choices; the others are listed apart (DOM94)."""
    form = FollowUpRecordForm()
    allowed, forbidden = service.parties_by_contact(db.session, case)
    form.contacted.choices = [(str(party.public_id), party.person.full_name) for party in allowed]
    return form, allowed, forbidden


@bp.route(URL, methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def record(case_id, follow_up_id):
    case, follow_up = _load(case_id, follow_up_id)
    if not policies.can_record(current_user, case, follow_up):
        abort(403)
    form, allowed, forbidden = _form(case)
    context = dict(case=case, follow_up=follow_up, form=form, allowed=allowed, forbidden=forbidden)
    if request.method == "GET":
        return render_viewed("aftercare/record.html", entity="post_closure_follow_up",
                             entity_id=follow_up.public_id, association_id=case.association_id,
                             version=follow_up.version_id, **context)

    def page(status: int):
        # Someone saved first (409): the form now carries the current version, so saving again is a choice.
        kept = form.version.data if isinstance(form.version.data, int) and status != 409 else None
        return render_template("aftercare/record.html", version=kept or follow_up.version_id, **context), status

    return submit(form, lambda: service.record_follow_up(db.session, case, follow_up, service.FollowUpRecord(
        contact_mode=form.contact_mode.data, contacted=form.contacted.data, result=form.result.data,
        new_proceedings=form.new_proceedings.data, action=form.action.data, note=form.note.data,
    ), actor=current_user, expected_version=form.version.data),
        success=_("The post-closure follow-up is recorded."), done=_after_record(case), page=page)


@bp.route(f"{URL}/seen", methods=["POST"])
@require(Permission.CASE_REVIEW)
def seen(case_id, follow_up_id):
    case, follow_up = _load(case_id, follow_up_id)
    if not policies.can_mark_seen(current_user, case, follow_up):
        abort(403)
    return submit(None, lambda: service.mark_seen(db.session, case, follow_up, actor=current_user),
                  success=_("The follow-up has left your queue."), done=_back(case))


@case_section
def aftercare_section(case: Case, user) -> dict:
    """The case's post-closure follow-ups, for its staff and the association's supervisors."""
    if not policies.can_read(user, case):
        return {"aftercare_visible": False}
    rows = queries.of_case(db.session, case)
    return {
        "aftercare_visible": True,
        "aftercare_rows": rows,
        "aftercare_today": clock.today(),
        "aftercare_recordable": {row.id for row in rows if policies.can_record(user, case, row)},
        "aftercare_seeable": {row.id for row in rows if policies.can_mark_seen(user, case, row)},
    }
