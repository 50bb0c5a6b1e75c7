"""Generated input against the request and answer forms: never a 500, nothing half-saved (S16)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.subject_requests.models import DataSubjectRequest
from tests.strategies import FUZZ, nasty_text, sometimes
from tests.subject_requests.fixtures import objects

DAYS = ["2026-11-02", "1999-12-31", "2026-02-30", "9999-12-31", "31/12/2026", ""]
# Today and tomorrow in the service's zone, read from the product's clock when each example is drawn.
NEAR_DAYS = st.builds(lambda offset: (clock.today() + timedelta(days=offset)).isoformat(), st.sampled_from([0, 1]))


def state(app, request_id: str | None = None) -> tuple:
    with app.app_context():
        answered = None
        if request_id:
            answered = db.session.execute(select(DataSubjectRequest.answered_on, DataSubjectRequest.outcome).where(
                DataSubjectRequest.public_id == uuid.UUID(request_id))).one()
        return (db.session.scalar(select(func.count()).select_from(DataSubjectRequest)),
                db.session.scalar(select(func.max(AuditEvent.seq))), answered)


@given(data=st.data())
@FUZZ
def test_the_request_form_never_fails_on_generated_input(app, world, cases, login_as, data):
    person, _request = objects(world)["A"]
    form = data.draw(st.fixed_dictionaries({
        "type": sometimes("access", "rectification", "opposition", "erasure", ""),
        "received_on": st.one_of(NEAR_DAYS, sometimes(*DAYS)),
        "note": nasty_text,
    }))
    client = login_as("supervisor_a")
    before = state(app)
    response = client.post(f"/subject-requests/people/{person}/new", data=form)
    assert response.status_code in (302, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    after = state(app)
    if response.status_code == 302:
        assert after[0] == before[0] + 1
    else:
        assert after == before, "a refused request left rows or audit events behind"


@given(data=st.data())
@FUZZ
def test_the_answer_form_never_fails_on_generated_input(app, world, cases, login_as, data):
    _person, request_id = objects(world)["A"]
    form = data.draw(st.fixed_dictionaries({
        "answered_on": st.one_of(NEAR_DAYS, sometimes(*DAYS)),
        "outcome": sometimes("granted", "partly_granted", "refused", "withdrawn", "maybe", ""),
        "note": nasty_text,
    }, optional={"version": nasty_text}))
    client = login_as("supervisor_a")
    before = state(app, request_id)
    response = client.post(f"/subject-requests/{request_id}/answer", data=form)
    assert response.status_code in (302, 409, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    if response.status_code != 302:
        assert state(app, request_id) == before, "a refused answer changed the request"
    # Leave the request open for the next example.
    with app.app_context():
        row = db.session.scalar(select(DataSubjectRequest).where(DataSubjectRequest.public_id == uuid.UUID(request_id)))
        row.answered_on, row.outcome, row.answer_note, row.handled_by_id = None, None, None, None
        db.session.commit()


@given(data=st.data())
@FUZZ
def test_the_participant_search_never_fails_on_generated_input(app, world, login_as, data):
    """The search of group-only participants (docs/domain.md, DOM137): a list, or a 422 with its message."""
    form = data.draw(st.fixed_dictionaries({"full_name": nasty_text, "phone": st.one_of(nasty_text,
                                                                                        st.just("0661234567"))}))
    before = state(app)
    response = login_as("supervisor_a").post("/subject-requests/group-participants?lang=ar", data=form)
    assert response.status_code in (200, 422), response.status_code
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert state(app)[0] == before[0]
