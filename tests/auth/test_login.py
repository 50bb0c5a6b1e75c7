"""Login, logout and the session rules of docs/security.md, S2, S3, S6, S7."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation.accounts import passwords
from mediation.accounts.models import StaffUser
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.conftest import PASSWORD, login


def last_events(app, count: int) -> list[AuditEvent]:
    with app.app_context():
        return list(
            reversed(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(count)).all())
        )


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("mediation_session")
    return cookie.value if cookie else None


def test_login_page_is_arabic_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'dir="rtl"' in response.data and b'lang="ar"' in response.data
    assert b'name="username"' in response.data and b'name="password"' in response.data


def test_each_persona_logs_in_and_reaches_home(client, world):
    for persona, username in world.usernames.items():
        response = login(client, username)
        assert response.status_code == 302, persona
        home = client.get("/")
        assert home.status_code == 200, persona
        assert username.title().encode() in home.data
        client.post("/logout")


def test_user_name_is_case_insensitive(client, world):
    assert login(client, "Mediator.A1").status_code == 302


def test_navigation_fits_the_role(client, world):
    expectations = {
        "admin": {"/admin/associations": True, "/admin/staff": True},
        "supervisor_a": {"/admin/associations": False, "/admin/staff": True},
        "mediator_a1": {"/admin/associations": False, "/admin/staff": False},
        "ministry": {"/admin/associations": False, "/admin/staff": False},
    }
    for persona, links in expectations.items():
        login(client, world.usernames[persona])
        page = client.get("/").get_data(as_text=True)
        for href, shown in links.items():
            assert (f'href="{href}"' in page) is shown, (persona, href)
        client.post("/logout")


@pytest.mark.parametrize("username,password", [
    ("mediator.a1", "wrong-password-but-long"),
    ("nobody.here", PASSWORD),
    ("mediator.a1", "x" * 129),
])
def test_failures_get_one_generic_message(client, world, username, password):
    response = login(client, username, password)
    assert response.status_code == 401
    assert "اسم المستخدم أو كلمة المرور غير صحيحة".encode() in response.data
    assert session_cookie(client) is None or client.get("/").status_code == 302


def test_inactive_account_gets_the_same_message(app, client, world):
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        user.active = False
        db.session.commit()
    unknown = login(client, "nobody.here").data
    inactive = login(client, "mediator.a1").data
    strip = lambda body: re.sub(rb'name="csrf_token"[^>]*', b"", body)  # noqa: E731
    assert strip(unknown).replace(b"nobody.here", b"") == strip(inactive).replace(b"mediator.a1", b"")


def test_login_and_failure_are_audited_with_ids_only(app, client, world):
    login(client, "mediator.a1", "wrong-password-but-long")
    login(client, "nobody.here", "another-wrong-password")
    login(client, "mediator.a1")
    failed_known, failed_unknown, success = last_events(app, 3)
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
    assert (failed_known.action, failed_known.outcome, failed_known.actor_id) == ("login_failed", "failure", user.id)
    assert (failed_unknown.action, failed_unknown.actor_id, failed_unknown.entity_id) == ("login_failed", None, None)
    assert (success.action, success.actor_id, success.entity_id) == ("login", user.id, str(user.public_id))
    for event in (failed_known, failed_unknown, success):
        assert b"nobody" not in event.body and b"wrong" not in event.body and b"mediator.a1" not in event.body


def test_logout_is_audited(app, client, world):
    login(client, "supervisor.a")
    client.post("/logout")
    assert last_events(app, 1)[0].action == "logout"


def test_the_session_cookie_changes_at_login(client, world):
    client.get("/login")
    client.post("/language", data={"lang": "fr", "next": "/login"})
    before = session_cookie(client)
    assert before is not None
    login(client, "mediator.a1")
    after = session_cookie(client)
    assert after is not None and after != before
    assert client.get_cookie("remember_token") is None


def test_a_cookie_replayed_after_logout_is_refused(client, world):
    login(client, "mediator.a1")
    captured = session_cookie(client)
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    client.set_cookie("mediation_session", captured)
    replay = client.get("/")
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")


def test_logout_ends_the_sessions_of_other_browsers_too(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, "mediator.a1")
    login(second, "mediator.a1")
    first.post("/logout")
    assert second.get("/").status_code == 302


def test_a_forged_cookie_is_refused(client, world):
    login(client, "mediator.a1")
    value = session_cookie(client)
    client.set_cookie("mediation_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/").status_code == 302


def test_a_deactivated_user_is_refused_at_the_next_request(app, client, world):
    login(client, "mediator.a1")
    assert client.get("/").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        user.active = False
        db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("minutes,allowed", [(29, True), (31, False)])
def test_idle_timeout(client, world, frozen_clock, minutes, allowed):
    login(client, "mediator.a1")
    frozen_clock.advance(minutes=minutes)
    assert (client.get("/").status_code == 200) is allowed


def test_absolute_lifetime_ends_an_active_session(client, world, frozen_clock):
    login(client, "mediator.a1")
    start = frozen_clock.now()
    # Active every 20 minutes for 9 h 40: still in.
    while frozen_clock.now() < start + timedelta(hours=9, minutes=40):
        frozen_clock.advance(minutes=20)
        assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=21)  # 10 h 01 after the login
    assert client.get("/").status_code == 302


def test_idleness_is_counted_from_the_last_request_not_from_the_login(client, world, frozen_clock):
    """S7: 50 minutes after the login, but never 30 idle, the session lives; then 31 idle minutes end it."""
    login(client, "mediator.a1")
    for _ in range(2):
        frozen_clock.advance(minutes=25)
        assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=31)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302, "the expired session does not come back"


def test_an_expired_session_cookie_cannot_be_replayed_after_a_new_login(client, world, frozen_clock):
    """The cookie of a session that went idle stays dead, even once its user has logged in again."""
    login(client, "mediator.a1")
    old_cookie = session_cookie(client)
    frozen_clock.advance(minutes=31)
    assert client.get("/").status_code == 302
    assert login(client, "mediator.a1").status_code == 302
    assert client.get("/").status_code == 200
    client.set_cookie("mediation_session", old_cookie)
    assert client.get("/").status_code == 302


def test_the_absolute_limit_runs_from_each_login(client, world, frozen_clock):
    """S7: after the 10 hours a new login starts a new 10-hour session, active until 9 h 59."""
    login(client, "mediator.a1")
    frozen_clock.advance(hours=10, minutes=1)
    assert client.get("/").status_code == 302
    assert login(client, "mediator.a1").status_code == 302
    for _ in range(20):  # a request every 29 minutes: 9 h 40, never idle
        frozen_clock.advance(minutes=29)
        assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=19)  # 9 h 59 after the second login
    assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=2)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target,expected", [
    ("/admin/staff", "/admin/staff"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirect_stays_on_the_site(client, world, target, expected):
    response = client.post("/login?" + __import__("urllib.parse").parse.urlencode({"next": target}),
                           data={"username": "admin.test", "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_anonymous_request_remembers_the_page_path_only(client):
    response = client.get("/admin/staff?page=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/staff"


def test_json_clients_get_401(client):
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401


# Password policy and hashing (S2, S3)

TEXT = ("Les familles viennent au centre de Salé chaque mardi matin; elles repartent avec un plan "
        "signé par les deux parents, qui tient depuis l'hiver 2025 sans retour au tribunal de première instance.")


@pytest.mark.parametrize("password,accepted", [
    (TEXT[:14], False),
    (TEXT[:15], True),
    (TEXT[:128], True),
    (TEXT[:129], False),
    ("كلمة سر عربية طويلة جدا", True),
    ("mot de passe élégant à Fès", True),
])
def test_password_policy(app, password, accepted):
    with app.app_context():
        assert (passwords.policy_error(password) is None) is accepted


def test_arabic_and_accented_passwords_verify_and_trailing_space_counts(app):
    with app.app_context():
        for password in ("كلمة سر عربية طويلة جدا", "mot de passe élégant à Fès"):
            stored = passwords.hash_password(password)
            assert passwords.verify_password(stored, password)
            assert not passwords.verify_password(stored, password + " ")
            if password.upper() != password:  # Arabic script has no case
                assert not passwords.verify_password(stored, password.upper())


def test_production_hash_parameters(app):
    stored = passwords._HASHERS["rfc9106_low_memory"].hash("a long enough password")
    match = re.match(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)", stored)
    assert match and int(match[1]) >= 65536 and int(match[2]) >= 3 and int(match[3]) == 4


def test_an_over_long_password_is_never_hashed(app, client, world, monkeypatch):
    calls = []
    real = passwords.hasher

    class Spy:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(real(), name)

    monkeypatch.setattr(passwords, "hasher", lambda: Spy())
    login(client, "mediator.a1", "x" * 129)
    assert "verify" not in calls and "hash" not in calls


def test_hash_is_upgraded_at_login_when_parameters_rise(app, client, world):
    from argon2 import PasswordHasher

    weaker = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        user.password_hash = weaker.hash(PASSWORD)
        db.session.commit()
        old = user.password_hash
    assert login(client, "mediator.a1").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        assert user.password_hash != old
        assert passwords.verify_password(user.password_hash, PASSWORD)
