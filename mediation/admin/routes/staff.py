"""Staff accounts: list, detail, create, edit, (de)activate, and the account actions.

Administrators manage every account; a supervisor manages the staff members of
their own association (policies.can_manage_staff).
"""

from __future__ import annotations

from uuid import UUID

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from mediation.accounts import staff as staff_accounts
from mediation.accounts.models import Association, StaffUser
from mediation.accounts.policies import (
    assignable_roles,
    can_change_role_or_association,
    can_manage_staff,
    can_reset_second_factor,
    can_set_active,
    picks_association,
    visible_associations,
    visible_staff,
)
from mediation.admin.forms import PROFESSIONS, ActionForm, StaffCreateForm, StaffEditForm, StaffFilterForm
from mediation.admin.routes import PAGE_SIZE, association_choices, bp, page_number
from mediation.admin.services import end_staff_sessions, issue_staff_password_reset, reset_staff_second_factor
from mediation.core.authz import Permission, Role, require
from mediation.core.views import submit
from mediation.extensions import db

# Service field names that the forms call differently.
ALIASES = {"association_id": "association"}


def _load(user_id: UUID) -> StaffUser:
    return db.one_or_404(visible_staff(current_user).where(StaffUser.public_id == user_id))


def _load_managed(user_id: UUID) -> StaffUser:
    """In scope (else 404) and manageable by the current user (else 403)."""
    target = _load(user_id)
    if not can_manage_staff(current_user, target):
        abort(403)
    return target


def _own_association() -> Association | None:
    return db.session.scalar(visible_associations(current_user).limit(1))


def _detail(target: StaffUser):
    return redirect(url_for("admin.staff_detail", user_id=target.public_id))


@bp.route("/staff")
@require(Permission.STAFF_VIEW)
def staff():
    form = StaffFilterForm(request.args)
    query = visible_staff(current_user)
    params = {}
    if picks_association(current_user):
        form.association.choices, by_id = association_choices(
            current_user, blank=_("All associations"), active_only=False
        )
        chosen = by_id.get(form.association.data or "")
        if chosen is not None:
            query = query.where(StaffUser.association_id == chosen.id)
            params["association"] = chosen.public_id
    else:
        del form.association
    if form.role.data in {role.value for role in Role}:
        query = query.where(StaffUser.role == Role(form.role.data))
        params["role"] = form.role.data
    if form.active.data in ("1", "0"):
        query = query.where(StaffUser.active.is_(form.active.data == "1"))
        params["active"] = form.active.data
    query = query.order_by(StaffUser.active.desc(), StaffUser.username)
    page = db.paginate(query, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/staff.html", page=page, form=form, params=params,
                           can_create=bool(assignable_roles(current_user)))


def _role_choices():
    return [SelectChoice(role.value, role.label) for role in assignable_roles(current_user)]


@bp.route("/staff/new", methods=["GET", "POST"])
@require(Permission.STAFF_MANAGE)
def staff_new():
    form = StaffCreateForm()
    by_id: dict[str, Association] = {}
    if picks_association(current_user):
        form.role.choices = [SelectChoice("", "—"), *_role_choices()]
        form.association.choices, by_id = association_choices(
            current_user, blank=_("None (administrator or ministry analyst)")
        )
        if request.method == "GET":
            form.association.data = request.args.get("association", "")
    else:
        # A supervisor creates staff members of their own association: neither is chosen.
        del form.role
        del form.association
        form.profession.choices = PROFESSIONS
    def page(status: int):
        return render_template("admin/staff_form.html", form=form, target=None), status

    def create():
        if form.role is not None:
            role = Role(form.role.data)
            association = by_id.get(form.association.data or "")
        else:
            role, association = Role.MEDIATOR, _own_association()
        return staff_accounts.create_staff_user(db.session, staff_accounts.NewStaffUser(
            username=form.username.data,
            display_name=form.display_name.data,
            role=role,
            password=form.password.data,
            association_id=association.id if association is not None else None,
            profession=form.profession.data or None,
            email=form.email.data or None,
        ), actor=current_user)

    if request.method == "GET":
        return page(200)
    return submit(form, create, success=_("The account has been created."), done=_detail, page=page,
                  aliases=ALIASES)


@bp.route("/staff/<uuid:user_id>")
@require(Permission.STAFF_VIEW)
def staff_detail(user_id: UUID):
    target = _load(user_id)
    return render_template("admin/staff_detail.html", target=target, **_abilities(target))


def _abilities(target: StaffUser) -> dict:
    return {
        "can_manage": can_manage_staff(current_user, target),
        "can_set_active": can_set_active(current_user, target),
        "can_reset_second_factor": can_reset_second_factor(current_user, target),
    }


@bp.route("/staff/<uuid:user_id>/edit", methods=["GET", "POST"])
@require(Permission.STAFF_MANAGE)
def staff_edit(user_id: UUID):
    target = _load_managed(user_id)
    form = StaffEditForm(obj=target if request.method == "GET" else None)
    by_id: dict[str, Association] = {}
    moves = can_change_role_or_association(current_user, target)
    if moves:
        form.role.choices = _role_choices()
        form.association.choices, by_id = association_choices(
            current_user, blank=_("None (administrator or ministry analyst)"), keep=target.association
        )
        if request.method == "GET":
            form.association.data = str(target.association.public_id) if target.association else ""
    else:
        del form.role
        del form.association
        if target.role == Role.MEDIATOR:
            form.profession.choices = PROFESSIONS
    def page(status: int):
        return render_template("admin/staff_form.html", form=form, target=target), status

    def update():
        if moves:
            association = by_id.get(form.association.data or "")
            role, association_id = Role(form.role.data), association.id if association else None
        else:
            role, association_id = target.role, target.association_id
        return staff_accounts.update_staff_user(db.session, target, staff_accounts.StaffChanges(
            display_name=form.display_name.data,
            email=form.email.data or None,
            profession=form.profession.data or None,
            role=role,
            association_id=association_id,
        ), actor=current_user)

    if request.method == "GET":
        return page(200)
    return submit(form, update, success=_("The account has been saved."), done=_detail, page=page,
                  aliases=ALIASES)


def _action(user_id: UUID, perform, done_message: str):
    """Run one account action from a POST button, then back to the account page."""
    target = _load_managed(user_id)
    return submit(ActionForm(), lambda: perform(target), success=done_message, done=lambda _result: _detail(target))


@bp.route("/staff/<uuid:user_id>/deactivate", methods=["POST"])
@require(Permission.STAFF_MANAGE)
def staff_deactivate(user_id: UUID):
    return _action(
        user_id,
        lambda target: staff_accounts.set_staff_active(db.session, target, False, actor=current_user),
        _("The account has been deactivated and its sessions ended."),
    )


@bp.route("/staff/<uuid:user_id>/reactivate", methods=["POST"])
@require(Permission.STAFF_MANAGE)
def staff_reactivate(user_id: UUID):
    return _action(
        user_id,
        lambda target: staff_accounts.set_staff_active(db.session, target, True, actor=current_user),
        _("The account has been reactivated."),
    )


@bp.route("/staff/<uuid:user_id>/end-sessions", methods=["POST"])
@require(Permission.STAFF_MANAGE)
def staff_end_sessions(user_id: UUID):
    return _action(
        user_id,
        lambda target: end_staff_sessions(db.session, target, actor=current_user),
        _("All sessions of the account have been ended."),
    )


@bp.route("/staff/<uuid:user_id>/second-factor-reset", methods=["POST"])
@require(Permission.SECOND_FACTOR_RESET)
def staff_second_factor_reset(user_id: UUID):
    return _action(
        user_id,
        lambda target: reset_staff_second_factor(db.session, target, actor=current_user),
        _("The second factor has been removed and the sessions of the account ended."),
    )


@bp.route("/staff/<uuid:user_id>/password-reset", methods=["POST"])
@require(Permission.STAFF_MANAGE)
def staff_password_reset(user_id: UUID):
    """The code is rendered in this response only: no redirect, no flash, no log."""
    target = _load_managed(user_id)

    def show(token: str | None):
        if token is None:  # refused (flashed) or the button's form was invalid
            return _detail(target)
        return render_template("admin/staff_reset_code.html", target=target, token=token,
                               hours=current_app.config["RESET_TOKEN_HOURS"])

    return submit(ActionForm(), lambda: issue_staff_password_reset(db.session, target, actor=current_user),
                  done=show)
