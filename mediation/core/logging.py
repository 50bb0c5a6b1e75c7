"""Structured JSON logs that carry ids and codes only (docs/security.md, S30)."""

from __future__ import annotations

import json
import logging
import time
import traceback

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

# Only these attributes of a record are written; anything else a caller
# passes (form data, values) is dropped rather than logged.
EXTRA_FIELDS = ("error_type", "status", "duration_ms", "endpoint", "method", "event")


def _escape(text: str) -> str:
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "message": _escape(record.getMessage()),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            user_id = g.get("log_user_id")
            if user_id is not None:
                entry["user_id"] = user_id
        if record.exc_info:
            # Frames only: exception messages may quote personal data.
            exc_type, _value, tb = record.exc_info
            entry["exception"] = exc_type.__name__ if exc_type else None
            entry["frames"] = [
                f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(tb)
            ]
        return json.dumps(entry, ensure_ascii=True, default=str)


def init_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    app.logger.handlers[:] = [handler]
    app.logger.propagate = False
    mediation_logger = logging.getLogger("mediation")
    mediation_logger.handlers[:] = [handler]
    mediation_logger.setLevel(logging.INFO)
    mediation_logger.propagate = False
    # The development server's access lines would repeat query strings: ours suffice.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    request_log = logging.getLogger("mediation.request")

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.get("request_started")
        # Only a user already loaded, and read from its identity key: after the view's commit its
        # attributes are expired, and reading `user.id` would reload the row (on SQLite, in a new
        # write transaction) just to write a log line. An anonymous user has no mapped state.
        state = sa_inspect(g.get("_login_user"), raiseerr=False)
        if state is not None and state.identity:
            g.log_user_id = state.identity[0]
        request_log.info(
            "request",
            extra={
                "endpoint": request.endpoint,
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            },
        )
        return response
