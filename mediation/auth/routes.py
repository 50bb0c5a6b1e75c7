"""Login in two steps, logout, password reset with a code, and the user's own profile."""


from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from mediation.accounts.models import StaffUser
from mediation.auth import second_factor, services
from mediation.auth.forms import (
    CodeForm,
    ConfirmPasswordForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
)
from mediation.core import clock
from mediation.core.authz import Permission, require
from mediation.core.i18n import SESSION_KEY as LANGUAGE_KEY
from mediation.core.security import safe_next, start_session_clock
from mediation.core.views import submit
from mediation.extensions import db, limiter

bp = Blueprint("auth", __name__)

PENDING_KEY = "pending_login"


def _throttled(view):
    """Per-address ceiling on failed attempts (docs/security.md, S4); successes are not counted."""
    return limiter.limit(
        lambda: current_app.config["LOGIN_IP_LIMIT"],
        methods=["POST"],
        deduct_when=lambda response: g.get("login_failed", False),
    )(view)


def _fail() -> None:
    g.login_failed = True


def _start_pending(user: StaffUser, *, enrol: bool) -> None:
    """Between the password and the code the session holds only who is half-way in."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    session[PENDING_KEY] = {
        "uid": user.id,
        "ver": user.session_version,
        "at": int(clock.timestamp()),
        "enrol": enrol,
        "next": safe_next(request.args.get("next")),
    }


def _pending_user(*, enrol: bool) -> StaffUser | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("enrol") is not enrol:
        return None
    if clock.timestamp() - pending.get("at", 0) > current_app.config["PENDING_LOGIN_MINUTES"] * 60:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(StaffUser, pending.get("uid"))
    if user is None or not user.active or user.session_version != pending.get("ver"):
        return None
    return user


def _finish_login(user: StaffUser, next_url: str | None):
    services.complete_login(db.session, user)
    db.session.commit()
    language = session.get(LANGUAGE_KEY)
    session.clear()  # a new session at login: no fixation
    if language:
        session[LANGUAGE_KEY] = language
    login_user(user)
    start_session_clock()
    return redirect(next_url or url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
@_throttled
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        step = services.check_password(db.session, form.username.data, form.password.data)
        db.session.commit()
        if step is not None and step.needs_code:
            _start_pending(step.user, enrol=False)
            return redirect(url_for("auth.totp"))
        if step is not None and step.needs_enrolment:
            _start_pending(step.user, enrol=True)
            return redirect(url_for("auth.totp_enrol"))
        if step is not None:
            return _finish_login(step.user, safe_next(request.args.get("next")))
        _fail()
        # One message for unknown, wrong, inactive and locked accounts alike.
        error = _("User name or password is incorrect.")
    return render_template("auth/login.html", form=form, error=error), 200 if error is None else 401


@bp.route("/login/code", methods=["GET", "POST"])
@_throttled
def totp():
    user = _pending_user(enrol=False)
    if user is None:
        flash(_("Please log in to continue."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if second_factor.verify_login_code(db.session, user, form.code.data):
            return _finish_login(user, session[PENDING_KEY].get("next"))
        services.second_factor_failed(db.session, user)
        db.session.commit()
        _fail()
        error = _("This code is not valid. Enter the current code from your app, or a recovery code.")
    return render_template("auth/totp.html", form=form, error=error), 200 if error is None else 401


@bp.route("/login/enrol", methods=["GET", "POST"])
@_throttled
def totp_enrol():
    """Second factor required but not yet set up: set it up before entering."""
    user = _pending_user(enrol=True)
    if user is None:
        flash(_("Please log in to continue."), "info")
        return redirect(url_for("auth.login"))
    if request.method == "POST" and request.form.get("action") == "start":
        second_factor.start_enrolment(db.session, user)  # a secret is made on POST, never on GET
        db.session.commit()
        return redirect(url_for("auth.totp_enrol"))
    form = CodeForm()
    error = None
    if user.totp_pending_secret is not None and form.validate_on_submit():
        codes = second_factor.confirm_enrolment(db.session, user, form.code.data)
        if codes is not None:
            next_url = session[PENDING_KEY].get("next")
            _finish_login(user, next_url)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url or url_for("main.home"))
        services.second_factor_failed(db.session, user)
        db.session.commit()
        _fail()
        error = _("This code is not valid. Check the time on your phone and enter the current code.")
    return render_template("auth/enrol.html", form=form, error=error, start_url=url_for("auth.totp_enrol"),
                           **_enrolment_context(user)), 200 if error is None else 401


def _enrolment_context(user: StaffUser) -> dict:
    secret = user.totp_pending_secret
    if secret is None:
        return {"qr_code": None, "secret": None}
    uri = second_factor.provisioning_uri(user, secret)
    return {"qr_code": second_factor.qr_code_data_uri(uri), "secret": second_factor.grouped(secret)}


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


@bp.route("/password/reset", methods=["GET", "POST"])
@_throttled
def reset_password():
    """Redeem a reset code handed over in person; the second factor is still asked at login."""
    form = PasswordResetForm()
    if request.method == "GET":
        return render_template("auth/reset_password.html", form=form)

    def page(status: int):
        if getattr(form, "refused", None) is not None:
            _fail()  # a wrong code or name counts towards the throttle, like a failed login
        return render_template("auth/reset_password.html", form=form), status

    return submit(form, lambda: services.reset_password_with_token(
        db.session, form.username.data, form.token.data, form.new_password.data, form.confirmation.data),
        success=_("Your password has been changed. Log in with it now."),
        done=lambda _user: redirect(url_for("auth.login")), page=page)




@bp.route("/profile", methods=["GET", "POST"])
@require(Permission.PROFILE)
def profile():
    form = ProfileForm(obj=None if request.method == "POST" else current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or session.get(LANGUAGE_KEY) or "ar"
        form.agenda_channel.data = current_user.agenda_channel.value
    def page(status: int):
        remaining = second_factor.remaining_recovery_codes(db.session, current_user)
        return render_template("auth/profile.html", form=form, remaining_codes=remaining), status

    def saved(_result):
        session[LANGUAGE_KEY] = form.locale.data
        return redirect(url_for("auth.profile"))

    if request.method == "GET":
        return page(200)
    # The agenda's channel is on the form for association staff only; absent, it is left as it was.
    agenda = current_user.belongs_to_association and "agenda_channel" in request.form
    return submit(form, lambda: services.update_profile(db.session, current_user, display_name=form.display_name.data,
                                                        email=form.email.data or None, locale=form.locale.data,
                                                        agenda_channel=form.agenda_channel.data if agenda else None,
                                                        mobile=form.mobile.data),
                  success=_("Your profile has been saved."), done=saved, page=page)


@bp.route("/profile/password", methods=["GET", "POST"])
@require(Permission.PROFILE)
def change_password():
    form = PasswordChangeForm()
    if request.method == "GET":
        return render_template("auth/change_password.html", form=form)

    def changed(_result):
        _stay_logged_in(current_user)
        return redirect(url_for("auth.profile"))

    return submit(form, lambda: services.change_password(db.session, current_user, form.current_password.data,
                                                         form.new_password.data, form.confirmation.data),
                  success=_("Your password has been changed. Your other sessions have been ended."), done=changed,
                  page=lambda status: (render_template("auth/change_password.html", form=form), status))


def _stay_logged_in(user) -> None:
    """After a version bump, keep this browser's session (the others have ended)."""
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    db.session.refresh(user)
    auth_at = session.get("auth_at")
    login_user(user)
    start_session_clock()
    if auth_at:
        session["auth_at"] = auth_at  # the absolute lifetime still counts from the first login


def _password_confirmed(form: ConfirmPasswordForm) -> bool:
    """A second-factor change asks for the password again (S5): a session left open on a shared
    computer must not be enough to move the account's second factor to another phone."""
    if not form.validate_on_submit():
        return False
    if services.password_confirms(db.session, current_user, form.password.data):
        return True
    services.confirmation_failed(db.session, current_user)
    db.session.commit()
    form.password.errors.append(_("This password is not correct."))
    return False


@bp.route("/profile/second-factor", methods=["GET", "POST"])
@require(Permission.PROFILE)
def second_factor_setup():
    if current_user.has_second_factor:
        return redirect(url_for("auth.profile"))
    confirm = ConfirmPasswordForm(prefix="confirm")
    if request.method == "POST" and request.form.get("action") == "start":
        if _password_confirmed(confirm):
            second_factor.start_enrolment(db.session, current_user)
            db.session.commit()
            return redirect(url_for("auth.second_factor_setup"))
        return render_template("auth/enrol.html", form=CodeForm(), confirm=confirm, from_profile=True,
                               start_url=url_for("auth.second_factor_setup"),
                               **_enrolment_context(current_user)), 422
    form = CodeForm()
    error = None
    if current_user.totp_pending_secret is not None and form.validate_on_submit():
        codes = second_factor.confirm_enrolment(db.session, current_user, form.code.data)
        if codes is not None:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.profile"))
        db.session.rollback()
        error = _("This code is not valid. Check the time on your phone and enter the current code.")
    return render_template("auth/enrol.html", form=form, error=error, from_profile=True, confirm=confirm,
                           start_url=url_for("auth.second_factor_setup"), **_enrolment_context(current_user))


@bp.route("/profile/recovery-codes", methods=["GET", "POST"])
@require(Permission.PROFILE)
def recovery_codes():
    if not current_user.has_second_factor:
        return redirect(url_for("auth.second_factor_setup"))
    form = ConfirmPasswordForm()
    if _password_confirmed(form):
        codes = second_factor.issue_recovery_codes(db.session, current_user)
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.profile"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/confirm_password.html", form=form, title=_("Make new recovery codes"),
                           explanation=_("The codes you have now stop working. Enter your password to continue."),
                           submit=_("Make new recovery codes")), status


@bp.route("/profile/sessions/end-others", methods=["POST"])
@require(Permission.PROFILE)
def end_other_sessions():
    services.end_sessions_of(db.session, current_user, actor=current_user)
    db.session.commit()
    _stay_logged_in(current_user)
    flash(_("Your other sessions have been ended."), "success")
    return redirect(url_for("auth.profile"))
