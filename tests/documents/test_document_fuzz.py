"""Generated input on the form that produces a document: a produced document or a 422 with messages, never a
500, nothing recorded on a refusal, no markup echoed (docs/domain.md, DOM152, DOM153)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.documents.models import GeneratedDocument
from mediation.extensions import db
from tests.cases.test_safety import requesting_party
from tests.documents.helpers import coming_appointment
from tests.strategies import FUZZ, SCRIPT, extra_fields, nasty_strings, sometimes_from

nasty = nasty_strings(120, short_size=40)
sometimes = sometimes_from(nasty)


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(GeneratedDocument))


@FUZZ
@given(kind=sometimes("agreement", "convocation", "attestation", "closure_letter"), language=sometimes("ar", "fr"),
       party=st.booleans(), appointment=st.booleans(), bring=st.lists(sometimes("identity_card", "court_papers"),
                                                                      max_size=3),
       noise=nasty, extra=extra_fields)
def test_generated_document_requests(app, login_as, cases, kind, language, party, appointment, bring, noise, extra):
    first = requesting_party(app, cases.own)
    invited = getattr(cases, "fuzz_appointment", None)
    if invited is None:
        invited = cases.fuzz_appointment = coming_appointment(app, cases.own, first)
    client = login_as("mediator_a1")
    before = _count(app)
    data = {**extra, "kind": kind, "language": language, "participant": first if party else noise,
            "appointment": invited if appointment else noise, "bring": bring}
    response = client.post(f"/cases/{cases.own}/documents?lang=fr", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code in (302, 422), response.status_code
    assert SCRIPT not in body
    if response.status_code == 422:
        assert _count(app) == before, "nothing recorded"
        assert 'role="alert"' in body, "the refusal says why"
    else:
        assert _count(app) == before + 1
        assert kind == "convocation" and party and appointment, "only a convocation can be produced here"
