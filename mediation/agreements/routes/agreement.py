"""Agreement routes: draft, revise or conclude (a new version each time), read the history.

HTTP only: the rules are in mediation.agreements.services. One commit per request.
"""

from __future__ import annotations

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.agreements import queries
from mediation.agreements.forms import NO, YES, AgreementFormBase, agreement_form_for
from mediation.agreements.models import AgreementVersion
from mediation.agreements.policies import can_read_agreement, can_write_agreement
from mediation.agreements.routes import bp
from mediation.agreements.services import versions as service
from mediation.cases import queries as case_queries
from mediation.cases.models import Case
from mediation.cases.routes import case_section, closure_form_part
from mediation.core.authz import Permission, require
from mediation.core.views import render_viewed, submit
from mediation.extensions import db

TEMPLATE = "agreements/form.html"


@case_section
def agreement_section(case: Case, user) -> dict:
    """The agreement in force and the latest draft, on the case page: a fixed number of statements whatever
    the number of versions (docs/architecture.md, U2)."""
    if not can_read_agreement(user, case):
        return {"agreement_visible": False}
    summary = queries.summary_of(db.session, case)
    return {"agreement_visible": True, "agreement_summary": summary,
            "agreement_names": _signatory_names(case) if summary.count else {},
            "agreement_can_write": can_write_agreement(user, case)}


@closure_form_part
def closure_agreement_part(case: Case, user) -> dict | None:
    """On the closure form: the concluded agreement replaces the free-text points (docs/domain.md, DOM80)."""
    summary = queries.summary_of(db.session, case)
    if not summary.count:
        return None
    return {"template": "agreements/_closure_part.html", "agreement_summary": summary, "replaces_points": True}


def _signatory_names(case: Case) -> dict[int, str]:
    return {participant.id: participant.person.full_name for participant in service.signatories(db.session, case)}


def _form_class(case: Case) -> type[AgreementFormBase]:
    return agreement_form_for(case.issues)


def _set_choices(form: AgreementFormBase, case: Case) -> None:
    form.signed_by.choices = [(str(participant.public_id), participant.person.full_name)
                              for participant in service.signatories(db.session, case)]


def _prefill(form: AgreementFormBase, case: Case, latest: AgreementVersion | None) -> None:
    """A revision starts from the latest version; its date of conclusion is left for the new one to set, and so
    are its signatures once the latest is concluded (the parties sign the revised text anew)."""
    form.based_on.data = latest.number if latest is not None else 0
    if latest is None:
        return
    form.nature.data = latest.nature.value
    form.agreement_form.data = latest.form.value if latest.form else None
    if not latest.is_concluded:
        ids = {participant.id: str(participant.public_id) for participant in service.signatories(db.session, case)}
        form.signed_by.data = [ids[pid] for pid in latest.signatory_ids if pid in ids]
        form.signed_on.data = latest.signed_on
    form.submitted_to_court.data = {True: YES, False: NO}.get(latest.submitted_to_court)  # type: ignore[arg-type]
    for point in latest.points:
        if point.issue in form.issues:
            status, text = form.point_fields(point.issue)
            status.data, text.data = point.status.value, point.text


def _data(form: AgreementFormBase) -> service.AgreementData:
    points = tuple(service.PointData(issue=issue, status=form.point_fields(issue)[0].data or None,
                                     text=form.point_fields(issue)[1].data)
                   for issue in form.issues)
    return service.AgreementData(
        nature=form.nature.data, form=form.agreement_form.data or None, points=points,
        signed_by=tuple(uuid.UUID(value) for value in form.signed_by.data or ()),  # validated against the choices
        signed_on=form.signed_on.data, concluded_on=form.concluded_on.data,
        submitted_to_court={YES: True, NO: False}.get(form.submitted_to_court.data or ""),
    )


def _page(case: Case, form: AgreementFormBase, latest: AgreementVersion | None, status: int):
    based_on = latest.number if latest is not None else 0
    return render_template(TEMPLATE, case=case, form=form, latest=latest, based_on=based_on), status


@bp.route("/cases/<uuid:case_id>/agreement", methods=["GET", "POST"])
@require(Permission.CASE_EDIT)
def edit(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not can_write_agreement(current_user, case):
        abort(403)
    latest = queries.latest_version(db.session, case.id)
    form_class = _form_class(case)
    if request.method == "GET":
        form = form_class(formdata=None)
        _set_choices(form, case)
        _prefill(form, case, latest)
        return render_viewed(TEMPLATE, entity="case", entity_id=case.public_id, association_id=case.association_id,
                             case=case, form=form, latest=latest, based_on=form.based_on.data)
    form = form_class()
    _set_choices(form, case)

    def page(status: int):
        if status == 409:  # the newer version is shown; the user's entry stays, based on it now
            return _page(case, form, queries.latest_version(db.session, case.id), status)
        return _page(case, form, latest, status)

    return submit(form, lambda: service.save_version(db.session, case, _data(form), actor=current_user,
                                                     expected_number=form.based_on.data),
                  success=_("Agreement saved as a new version."),
                  done=lambda _version: redirect(url_for("cases.detail", case_id=case.public_id,
                                                         _anchor="agreement")),
                  page=page)


@bp.route("/cases/<uuid:case_id>/agreement/history")
@require(Permission.CASE_VIEW)
def history(case_id):
    case = case_queries.load_case(db.session, current_user, case_id)
    if not can_read_agreement(current_user, case):
        abort(403)
    return render_viewed("agreements/history.html", entity="case", entity_id=case.public_id,
                         association_id=case.association_id, case=case,
                         versions=queries.versions_of(db.session, case), names=_signatory_names(case))
