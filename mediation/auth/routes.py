from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from mediation.auth import services
from mediation.auth.forms import LoginForm
from mediation.core.authz import Permission, require
from mediation.core.i18n import SESSION_KEY as LANGUAGE_KEY
from mediation.core.security import safe_next, start_session_clock
from mediation.extensions import db

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.username.data, form.password.data)
        db.session.commit()
        if user is not None:
            language = session.get(LANGUAGE_KEY)
            session.clear()  # a new session at login: no fixation
            if language:
                session[LANGUAGE_KEY] = language
            login_user(user)
            start_session_clock()
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        # One message for unknown, wrong and inactive accounts alike.
        error = _("User name or password is incorrect.")
    return render_template("auth/login.html", form=form, error=error), 200 if error is None else 401


@bp.route("/logout", methods=["POST"])
@require(Permission.HOME)
def logout():
    services.log_out(db.session, current_user)
    db.session.commit()
    logout_user()
    session.clear()
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
