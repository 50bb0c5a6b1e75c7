from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from mediation.admin.models import Association, StaffUser
from mediation.admin.policies import visible_associations, visible_staff
from mediation.core.authz import Permission, require
from mediation.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.route("/associations")
@require(Permission.ASSOCIATION_VIEW)
def associations():
    query = visible_associations(current_user).order_by(Association.region_code, Association.name_fr)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE,
                       error_out=False)
    ids = [association.id for association in page.items]
    staff_counts = dict(
        db.session.execute(
            select(StaffUser.association_id, func.count())
            .where(StaffUser.association_id.in_(ids), StaffUser.active.is_(True))
            .group_by(StaffUser.association_id)
        ).all()
    )
    return render_template("admin/associations.html", page=page, staff_counts=staff_counts)


@bp.route("/staff")
@require(Permission.STAFF_VIEW)
def staff():
    query = visible_staff(current_user).order_by(StaffUser.active.desc(), StaffUser.username)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("admin/staff.html", page=page)
