"""Generated input against every administration form: never a 500, nothing half-saved (S16)."""

from __future__ import annotations

import io
from uuid import UUID

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.extensions import db
from tests.admin.support import STRONG_PASSWORD, counts
from tests.strategies import FUZZ, nasty_text, sometimes

REGIONS = [f"MA-{number:02}" for number in range(1, 13)]
PROVINCES = ["", "MA-RAB", "MA-AGD", "MA-CAS", "MA-TIZ"]
KINDS = ["jisr_al_usra", "mediation_centre", "listening_centre", "other"]
ROLES = ["", "admin", "ministry", "supervisor", "mediator"]
PROFESSIONS = ["", "mediator", "psychologist", "social_worker", "legal_counsellor"]

association_form = st.fixed_dictionaries({
    "name_ar": sometimes("جمعية الأمل"),
    "name_fr": sometimes("Association Al Amal"),
    "region_code": sometimes(*REGIONS, ""),
    "province_code": sometimes(*PROVINCES),
    "address": sometimes("", "1, rue de Fès"),
    "phone": sometimes("", "+212 600 000 000"),
    "email": sometimes("", "a@b.ma"),
    "cndp_declaration_no": sometimes("", "D-123"),
    "cndp_declaration_on": sometimes("", "2025-01-31", "2999-01-01", "31/01/2025"),
    "active": sometimes("", "y"),
}, optional={"id": nasty_text, "public_id": nasty_text})

service_point_form = st.fixed_dictionaries({
    "code": sometimes("RBT-01", "NEW-1", "new-2", "A"),
    "kind": sometimes(*KINDS),
    "name_ar": sometimes("فضاء"),
    "name_fr": sometimes("Espace"),
    "region_code": sometimes(*REGIONS, ""),
    "province_code": sometimes(*PROVINCES),
    "active": sometimes("", "y"),
}, optional={"association": nasty_text, "association_id": nasty_text})

staff_form = st.fixed_dictionaries({
    "role": sometimes(*ROLES),
    "association": nasty_text,  # filled with a real id by the test, or kept as garbage
    "profession": sometimes(*PROFESSIONS),
    "username": sometimes("new.person", "MEDIATOR.A1"),
    "display_name": sometimes("Nadia Alaoui", "نادية العلوي"),
    "email": sometimes("", "n@example.ma"),
    "password": sometimes(STRONG_PASSWORD, "short"),
    "confirmation": sometimes(STRONG_PASSWORD),
}, optional={"session_version": nasty_text, "active": nasty_text})


def check(response, app, before, *, saved_rows: int):
    """Refused: everything as before. Accepted: exactly one row and its audit event more."""
    assert response.status_code in (200, 302, 422), response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    after = counts(app)
    if response.status_code == 302:
        assert sum(after) - sum(before) == saved_rows
    else:
        assert after == before
        assert 'method="post"' in body


def snapshot(app, model, public_id: str):
    with app.app_context():
        row = db.session.scalar(select(model).where(model.public_id == UUID(public_id)))
        return {column.key: getattr(row, column.key) for column in model.__table__.columns}


GOOD_ASSOCIATION = {"name_ar": "جمعية الأمل", "name_fr": "Association Al Amal", "region_code": "MA-09",
                    "province_code": "MA-TIZ", "active": "y"}
GOOD_SERVICE_POINT = {"code": "new-1", "kind": "other", "name_ar": "فضاء", "name_fr": "Espace", "region_code": "",
                      "province_code": "", "active": "y"}
GOOD_STAFF = {"role": "mediator", "profession": "psychologist", "username": "New.Person",
              "display_name": "نادية العلوي", "email": "", "password": STRONG_PASSWORD,
              "confirmation": STRONG_PASSWORD}


@FUZZ
@given(data=association_form)
@example(data=GOOD_ASSOCIATION)  # the accepted path is always exercised
def test_association_form_never_fails(app, login_as, world, data):
    client = login_as("admin")
    before = counts(app)
    check(client.post("/admin/associations/new", data=data), app, before, saved_rows=2)


@FUZZ
@given(data=association_form)
@example(data=GOOD_ASSOCIATION)
def test_association_edit_never_fails(app, login_as, world, data):
    client = login_as("admin")
    public_id = world.association_public_ids["A"]
    before, row = counts(app), snapshot(app, Association, public_id)
    response = client.post(f"/admin/associations/{public_id}/edit", data=data)
    check(response, app, before, saved_rows=1)  # the audit event
    if response.status_code != 302:
        assert snapshot(app, Association, public_id) == row


@FUZZ
@given(data=service_point_form, pick=st.sampled_from(["A", "B", "garbage"]))
@example(data=GOOD_SERVICE_POINT, pick="B")
def test_service_point_form_never_fails(app, login_as, world, data, pick):
    client = login_as("admin")
    if pick != "garbage":
        data = {**data, "association": world.association_public_ids[pick]}
    before = counts(app)
    check(client.post("/admin/service-points/new", data=data), app, before, saved_rows=2)


@FUZZ
@given(data=service_point_form)
@example(data=GOOD_SERVICE_POINT)
def test_service_point_edit_never_fails(app, login_as, world, data):
    client = login_as("supervisor_a")
    public_id = world.service_point_ids["A"]
    before, row = counts(app), snapshot(app, ServicePoint, public_id)
    response = client.post(f"/admin/service-points/{public_id}/edit", data=data)
    check(response, app, before, saved_rows=1)
    after = snapshot(app, ServicePoint, public_id)
    assert after["code"] == "RBT-01" and after["association_id"] == world.association_a
    if response.status_code != 302:
        assert after == row


@FUZZ
@given(data=staff_form, pick=st.sampled_from(["A", "B", "garbage"]), persona=st.sampled_from(["admin", "supervisor_a"]))
@example(data=GOOD_STAFF, pick="A", persona="admin")
@example(data=GOOD_STAFF, pick="B", persona="supervisor_a")
def test_staff_form_never_fails(app, login_as, world, data, pick, persona):
    client = login_as(persona)
    if pick != "garbage":
        data = {**data, "association": world.association_public_ids[pick]}
    before = counts(app)
    response = client.post("/admin/staff/new", data=data)
    check(response, app, before, saved_rows=2)
    if response.status_code == 302 and persona == "supervisor_a":
        with app.app_context():
            newest = db.session.scalars(select(StaffUser).order_by(StaffUser.id.desc())).first()
            assert (newest.role, newest.association_id) == ("mediator", world.association_a)


@FUZZ
@given(data=staff_form, pick=st.sampled_from(["A", "B", "garbage"]))
@example(data=GOOD_STAFF, pick="B")
def test_staff_edit_never_fails(app, login_as, world, data, pick):
    client = login_as("admin")
    if pick != "garbage":
        data = {**data, "association": world.association_public_ids[pick]}
    public_id = world.user_ids["mediator_a2"]
    before, row = counts(app), snapshot(app, StaffUser, public_id)
    response = client.post(f"/admin/staff/{public_id}/edit", data=data)
    check(response, app, before, saved_rows=1)
    after = snapshot(app, StaffUser, public_id)
    assert (after["username"], after["password_hash"], after["active"]) == (
        row["username"], row["password_hash"], row["active"])
    if response.status_code != 302:
        assert after == row


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["association", "role", "active", "page", "lang"]), nasty_text,
                              max_size=5),
       persona=st.sampled_from(["admin", "supervisor_a"]))
def test_list_filters_never_fail(login_as, world, params, persona):
    client = login_as(persona)
    for url in ("/admin/staff", "/admin/service-points", "/admin/service-points/new", "/admin/staff/new"):
        response = client.get(url, query_string=params)
        assert response.status_code == 200, url
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


# Every field a form shows, per form: a script may send any of them as a file (multipart).
MULTIPART_FORMS = {
    "/admin/associations/new": (association_form, ["name_ar", "name_fr", "region_code", "province_code",
                                                   "address", "phone", "email", "cndp_declaration_no",
                                                   "cndp_declaration_on", "active"]),
    "/admin/service-points/new": (service_point_form, ["code", "kind", "name_ar", "name_fr", "region_code",
                                                       "province_code", "active"]),
    "/admin/staff/new": (staff_form, ["role", "association", "profession", "username", "display_name", "email",
                                      "password", "confirmation"]),
}


@FUZZ
@given(url=st.sampled_from(sorted(MULTIPART_FORMS)), data=st.data())
def test_admin_forms_refuse_a_file_in_any_field(app, login_as, world, url, data):
    strategy, fields = MULTIPART_FORMS[url]
    values = data.draw(strategy)
    files = data.draw(st.sets(st.sampled_from(fields), min_size=1))
    client = login_as("admin")
    before = counts(app)
    body = {name: (io.BytesIO(str(values.get(name, "")).encode()), "x.txt") if name in files else value
            for name, value in {**dict.fromkeys(files, ""), **values}.items()}
    response = client.post(f"{url}?lang=en", data=body, content_type="multipart/form-data")
    assert response.status_code in (200, 422), response.status_code
    assert "This field accepts typed text only, not a file." in response.get_data(as_text=True)
    assert counts(app) == before
