"""Service points: a unique code frozen at creation; supervisors manage their own association's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mediation.accounts import services
from mediation.accounts.models import ServicePoint
from mediation.core.errors import Conflict, ValidationFailed
from mediation.extensions import db
from tests.admin.support import audit_events, counts, last_seq, translated

VALID = {
    "code": "SAL-02",
    "kind": "mediation_centre",
    "name_ar": "مركز الوساطة الأسرية بسلا",
    "name_fr": "Centre de médiation familiale de Salé",
    "region_code": "",
    "province_code": "MA-SAL",
    "active": "y",
}


def load(app, code: str) -> ServicePoint | None:
    with app.app_context():
        point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == code))
        if point is not None:
            db.session.expunge(point)
        return point


def test_supervisor_creates_a_service_point_of_their_association(app, login_as, world):
    client = login_as("supervisor_a")
    form = client.get("/admin/service-points/new?lang=fr").get_data(as_text=True)
    assert 'name="association"' not in form  # a supervisor does not choose
    seq = last_seq(app)
    # A forged association field is ignored: the point belongs to the supervisor's association.
    response = client.post("/admin/service-points/new?lang=fr",
                           data={**VALID, "association": world.association_public_ids["B"]})
    assert response.status_code == 302
    point = load(app, "SAL-02")
    assert point.association_id == world.association_a
    assert point.region_code == "MA-04"  # defaults to the association's region
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert translated(app, "fr", "The service point has been created.") in page
    assert "SAL-02" in page and "RBT-01" in page and "AGD-01" not in page
    assert [(e.action, e.entity, e.entity_id) for e in audit_events(app, seq)] == [
        ("create", "service_point", str(point.public_id))
    ]


def test_admin_creates_a_service_point_for_a_chosen_association(app, login_as, world):
    client = login_as("admin")
    b = world.association_public_ids["B"]
    form = client.get(f"/admin/service-points/new?association={b}&lang=ar").get_data(as_text=True)
    assert f'selected value="{b}"' in form and 'selected value="MA-09"' in form  # region of B preselected
    response = client.post("/admin/service-points/new", data={
        **VALID, "association": b, "code": "tiz-1", "region_code": "MA-09", "province_code": "MA-TIZ",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/service-points?association={b}"
    point = load(app, "TIZ-1")  # lower-case ASCII is raised to upper case
    assert point.association_id == world.association_b and point.province_code == "MA-TIZ"


def test_the_code_is_unique_whatever_the_case(app, login_as, world):
    client = login_as("admin")
    before = counts(app)
    for code in ("RBT-01", "rbt-01", "AGD-01"):
        response = client.post("/admin/service-points/new?lang=fr", data={
            **VALID, "code": code, "association": world.association_public_ids["A"]})
        assert response.status_code == 422, code
        page = response.get_data(as_text=True)
        assert 'id="code-error"' in page and f'value="{code}"' in page  # the typed code is kept
        assert f'value="{VALID["name_fr"]}"' in page
    assert counts(app) == before


@pytest.mark.parametrize("code", ["A", "ABCDEFGHIJKLM", "AB C", "AB_C", "ÉCOLE", "ab.c", "١٢٣"])
def test_badly_shaped_codes_are_refused(app, login_as, world, code):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post("/admin/service-points/new", data={**VALID, "code": code})
    assert response.status_code in (200, 422)
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert counts(app) == before


def test_the_code_cannot_be_changed(app, login_as, world):
    client = login_as("supervisor_a")
    url = f"/admin/service-points/{world.service_point_ids['A']}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="code"' not in form and "RBT-01" in form  # shown, not offered
    response = client.post(url, data={**VALID, "code": "NEW-01", "name_fr": "Espace A renommé"})
    assert response.status_code == 302
    point = load(app, "RBT-01")
    assert point is not None and point.name_fr == "Espace A renommé"
    assert load(app, "NEW-01") is None
    # The service refuses a change outright.
    with app.app_context():
        point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == "RBT-01"))
        data = services.ServicePointData(point.kind, point.name_ar, point.name_fr)
        with pytest.raises(ValidationFailed) as refused:
            services.update_service_point(db.session, point, data, actor=None, code="NEW-01")
        assert refused.value.field == "code"
        services.update_service_point(db.session, point, data, actor=None, code="rbt-01")  # same code: fine
        db.session.rollback()


def test_the_service_refuses_a_duplicate_code(app, world):
    with app.app_context():
        from mediation.accounts.models import Association

        association = db.session.get(Association, world.association_b)
        with pytest.raises(Conflict):
            services.create_service_point(db.session, association, " rbt-01 ",
                                          services.ServicePointData("other", "س", "S"), actor=None)
        db.session.rollback()


def test_a_province_outside_the_region_is_refused(app, login_as, world):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post("/admin/service-points/new?lang=fr", data={**VALID, "province_code": "MA-AGD"})
    assert response.status_code == 422
    assert "appartient pas à la région choisie." in response.get_data(as_text=True)
    assert counts(app) == before


def test_edit_deactivates_and_audits(app, login_as, world):
    client = login_as("admin")
    seq = last_seq(app)
    url = f"/admin/service-points/{world.service_point_ids['B']}/edit"
    data = {k: v for k, v in VALID.items() if k not in ("code", "active")}
    response = client.post(url, data={**data, "region_code": "MA-09", "province_code": ""})
    assert response.status_code == 302
    point = load(app, "AGD-01")
    assert point.active is False and point.kind == "mediation_centre"
    assert [(e.action, e.entity) for e in audit_events(app, seq)] == [("update", "service_point")]


def test_lists_are_scoped(login_as, world):
    client = login_as("supervisor_b")
    page = client.get("/admin/service-points").get_data(as_text=True)
    assert "AGD-01" in page and "RBT-01" not in page
    assert 'name="association"' not in page


def test_admin_filters_the_list_by_association(login_as, world):
    client = login_as("admin")
    everything = client.get("/admin/service-points").get_data(as_text=True)
    assert "AGD-01" in everything and "RBT-01" in everything
    only_a = client.get(f"/admin/service-points?association={world.association_public_ids['A']}").get_data(as_text=True)
    assert "RBT-01" in only_a and "AGD-01" not in only_a
    garbage = client.get("/admin/service-points?association=%00nonsense")
    assert garbage.status_code == 200 and "AGD-01" in garbage.get_data(as_text=True)
