"""The access export lists the documents of the person's cases, without content or description; psychological
documents are staff-only records (docs/domain.md, DOM108)."""

from __future__ import annotations

from datetime import date

from mediation.extensions import db
from mediation.subject_requests.queries import as_json, person_export
from tests.attachments.helpers import minimal_pdf, upload
from tests.referrals.helpers import participant


def test_the_export_lists_the_case_documents_but_not_their_content(app, login_as, cases):
    client = login_as("mediator_a1")
    assert upload(client, cases.own, minimal_pdf(), kind="signed_agreement",
                  label="CANARY-description-31f").status_code == 302
    psychologist = login_as("mediator_a2")
    assert upload(psychologist, cases.colleague, minimal_pdf(), visibility="psychologists").status_code == 302
    with app.app_context():
        own = participant(cases.participants["own"])
        export = person_export(db.session, own.person)
        listed = [(entry.kind.value, entry.content_type.value, entry.document_date.isoformat())
                  for entry in export.attachments]
        assert ("signed_agreement", "pdf", "2026-11-20") in listed
        document = as_json(export, generated_on=date(2026, 12, 1), labels={"notice": "", "excluded": ""})
        assert document["documents"][0]["kind"]["code"] == "signed_agreement"
        assert "CANARY-description-31f" not in repr(document)
        other = person_export(db.session, participant(cases.participants["colleague"]).person)
        assert other.attachments == [], "a psychological document is not listed"
