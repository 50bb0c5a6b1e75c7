"""Domain errors and the translated error pages (docs/security.md, S15)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from mediation.core.database import is_database_busy

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the change; the message is translatable.

    `status` is the status of the page that shows the refusal beside the form (422: the input is
    kept and can be corrected), so routes never choose it themselves.
    """

    message = _l("This change is not allowed.")
    field: str | None = None
    status = 422

    def __init__(self, message: str | LazyString | None = None, *, field: str | None = None) -> None:
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field


class ValidationFailed(DomainError):
    message = _l("Please correct the highlighted fields.")


class Conflict(DomainError):
    message = _l("This record already exists.")


class StaleRecord(DomainError):
    """Someone saved the record after the form was shown (S31): nothing was saved, the page answers 409.

    A feature passes the message that names its record ("this case", "this note"...).
    """

    message = _l("Someone else saved this record while you were editing it. Nothing of yours was saved: "
                 "compare your input with the saved values, then save again.")
    status = 409


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Login required"), _l("Please log in to continue.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This action cannot be performed this way.")),
    413: (_l("Request too large"), _l("What you sent is larger than allowed.")),
    429: (_l("Too many attempts"), _l("Too many requests in a short time. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("The error has been recorded and nothing was saved. Please try again.")),
}
BUSY_TEXT = (_l("Busy, please try again"),
             _l("Many people are saving at the same moment and nothing of yours was saved. Please try again in a "
                "few seconds."))
CSRF_TEXT = (_l("Form expired"),
             _l("The form has expired or was sent from elsewhere. Please reload the page and try again."))


def render_error(status: int, texts: tuple[LazyString, LazyString] | None = None) -> tuple[Response | str, int]:
    title, message = texts or ERROR_TEXTS[status]
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=status, message=str(message)), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask, *, rollback: Callable[[], object], on_denied: Callable[[], object],
                            on_csrf_failure: Callable[[], object], forget_user: Callable[[], object]) -> None:
    """The translated error pages. The caller passes what touches the database and the login (`rollback`,
    `forget_user`), so that this module stays below them."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> ResponseReturnValue:
        rollback()
        on_csrf_failure()
        return render_error(400, CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        if status == 403:
            rollback()
            on_denied()
        if status in ERROR_TEXTS:
            return render_error(status)
        return error

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        # Roll back first: nothing half-done may be committed by a later step.
        rollback()
        if is_database_busy(error):
            log.warning("database busy", extra={"error_type": type(error).__name__})
            # The page must not wait for the lock again: it renders without loading the user.
            forget_user()
            response, status = render_error(503, BUSY_TEXT)
            response = app.make_response((response, status))
            response.headers["Retry-After"] = "5"
            return response
        log.exception("unhandled error", extra={"error_type": type(error).__name__})
        return render_error(500)
