"""With CSRF on, the administration forms and buttons carry a token that works."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.demo.data import DEMO_PASSWORD
from mediation.extensions import db

pytestmark = pytest.mark.no_db_transaction


@pytest.fixture(scope="module")
def csrf_app(fresh_app):
    return fresh_app(demo=True, WTF_CSRF_ENABLED=True)


def tokens_in(page: str) -> list[str]:
    return re.findall(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)


def logged_in(app, username: str):
    client = app.test_client()
    token = tokens_in(client.get("/login").get_data(as_text=True))[0]
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def public_id(app, username: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(StaffUser.public_id).where(StaffUser.username == username)))


def test_account_buttons_and_forms_carry_working_tokens(csrf_app):
    client = logged_in(csrf_app, "supervisor.a")
    target = public_id(csrf_app, "mediator.a1")
    detail = client.get(f"/admin/staff/{target}").get_data(as_text=True)
    tokens = tokens_in(detail)
    assert len(tokens) >= 4  # logout, end sessions, reset code, deactivate
    assert client.post(f"/admin/staff/{target}/end-sessions").status_code == 400  # no token: refused
    assert client.post(f"/admin/staff/{target}/end-sessions", data={"csrf_token": tokens[1]}).status_code == 302

    form = client.get(f"/admin/staff/{target}/edit").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
    response = client.post(f"/admin/staff/{target}/edit", data={
        "csrf_token": token, "display_name": "Karim Benali", "email": "", "profession": "mediator"})
    assert response.status_code == 302


def test_association_and_service_point_forms_carry_working_tokens(csrf_app):
    client = logged_in(csrf_app, "admin")
    page = client.get("/admin/associations/new").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post("/admin/associations/new", data={
        "csrf_token": token, "name_ar": "جمعية الوفاء", "name_fr": "Association Al Wafae", "region_code": "MA-03",
        "province_code": "MA-FES", "active": "y"})
    assert response.status_code == 302
    page = client.get("/admin/service-points/new").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    association = response.headers["Location"].rsplit("/", 1)[1]
    response = client.post("/admin/service-points/new", data={
        "csrf_token": token, "association": association, "code": "FES-09", "kind": "other",
        "name_ar": "فضاء فاس", "name_fr": "Espace Fès", "region_code": "", "province_code": "", "active": "y"})
    assert response.status_code == 302
