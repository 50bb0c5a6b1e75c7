"""Staff accounts: who may create and change which account, and the S8 session rules."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from mediation.accounts import services
from mediation.accounts import staff as staff_accounts
from mediation.accounts.models import StaffUser
from mediation.auth.models import PasswordResetToken
from mediation.auth.services import reset_password_with_token
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.core.authz import Role
from mediation.extensions import db
from tests.admin.support import (
    STRONG_PASSWORD,
    audit_events,
    count,
    counts,
    last_seq,
    logged_out,
    translated,
    user_by_username,
)
from tests.conftest import PASSWORD, login


def new_account(**changes) -> dict:
    return {
        "username": "Karima.Bennani",
        "display_name": "كريمة بناني",
        "email": "karima@example.ma",
        "profession": "social_worker",
        "password": STRONG_PASSWORD,
        "confirmation": STRONG_PASSWORD,
        **changes,
    }


def edit_data(user: StaffUser, **changes) -> dict:
    data = {
        "display_name": user.display_name,
        "email": user.email or "",
        "profession": user.profession or "",
    }
    return {**data, **changes}


# Creating accounts


def test_admin_creates_a_supervisor_in_arabic(app, login_as, world):
    client = login_as("admin")
    seq = last_seq(app)
    response = client.post("/admin/staff/new?lang=ar", data=new_account(
        role="supervisor", association=world.association_public_ids["B"], profession=""))
    assert response.status_code == 302
    user = user_by_username(app, "karima.bennani")  # stored case-folded
    assert (user.role, user.association_id, user.profession) == (Role.SUPERVISOR, world.association_b, None)
    assert response.headers["Location"] == f"/admin/staff/{user.public_id}"
    page = client.get(response.headers["Location"] + "?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert translated(app, "ar", "The account has been created.") in page
    assert "مشرف(ة)" in page and "كريمة بناني" in page  # the role in Arabic, the name as typed
    events = audit_events(app, seq)
    assert [(e.action, e.entity, e.entity_id) for e in events] == [("create", "staff_user", str(user.public_id))]
    assert b"karima" not in events[0].body.lower() and "كريمة".encode() not in events[0].body


def test_admin_creates_a_ministry_analyst_without_association(app, login_as, world):
    client = login_as("admin")
    response = client.post("/admin/staff/new", data=new_account(role="ministry", association="", profession="",
                                                              display_name="Karima Bennani"))
    assert response.status_code == 302
    user = user_by_username(app, "karima.bennani")
    assert user.role == Role.MINISTRY and user.association_id is None


@pytest.mark.parametrize("changes, field", [
    ({"role": "ministry", "association": "", "profession": "mediator"}, "profession"),  # only staff have one
    ({"role": "supervisor", "association": ""}, "association"),   # supervisors belong to one
    ({"role": "admin"}, "association"),                           # admins to none
])
def test_incoherent_role_association_profession_is_refused(app, login_as, world, changes, field):
    client = login_as("admin")
    before = counts(app)
    data = new_account(**{"role": "mediator", "association": world.association_public_ids["A"], **changes})
    response = client.post("/admin/staff/new", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert counts(app) == before


def test_supervisor_creates_a_staff_member_of_their_association(app, login_as, world):
    client = login_as("supervisor_a")
    form = client.get("/admin/staff/new?lang=fr").get_data(as_text=True)
    assert 'name="role"' not in form and 'name="association"' not in form
    assert 'value="">' not in form.split('name="profession"')[1].split("</select>")[0]  # a profession is required
    response = client.post("/admin/staff/new?lang=fr", data=new_account())
    assert response.status_code == 302
    user = user_by_username(app, "karima.bennani")
    assert (user.role, user.association_id, user.profession) == (Role.MEDIATOR, world.association_a, "social_worker")
    assert translated(app, "fr", "The account has been created.") in client.get("/?lang=fr").get_data(as_text=True)


def test_supervisor_cannot_create_a_supervisor_or_another_associations_account(app, login_as, world):
    client = login_as("supervisor_a")
    # Forged role and association fields are not part of a supervisor's form: ignored.
    response = client.post("/admin/staff/new", data=new_account(
        role="supervisor", association=world.association_public_ids["B"]))
    assert response.status_code == 302
    user = user_by_username(app, "karima.bennani")
    assert (user.role, user.association_id) == (Role.MEDIATOR, world.association_a)
    assert count(app, StaffUser, StaffUser.role == Role.SUPERVISOR) == 2
    # The service refuses it outright.
    with app.app_context():
        supervisor = db.session.scalar(select(StaffUser).where(StaffUser.username == "supervisor.a"))
        for role, association_id in ((Role.SUPERVISOR, world.association_a), (Role.ADMIN, None),
                                     (Role.MEDIATOR, world.association_b)):
            with pytest.raises(services.NotAllowed):
                staff_accounts.create_staff_user(db.session, staff_accounts.NewStaffUser(
                    "someone.else", "Someone Else", role, STRONG_PASSWORD, association_id,
                    "mediator" if role == Role.MEDIATOR else None), actor=supervisor)
        db.session.rollback()


def test_duplicate_user_name_is_refused_whatever_the_case_and_the_input_kept(app, login_as, world):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post("/admin/staff/new?lang=fr", data=new_account(username="MEDIATOR.B1"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ce nom d&#39;utilisateur est déjà pris." in page or "Ce nom d'utilisateur est déjà pris." in page
    assert 'value="MEDIATOR.B1"' in page and 'value="كريمة بناني"' in page and 'value="karima@example.ma"' in page
    assert STRONG_PASSWORD not in page  # passwords are never sent back
    assert counts(app) == before


@pytest.mark.parametrize("changes, field", [
    ({"confirmation": STRONG_PASSWORD + "x"}, "confirmation"),
    ({"password": "short", "confirmation": "short"}, "password"),
    ({"password": "password123456789", "confirmation": "password123456789"}, "password"),
    # Little more than the person's own name.
    ({"display_name": "Karima Bennani", "password": "karimabennani2024", "confirmation": "karimabennani2024"},
     "password"),
    ({"display_name": "Karima 😀"}, "display_name"),
    ({"display_name": "Карина"}, "display_name"),
    ({"username": "ka"}, "username"),
    ({"username": "karima bennani"}, "username"),
    ({"email": "not-an-address"}, "email"),
])
def test_bad_account_input_is_refused_with_a_field_error(app, login_as, world, changes, field):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post("/admin/staff/new", data=new_account(**changes))
    assert response.status_code in (200, 422)
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert counts(app) == before


def test_a_latin_display_name_with_accents_is_accepted(app, login_as, world):
    response = login_as("supervisor_a").post("/admin/staff/new", data=new_account(display_name="Hélène O'Brien-Saïdi"))
    assert response.status_code == 302


# Scope: 404 outside, 403 inside but not allowed


def test_supervisor_cannot_touch_another_associations_staff(app, login_as, world):
    client = login_as("supervisor_a")
    target = world.user_ids["mediator_b1"]
    before = user_by_username(app, "mediator.b1")
    for method, suffix in (("GET", ""), ("GET", "/edit"), ("POST", "/edit"), ("POST", "/deactivate"),
                           ("POST", "/end-sessions"), ("POST", "/password-reset")):
        response = client.open(f"/admin/staff/{target}{suffix}", method=method,
                               data={"display_name": "Changed", "profession": "psychologist"})
        assert response.status_code == 404, suffix
    after = user_by_username(app, "mediator.b1")
    assert (after.display_name, after.profession, after.active, after.session_version) == (
        before.display_name, before.profession, before.active, before.session_version)
    # Not yours and does not exist look the same.
    unknown = client.get("/admin/staff/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404


def test_supervisor_sees_but_cannot_change_a_supervisor(app, login_as, world):
    client = login_as("supervisor_a")
    own = world.user_ids["supervisor_a"]
    page = client.get(f"/admin/staff/{own}").get_data(as_text=True)
    assert "supervisor.a" in page and "/edit" not in page and "/deactivate" not in page
    assert client.get(f"/admin/staff/{own}/edit").status_code == 403
    assert client.post(f"/admin/staff/{own}/end-sessions").status_code == 403


def test_supervisor_edit_form_offers_no_role_or_association(app, login_as, world):
    client = login_as("supervisor_a")
    url = f"/admin/staff/{world.user_ids['mediator_a1']}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="role"' not in form and 'name="association"' not in form
    user = user_by_username(app, "mediator.a1")
    response = client.post(url, data=edit_data(user, display_name="Karim Benali", role="supervisor",
                                               association=world.association_public_ids["B"]))
    assert response.status_code == 302
    after = user_by_username(app, "mediator.a1")
    assert (after.display_name, after.role, after.association_id) == (
        "Karim Benali", Role.MEDIATOR, world.association_a)


# Sessions end on S8 events


def test_a_role_change_ends_the_targets_sessions(app, login_as, other_client, world):
    target_browser = other_client("mediator_a1")
    client = login_as("admin")
    seq = last_seq(app)
    user = user_by_username(app, "mediator.a1")
    response = client.post(f"/admin/staff/{world.user_ids['mediator_a1']}/edit", data=edit_data(
        user, role="supervisor", association=world.association_public_ids["A"], profession=""))
    assert response.status_code == 302
    assert logged_out(target_browser)
    after = user_by_username(app, "mediator.a1")
    assert after.role == Role.SUPERVISOR and after.session_version == user.session_version + 1
    assert [(e.action, e.entity_id) for e in audit_events(app, seq)] == [("update", world.user_ids["mediator_a1"])]
    assert client.get("/").status_code == 200  # the admin's own session goes on


def test_an_association_or_profession_change_ends_sessions_too(app, login_as, other_client, world):
    client = login_as("admin")
    browser = other_client("mediator_a2")
    user = user_by_username(app, "mediator.a2")
    client.post(f"/admin/staff/{world.user_ids['mediator_a2']}/edit", data=edit_data(
        user, role="mediator", association=world.association_public_ids["B"]))
    assert logged_out(browser)
    assert user_by_username(app, "mediator.a2").association_id == world.association_b

    supervisor = other_client("supervisor_a")
    browser = other_client("mediator_a1")
    user = user_by_username(app, "mediator.a1")
    supervisor.post(f"/admin/staff/{world.user_ids['mediator_a1']}/edit",
                    data=edit_data(user, profession="legal_counsellor"))
    assert logged_out(browser)


def test_a_name_or_email_change_keeps_sessions(app, login_as, other_client, world):
    browser = other_client("mediator_a1")
    client = login_as("supervisor_a")
    user = user_by_username(app, "mediator.a1")
    response = client.post(f"/admin/staff/{world.user_ids['mediator_a1']}/edit",
                           data=edit_data(user, display_name="كريم بنعلي", email="karim@example.ma"))
    assert response.status_code == 302
    assert browser.get("/").status_code == 200
    after = user_by_username(app, "mediator.a1")
    assert (after.display_name, after.email) == ("كريم بنعلي", "karim@example.ma")


def test_an_admin_cannot_change_their_own_role(app, login_as, world):
    client = login_as("admin")
    form = client.get(f"/admin/staff/{world.user_ids['admin']}/edit").get_data(as_text=True)
    assert 'name="role"' not in form
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin.test"))
        with pytest.raises(services.NotAllowed):
            staff_accounts.update_staff_user(db.session, admin, staff_accounts.StaffChanges(
                admin.display_name, None, None, Role.MINISTRY, None), actor=admin)
        db.session.rollback()


def test_deactivation_ends_sessions_and_blocks_login_until_reactivated(app, login_as, other_client, world):
    browser = other_client("mediator_a1")
    client = login_as("supervisor_a")
    seq = last_seq(app)
    url = f"/admin/staff/{world.user_ids['mediator_a1']}"
    response = client.post(url + "/deactivate?lang=fr")
    assert response.status_code == 302 and response.headers["Location"] == url
    assert [(e.action, e.entity_id) for e in audit_events(app, seq)] == [("update", world.user_ids["mediator_a1"])]
    assert logged_out(browser)
    assert login(browser, "mediator.a1").status_code == 401
    user = user_by_username(app, "mediator.a1")
    assert user is not None and user.active is False  # kept, never deleted
    page = client.get(url + "?lang=fr").get_data(as_text=True)
    assert translated(app, "fr", "The account has been deactivated and its sessions ended.") in page
    assert "Inactif" in page and "/reactivate" in page

    assert client.post(url + "/reactivate").status_code == 302
    assert login(browser, "mediator.a1").status_code == 302


def test_nobody_deactivates_their_own_account(app, login_as, world):
    client = login_as("admin")
    url = f"/admin/staff/{world.user_ids['admin']}"
    assert "/deactivate" not in client.get(url).get_data(as_text=True)
    response = client.post(url + "/deactivate?lang=en")
    assert response.status_code == 302
    assert user_by_username(app, "admin.test").active is True
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "You cannot deactivate or reactivate your own account." in page


def test_end_all_sessions(app, login_as, other_client, world):
    browser = other_client("mediator_a2")
    client = login_as("supervisor_a")
    seq = last_seq(app)
    assert client.post(f"/admin/staff/{world.user_ids['mediator_a2']}/end-sessions").status_code == 302
    assert logged_out(browser)
    assert [e.action for e in audit_events(app, seq)] == ["sessions_ended"]
    assert login(browser, "mediator.a2").status_code == 302  # they may log in again


def test_admin_resets_a_lost_second_factor(app, login_as, other_client, world):
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.b1"))
        user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        user.totp_enabled_at = clock.now()
        db.session.commit()
    client = login_as("admin")
    url = f"/admin/staff/{world.user_ids['mediator_b1']}"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Reset second factor" in page and ">Set up<" in page
    seq = last_seq(app)
    assert client.post(url + "/second-factor-reset").status_code == 302
    after = user_by_username(app, "mediator.b1")
    assert after.totp_enabled_at is None and after.totp_secret is None
    assert [e.action for e in audit_events(app, seq)] == ["second_factor_reset"]


def test_supervisors_cannot_reset_a_second_factor(login_as, world):
    client = login_as("supervisor_a")
    assert client.post(f"/admin/staff/{world.user_ids['mediator_a1']}/second-factor-reset").status_code == 403


# The reset code


class Grab(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(repr(record.__dict__) + self.format(record))


def test_reset_code_is_shown_once_and_nowhere_else(app, login_as, world):
    client = login_as("supervisor_a")
    grab = Grab()
    loggers = [logging.getLogger(), logging.getLogger("mediation"), app.logger]
    for logger in loggers:
        logger.addHandler(grab)
    try:
        url = f"/admin/staff/{world.user_ids['mediator_a1']}"
        response = client.post(url + "/password-reset?lang=fr")
    finally:
        for logger in loggers:
            logger.removeHandler(grab)
    assert response.status_code == 200 and "Location" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    token = re.search(r'<code dir="ltr" translate="no">([^<]*)</code>', page)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", token)

    # Not in the logs, the audit trail or the token table (only its hash is kept).
    assert grab.records and not any(token in line for line in grab.records)
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent)):
            assert token.encode() not in event.body
            assert token not in repr([getattr(event, name) for name in ("entity", "entity_id", "request_id")])
        rows = db.session.scalars(select(PasswordResetToken)).all()
        assert len(rows) == 1 and token.encode() not in rows[0].token_hash
    assert [e.action for e in audit_events(app, last_seq(app) - 1)] == ["password_reset_issued"]

    # Not in any later page, flash messages included.
    for later in (url, "/admin/staff", "/", url + "/edit"):
        assert token not in client.get(later).get_data(as_text=True)

    # It is a real code: the person sets a new password with it, once.
    with app.app_context():
        reset_password_with_token(db.session, "mediator.a1", token, STRONG_PASSWORD, STRONG_PASSWORD)
        db.session.commit()
    assert login(app.test_client(), "mediator.a1", STRONG_PASSWORD).status_code == 302
    assert login(app.test_client(), "mediator.a1", PASSWORD).status_code == 401


def test_a_new_reset_code_voids_the_previous_one_and_ends_sessions(app, login_as, other_client, world):
    browser = other_client("mediator_a1")
    client = login_as("admin")
    url = f"/admin/staff/{world.user_ids['mediator_a1']}/password-reset"
    first = re.search(r'translate="no">([^<]*)<', client.post(url).get_data(as_text=True))[1]
    second = re.search(r'translate="no">([^<]*)<', client.post(url).get_data(as_text=True))[1]
    assert first != second
    assert logged_out(browser)
    with app.app_context():
        from mediation.auth.services import InvalidResetToken

        with pytest.raises(InvalidResetToken):
            reset_password_with_token(db.session, "mediator.a1", first, STRONG_PASSWORD, STRONG_PASSWORD)
        db.session.rollback()


def test_no_reset_code_for_an_inactive_account(app, login_as, world):
    client = login_as("admin")
    url = f"/admin/staff/{world.user_ids['mediator_b1']}"
    client.post(url + "/deactivate")
    response = client.post(url + "/password-reset")
    assert response.status_code == 302
    assert count(app, PasswordResetToken) == 0


# Lists and filters


def usernames_in(page: str, world) -> set[str]:
    return {name for name in world.usernames.values() if f">{name}<" in page}


def test_admin_filters_by_association_role_and_status(app, login_as, world):
    client = login_as("admin")
    b = world.association_public_ids["B"]
    assert usernames_in(client.get(f"/admin/staff?association={b}").get_data(as_text=True), world) == {
        "supervisor.b", "mediator.b1"}
    assert usernames_in(client.get("/admin/staff?role=supervisor").get_data(as_text=True), world) == {
        "supervisor.a", "supervisor.b"}
    client.post(f"/admin/staff/{world.user_ids['mediator_a2']}/deactivate")
    assert usernames_in(client.get("/admin/staff?active=0").get_data(as_text=True), world) == {"mediator.a2"}
    assert "mediator.a2" not in usernames_in(client.get("/admin/staff?active=1").get_data(as_text=True), world)
    # Nonsense filters are ignored, never an error.
    response = client.get("/admin/staff?role=%00&active=maybe&association=nope")
    assert response.status_code == 200 and usernames_in(response.get_data(as_text=True), world) == set(
        world.usernames.values())


def test_supervisor_list_stays_in_their_association_whatever_the_filter(login_as, world):
    client = login_as("supervisor_a")
    page = client.get(f"/admin/staff?association={world.association_public_ids['B']}").get_data(as_text=True)
    assert usernames_in(page, world) == {"supervisor.a", "mediator.a1", "mediator.a2"}
    assert usernames_in(client.get("/admin/staff?role=mediator").get_data(as_text=True), world) == {
        "mediator.a1", "mediator.a2"}


def test_pagination_keeps_the_filters(app, login_as, world):
    with app.app_context():
        for number in range(51):
            staff_accounts.create_staff_user(db.session, staff_accounts.NewStaffUser(
                f"staff.{number:02}", "Staff Member", Role.MEDIATOR, STRONG_PASSWORD,
                world.association_a, "mediator"), actor=None)
        db.session.commit()
    client = login_as("admin")
    a = world.association_public_ids["A"]
    first = client.get(f"/admin/staff?association={a}&role=mediator&active=1").get_data(as_text=True)
    assert f'href="/admin/staff?page=2&amp;association={a}&amp;role=mediator&amp;active=1"' in first
    second = client.get(f"/admin/staff?page=2&association={a}&role=mediator&active=1").get_data(as_text=True)
    # 53 mediators of A: 50 on the first page, 3 on the second, none from B.
    assert len(re.findall(r'href="/admin/staff/[0-9a-f-]{36}"', second)) == 3 and "mediator.b1" not in second
