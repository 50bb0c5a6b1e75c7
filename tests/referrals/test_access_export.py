"""The right-of-access export lists where the person was referred and what was shared about them, never the
staff's reason, another person's referral or one made under a safeguarding exception (docs/domain.md, DOM61,
DOM87; docs/security.md, P7)."""

from __future__ import annotations

import json

from mediation.extensions import db
from mediation.referrals.codes import ExceptionStatus, ReferralStatus, SharedData
from tests.cases.matrix_rows_notes import case_by_public_id
from tests.referrals.helpers import exception, participant, stored_referral
from tests.subject_requests.test_subject_requests import record, request_id_from


def _referral(case_id: str, participant_id: str, organisation: str, reason: str, **values):
    row = stored_referral(case_by_public_id(case_id).id, participant(participant_id), **values)
    row.organisation_name, row.reason = organisation, reason
    return row


def test_the_export_lists_the_persons_referrals_with_what_was_shared(app, login_as, cases):
    with app.app_context():
        _referral(cases.own, cases.participants["own"], "SHOWN-ORGANISATION", "HIDDEN-REASON",
                  status=ReferralStatus.ACCEPTED, shared=(SharedData.CONTACT_DETAILS,))
        used = exception(case_by_public_id(cases.own).id, participant(cases.participants["own"]),
                         ExceptionStatus.APPROVED)
        _referral(cases.own, cases.participants["own"], "EXCEPTION-ORGANISATION", "EXCEPTION-REASON",
                  exception_id=used.id, shared=(SharedData.IDENTITY,))
        _referral(cases.colleague, cases.participants["colleague"], "OTHER-PERSON-ORGANISATION", "OTHER-REASON",
                  username="mediator.a2")
        db.session.commit()
        person_id = str(participant(cases.participants["own"]).person.public_id)
    client = login_as("supervisor_a")
    request_id = request_id_from(record(client, person_id))
    html = client.get(f"/subject-requests/{request_id}/export?language=en").get_data(as_text=True)
    payload = json.loads(client.get(f"/subject-requests/{request_id}/export.json?language=en").get_data(as_text=True))
    for body in (html, json.dumps(payload, ensure_ascii=False)):
        assert "SHOWN-ORGANISATION" in body
        for hidden in ("HIDDEN-REASON", "EXCEPTION-ORGANISATION", "EXCEPTION-REASON", "OTHER-PERSON-ORGANISATION"):
            assert hidden not in body, hidden
    assert "Contact details (phone)" in html and "Referrals to other services" in html
    [entry] = payload["referrals"]
    assert (entry["destination"]["code"], entry["status"]["code"]) == ("listening_centre", "accepted")
    assert [item["code"] for item in entry["data_shared"]] == ["contact_details"]
