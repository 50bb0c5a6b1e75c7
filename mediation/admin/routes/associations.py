"""Associations: list, detail, create, edit (administrators only)."""

from __future__ import annotations

from uuid import UUID

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from mediation.accounts import services
from mediation.accounts.models import Association
from mediation.accounts.policies import can_manage_association, visible_associations
from mediation.admin import queries
from mediation.admin.forms import AssociationForm
from mediation.admin.routes import PAGE_SIZE, bp, page_number, set_place_choices
from mediation.core.authz import Permission, Role, require
from mediation.core.views import submit
from mediation.extensions import db
from mediation.retention.policy import RetentionPolicy


def _load(association_id: UUID) -> Association:
    return db.one_or_404(visible_associations(current_user).where(Association.public_id == association_id))


def _default_retention_months() -> int:
    """The platform's period, which an association without its own follows."""
    return RetentionPolicy.from_config(current_app.config).closed_case_months


def _data(form: AssociationForm) -> services.AssociationData:
    return services.AssociationData(
        name_ar=form.name_ar.data,
        name_fr=form.name_fr.data,
        region_code=form.region_code.data,
        province_code=form.province_code.data or None,
        address=form.address.data,
        phone=form.phone.data,
        email=form.email.data,
        cndp_declaration_no=form.cndp_declaration_no.data,
        cndp_declaration_on=form.cndp_declaration_on.data,
        cndp_authorisation_no=form.cndp_authorisation_no.data,
        cndp_authorisation_on=form.cndp_authorisation_on.data,
        active=form.active.data,
        statistics_need_consent=form.statistics_need_consent.data,
        calendar_shows_details=form.calendar_shows_details.data,
        retention_months=form.retention_months.data,
    )


@bp.route("/associations")
@require(Permission.ASSOCIATION_VIEW)
def associations():
    query = visible_associations(current_user).order_by(Association.region_code, Association.name_fr)
    page = db.paginate(query, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    ids = [association.id for association in page.items]
    staff_counts = queries.active_staff_counts(db.session, ids)
    case_counts = queries.open_case_counts(db.session, ids)
    return render_template("admin/associations.html", page=page, staff_counts=staff_counts, case_counts=case_counts,
                           can_create=can_manage_association(current_user))


@bp.route("/associations/new", methods=["GET", "POST"])
@require(Permission.ASSOCIATION_MANAGE)
def association_new():
    form = AssociationForm()
    set_place_choices(form)
    if request.method == "GET":
        return _form_page(form, None)(200)
    return submit(form, lambda: services.create_association(db.session, _data(form), actor=current_user),
                  success=_("The association has been created."), done=_detail_page, page=_form_page(form, None))


def _form_page(form: AssociationForm, association: Association | None):
    def page(status: int):
        return render_template("admin/association_form.html", form=form, association=association,
                               default_retention_months=_default_retention_months()), status
    return page


def _detail_page(association: Association):
    return redirect(url_for("admin.association_detail", association_id=association.public_id))


@bp.route("/associations/<uuid:association_id>")
@require(Permission.ASSOCIATION_VIEW)
def association_detail(association_id: UUID):
    association = _load(association_id)
    counts = queries.staff_counts_by_role(db.session, association)
    rows = [
        (role, counts.get((str(role), True), 0), counts.get((str(role), False), 0))
        for role in (Role.SUPERVISOR, Role.MEDIATOR)
    ]
    return render_template(
        "admin/association_detail.html",
        association=association,
        service_points=queries.service_points_of(db.session, association),
        staff_rows=rows,
        declared_on=format_date(association.cndp_declaration_on) if association.cndp_declaration_on else "",
        authorised_on=format_date(association.cndp_authorisation_on) if association.cndp_authorisation_on else "",
        can_edit=can_manage_association(current_user, association),
        can_manage_service_points=current_user.has(Permission.SERVICE_POINT_MANAGE),
        default_retention_months=_default_retention_months(),
    )


@bp.route("/associations/<uuid:association_id>/edit", methods=["GET", "POST"])
@require(Permission.ASSOCIATION_MANAGE)
def association_edit(association_id: UUID):
    association = _load(association_id)
    if not can_manage_association(current_user, association):
        abort(403)
    form = AssociationForm(obj=association if request.method == "GET" else None)
    set_place_choices(form)
    if request.method == "GET":
        return _form_page(form, association)(200)
    return submit(form, lambda: services.update_association(db.session, association, _data(form), actor=current_user),
                  success=_("The association has been saved."), done=lambda _saved: _detail_page(association),
                  page=_form_page(form, association))
