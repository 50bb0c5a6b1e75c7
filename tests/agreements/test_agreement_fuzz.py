"""Generated bad input on the agreement's form: 422 with the error summary, input kept, nothing saved
(docs/security.md, S16; docs/architecture.md, A5)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.agreements.models import Agreement, AgreementVersion
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.strategies import SCRIPT, extra_fields, fuzz, nasty_text, sometimes

FUZZ = fuzz(60)
STATUSES = ("agreed", "partially_agreed", "not_agreed")
# One change that makes the form wrong whatever the rest holds: a required choice missing or unknown, a
# date that is not one or has not happened, a text over its limit, a signature by someone outside the case.
BROKEN = st.sampled_from([
    {"nature": ""}, {"nature": "court_ruling"}, {"point_custody_status": ""}, {"point_custody_status": "yes"},
    {"point_child_maintenance_status": "agreed\x00"}, {"concluded_on": "31/02/2026"}, {"concluded_on": "01/01/2999"},
    {"signed_on": "demain"}, {"point_custody_text": "x" * 4001}, {"signed_by": "00000000-0000-4000-8000-000000000000"},
    {"agreement_form": "carved_in_stone"}, {"submitted_to_court": "maybe"},
])


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Agreement, AgreementVersion, AuditEvent))


@FUZZ
@given(nature=sometimes("reconciliation", "separation_arrangements", "other"),
       form=sometimes("written_signed", "written_unsigned", "verbal", ""),
       custody=sometimes(*STATUSES), maintenance=sometimes(*STATUSES), custody_text=nasty_text,
       maintenance_text=nasty_text, concluded=sometimes("", "01/12/2026", "2026-12-01"),
       signed=sometimes("", "01/12/2026"), court=sometimes("", "yes", "no"), broken=BROKEN, extra=extra_fields)
def test_generated_bad_agreements_are_refused_whole(app, login_as, cases, nature, form, custody, maintenance,
                                                   custody_text, maintenance_text, concluded, signed, court,
                                                   broken, extra):
    client = login_as("mediator_a1")
    before = counts(app)
    data = {**extra, "based_on": "0", "nature": nature, "agreement_form": form,
            "point_custody_status": custody, "point_custody_text": custody_text,
            "point_child_maintenance_status": maintenance, "point_child_maintenance_text": maintenance_text,
            "concluded_on": concluded, "signed_on": signed, "submitted_to_court": court, **broken}
    response = client.post(f"/cases/{cases.own}/agreement?lang=en", data=data)
    assert response.status_code == 422, response.status_code
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and 'class="error"' in body, "a message beside a field and above"
    assert SCRIPT not in body
    assert counts(app)[:2] == before[:2], "nothing saved"
    # Only the page's own reading is not recorded as a write: no agreement event.
    with app.app_context():
        assert not db.session.scalar(select(func.count()).select_from(AuditEvent)
                                     .where(AuditEvent.entity == "agreement_version"))
