from datetime import timedelta

from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user

from mediation.appointments.forms import StatusForm
from mediation.backup.drill import drill_status
from mediation.cases import queries as case_queries
from mediation.cases.policies import can_open_case
from mediation.cases.services import notices as notice_services
from mediation.core import clock
from mediation.core.authz import Permission, Role, require
from mediation.core.i18n import SESSION_KEY as LANGUAGE_KEY
from mediation.core.security import safe_next
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.main import queries, services
from mediation.main.forms import LanguageForm
from mediation.main.worklist import worklist

bp = Blueprint("main", __name__)


@bp.route("/")
@require(Permission.HOME)
def home():
    if current_user.role in (Role.MEDIATOR, Role.SUPERVISOR):
        # Staff land on their day: appointments, what is due, and for a supervisor what waits for them.
        supervisor = current_user.role == Role.SUPERVISOR
        work = worklist(db.session, current_user, clock.today(), clock.now(), supervisor=supervisor)
        return render_viewed("main/worklist.html", entity="worklist", entity_id=current_user.public_id,
                             association_id=current_user.association_id, work=work, supervisor=supervisor,
                             status_form=StatusForm(formdata=None), tomorrow=work.today + timedelta(days=1),
                             now=clock.now(), can_open_case=can_open_case(current_user))
    return render_template(
        "main/home.html", counts=queries.home_counts(db.session, current_user, clock.today()),
        published_releases=queries.published_releases(db.session) if current_user.role == Role.MINISTRY else None,
        restore_drill=drill_status(db.session) if current_user.role == Role.ADMIN else None)


@bp.route("/notices")
@require(Permission.CASE_VIEW)
def notices():
    """The staff member's notices, newest first; seeing them marks them read (docs/domain.md, DOM72).

    Only notices of cases the user sees now are listed (DOM73); each links to its case."""
    rows = case_queries.notices_of(db.session, current_user)
    unread = {row.id for row in rows if row.read_at is None}
    notice_services.mark_read(db.session, current_user, unread)
    return render_viewed("main/notices.html", entity="notices", entity_id=current_user.public_id,
                         association_id=current_user.association_id, notices=rows, unread=unread)


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
