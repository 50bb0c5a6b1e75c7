"""Service points: list, create and edit (administrators: any association; supervisors: their own)."""

from __future__ import annotations

from uuid import UUID

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.accounts import services
from mediation.accounts.models import Association, ServicePoint
from mediation.accounts.policies import (
    can_manage_service_point,
    can_manage_service_points_of,
    picks_association,
    visible_associations,
    visible_service_points,
)
from mediation.admin.forms import NewServicePointForm, ServicePointFilterForm, ServicePointForm
from mediation.admin.routes import (
    PAGE_SIZE,
    association_choices,
    bp,
    page_number,
    set_place_choices,
)
from mediation.core.authz import Permission, require
from mediation.core.views import load_in_scope, submit
from mediation.extensions import db


def _data(form: ServicePointForm) -> services.ServicePointData:
    return services.ServicePointData(
        kind=form.kind.data,
        name_ar=form.name_ar.data,
        name_fr=form.name_fr.data,
        region_code=form.region_code.data or None,
        province_code=form.province_code.data or None,
        active=form.active.data,
    )


def _back_to_list(service_point: ServicePoint):
    if picks_association(current_user):
        return redirect(url_for("admin.service_points", association=service_point.association.public_id))
    return redirect(url_for("admin.service_points"))


def _own_association() -> Association:
    association = db.session.scalar(visible_associations(current_user).limit(1))
    if association is None:
        abort(404)
    return association


@bp.route("/service-points")
@require(Permission.SERVICE_POINT_MANAGE)
def service_points():
    form = ServicePointFilterForm(request.args)
    query = visible_service_points(current_user)
    chosen = None
    if picks_association(current_user):
        form.association.choices, by_id = association_choices(
            current_user, blank=_("All associations"), active_only=False
        )
        chosen = by_id.get(form.association.data or "")
        if chosen is not None:
            query = query.where(ServicePoint.association_id == chosen.id)
    else:
        del form.association
    query = query.join(ServicePoint.association).order_by(Association.name_fr, ServicePoint.code)
    page = db.paginate(query, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    params = {"association": chosen.public_id} if chosen is not None else {}
    return render_template("admin/service_points.html", page=page, form=form, chosen=chosen, params=params)


@bp.route("/service-points/new", methods=["GET", "POST"])
@require(Permission.SERVICE_POINT_MANAGE)
def service_point_new():
    form = NewServicePointForm()
    set_place_choices(form, no_region=_("The association's region"))
    association = None
    if picks_association(current_user):
        form.association.choices, by_id = association_choices(current_user, blank="—")
        if request.method == "GET":
            form.association.data = request.args.get("association", "")
        association = by_id.get(form.association.data or "")
    else:
        del form.association
        association = _own_association()
    if request.method == "GET" and association is not None:
        form.region_code.data = association.region_code
    def page(status: int):
        return render_template("admin/service_point_form.html", form=form, service_point=None,
                               association=association), status

    def create():
        if not can_manage_service_points_of(current_user, association):
            abort(403)
        return services.create_service_point(db.session, association, form.code.data, _data(form), actor=current_user)

    if request.method == "GET":
        return page(200)
    return submit(form, create, success=_("The service point has been created."), done=_back_to_list, page=page)


@bp.route("/service-points/<uuid:service_point_id>/edit", methods=["GET", "POST"])
@require(Permission.SERVICE_POINT_MANAGE)
def service_point_edit(service_point_id: UUID):
    service_point = load_in_scope(visible_service_points(current_user), ServicePoint.public_id == service_point_id,
                                  allowed=lambda point: can_manage_service_point(current_user, point))
    # No code field: it is frozen once created, and a posted one is ignored.
    form = ServicePointForm(obj=service_point if request.method == "GET" else None)
    set_place_choices(form, no_region=_("The association's region"))

    def page(status: int):
        return render_template("admin/service_point_form.html", form=form, service_point=service_point,
                               association=service_point.association), status

    if request.method == "GET":
        return page(200)
    return submit(form, lambda: services.update_service_point(db.session, service_point, _data(form),
                                                              actor=current_user),
                  success=_("The service point has been saved."), done=lambda _saved: _back_to_list(service_point),
                  page=page)
