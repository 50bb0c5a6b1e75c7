"""TOTP second factor and recovery codes (docs/security.md, S1, S5)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from mediation.auth import second_factor
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.auth.helpers import code_at, enrol, user_named
from tests.conftest import PASSWORD, login


def test_enrolment_shows_a_server_drawn_qr_code_and_the_secret(app, client, world):
    login(client, "mediator.a1")
    assert "Start" in client.get("/profile/second-factor?lang=en").get_data(as_text=True)
    assert user_named(app, "mediator.a1").totp_pending_secret is None, "GET changes nothing"
    client.post("/profile/second-factor", data={"action": "start", "confirm-password": PASSWORD})
    page = client.get("/profile/second-factor?lang=en").get_data(as_text=True)
    secret = user_named(app, "mediator.a1").totp_pending_secret
    assert len(secret) == 32  # 160 bits in base32
    assert 'src="data:image/svg+xml;base64,' in page
    shown = re.search(r'<code class="secret"[^>]*>(.*?)</code>', page).group(1)
    assert re.sub(r"<[^>]+>", "", shown) == " ".join(secret[i:i + 4] for i in range(0, 32, 4))


def test_the_secret_is_encrypted_at_rest(app, client, world):
    secret, _ = enrol(app, client, "mediator.a1")
    with app.app_context():
        raw = db.session.execute(text("SELECT totp_secret FROM staff_user WHERE username = 'mediator.a1'")).scalar()
    assert secret.encode() not in bytes(raw)


def test_enrolment_gives_ten_recovery_codes(app, client, world):
    _, codes = enrol(app, client, "mediator.a1")
    assert len(codes) == 10 and len(set(codes)) == 10


def test_login_asks_for_the_code_and_no_session_exists_before_it(app, client, world):
    secret, _ = enrol(app, client, "mediator.a1")
    response = login(client, "mediator.a1")
    assert response.headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302, "no session without the code"
    response = client.post("/login/code", data={"code": code_at(secret, clock.timestamp())})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_once_even_after_logout(app, client, world):
    secret, _ = enrol(app, client, "mediator.a1")
    code = code_at(secret, clock.timestamp())
    login(client, "mediator.a1")
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    login(client, "mediator.a1")
    assert client.post("/login/code", data={"code": code}).status_code == 401


def test_a_code_is_refused_again_after_a_failed_attempt(app, client, world):
    secret, _ = enrol(app, client, "mediator.a1")
    code = code_at(secret, clock.timestamp())
    login(client, "mediator.a1")
    assert client.post("/login/code", data={"code": "000000" if code != "000000" else "111111"}).status_code == 401
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    login(client, "mediator.a1")
    assert client.post("/login/code", data={"code": code}).status_code == 401


def test_window_previous_step_passes_once_and_three_steps_back_is_refused(app, world):
    secret = second_factor.new_secret()
    with app.app_context():
        user = db.session.scalar(select(type(user_named(app, "mediator.a1"))).where(
            text("username = 'mediator.a1'")))
        user.totp_secret = secret
        db.session.flush()
        now = clock.timestamp()
        assert not second_factor.verify_code(db.session, user, secret, code_at(secret, now - 90), now)
        assert second_factor.verify_code(db.session, user, secret, code_at(secret, now - 30), now)
        assert not second_factor.verify_code(db.session, user, secret, code_at(secret, now - 30), now)
        assert second_factor.verify_code(db.session, user, secret, code_at(secret, now + 30), now)
        db.session.rollback()


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5x"])
def test_malformed_codes_are_refused_without_a_500(app, client, world, code):
    enrol(app, client, "mediator.a1")
    login(client, "mediator.a1")
    response = client.post("/login/code", data={"code": code})
    assert response.status_code in (200, 401)
    assert client.get("/").status_code == 302


def test_a_recovery_code_works_once(app, client, world):
    _, codes = enrol(app, client, "mediator.a1")
    login(client, "mediator.a1")
    assert client.post("/login/code", data={"code": codes[3].upper()}).status_code == 302
    client.post("/logout")
    login(client, "mediator.a1")
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 401
    assert client.post("/login/code", data={"code": codes[4]}).status_code == 302


def test_the_half_way_state_expires_after_five_minutes(app, client, world, frozen_clock):
    secret, _ = enrol(app, client, "mediator.a1")
    login(client, "mediator.a1")
    frozen_clock.advance(minutes=5, seconds=1)
    response = client.post("/login/code", data={"code": code_at(secret, clock.timestamp())})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_required_second_factor_makes_enrolment_part_of_login(app, client, world):
    app.config["MEDIATION_REQUIRE_2FA"] = True
    try:
        response = login(client, "supervisor.a")
        assert response.headers["Location"] == "/login/enrol"
        assert client.get("/").status_code == 302
        client.post("/login/enrol", data={"action": "start"})
        secret = user_named(app, "supervisor.a").totp_pending_secret
        page = client.post("/login/enrol", data={"code": code_at(secret, clock.timestamp())})
        assert page.status_code == 200 and page.get_data(as_text=True).count("<code>") == 10
        assert client.get("/").status_code == 200
        assert user_named(app, "supervisor.a").has_second_factor
    finally:
        app.config["MEDIATION_REQUIRE_2FA"] = False


def test_admin_reset_removes_the_factor_ends_sessions_and_is_audited(app, client, world):
    enrol(app, client, "mediator.a1")
    other = app.test_client()
    login(other, "mediator.a1")  # pending: the code is still asked
    with app.app_context():
        target = db.session.scalar(select(type(user_named(app, "admin.test"))).where(text("username = 'mediator.a1'")))
        admin = db.session.scalar(select(type(target)).where(text("username = 'admin.test'")))
        second_factor.reset_second_factor(db.session, target, actor=admin)
        db.session.commit()
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert event.action == "second_factor_reset" and event.entity_id == str(target.public_id)
    assert not user_named(app, "mediator.a1").has_second_factor
    assert other.post("/login/code", data={"code": "123456"}).headers["Location"] == "/login"
    assert login(client, "mediator.a1").headers["Location"] == "/"


# Second-factor changes ask for the password again (S5)


def test_starting_an_enrolment_from_the_profile_asks_for_the_password(app, client, world):
    login(client, "mediator.a1")
    for typed in ("", "not-the-password-at-all"):
        response = client.post("/profile/second-factor?lang=en", data={"action": "start", "confirm-password": typed})
        assert response.status_code == 422
        assert user_named(app, "mediator.a1").totp_pending_secret is None, "no secret without the password"
    assert "This password is not correct." in response.get_data(as_text=True)
    response = client.post("/profile/second-factor", data={"action": "start", "confirm-password": PASSWORD})
    assert response.status_code == 302 and user_named(app, "mediator.a1").totp_pending_secret is not None


def test_new_recovery_codes_ask_for_the_password(app, client, world):
    _, codes = enrol(app, client, "mediator.a1")
    login(client, "mediator.a1")
    client.post("/login/code", data={"code": codes[0]})
    page = client.get("/profile/recovery-codes?lang=en")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    refused = client.post("/profile/recovery-codes?lang=en", data={"password": "wrong password, fifteen+"})
    assert refused.status_code == 422 and "This password is not correct." in refused.get_data(as_text=True)
    issued = client.post("/profile/recovery-codes", data={"password": PASSWORD})
    fresh = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", issued.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)


def test_wrong_confirmations_count_towards_the_lockout(app, client, world):
    from mediation.auth.services import is_locked
    from mediation.core import clock

    login(client, "mediator.a1")
    for _ in range(5):
        client.post("/profile/second-factor", data={"action": "start", "confirm-password": "wrong password, twice"})
    with app.app_context():
        assert is_locked(db.session, "mediator.a1", clock.now())
    # Locked, even the right password no longer confirms.
    response = client.post("/profile/second-factor", data={"action": "start", "confirm-password": PASSWORD})
    assert response.status_code == 422
    assert user_named(app, "mediator.a1").totp_pending_secret is None


def test_a_recovery_code_check_reads_only_argon2s_refusals_as_no_match(app, world, monkeypatch):
    """A mismatch or an unreadable stored hash is "no match"; any other error is not swallowed."""
    from mediation.auth.models import RecoveryCode

    with app.app_context():
        user = db.session.scalar(select(type(user_named(app, "mediator.a1"))).where(
            text("username = 'mediator.a1'")))
        codes = second_factor.issue_recovery_codes(db.session, user)
        first = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).first()
        first.code_hash = "not-an-argon2-hash"
        db.session.flush()
        assert not second_factor.use_recovery_code(db.session, user, "aaaa-bbbb-cccc")  # mismatches only
        assert second_factor.use_recovery_code(db.session, user, codes[1])

        class Broken:
            def verify(self, stored, candidate):
                raise RuntimeError("the database went away")

        monkeypatch.setattr(second_factor, "hasher", lambda: Broken())
        with pytest.raises(RuntimeError):
            second_factor.use_recovery_code(db.session, user, codes[2])
        db.session.rollback()
