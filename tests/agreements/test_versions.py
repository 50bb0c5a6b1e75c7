"""Drafting, revising and concluding a case's agreement (docs/domain.md, DOM77-DOM79, DOM81; docs/security.md, S38).

Direct database work happens inside `with app.app_context():`; requests are made outside it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from mediation.agreements.models import AgreementPoint, AgreementVersion, ImmutableVersion
from mediation.agreements.queries import versions_of
from mediation.cases.models import Participant
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.agreements.fixtures import FULL, PARTIAL, write_agreement
from tests.cases.matrix_rows_notes import case_by_public_id
from tests.statements import statements_of_get

CANARY = "CANARY-point-7f3e91: الحضانة للأم"


def form_data(case_id: str, app, *, based_on: int = 0, **fields) -> dict:
    """A complete form for the own case (custody, child maintenance), with `fields` overriding."""
    data = {"based_on": str(based_on), "nature": "separation_arrangements", "agreement_form": "written_signed",
            "point_custody_status": "agreed", "point_custody_text": CANARY,
            "point_child_maintenance_status": "partially_agreed", "point_child_maintenance_text": "",
            "submitted_to_court": "yes"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def requesting_party(app, case_id: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Participant.public_id).where(
            Participant.case_id == case_by_public_id(case_id).id, Participant.is_requesting_party.is_(True))))


def versions(app, case_id: str) -> list[tuple]:
    with app.app_context():
        return [(v.number, v.level.value, v.concluded_on, tuple((p.issue.value, p.status.value, p.text)
                                                                for p in v.points))
                for v in reversed(versions_of(db.session, case_by_public_id(case_id)))]


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_a_mediator_drafts_then_concludes_and_each_save_is_a_new_version(app, login_as, cases):
    client = login_as("mediator_a1")
    page = client.get(f"/cases/{cases.own}/agreement?lang=en").get_data(as_text=True)
    assert 'name="point_custody_status"' in page and 'name="point_child_maintenance_status"' in page
    assert 'name="point_inheritance_status"' not in page, "only the case's issues"
    before = audit_count(app)
    response = client.post(f"/cases/{cases.own}/agreement?lang=en", data=form_data(cases.own, app))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/cases/{cases.own}#agreement"
    party = requesting_party(app, cases.own)
    today = clock.today()
    concluded = form_data(cases.own, app, based_on=1, point_child_maintenance_status="agreed",
                          signed_by=party, signed_on=today.isoformat(), concluded_on=today.isoformat())
    assert client.post(f"/cases/{cases.own}/agreement?lang=en", data=concluded).status_code == 302
    first, second = versions(app, cases.own)
    # The draft is still there, as it was: a new version never overwrites an earlier one (DOM79).
    # The points in the case's order of issues.
    assert first == (1, "partial", None, (("child_maintenance", "partially_agreed", None),
                                          ("custody", "agreed", CANARY)))
    assert second[:3] == (2, "full", today)
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before)
                                         .where(AuditEvent.entity == "agreement_version")))
        assert len(events) == 2 and all(b"CANARY" not in event.body and "الحضانة".encode() not in event.body
                                        for event in events)
        raw = db.session.execute(text("SELECT text FROM agreement_point WHERE text IS NOT NULL")).scalars().all()
        assert raw and all(b"CANARY" not in bytes(value) for value in raw), "encrypted at rest"
        latest = db.session.scalar(select(AgreementVersion).where(AgreementVersion.number == 2))
        assert [p.participant_id for p in latest.signatures] and latest.submitted_to_court is True
    case_page = client.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "Agreement concluded" in case_page and CANARY in case_page and "Revise the agreement" in case_page
    revision = client.get(f"/cases/{cases.own}/agreement?lang=en").get_data(as_text=True)
    assert CANARY in revision and 'name="based_on" value="2"' in revision, "a revision starts from version 2"
    boxes = re.findall(r'<input[^>]*name="signed_by"[^>]*>', revision)
    assert boxes and not any("checked" in box for box in boxes), "the revised text is signed anew"
    history = client.get(f"/cases/{cases.own}/agreement/history?lang=en").get_data(as_text=True)
    assert "Version 2" in history and "Version 1" in history and "Draft" in history


def test_a_written_version_is_never_changed_nor_deleted(app, cases):
    write_agreement(app, cases.own, "mediator.a1", PARTIAL, concluded=False)
    with app.app_context():
        version = db.session.scalar(select(AgreementVersion))
        version.level = "full"
        with pytest.raises(ImmutableVersion):
            db.session.flush()
        db.session.rollback()
        point = db.session.scalar(select(AgreementPoint))
        db.session.delete(point)
        with pytest.raises(ImmutableVersion):
            db.session.flush()
        db.session.rollback()


def test_a_save_from_an_older_page_is_refused_and_nothing_is_written(app, login_as, cases):
    write_agreement(app, cases.own, "mediator.a1", FULL, concluded=False)
    client = login_as("mediator_a1")
    response = client.post(f"/cases/{cases.own}/agreement?lang=en", data=form_data(cases.own, app, based_on=0))
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Someone saved a new version of this agreement" in body and CANARY in body, "input kept"
    assert 'name="based_on" value="1"' in body
    assert [row[0] for row in versions(app, cases.own)] == [1]


@pytest.mark.parametrize("fields, field, message", [
    (dict(nature=None), "nature", "Choose the nature of the agreement."),
    (dict(point_custody_status=None), "point_custody_status",
     "Choose agreed, partly agreed or not agreed for this point."),
    (dict(point_custody_status="maybe"), "point_custody_status", "Not a valid choice"),
    (dict(concluded_on="x"), "concluded_on", "Enter the date as day/month/year"),
    (dict(agreement_form=None, concluded_on="today"), "agreement_form",
     "Choose the form of the agreement before concluding it."),
    (dict(concluded_on="tomorrow"), "concluded_on", "This date cannot be in the future."),
    (dict(agreement_form="verbal", signed_by="party"), "signed_by",
     "Signatures go only with a written and signed agreement."),
    (dict(signed_by="party"), "signed_on", "Give the date of the signatures."),
    (dict(concluded_on="today"), "signed_by", "A written and signed agreement is concluded once a party"),
    (dict(point_custody_text="x" * 4001), "point_custody_text", "Use at most 4000 characters."),
])
def test_bad_input_is_refused_beside_its_field_with_the_summary(app, login_as, cases, fields, field, message):
    client = login_as("mediator_a1")
    today = clock.today()
    named = {"today": today.isoformat(), "tomorrow": (today + timedelta(days=1)).isoformat(),
             "party": requesting_party(app, cases.own)}
    fields = {key: named.get(value, value) if isinstance(value, str) else value for key, value in fields.items()}
    response = client.post(f"/cases/{cases.own}/agreement?lang=en", data=form_data(cases.own, app, **fields))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body
    assert f'id="{field}-error"' in body or f'id="{field}-0-error"' in body or f'href="#{field}' in body
    assert versions(app, cases.own) == []


def test_the_case_page_reads_the_agreement_in_a_fixed_number_of_statements(app, login_as, cases):
    client = login_as("mediator_a1")
    # The agreement in force and a draft revising it: the page shows both.
    write_agreement(app, cases.own, "mediator.a1", FULL)
    write_agreement(app, cases.own, "mediator.a1", PARTIAL, concluded=False)
    few, page = statements_of_get(app, client, f"/cases/{cases.own}")
    assert "agreement-title" in page.get_data(as_text=True)
    for _ in range(6):
        write_agreement(app, cases.own, "mediator.a1", PARTIAL, concluded=False)
    many, page = statements_of_get(app, client, f"/cases/{cases.own}")
    assert 'href="#agreement">' in page.get_data(as_text=True)
    assert many == few, f"{few} statements with 2 versions, {many} with 8"


def test_the_points_an_agreement_adds_to_the_issues_are_issues_of_a_case(app, login_as, cases):
    """Debts and the parents' communication are issues a case may have, and so points of its agreement (the
    database's check of the migrated schema accepts them)."""
    from mediation.cases.codes import Issue
    from tests.cases.fixtures import open_as

    with app.app_context():
        case = open_as("mediator.a1", issues=(Issue.DEBTS, Issue.PARENT_COMMUNICATION))
        db.session.commit()
        case_id = str(case.public_id)
    client = login_as("mediator_a1")
    data = {"based_on": "0", "nature": "other", "point_debts_status": "agreed",
            "point_parent_communication_status": "not_agreed", "point_debts_text": "Remboursement en dix mois."}
    assert client.post(f"/cases/{case_id}/agreement", data=data).status_code == 302
    assert versions(app, case_id) == [(1, "partial", None, (("debts", "agreed", "Remboursement en dix mois."),
                                                            ("parent_communication", "not_agreed", None)))]
