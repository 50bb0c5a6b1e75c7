"""Recording a post-closure follow-up through its page: the contact, the result, new proceedings, an encrypted
note and what follows; only the parties whose contact profile allows it are offered (docs/domain.md, DOM94,
DOM97; docs/security.md, S43)."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from mediation.aftercare.codes import AftercareAction, AftercareStatus, ContactMode
from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.services import record as record_service
from mediation.cases.codes import FollowUpResult, Outcome
from mediation.core.audit import AuditEvent
from mediation.core.errors import ValidationFailed
from mediation.extensions import db
from tests.aftercare.support import add_party, close_with, forbid_contact, planned, record_now
from tests.cases.matrix_rows_notes import actor, case_by_public_id
from tests.strategies import FUZZ, SCRIPT, nasty_strings

NOTE = "CANARY-aftercare-note-5e6f7a8b: الأب يزور الأطفال كل أسبوع"


def _url(case_id: str, follow_up_id: str) -> str:
    return f"/cases/{case_id}/post-closure-follow-ups/{follow_up_id}"


def _row(app, follow_up_id: str) -> PostClosureFollowUp:
    with app.app_context():
        row = db.session.scalar(select(PostClosureFollowUp).where(
            PostClosureFollowUp.public_id == uuid.UUID(follow_up_id)))
        db.session.expunge(row)
        return row


def _offered(page: str) -> set[str]:
    """The values of the "party contacted" radio buttons of a page."""
    inputs = [tag for tag in re.findall(r"<input[^>]*>", page) if 'name="contacted"' in tag]
    return {re.search(r'value="([^"]*)"', tag)[1] for tag in inputs}


@pytest.fixture
def closed(app, cases):
    """The own case closed with a full agreement: (case id, first planned follow-up id)."""
    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    return cases.own, planned(app, cases.own)


def test_the_lead_records_a_follow_up_and_the_note_is_encrypted(app, login_as, cases, closed):
    case_id, follow_up_id = closed
    client = login_as("mediator_a1")
    page = client.get(_url(case_id, follow_up_id) + "?lang=en")
    assert page.status_code == 200 and "Record a post-closure follow-up" in page.get_data(as_text=True)
    version = _row(app, follow_up_id).version_id
    response = client.post(_url(case_id, follow_up_id), data={
        "contact_mode": "phone", "contacted": cases.participants["own"], "result": "partly_holding",
        "new_proceedings": "no", "action": "none", "note": NOTE, "version": str(version)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#aftercare")
    row = _row(app, follow_up_id)
    assert (row.status, row.contact_mode, row.result, row.new_proceedings, row.action, row.note) == (
        AftercareStatus.DONE, ContactMode.PHONE, FollowUpResult.PARTLY_HOLDING, False, AftercareAction.NONE, NOTE)
    assert row.done_on is not None and not row.alert
    with app.app_context():
        raw = db.session.execute(text("SELECT note FROM post_closure_follow_up WHERE id = :id"),
                                 {"id": row.id}).scalar()
        assert b"CANARY-aftercare" not in bytes(raw)
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update",
                                                            AuditEvent.entity == "post_closure_follow_up")).one()
        assert event.entity_id == follow_up_id
    case_page = client.get(f"/cases/{case_id}?lang=en").get_data(as_text=True)
    assert 'id="aftercare"' in case_page and NOTE in case_page and "Partly holding" in case_page
    # Recorded once: the page is no longer offered.
    assert client.get(_url(case_id, follow_up_id)).status_code == 403


def test_a_supervisor_reads_but_does_not_record(app, login_as, cases, closed):
    case_id, follow_up_id = closed
    supervisor = login_as("supervisor_a")
    assert 'id="aftercare"' in supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert supervisor.get(_url(case_id, follow_up_id)).status_code == 403
    assert login_as("supervisor_b").get(_url(case_id, follow_up_id)).status_code == 404
    assert login_as("mediator_a2").get(_url(case_id, follow_up_id)).status_code == 404


def test_a_follow_up_of_another_case_is_not_found_under_this_one(app, login_as, cases, closed):
    _case_id, follow_up_id = closed
    assert login_as("mediator_a1").get(_url(cases.colleague, follow_up_id)).status_code == 404


def test_a_party_whose_profile_forbids_contact_is_offered_no_channel(app, login_as, cases, closed):
    case_id, follow_up_id = closed
    silent = add_party(app, case_id, "Hamid Tazi", contact_allowed=False)
    client = login_as("mediator_a1")
    page = client.get(_url(case_id, follow_up_id) + "?lang=en").get_data(as_text=True)
    assert _offered(page) == {cases.participants["own"]}
    assert f'data-no-contact="{silent}"' in page and "No contact channel is offered" in page
    assert "0611223344" not in page, "no phone number shown for a party who may not be contacted"
    before = _row(app, follow_up_id)
    response = client.post(_url(case_id, follow_up_id), data={
        "contact_mode": "phone", "contacted": silent, "result": "holding", "new_proceedings": "no",
        "action": "none", "version": str(before.version_id)})
    assert response.status_code == 422
    assert _row(app, follow_up_id).status is AftercareStatus.PLANNED
    # The service refuses it too, whatever a form sends.
    with app.app_context():
        case = case_by_public_id(case_id)
        follow_up = db.session.scalar(select(PostClosureFollowUp).where(
            PostClosureFollowUp.public_id == uuid.UUID(follow_up_id)))
        with pytest.raises(ValidationFailed) as refused:
            record_service.record_follow_up(db.session, case, follow_up, record_service.FollowUpRecord(
                contact_mode="phone", contacted=silent, result="holding", new_proceedings="no", action="none"),
                actor=actor("mediator.a1"))
        assert refused.value.field == "contacted"
        db.session.rollback()


def test_when_nobody_may_be_contacted_the_form_offers_only_not_reached(app, login_as, cases, closed):
    case_id, follow_up_id = closed
    forbid_contact(app, cases.participants["own"])
    client = login_as("mediator_a1")
    page = client.get(_url(case_id, follow_up_id) + "?lang=en").get_data(as_text=True)
    assert _offered(page) == set() and "No party may be contacted" in page
    version = str(_row(app, follow_up_id).version_id)
    reached = client.post(_url(case_id, follow_up_id) + "?lang=en", data={
        "contact_mode": "phone", "result": "holding", "new_proceedings": "no", "action": "none", "version": version})
    assert reached.status_code == 422 and "Choose the party you spoke with." in reached.get_data(as_text=True)
    not_reached = client.post(_url(case_id, follow_up_id), data={
        "contact_mode": "not_reached", "result": "unreachable", "new_proceedings": "unknown", "action": "none",
        "version": version})
    assert not_reached.status_code == 302
    row = _row(app, follow_up_id)
    assert (row.result, row.new_proceedings, row.contacted_id) == (FollowUpResult.UNREACHABLE, None, None)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"contact_mode": "not_reached", "result": "holding"}, "result", "the result is “Could not be reached”"),
    ({"result": "unreachable"}, "result", "goes only with a contact that did not happen"),
    ({"new_proceedings": "unknown"}, "new_proceedings", "say whether new court proceedings were started"),
    ({"contact_mode": ""}, "contact_mode", "Say how the contact went."),
])
def test_inconsistent_answers_are_refused_beside_their_field(app, login_as, cases, closed, fields, field, message):
    case_id, follow_up_id = closed
    client = login_as("mediator_a1")
    data = {"contact_mode": "met", "contacted": cases.participants["own"], "result": "holding",
            "new_proceedings": "no", "action": "none", "version": str(_row(app, follow_up_id).version_id), **fields}
    response = client.post(_url(case_id, follow_up_id) + "?lang=en", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page
    assert _row(app, follow_up_id).status is AftercareStatus.PLANNED


def test_a_stale_form_is_refused_with_409(app, login_as, cases, closed):
    case_id, follow_up_id = closed
    client = login_as("mediator_a1")
    response = client.post(_url(case_id, follow_up_id), data={
        "contact_mode": "met", "contacted": cases.participants["own"], "result": "holding",
        "new_proceedings": "no", "action": "none", "version": str(_row(app, follow_up_id).version_id + 5)})
    assert response.status_code == 409
    row = _row(app, follow_up_id)
    assert row.status is AftercareStatus.PLANNED
    # The form comes back with the current version: saving again is a deliberate choice.
    assert f'name="version" value="{row.version_id}"' in response.get_data(as_text=True)


def test_the_arabic_page_labels_the_results_as_the_domain_does(app, login_as, closed):
    case_id, follow_up_id = closed
    page = login_as("mediator_a1").get(_url(case_id, follow_up_id) + "?lang=ar").get_data(as_text=True)
    for label in ("الاتفاق محترم", "محترم جزئياً", "غير محترم", "تعذّر التواصل", "متابعة بعد الإغلاق"):
        assert label in page, label


# -- generated input ---------------------------------------------------------------------------------------

nasty = nasty_strings(120, short_size=30, repeated="ن", repeats=(3_990, 4_100))


def codes(values) -> st.SearchStrategy:
    return st.one_of(st.sampled_from([*values, ""]), st.text(max_size=20))


def _saved(app, follow_up_id: str) -> tuple:
    row = _row(app, follow_up_id)
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == "post_closure_follow_up", AuditEvent.action == "update"))
    return row.status, row.result, row.note, row.version_id, events


@FUZZ
@given(mode=codes([m.value for m in ContactMode]), result=codes([r.value for r in FollowUpResult]),
       proceedings=codes(["yes", "no", "unknown"]), action=codes([a.value for a in AftercareAction]),
       contacted=st.one_of(st.just("own"), st.just(""), st.text(max_size=40)), note=nasty,
       version_value=st.one_of(st.just("current"), st.sampled_from(["", "0", "9" * 40, "x"])),
       extra=st.dictionaries(st.sampled_from(["status", "done_on", "assigned_to_id", "seen_at", "case_id"]),
                             st.text(max_size=10), max_size=2))
def test_generated_records_never_fail_and_a_refusal_saves_nothing(app, login_as, cases, closed, mode, result,
                                                                  proceedings, action, contacted, note,
                                                                  version_value, extra):
    case_id, follow_up_id = closed
    client = login_as("mediator_a1")
    before = _saved(app, follow_up_id)
    data = {**extra, "contact_mode": mode, "result": result, "new_proceedings": proceedings, "action": action,
            "contacted": cases.participants["own"] if contacted == "own" else contacted, "note": note,
            "version": str(before[3]) if version_value == "current" else version_value}
    response = client.post(_url(case_id, follow_up_id) + "?lang=fr", data=data)
    assert response.status_code in (302, 409, 422), response.status_code
    page = response.get_data(as_text=True)
    assert SCRIPT not in page
    if response.status_code != 302:
        assert _saved(app, follow_up_id) == before, "nothing half-saved"
        if response.status_code == 422:
            assert "error-summary" in page  # the refusal is said, in the user's language
        return
    row = _row(app, follow_up_id)
    assert row.status is AftercareStatus.DONE and row.note == (note.strip() or None)
    with app.app_context():  # back to planned, for the next example
        stored = db.session.get(PostClosureFollowUp, row.id)
        stored.status, stored.done_on, stored.result = AftercareStatus.PLANNED, None, None
        db.session.commit()


def test_done_is_dated_today_by_the_clock(app, cases, closed, frozen_clock):
    case_id, follow_up_id = closed
    frozen_clock.advance(days=40)
    record_now(app, case_id, follow_up_id, "mediator.a1")
    assert _row(app, follow_up_id).done_on == frozen_clock.today()
