from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from mediation.accounts.models import StaffUser
from mediation.accounts.policies import visible_associations, visible_staff
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.i18n import SESSION_KEY as LANGUAGE_KEY
from mediation.core.security import safe_next
from mediation.extensions import db
from mediation.main import services
from mediation.main.forms import LanguageForm

bp = Blueprint("main", __name__)


@bp.route("/")
@require(Permission.HOME)
def home():
    from mediation.core.authz import Role

    if current_user.role == Role.MEDIATOR:
        # A staff member's home is their own caseload dashboard (issue 7 item 5), served here rather than
        # redirected: "/" stays the page every staff member lands on and bookmarks.
        from mediation.supervision.routes.dashboard import dashboard

        return dashboard()
    counts = {}
    if current_user.has(Permission.ASSOCIATION_VIEW):
        counts["associations"] = db.session.scalar(
            select(func.count()).select_from(visible_associations(current_user).subquery())
        )
    if current_user.has(Permission.STAFF_VIEW):
        counts["staff"] = db.session.scalar(
            select(func.count()).select_from(
                visible_staff(current_user).where(StaffUser.active.is_(True)).subquery()
            )
        )
    if current_user.has(Permission.CASE_VIEW):
        from mediation.cases.codes import CaseStatus
        from mediation.cases.models import Case
        from mediation.cases.policies import visible_cases

        open_cases = visible_cases(current_user).where(Case.status != CaseStatus.CLOSED)
        counts["open_cases"] = db.session.scalar(select(func.count()).select_from(open_cases.subquery()))
        counts["follow_ups_due"] = db.session.scalar(select(func.count()).select_from(
            open_cases.where(Case.follow_up_on <= clock.today()).subquery()))
    published_releases = None
    if current_user.role == Role.MINISTRY:
        from mediation.statistics.models import ReleaseStatus, StatisticsRelease

        published_releases = db.session.scalar(select(func.count()).select_from(StatisticsRelease)
                                               .where(StatisticsRelease.status == ReleaseStatus.PUBLISHED))
    restore_drill = None
    if current_user.role == Role.ADMIN:
        from mediation.backup.drill import drill_status

        restore_drill = drill_status(db.session)
    return render_template("main/home.html", counts=counts, published_releases=published_releases,
                           restore_drill=restore_drill)


@bp.route("/language", methods=["POST"])
def set_language():
    """Public: the login page offers the choice too."""
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            services.save_language(db.session, current_user, form.lang.data)
            db.session.commit()
        session[LANGUAGE_KEY] = form.lang.data
    return redirect(safe_next(form.next.data) or url_for("main.home"))
