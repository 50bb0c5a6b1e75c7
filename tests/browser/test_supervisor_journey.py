"""A supervisor reviews the caseload dashboard, records a screening decision and reassigns a case
(journey 2), in a real browser, in Arabic and in French."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mediation.accounts.models import ServicePoint, StaffUser
from mediation.cases.codes import (
    ConsentScope,
    ConsentStatus,
    CourtStage,
    IntakeChannel,
    Issue,
    ParticipantRole,
    ReferralSource,
    ScreeningDecision,
    Sex,
    ViolenceLevel,
)
from mediation.cases.identity import PersonData
from mediation.cases.models import Case, Participant
from mediation.cases.services import safety
from mediation.cases.services.intake import NewCase, open_case
from mediation.core import clock
from mediation.extensions import db
from mediation.supervision import predicates
from tests.browser.support import flash_text, log_in, nav, submit, t, unlabelled_fields

REQUESTING = {"ar": "زينب التجريبي", "fr": "Nadia Fictif"}
NEW_LEAD = "mediator.a2"


def _case_awaiting_a_decision(app, language: str) -> str:
    """A new case of mediator.a1 whose requesting party was just screened positive (past violence)."""
    with app.app_context():
        session = db.session
        lead = session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        point = session.scalar(select(ServicePoint).where(ServicePoint.association_id == lead.association_id))
        case = open_case(session, NewCase(
            service_point_id=point.id, first_contact_on=clock.today(), intake_channel=IntakeChannel.WALK_IN,
            referral_source=ReferralSource.SELF, issues=(Issue.CUSTODY,), court_stage=CourtStage.NONE,
            immediate_danger=False, requesting_party=PersonData(full_name=REQUESTING[language], sex=Sex.FEMALE),
            requesting_role=ParticipantRole.MOTHER,
            consents={ConsentScope.DATA_PROCESSING: ConsentStatus.GIVEN}), actor=lead)
        party = session.scalar(select(Participant).where(Participant.case_id == case.id))
        safety.record_screening(session, case, party, safety.ScreeningData(clock.today(), ViolenceLevel.PAST),
                                actor=lead)
        session.commit()
        return case.reference


def _awaiting_in_the_database(app) -> int:
    with app.app_context():
        association_id = db.session.scalar(select(StaffUser.association_id).where(StaffUser.username == "supervisor.a"))
        return db.session.scalar(select(func.count()).select_from(Case).where(
            Case.association_id == association_id, predicates.awaiting_decision()))


def _tile(page, key: str) -> int:
    return int(page.locator(f'#summary li[data-figure="{key}"] strong').inner_text().strip())


def _label(app, language: str, code) -> str:
    with app.test_request_context(f"/?lang={language}"):
        return str(code.label)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_supervisor_reviews_decides_and_reassigns(served_app, new_page, language):
    app = served_app
    reference = _case_awaiting_a_decision(app, language)
    with app.app_context():
        new_lead = db.session.scalar(select(StaffUser.display_name).where(StaffUser.username == NEW_LEAD))
    page = new_page()
    log_in(page, app, "supervisor.a", language)

    # The dashboard counts the cases awaiting a decision, this one among them.
    nav(page, app, language, "Caseload")
    assert page.get_by_role("heading", level=1).inner_text() == t(app, language, "Caseload dashboard")
    awaiting = _tile(page, "awaiting_decision")
    assert awaiting == _awaiting_in_the_database(app) >= 1
    page.locator('#summary li[data-figure="awaiting_decision"] a').click()
    page.wait_for_load_state()
    page.locator("main").get_by_role("link", name=reference, exact=True).click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text().strip() == reference
    assert t(app, language, "No decision yet.") in page.locator("#safety").inner_text()

    # The screening decision, shown on the case once saved.
    page.locator("#safety").get_by_role("link", name=t(app, language, "Record a decision")).click()
    page.wait_for_load_state()
    assert unlabelled_fields(page) == []
    form = page.locator("main form").last
    # The choices are a group named by its legend, each choice by its own label.
    form.get_by_role("group", name=t(app, language, "Decision"), exact=True).get_by_label(
        _label(app, language, ScreeningDecision.PROCEED), exact=True).check()
    form.get_by_label(t(app, language, "Reasons (confidential)")).fill("Violence ancienne, aucun risque actuel.")
    submit(page, app, language, "Save")
    assert t(app, language, "The decision has been recorded.") in flash_text(page)
    safety_text = page.locator("#safety").inner_text()
    assert _label(app, language, ScreeningDecision.PROCEED) in safety_text
    assert "Violence ancienne, aucun risque actuel." in safety_text
    assert t(app, language, "No decision yet.") not in safety_text

    # Reassignment to another mediator, with a reason.
    page.locator("#supervision").get_by_role("link", name=t(app, language, "Reassign the case")).click()
    page.wait_for_load_state()
    assert unlabelled_fields(page) == []
    form = page.locator("main form").last
    form.get_by_label(t(app, language, "New lead")).select_option(label=new_lead)
    form.get_by_label(t(app, language, "Reason")).fill("Charge de travail de la médiatrice.")
    submit(page, app, language, "Move to the new lead")
    assert t(app, language, "The case has a new lead.") in flash_text(page)
    assert page.locator("main h1").inner_text().strip() == reference
    lead_row = page.locator("main dt", has_text=t(app, language, "Lead")).first
    assert lead_row.locator("xpath=following-sibling::dd[1]").inner_text().strip() == new_lead

    # Back on the dashboard, the decided case no longer waits.
    nav(page, app, language, "Caseload")
    assert _tile(page, "awaiting_decision") == awaiting - 1
