from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user

from mediation.backup.drill import drill_status
from mediation.core import clock
from mediation.core.authz import Permission, Role, require
from mediation.core.i18n import SESSION_KEY as LANGUAGE_KEY
from mediation.core.security import safe_next
from mediation.extensions import db
from mediation.main import queries, services
from mediation.main.forms import LanguageForm
from mediation.supervision.routes.dashboard import render_dashboard

bp = Blueprint("main", __name__)


@bp.route("/")
@require(Permission.HOME)
def home():
    if current_user.role == Role.MEDIATOR:
        # A mediator's home is their own caseload dashboard, served here rather than redirected:
        # "/" stays the page every staff member lands on and bookmarks.
        return render_dashboard()
    return render_template(
        "main/home.html", counts=queries.home_counts(db.session, current_user, clock.today()),
        published_releases=queries.published_releases(db.session) if current_user.role == Role.MINISTRY else None,
        restore_drill=drill_status(db.session) if current_user.role == Role.ADMIN else None)


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
