"""The README's deployment, run for real: production configuration, migrations, gunicorn with
two workers behind a (simulated) reverse proxy, the health probe and the JSON logs."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config import BASE_DIR, generated_secrets

# One worker builds the production server once for the module (a migration and a gunicorn of its own).
pytestmark = [pytest.mark.no_db_transaction, pytest.mark.slow, pytest.mark.xdist_group("deployment")]

CLIENT_ADDRESS = "203.0.113.9"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def production(empty_database, tmp_path_factory):
    """`flask db upgrade` then gunicorn --workers 2, as README's Deploy section says."""
    home = tmp_path_factory.mktemp("deploy")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "MEDIATION_ENV": "production",
        "MEDIATION_INSTANCE_DIR": str(home / "instance"),
        "DATABASE_URL": empty_database(),
        "MEDIATION_PROXY_COUNT": "1",
        **generated_secrets(),
    }
    if os.environ.get("TEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    migrate = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=BASE_DIR,
                             env=env, capture_output=True, text=True, timeout=120)
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    port = free_port()
    log_path = home / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if request(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, log_path.read_text()[-2000:]
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.3)
        yield port, log_path
    finally:
        server.terminate()
        server.wait(timeout=30)


def request(port: int, path: str, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def test_the_health_probe_answers_for_the_load_balancer(production):
    port, _log = production
    status, headers, body = request(port, "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    assert dict(headers)["Cache-Control"] == "no-store"


def test_behind_the_proxy_the_session_cookie_is_secure_and_host_bound(production):
    port, _log = production
    status, headers, body = request(port, "/login", {
        "X-Forwarded-For": CLIENT_ADDRESS, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "jisr.example.ma",
    })
    assert status == 200
    assert 'dir="rtl"' in body  # Arabic by default
    cookies = [value for name, value in headers if name.lower() == "set-cookie"]
    session = [cookie for cookie in cookies if cookie.startswith("__Host-session=")]
    assert session, cookies
    attributes = {part.strip().lower() for part in session[0].split(";")}
    assert {"secure", "httponly", "path=/"} <= attributes
    assert not any(part.startswith("domain=") for part in attributes)


def test_the_logs_are_json_lines_without_addresses_or_paths(production):
    port, log_path = production
    request(port, "/login?lang=fr", {"X-Forwarded-For": CLIENT_ADDRESS, "X-Forwarded-Proto": "https"})
    time.sleep(0.5)
    lines = [line for line in log_path.read_text().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    requests = [entry for entry in entries if entry.get("message") == "request"]
    assert any(entry["endpoint"] == "auth.login" and entry["status"] == 200 for entry in requests)
    text = "\n".join(lines)
    for leak in (CLIENT_ADDRESS, "lang=fr", "/login"):
        assert leak not in text
    assert Path(log_path).stat().st_size > 0


def test_no_server_header_carries_a_version(production):
    """gunicorn behind the proxy names itself without its version, on pages and on its own errors."""
    port, _log = production
    for path in ("/healthz", "/login", "/no-such-page"):
        status, headers, _body = request(port, path)
        servers = [value for name, value in headers if name.lower() == "server"]
        assert all(not re.search(r"\d", value) for value in servers), (path, servers)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")  # a request line gunicorn itself refuses
        answer = raw.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 400")
    assert not re.search(r"(?im)^server:.*\d", answer), answer


def test_nginx_hides_its_version_in_every_server_block():
    text = Path(BASE_DIR, "docs", "deploy", "nginx.conf").read_text(encoding="utf-8")
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    blocks = re.split(r"^server\s*\{", code, flags=re.M)[1:]
    assert len(blocks) == 2
    for block in blocks:
        assert re.search(r"^\s*server_tokens\s+off;", block, re.M), block


def test_the_environment_template_starts_production_once_its_keys_are_filled(monkeypatch):
    from config import SECRET_NAMES, Production, new_key

    template = Path(BASE_DIR, "docs", "deploy", "mediation.env.example").read_text(encoding="utf-8")
    settings = dict(line.split("=", 1) for line in template.splitlines() if line and not line.startswith("#"))
    assert set(SECRET_NAMES) | {"MEDIATION_BACKUP_KEY", "MEDIATION_PROXY_COUNT", "REDIS_URL"} <= set(settings)
    for name in list(os.environ):
        if name.startswith(("MEDIATION_", "SECRET_KEY", "DATABASE_URL", "REDIS_URL")):
            monkeypatch.delenv(name)
    for name, value in settings.items():
        # Every empty key, and the key id of the field-key ring, is where a generated key goes.
        monkeypatch.setenv(name, value + new_key() if value in ("", "1:") else value)
    config = Production()
    assert config.PROXY_COUNT == 1
    assert config.SESSION_COOKIE_SECURE and config.MEDIATION_REQUIRE_2FA
    assert set(config.FIELD_KEYS) == {1} and set(config.BACKUP_KEYS) == {1}
    assert config.RATELIMIT_STORAGE_URI.startswith("redis://")
