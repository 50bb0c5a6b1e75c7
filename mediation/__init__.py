"""Confidential case management for family mediation services."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, request
from flask_babel import format_date, format_decimal
from jinja2 import pass_eval_context
from jinja2.filters import do_join

from config import BASE_DIR, BaseConfig, ConfigurationError, config_from_environment

__version__ = "0.1.0"


def create_app(config: BaseConfig | None = None, **overrides) -> Flask:
    """Build the application; wiring only."""
    from mediation.core.database import configure_engine, prepare_sqlite_file
    from mediation.extensions import babel, csrf, db, limiter, login_manager, migrate

    config = config or config_from_environment()
    app = Flask(__name__, instance_path=getattr(config, "INSTANCE_DIR", None))
    app.config.from_object(config)
    app.config.update(overrides)
    _refuse_unsafe_production(app)
    _refuse_bad_retention_periods(app)
    _trust_configured_proxies(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, sqlite_busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(Path(BASE_DIR) / "migrations"),
                     render_as_batch=True, compare_type=True)
    from mediation.core.uploads import init_upload_limits

    init_upload_limits(app)  # before the CSRF check, which reads the body first
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app, login_manager)
    _init_babel(app, babel)

    from mediation.core.logging import init_logging
    from mediation.core.security import init_security

    init_security(app)
    init_logging(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_cli(app)
    return app


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production":
        return
    if app.debug or app.testing:
        raise ConfigurationError("production refuses to run with DEBUG or TESTING on")


def _refuse_bad_retention_periods(app: Flask) -> None:
    # A zero or negative period would anonymise live cases: stop at start-up, naming the setting.
    from mediation.retention.policy import RetentionPolicy

    RetentionPolicy.from_config(app.config)


def _trust_configured_proxies(app: Flask) -> None:
    """Read the client's address and scheme from X-Forwarded-* only behind known proxies."""
    count = app.config.get("PROXY_COUNT", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)


def _init_login(app: Flask, login_manager) -> None:
    from flask_babel import lazy_gettext as _l

    from mediation.auth.services import load_user
    from mediation.core.security import unauthorized

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)


def _init_babel(app: Flask, babel) -> None:
    from mediation.core import clock
    from mediation.core.i18n import (
        LANGUAGE_NAMES,
        current_language,
        format_clock_time,
        format_moment,
        list_separator,
        select_locale,
        text_direction,
    )

    # Every zone the product reads comes from the pinned zone data (core/clock.py), Flask-Babel's too.
    babel.init_app(app, locale_selector=select_locale, timezone_selector=clock.zone)

    @app.context_processor
    def language_context():
        from flask_login import current_user
        from sqlalchemy.exc import SQLAlchemyError

        from mediation.main.navigation import entries_for

        language = current_language()
        from mediation.main.context import notice_counter, page_warnings

        try:
            navigation = entries_for(current_user)
            warnings = page_warnings(current_user)
        except SQLAlchemyError:  # error pages render even when the database failed
            navigation, warnings = [], {}
        return {
            "language": language,
            "text_direction": text_direction(language),
            "language_names": LANGUAGE_NAMES,
            "navigation": navigation,
            **warnings,
            "unread_notices": notice_counter(current_user),
            "current_path": request.full_path.rstrip("?"),
        }

    # Instants show their date in the width asked for and their time as HH:mm, never with seconds.
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_moment(value, fmt) if value else ""
    app.jinja_env.filters["time"] = lambda value: format_clock_time(value) if value else ""
    # Lists in running text: "، " in Arabic, ", " in French and English.
    app.jinja_env.filters["join_list"] = pass_eval_context(
        lambda context, items: do_join(context, items, list_separator()))
    app.jinja_env.globals["list_separator"] = list_separator
    # Text people typed, isolated in its own direction: the markup is a macro's (templates build markup,
    # Python never does); the filter only lets a template apply it inside a sentence or a map().
    app.jinja_env.filters["auto_dir"] = lambda value: _template_macro(app, "macros/text.html", "auto_dir")(value)
    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    # {% trans %} blocks collapse their whitespace, as babel.cfg extracts them (trimmed = true).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""


def _template_macro(app: Flask, template: str, name: str):
    """A macro of one of the application's templates, as a function (the template is loaded once)."""
    return getattr(app.jinja_env.get_template(template).module, name)


def _register_blueprints(app: Flask) -> None:
    from mediation.admin.routes import bp as admin_bp
    from mediation.aftercare.routes import bp as aftercare_bp
    from mediation.agreements.routes import bp as agreements_bp
    from mediation.appointments.routes import bp as appointments_bp
    from mediation.attachments.routes import bp as attachments_bp
    from mediation.audit.routes import bp as audit_bp
    from mediation.auth.routes import bp as auth_bp
    from mediation.cases.routes import bp as cases_bp
    from mediation.counselling.routes import bp as counselling_bp
    from mediation.documents.routes import bp as documents_bp
    from mediation.groups.routes import bp as groups_bp
    from mediation.health.routes import bp as health_bp
    from mediation.main.routes import bp as main_bp
    from mediation.referrals.routes import bp as referrals_bp
    from mediation.retention.routes import bp as retention_bp
    from mediation.sms_templates.routes import bp as sms_templates_bp
    from mediation.statistics.routes import bp as statistics_bp
    from mediation.subject_requests.routes import bp as subject_requests_bp
    from mediation.supervision.routes import bp as supervision_bp

    for blueprint in (auth_bp, main_bp, cases_bp, counselling_bp, appointments_bp, referrals_bp, agreements_bp,
                      attachments_bp, supervision_bp, statistics_bp, retention_bp, subject_requests_bp, admin_bp,
                      audit_bp, health_bp, aftercare_bp, groups_bp, documents_bp, sms_templates_bp):
        app.register_blueprint(blueprint)


def _register_error_handlers(app: Flask) -> None:
    from mediation.core.audit import AuditAction, AuditOutcome, record
    from mediation.core.errors import register_error_handlers
    from mediation.extensions import db, login_manager

    def record_alone(action: AuditAction) -> None:
        # A denial is committed on its own: the request itself changed nothing.
        record(db.session, action, outcome=AuditOutcome.DENIED,
               entity="endpoint", entity_id=request.endpoint)
        db.session.commit()

    def forget_user() -> None:
        # Flask-Login keeps the loaded user in g: an anonymous one there means no database read.
        g._login_user = login_manager.anonymous_user()

    register_error_handlers(
        app,
        rollback=db.session.rollback,
        on_denied=lambda: record_alone(AuditAction.ACCESS_DENIED),
        on_csrf_failure=lambda: record_alone(AuditAction.CSRF_FAILED),
        forget_user=forget_user,
    )


def _register_cli(app: Flask) -> None:
    from mediation.admin.cli import users_cli
    from mediation.appointments.cli import appointments_cli, reminders_cli
    from mediation.backup.cli import backup_cli
    from mediation.cases.cli import cases_cli
    from mediation.core.cli import audit_cli, doctor, keys_cli
    from mediation.demo.cli import demo_cli
    from mediation.retention.cli import retention_cli
    from mediation.statistics.cli import stats_cli

    for group in (users_cli, audit_cli, keys_cli, demo_cli, reminders_cli, appointments_cli, stats_cli,
                  retention_cli, backup_cli, cases_cli, doctor):
        app.cli.add_command(group)
