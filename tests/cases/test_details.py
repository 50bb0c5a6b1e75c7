"""Editing a case's details (409 on a stale save) and its co-workers."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.cases.models import Case
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.conftest import ANY_HOUR_DEFAULT, login
from tests.strategies import fuzz

# Date-sensitive (follow-up dates): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")

FORM = {"issues": ["custody", "inheritance"], "referral_source": "lawyer", "court_stage": "pending",
        "court_file_no": "1234/1601/2026", "request_summary": "نص جديد", "follow_up_on": "2099-01-15"}


def version_of(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page)[1]


def load(app, public_id) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(public_id)))
        db.session.expunge(case)
        return case


def test_the_lead_corrects_the_details(app, login_as, cases):
    client = login_as("mediator_a1")
    page = client.get(f"/cases/{cases.own}/edit").get_data(as_text=True)
    response = client.post(f"/cases/{cases.own}/edit", data={**FORM, "version": version_of(page)})
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(cases.own)))
        assert sorted(case.issues) == ["custody", "inheritance"]
        assert (case.referral_source, case.court_stage, case.court_linked) == ("lawyer", "pending", True)
        assert case.court_file_no == "1234/1601/2026" and case.request_summary == "نص جديد"
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity_id) == ("update", cases.own) and b"1234" not in event.body


def test_a_stale_save_answers_409_with_both_versions(app, cases):
    first, second = app.test_client(), app.test_client()
    login(first, "mediator.a1")
    login(second, "supervisor.a")
    version = version_of(first.get(f"/cases/{cases.own}/edit").get_data(as_text=True))
    assert version == version_of(second.get(f"/cases/{cases.own}/edit").get_data(as_text=True))
    assert first.post(f"/cases/{cases.own}/edit", data={**FORM, "version": version}).status_code == 302
    late = second.post(f"/cases/{cases.own}/edit?lang=en",
                       data={**FORM, "request_summary": "the second writer's text", "version": version})
    page = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "the second writer&#39;s text" in page and "نص جديد" in page  # theirs kept, the saved one shown
    assert load(app, cases.own).request_summary == "نص جديد"


def test_details_follow_the_intake_rules(app, login_as, cases):
    client = login_as("mediator_a1")
    version = version_of(client.get(f"/cases/{cases.own}/edit").get_data(as_text=True))
    for change, message in (({"court_stage": "none"}, "A court file number needs a court stage."),
                            ({"follow_up_on": "2001-01-01"}, "The follow-up date cannot be in the past."),
                            ({"issues": []}, "Choose at least one issue.")):
        response = client.post(f"/cases/{cases.own}/edit?lang=en", data={**FORM, **change, "version": version})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert load(app, cases.own).court_stage == "pre_action", "nothing saved"


def staff_id(app, username) -> str:
    """The public id the co-worker form sends: database ids never leave the server."""
    with app.app_context():
        return str(db.session.scalar(select(StaffUser.public_id).where(StaffUser.username == username)))


def test_a_co_worker_gains_and_loses_access(app, login_as, cases):
    colleague = app.test_client()
    login(colleague, "mediator.a2")
    assert colleague.get(f"/cases/{cases.own}").status_code == 404
    lead = login_as("mediator_a1")
    added = lead.post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a2")})
    assert added.status_code == 302
    assert colleague.get(f"/cases/{cases.own}").status_code == 200
    with app.app_context():
        a2 = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a2"))
    lead.post(f"/cases/{cases.own}/co-workers/{a2.public_id}/remove")
    assert colleague.get(f"/cases/{cases.own}").status_code == 404


def test_the_lead_cannot_be_removed_and_other_associations_cannot_join(app, login_as, cases):
    client = login_as("supervisor_a")
    with app.app_context():
        a1 = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
    client.post(f"/cases/{cases.own}/co-workers/{a1.public_id}/remove")
    assert load(app, cases.own).lead.username == "mediator.a1"
    client.post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.b1")})
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(cases.own)))
        assert {a.user.username for a in case.assignments} == {"mediator.a1"}


def test_a_co_worker_who_is_not_lead_cannot_manage_co_workers(app, login_as, cases):
    lead = login_as("mediator_a1")
    lead.post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a2")})
    colleague = app.test_client()
    login(colleague, "mediator.a2")
    assert colleague.post(f"/cases/{cases.own}/co-workers", data={"user_id": staff_id(app, "mediator.a1")}
                          ).status_code == 403


@fuzz(50, instants=len(ANY_HOUR_DEFAULT))
@given(data=st.dictionaries(st.sampled_from(sorted(FORM) + ["version"]),
                            st.one_of(st.text(max_size=200), st.sampled_from(["", "0", "-1", "2026-02-30", "\x00"]))))
def test_generated_edits_never_fail(app, login_as, cases, data):
    client = login_as("mediator_a1")
    before = load(app, cases.own).version_id
    response = client.post(f"/cases/{cases.own}/edit", data={**FORM, "version": str(before), **data})
    assert response.status_code in (302, 409, 422)
    if response.status_code != 302:
        assert load(app, cases.own).version_id == before, "nothing saved"


def test_the_co_worker_form_offers_public_ids_and_refuses_database_ids(app, login_as, cases):
    lead = login_as("mediator_a1")
    page = lead.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]*)"', page.split('name="user_id"', 1)[1].split("</select>", 1)[0])
    assert options and all(re.fullmatch(r"[0-9a-f-]{36}", value) for value in options), options
    with app.app_context():
        database_id = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "mediator.a2"))
    lead.post(f"/cases/{cases.own}/co-workers", data={"user_id": str(database_id)})
    assert login_as("mediator_a2").get(f"/cases/{cases.own}").status_code == 404
