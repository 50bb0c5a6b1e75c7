"""Structured JSON logs with ids and codes only (docs/security.md, S30)."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from mediation.auth import services as auth_services
from mediation.core.logging import EXTRA_FIELDS, JsonFormatter
from tests.conftest import login

PASSWORD_CANARY = "CANARY-pass-7c1f04be92d3"
USERNAME_CANARY = "canary-user-0b5e8d"
QUERY_CANARY = "CANARY-query-51aa0e"


def make_record(message="hello %s", args=("world",), exc_info=None, **extra) -> logging.LogRecord:
    record = logging.getLogger("mediation.test").makeRecord(
        "mediation.test", logging.WARNING, __file__, 10, message, args, exc_info, extra=extra or None
    )
    return record


def formatted(record: logging.LogRecord) -> tuple[str, dict]:
    line = JsonFormatter().format(record)
    return line, json.loads(line)


@pytest.fixture
def captured():
    """Everything the 'mediation' loggers write, through the application's formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("mediation")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def entries(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    lines = text.splitlines()
    assert text.endswith("\n") and all(lines)
    return [json.loads(line) for line in lines]  # every line is one JSON document


def test_a_record_is_one_json_line_with_the_expected_keys():
    line, entry = formatted(make_record())
    assert "\n" not in line and "\r" not in line
    assert entry == {"at": entry["at"], "level": "WARNING", "logger": "mediation.test", "message": "hello world"}
    assert len(entry["at"]) == 20 and entry["at"].endswith("Z") and entry["at"][10] == "T"


@pytest.mark.parametrize("hostile", [
    "evil\nname\x1b[31mRED\x1b[0m",
    "line\r\nfake {\"level\": \"INFO\"}",
    "nul\x00tab\tbell\x07 del\x7f",
    "\u2028\u2029\x85",
])
def test_control_characters_are_escaped_onto_one_line(hostile):
    line, entry = formatted(make_record("user %s logged in", (hostile,)))
    assert len(line.splitlines()) == 1
    assert all(ord(char) >= 32 and char != "\x7f" for char in line)
    assert line.isascii()
    message = entry["message"]
    assert message.startswith("user ") and message.endswith(" logged in")
    assert all(char.isprintable() for char in message)  # escaped, not merely JSON-quoted
    if "\x1b" in hostile:
        assert "\\x1b[31m" in message and "\\x0a" in message


def test_extra_fields_are_allow_listed_and_still_one_line():
    record = make_record(
        "request", (), status=200, endpoint="auth.login\n\x1b[2J", method="POST",
        form={"password": "CANARY-form"}, username="CANARY-user", args_dump="CANARY-args",
    )
    line, entry = formatted(record)
    assert "CANARY" not in line
    assert set(entry) == {"at", "level", "logger", "message", "status", "endpoint", "method"}
    assert entry["status"] == 200 and entry["endpoint"] == "auth.login\n\x1b[2J"  # JSON-escaped in the line
    assert "\n" not in line and "\x1b" not in line
    assert set(EXTRA_FIELDS) == {"error_type", "status", "duration_ms", "endpoint", "method", "event"}


def raise_with_secret():
    raise ValueError("CANARY-secret value of a party")


def test_an_exception_logs_its_type_and_frames_never_its_message():
    try:
        try:
            raise_with_secret()
        except ValueError as error:
            raise KeyError("CANARY-secret key") from error
    except KeyError:
        record = make_record("failed", (), exc_info=sys.exc_info(), error_type="KeyError")
    line, entry = formatted(record)
    assert "CANARY" not in line
    assert entry["exception"] == "KeyError" and entry["error_type"] == "KeyError"
    assert entry["frames"]
    assert entry["frames"][-1].endswith(" test_an_exception_logs_its_type_and_frames_never_its_message")
    assert all(frame.startswith(__file__ + ":") for frame in entry["frames"])
    assert "\n" not in line


def test_logger_exception_keeps_the_message_out(captured):
    log = logging.getLogger("mediation.test")
    try:
        raise_with_secret()
    except ValueError:
        log.exception("unhandled error", extra={"error_type": "ValueError"})
    [entry] = entries(captured)
    assert "CANARY" not in captured.getvalue()
    assert (entry["level"], entry["message"], entry["exception"]) == ("ERROR", "unhandled error", "ValueError")
    assert entry["frames"][-1].endswith(" raise_with_secret")


def test_requests_log_endpoint_status_and_duration_never_query_or_form(client, world, captured):
    assert client.get(f"/login?next=/{QUERY_CANARY}&q={QUERY_CANARY}").status_code == 200
    response = client.post(f"/login?next=/{QUERY_CANARY}",
                           data={"username": USERNAME_CANARY, "password": PASSWORD_CANARY})
    assert response.status_code == 401
    wrong = login(client, world.usernames["mediator_a1"], PASSWORD_CANARY)
    assert wrong.status_code == 401
    assert login(client, world.usernames["mediator_a1"]).status_code == 302
    assert client.get("/", query_string={"q": QUERY_CANARY}).status_code == 200

    text = captured.getvalue()
    for canary in (PASSWORD_CANARY, USERNAME_CANARY, QUERY_CANARY, "canary", "CANARY", "next="):
        assert canary not in text
    logged = [entry for entry in entries(captured) if entry["logger"] == "mediation.request"]
    assert [(e["method"], e["endpoint"], e["status"]) for e in logged] == [
        ("GET", "auth.login", 200),
        ("POST", "auth.login", 401),
        ("POST", "auth.login", 401),
        ("POST", "auth.login", 302),
        ("GET", "main.home", 200),
    ]
    for entry in logged:
        assert isinstance(entry["duration_ms"], (int, float)) and entry["duration_ms"] >= 0
        assert len(entry["request_id"]) == 16
        assert set(entry) <= {"at", "level", "logger", "message", "endpoint", "method", "status",
                              "duration_ms", "request_id", "user_id"}
    assert len({entry["request_id"] for entry in logged}) == len(logged)
    assert "user_id" not in logged[0]
    # Once logged in, the user is named by id only.
    assert isinstance(logged[-1]["user_id"], int)
    assert world.usernames["mediator_a1"] not in text and "Mediator.A1" not in text


def test_a_500_logs_the_error_type_but_not_its_message_or_the_form(client, world, captured, monkeypatch):
    def failing(*_args, **_kwargs):
        raise ValueError(f"CANARY-secret {PASSWORD_CANARY}")

    monkeypatch.setattr(auth_services, "check_password", failing)
    response = client.post("/login?next=/x", data={"username": USERNAME_CANARY, "password": PASSWORD_CANARY})
    assert response.status_code == 500
    assert b"CANARY" not in response.data
    text = captured.getvalue()
    assert "CANARY" not in text and USERNAME_CANARY not in text
    error, request = entries(captured)
    assert (error["logger"], error["level"], error["error_type"], error["exception"]) == (
        "mediation.core.errors", "ERROR", "ValueError", "ValueError")
    assert any(frame.endswith(" login") for frame in error["frames"])
    assert (request["endpoint"], request["status"]) == ("auth.login", 500)
    assert error["request_id"] == request["request_id"]
