"""Associations: created and edited by administrators, with the province inside the region."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from mediation.accounts.models import Association
from mediation.extensions import db
from tests.admin.support import audit_events, count, counts, last_seq, translated

VALID = {
    "name_ar": "جمعية النور للوساطة الأسرية",
    "name_fr": "Association Annour pour la médiation familiale",
    "region_code": "MA-06",
    "province_code": "MA-CAS",
    "address": "12, rue Ibn Batouta, Casablanca",
    "phone": "+212 522 00 00 00",
    "email": "contact@annour.ma",
    "cndp_declaration_no": "D-GC-123/2025",
    "cndp_declaration_on": "2025-03-14",
    "active": "y",
}


def load(app, name_fr: str) -> Association | None:
    with app.app_context():
        association = db.session.scalar(select(Association).where(Association.name_fr == name_fr))
        if association is not None:
            db.session.expunge(association)
        return association


def test_admin_creates_an_association_in_french(app, login_as, world):
    client = login_as("admin")
    seq = last_seq(app)
    response = client.post("/admin/associations/new?lang=fr", data=VALID)
    assert response.status_code == 302
    association = load(app, VALID["name_fr"])
    assert association is not None
    assert response.headers["Location"] == f"/admin/associations/{association.public_id}"
    assert (association.region_code, association.province_code) == ("MA-06", "MA-CAS")
    assert association.cndp_declaration_on == date(2025, 3, 14) and association.active

    page = client.get(response.headers["Location"] + "?lang=fr").get_data(as_text=True)
    assert translated(app, "fr", "The association has been created.") in page
    assert "Région" in page and "Casablanca-Settat" in page  # French labels and region names
    assert VALID["name_ar"] in page and "D-GC-123/2025" in page

    events = audit_events(app, seq)
    assert [(e.action, e.entity, e.entity_id) for e in events] == [
        ("create", "association", str(association.public_id))
    ]
    assert VALID["name_fr"].encode() not in events[0].body and b"Annour" not in events[0].body


def test_arabic_form_is_right_to_left_with_arabic_region_names(login_as, world):
    page = login_as("admin").get("/admin/associations/new?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "الدار البيضاء سطات" in page  # short Arabic region label
    assert '<optgroup label="الدار البيضاء سطات">' in page  # provinces grouped by region


def test_a_province_outside_the_region_is_refused_and_the_input_kept(app, login_as, world):
    client = login_as("admin")
    before = counts(app)
    response = client.post("/admin/associations/new?lang=fr", data={**VALID, "province_code": "MA-AGD"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "appartient pas à la région choisie." in page  # the catalogue's French message
    assert f'value="{VALID["name_fr"]}"' in page and 'value="+212 522 00 00 00"' in page
    assert 'aria-invalid="true"' in page
    assert counts(app) == before


def test_unknown_region_or_province_is_a_form_error(app, login_as, world):
    client = login_as("admin")
    before = counts(app)
    for changes in ({"region_code": "MA-99"}, {"province_code": "MA-XXX"}, {"region_code": ""}):
        response = client.post("/admin/associations/new", data={**VALID, **changes})
        assert response.status_code == 422, changes  # refused input: the form again, kept
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert counts(app) == before


def test_the_declaration_needs_its_number_and_a_past_date(app, login_as, world):
    client = login_as("admin")
    before = counts(app)
    for changes in ({"cndp_declaration_no": ""}, {"cndp_declaration_on": ""},
                    {"cndp_declaration_on": "2999-01-01"}):
        response = client.post("/admin/associations/new", data={**VALID, **changes})
        assert response.status_code == 422, changes
    assert counts(app) == before


def test_admin_edits_and_deactivates_then_reactivates(app, login_as, world):
    client = login_as("admin")
    url = f"/admin/associations/{world.association_public_ids['B']}/edit"
    form = client.get(url + "?lang=en").get_data(as_text=True)
    assert 'value="Association B"' in form and 'selected value="MA-09"' in form

    seq = last_seq(app)
    data = {**VALID, "name_fr": "Association B renommée", "region_code": "MA-09", "province_code": "MA-TIZ"}
    data.pop("active")  # unticked: deactivate
    response = client.post(url, data=data)
    assert response.status_code == 302
    association = load(app, "Association B renommée")
    assert association.active is False and association.province_code == "MA-TIZ"
    assert [(e.action, e.entity) for e in audit_events(app, seq)] == [("update", "association")]

    assert client.post(url, data={**data, "active": "y"}).status_code == 302
    assert load(app, "Association B renommée").active is True


def test_detail_shows_service_points_and_staff_counts_with_links(login_as, world):
    url = f"/admin/associations/{world.association_public_ids['A']}?lang=en"
    page = login_as("admin").get(url).get_data(as_text=True)
    assert "RBT-01" in page and "AGD-01" not in page
    assert f'/admin/service-points/{world.service_point_ids["A"]}/edit' in page
    a = world.association_public_ids["A"]
    # supervisor.a active; mediator.a1 and mediator.a2 active
    assert f'href="/admin/staff?association={a}&amp;role=supervisor&amp;active=1">1</a>' in page
    assert f'href="/admin/staff?association={a}&amp;role=mediator&amp;active=1">2</a>' in page


def test_the_list_links_to_the_detail_pages(login_as, world):
    page = login_as("admin").get("/admin/associations").get_data(as_text=True)
    for key in ("A", "B"):
        assert f'href="/admin/associations/{world.association_public_ids[key]}"' in page


def test_posting_extra_fields_changes_nothing_else(app, login_as, world):
    client = login_as("admin")
    url = f"/admin/associations/{world.association_public_ids['A']}/edit"
    before = load(app, "Association A")
    data = {"name_ar": "جمعية أ", "name_fr": "Association A", "region_code": "MA-04", "province_code": "MA-RAB",
            "active": "y", "id": "999", "public_id": "00000000-0000-4000-8000-000000000001",
            "created_at": "2000-01-01"}
    assert client.post(url, data=data).status_code == 302
    after = load(app, "Association A")
    assert (after.id, after.public_id, after.created_at) == (before.id, before.public_id, before.created_at)
    assert count(app, Association) == 2


AUTHORISED = {**VALID, "cndp_authorisation_no": "A-GC-77/2025", "cndp_authorisation_on": "2025-06-02"}


def test_the_health_data_authorisation_is_saved_and_shown(app, login_as, world):
    client = login_as("admin")
    response = client.post("/admin/associations/new?lang=fr", data=AUTHORISED)
    assert response.status_code == 302
    association = load(app, VALID["name_fr"])
    assert (association.cndp_authorisation_no, association.cndp_authorisation_on) == ("A-GC-77/2025",
                                                                                       date(2025, 6, 2))
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "CNDP authorisation (health data)" in page and "A-GC-77/2025" in page

    # Edited off again: both cleared together.
    url = f"/admin/associations/{association.public_id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="A-GC-77/2025"' in form and 'value="2025-06-02"' in form
    data = {**AUTHORISED, "cndp_authorisation_no": "", "cndp_authorisation_on": ""}
    assert client.post(url, data=data).status_code == 302
    association = load(app, VALID["name_fr"])
    assert (association.cndp_authorisation_no, association.cndp_authorisation_on) == (None, None)


def test_without_an_authorisation_the_detail_page_says_so(login_as, world):
    page = login_as("admin").get(f"/admin/associations/{world.association_public_ids['B']}?lang=en").get_data(
        as_text=True)
    assert "Psychological sessions cannot be recorded until the authorisation is entered." in page


def test_the_authorisation_needs_its_number_and_date_together(app, login_as, world):
    client = login_as("admin")
    before = counts(app)
    for changes, field in (({"cndp_authorisation_no": ""}, "cndp_authorisation_no"),
                           ({"cndp_authorisation_on": ""}, "cndp_authorisation_on")):
        response = client.post("/admin/associations/new", data={**AUTHORISED, **changes})
        assert response.status_code == 422, changes
        page = response.get_data(as_text=True)
        assert re.search(rf'<input aria-describedby="{field}-error" aria-invalid="true"[^>]* id="{field}"', page)
        assert 'value="A-GC-77/2025"' in page or 'value="2025-06-02"' in page  # the input is kept
    assert counts(app) == before


def test_the_authorisation_date_cannot_be_in_the_future(app, login_as, world):
    client = login_as("admin")
    before = counts(app)
    response = client.post("/admin/associations/new?lang=fr",
                           data={**AUTHORISED, "cndp_authorisation_on": "2999-01-01"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true" id="cndp_authorisation_on"' in page
    assert translated(app, "fr", "The authorisation date cannot be in the future.") in page
    assert counts(app) == before


def test_the_authorisation_rules_hold_in_the_service(app, world):
    from mediation.accounts.services import AssociationData, create_association
    from mediation.core.errors import ValidationFailed

    base = dict(name_ar="جمعية", name_fr="Association C", region_code="MA-06")
    with app.app_context():
        for extra, field in (({"cndp_authorisation_no": "A-1"}, "cndp_authorisation_on"),
                             ({"cndp_authorisation_on": date(2025, 1, 1)}, "cndp_authorisation_no"),
                             ({"cndp_authorisation_no": "A-1", "cndp_authorisation_on": date(2999, 1, 1)},
                              "cndp_authorisation_on")):
            try:
                create_association(db.session, AssociationData(**base, **extra), actor=None)
            except ValidationFailed as error:
                assert error.field == field, extra
            else:
                raise AssertionError(extra)
            finally:
                db.session.rollback()


def test_the_statistics_consent_setting_is_saved_shown_and_audited(app, login_as, world):
    client = login_as("admin")
    response = client.post("/admin/associations/new?lang=en", data={**VALID, "statistics_need_consent": "y"})
    assert response.status_code == 302
    association = load(app, VALID["name_fr"])
    assert association.statistics_need_consent is True
    page = client.get(f"/admin/associations/{association.public_id}?lang=en").get_data(as_text=True)
    assert "Cases are counted only with the parties' consent" in page

    url = f"/admin/associations/{association.public_id}/edit"
    form = client.get(url + "?lang=en").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*id="statistics_need_consent"|id="statistics_need_consent"[^>]*checked',
                     form)
    seq = last_seq(app)
    assert client.post(url, data=VALID).status_code == 302  # an unticked box is not sent
    assert load(app, VALID["name_fr"]).statistics_need_consent is False
    assert [event.action for event in audit_events(app, seq)] == ["update"]
    page = client.get(f"/admin/associations/{association.public_id}?lang=ar").get_data(as_text=True)
    assert translated(app, "ar", "All cases are counted (no consent required)") in page
    assert "All cases are counted" not in page


def test_existing_associations_count_every_case_by_default(app, world):
    with app.app_context():
        assert db.session.scalar(select(Association).where(Association.id == world.association_a)
                                 ).statistics_need_consent is False


def test_the_calendar_setting_is_off_by_default_saved_and_shown(app, login_as, world):
    """Calendar events leave for providers abroad: only an administrator's explicit choice adds the reference
    and the place (docs/security.md, P2)."""
    client = login_as("admin")
    assert client.post("/admin/associations/new?lang=en", data=VALID).status_code == 302
    association = load(app, VALID["name_fr"])
    assert association.calendar_shows_details is False
    page = client.get(f"/admin/associations/{association.public_id}?lang=en").get_data(as_text=True)
    assert "Events show only the type and the time" in page
    url = f"/admin/associations/{association.public_id}/edit"
    form = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Phone calendars copy events to providers outside Morocco" in form  # the warning beside the box
    assert client.post(url, data={**VALID, "calendar_shows_details": "y"}).status_code == 302
    assert load(app, VALID["name_fr"]).calendar_shows_details is True
    page = client.get(f"/admin/associations/{association.public_id}?lang=fr").get_data(as_text=True)
    assert translated(app, "fr", "Events show the case reference and the place") in page
