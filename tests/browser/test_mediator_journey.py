"""A mediator takes a new family from the first contact to a closed case with an agreement
(journey 1), in a real browser, in Arabic and in French."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from mediation.appointments.models import Appointment
from mediation.core import clock
from mediation.extensions import db
from tests.browser.support import (
    answer_consents,
    assert_direction,
    fill,
    flash_text,
    log_in,
    nav,
    submit,
    t,
    unlabelled_fields,
)

FAMILIES = {
    # requesting party (Arabic name, Latin name), the other party, the child
    "ar": (("أمينة الإدريسي", "Amina El Idrissi"), ("رشيد بنجلون", "Rachid Benjelloun"), ("سلمى", "Salma")),
    "fr": (("Khadija Tazi", ""), ("Omar Tazi", ""), ("Yasmine Tazi", "")),
}


def _case_link(page, app, language, msgid):
    page.locator("main").get_by_role("link", name=t(app, language, msgid), exact=True).first.click()
    page.wait_for_load_state()
    assert unlabelled_fields(page) == []


def _working_morning(later: int) -> datetime:
    """09:00 of the service's working day `later` working days from today (today itself if it is one
    and later is 0): the journey's clock starts there, whatever the hour at which the suite runs."""
    day = clock.today() - timedelta(days=1)
    for _ in range(later + 1):
        day += timedelta(days=1)
        while day.weekday() >= 5:  # Saturday and Sunday
            day += timedelta(days=1)
    return clock.to_utc(day, time(9, 0))


def _work_until_the_appointment_has_ended(page, app, appointment_public_id: str, frozen_clock) -> None:
    """The served application's clock moves on past the appointment's end, twenty minutes at a time,
    the page reloaded at each step as a mediator at work would (the session's idle limit is 30 minutes)."""
    with app.app_context():
        end = db.session.scalar(select(Appointment.end_utc).where(
            Appointment.public_id == uuid.UUID(appointment_public_id)))
    while frozen_clock.now() < end + timedelta(minutes=5):
        frozen_clock.advance(minutes=min(20, (end + timedelta(minutes=5) - frozen_clock.now()).total_seconds() / 60))
        page.reload()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_mediator_takes_a_family_from_intake_to_agreement(served_app, new_page, language, frozen_clock):
    app = served_app
    # Each language on its own morning: the same mediator books the same hour in both journeys.
    frozen_clock.set(_working_morning(later=list(FAMILIES).index(language)), ticking=True)
    (requesting, latin), (other, other_latin), (child, _) = FAMILIES[language]
    with app.app_context():
        today_date = clock.today()
    today = today_date.isoformat()
    page = new_page(1024, 768)  # a tablet in landscape
    log_in(page, app, "mediator.a1", language)

    # Intake: a new family.
    nav(page, app, language, "Cases")
    _case_link(page, app, language, "Open a case")
    form = page.locator("main form").last
    fill(form, {"first_contact_on": today, "intake_channel": "walk_in", "referral_source": "self",
                "issues": ["custody"], "court_stage": "none", "immediate_danger": "no",
                "full_name": requesting, "full_name_latin": latin, "requesting_role": "mother", "sex": "female",
                "contact_allowed": "yes"})
    answer_consents(form)
    submit(page, app, language, "Open the case")
    assert_direction(page, language)
    reference = page.locator("main h1").inner_text().strip()
    assert reference.startswith("RBT-01-")
    assert requesting in page.locator("#parties, main").first.inner_text()

    # The other party and a child.
    _case_link(page, app, language, "Add a party")
    fill(page.locator("main form").last, {"full_name": other, "full_name_latin": other_latin, "sex": "male",
                                           "role": "father", "contact_allowed": "yes"})
    answer_consents(page.locator("main form").last, given=())
    submit(page, app, language, "Save")
    _case_link(page, app, language, "Add a child")
    fill(page.locator("main form").last, {"full_name": child, "sex": "female", "lives_with": "mother"})
    submit(page, app, language, "Save")
    main_text = page.locator("main").inner_text()
    assert other in main_text and child in main_text

    # Screening and consents of both parties.
    for name, scopes in ((requesting, ("mediation",)), (other, ("data_processing", "mediation"))):
        row = page.locator("#safety tr", has_text=name)
        row.get_by_role("link", name=t(app, language, "Record a screening")).click()
        assert unlabelled_fields(page) == []
        fill(page.locator("main form").last, {
            "screened_on": today, "violence": "none", "gating_immediate_danger": "no",
            "gating_fear_of_other_party": "no", "gating_coercive_control": "no",
            "gating_child_protection_concern": "no", "gating_abduction_threat": "no"})
        submit(page, app, language, "Save")
        for scope in scopes:
            row = page.locator("#safety tr", has_text=name)
            row.get_by_role("link", name=t(app, language, "Record a consent")).click()
            fill(page.locator("main form").last, {"scope": scope, "status": "given", "on_date": today,
                                                   "given_by": "self"})
            submit(page, app, language, "Save")
    # The first screening began the assessment (docs/domain.md, DOM104): one button moves into mediation.
    assert not page.locator("main").get_by_role("button", name=t(app, language, "Move to assessment")).count()
    submit(page, app, language, "Move into mediation")
    assert t(app, language, "Open: every party is screened and has consented, and every positive screening is "
                            "covered by a supervisor decision.") in page.locator("#safety").inner_text()

    # An appointment, held, and the session logged from it.
    _case_link(page, app, language, "Book an appointment")
    form = page.locator("main form").last
    fill(form, {"session_type": "joint_mediation", "mode": "in_person", "day": today,
                "start": "09:30", "end": "10:30"})
    form.locator('[name="room_id"]').select_option(index=1)
    for name in (requesting, other):  # the parents; a child is never invited to a joint mediation
        form.get_by_label(name, exact=False).check()
    submit(page, app, language, "Book the appointment")
    appointment_id = page.url.rstrip("/").split("/")[-1]
    _work_until_the_appointment_has_ended(page, app, appointment_id, frozen_clock)
    page.get_by_role("button", name=t(app, language, "It took place")).click()
    page.wait_for_load_state()
    # Marked as held, the appointment opens the session log, filled in from it.
    assert "/sessions/new" in page.url and flash_text(page)
    assert unlabelled_fields(page) == []
    form = page.locator("main form").last
    assert form.locator('[name="type"]').input_value() == "joint_mediation"
    for name in (requesting, other):
        assert form.get_by_label(name, exact=False).is_checked()
    fill(page.locator("main form").last, {"summary": "Les deux parents ont parlé du calendrier de visite."})
    submit(page, app, language, "Save the session")

    # A note, then the closure with an agreement.
    if "/sessions/" in page.url:
        page.locator("main").get_by_role("link", name=reference).first.click()
    _case_link(page, app, language, "Add a note")
    fill(page.locator("main form").last, {"visibility": "staff_only", "body": "Suivi téléphonique prévu dans un mois."})
    submit(page, app, language, "Save the note")
    assert "Suivi téléphonique prévu dans un mois." in page.locator("main").inner_text()
    # The agreement, concluded today; the closure rests on it (docs/domain.md, DOM80).
    _case_link(page, app, language, "Draft the agreement")
    fill(page.locator("main form").last, {"nature": "separation_arrangements", "agreement_form": "verbal",
                                           "point_custody_status": "agreed",
                                           "point_custody_text": "Garde partagée ; visites le samedi.",
                                           "concluded_on": today})
    submit(page, app, language, "Save a new version")
    assert "Garde partagée ; visites le samedi." in page.locator("#agreement").inner_text()
    _case_link(page, app, language, "Close the case")
    fill(page.locator("main form").last, {"outcome": "agreement_full"})
    submit(page, app, language, "Close the case")
    closure = page.locator("main").inner_text()
    assert "Garde partagée ; visites le samedi." in closure
    assert flash_text(page)
