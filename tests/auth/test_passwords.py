"""Password change and reset with a single-use code (S2, S5, S8)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.accounts.passwords import policy_error
from mediation.auth import services
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.auth.helpers import enrol
from tests.conftest import PASSWORD, login

NEW = "une nouvelle phrase de passe solide"


def issue_code(app, target: str, actor: str = "admin.test") -> str:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == target))
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == actor))
        token = services.issue_password_reset(db.session, user, actor=admin)
        db.session.commit()
        return token


@pytest.mark.parametrize("password", ["mailcreated5240", "password12345678", "passwordpassword",
                                      "1234567890123456", "jisr al-usra 2026"])
def test_listed_and_guessable_passwords_are_refused(app, password):
    with app.app_context():
        assert policy_error(password) is not None


def test_passwords_built_from_the_user_name_are_refused(app, client, world):
    login(client, "mediator.a1")
    response = client.post("/profile/password?lang=en", data={
        "current_password": PASSWORD, "new_password": "mediator.a1 2026!", "confirmation": "mediator.a1 2026!"})
    assert "Do not build the password from your name" in response.get_data(as_text=True)


def test_change_needs_the_current_password_and_keeps_the_form(app, client, world):
    login(client, "mediator.a1")
    response = client.post("/profile/password?lang=fr", data={
        "current_password": "not the password at all", "new_password": NEW, "confirmation": NEW})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Le mot de passe actuel est incorrect." in page
    assert login(app.test_client(), "mediator.a1").status_code == 302, "nothing changed"


def test_mismatched_confirmation_is_refused(app, client, world):
    login(client, "mediator.a1")
    response = client.post("/profile/password?lang=en", data={
        "current_password": PASSWORD, "new_password": NEW, "confirmation": NEW + "x"})
    assert "The two new passwords differ." in response.get_data(as_text=True)


def test_a_password_change_logs_out_the_other_browser_but_not_this_one(app, client, world):
    other = app.test_client()
    login(other, "mediator.a1")
    login(client, "mediator.a1")
    response = client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": NEW, "confirmation": NEW})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert login(app.test_client(), "mediator.a1", NEW).status_code == 302
    assert login(app.test_client(), "mediator.a1", PASSWORD).status_code == 401


def test_end_my_other_sessions(app, client, world):
    other = app.test_client()
    login(other, "supervisor.a")
    login(client, "supervisor.a")
    assert client.post("/profile/sessions/end-others").status_code == 302
    assert client.get("/").status_code == 200 and other.get("/").status_code == 302


def test_reset_code_is_256_bits_single_use_and_stored_hashed(app, client, world):
    token = issue_code(app, "mediator.a1")
    assert len(token) >= 43
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)).all()
        assert all(token.encode() not in event.body for event in events)
        from mediation.auth.models import PasswordResetToken
        assert all(token.encode() not in row.token_hash for row in db.session.scalars(select(PasswordResetToken)))
    data = {"username": "mediator.a1", "token": token, "new_password": NEW, "confirmation": NEW}
    assert client.post("/password/reset", data=data).headers["Location"] == "/login"
    assert login(client, "mediator.a1", NEW).status_code == 302
    client.post("/logout")
    again = client.post("/password/reset?lang=en",
                        data={**data, "new_password": NEW + " two", "confirmation": NEW + " two"})
    assert "This reset code is not valid" in again.get_data(as_text=True)


def test_an_expired_code_is_refused(app, client, world, frozen_clock):
    token = issue_code(app, "mediator.a1")
    frozen_clock.advance(hours=24, seconds=1)
    response = client.post("/password/reset?lang=en", data={
        "username": "mediator.a1", "token": token, "new_password": NEW, "confirmation": NEW})
    assert "This reset code is not valid" in response.get_data(as_text=True)


def code_from_the_admin_page(app, persona_client, target_public_id: str) -> str:
    """The code as the administrator sees it, to hand over in person (S5)."""
    page = persona_client.post(f"/admin/staff/{target_public_id}/password-reset").get_data(as_text=True)
    return re.search(r'<code dir="ltr" translate="no">([^<]*)</code>', page)[1]


def test_a_real_code_from_the_admin_page_works_through_the_reset_page_within_24_hours(app, world, frozen_clock):
    """The whole flow with time travel: issued on the admin page, redeemed 23 h 59 later on the reset page
    by the person, who then logs in with the new password; a second code redeemed after 24 h 01 fails."""
    admin = app.test_client()
    assert login(admin, "admin.test").status_code == 302
    code = code_from_the_admin_page(app, admin, world.user_ids["mediator_a1"])
    frozen_clock.advance(hours=23, minutes=59)
    person = app.test_client()
    form = person.get("/password/reset?lang=en")
    assert form.status_code == 200 and 'name="token"' in form.get_data(as_text=True)
    response = person.post("/password/reset?lang=en", data={
        "username": "mediator.a1", "token": code, "new_password": NEW, "confirmation": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert login(person, "mediator.a1", PASSWORD).status_code == 401, "the old password is gone"
    assert login(person, "mediator.a1", NEW).status_code == 302

    admin = app.test_client()  # the administrator's first session went idle long ago
    assert login(admin, "admin.test").status_code == 302
    late = code_from_the_admin_page(app, admin, world.user_ids["mediator_a2"])
    frozen_clock.advance(hours=24, minutes=1)
    response = app.test_client().post("/password/reset?lang=en", data={
        "username": "mediator.a2", "token": late, "new_password": NEW, "confirmation": NEW})
    assert "This reset code is not valid" in response.get_data(as_text=True)
    assert login(app.test_client(), "mediator.a2", PASSWORD).status_code == 302, "the password is unchanged"


def test_a_code_for_another_account_is_refused(app, client, world):
    token = issue_code(app, "mediator.a1")
    response = client.post("/password/reset?lang=en", data={
        "username": "mediator.a2", "token": token, "new_password": NEW, "confirmation": NEW})
    assert "This reset code is not valid" in response.get_data(as_text=True)
    assert 'value="mediator.a2"' in response.get_data(as_text=True), "the input is kept"


def test_issuing_a_code_ends_the_sessions_and_older_codes(app, client, world):
    login(client, "mediator.a1")
    first = issue_code(app, "mediator.a1")
    assert client.get("/").status_code == 302
    issue_code(app, "mediator.a1")
    response = client.post("/password/reset?lang=en", data={
        "username": "mediator.a1", "token": first, "new_password": NEW, "confirmation": NEW})
    assert "This reset code is not valid" in response.get_data(as_text=True)


def test_a_reset_never_skips_the_second_factor(app, client, world):
    enrol(app, client, "mediator.a1")
    token = issue_code(app, "mediator.a1")
    client.post("/password/reset", data={"username": "mediator.a1", "token": token,
                                         "new_password": NEW, "confirmation": NEW})
    assert login(client, "mediator.a1", NEW).headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302


def test_profile_saves_name_email_and_language(app, client, world):
    login(client, "mediator.a1")
    response = client.post("/profile", data={"display_name": "كريم بنعلي", "email": "k@example.org", "locale": "fr"})
    assert response.status_code == 302
    assert "كريم بنعلي" in client.get("/profile").get_data(as_text=True)
    assert 'lang="fr"' in client.get("/").get_data(as_text=True)


def test_profile_refuses_bad_email_and_keeps_input(app, client, world):
    login(client, "mediator.a1")
    response = client.post("/profile?lang=en", data={"display_name": "Karim", "email": "not-an-email", "locale": "en"})
    page = response.get_data(as_text=True)
    assert "Enter a valid e-mail address." in page and 'value="not-an-email"' in page
