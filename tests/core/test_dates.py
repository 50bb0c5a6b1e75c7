"""Dates within reason: no appointment or session beyond MEDIATION_MAX_DAYS_AHEAD (two years by default),
no year that overflows, and every date input shows its bounds to the browser's calendar (S16)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import ConfigurationError, days_ahead
from mediation.appointments.models import Appointment
from mediation.core import clock
from mediation.core.forms import BaseForm
from mediation.counselling.models import CounsellingSession
from mediation.extensions import db
from tests.appointments.test_booking import book_url
from tests.appointments.test_booking import form as booking_form
from tests.core.test_form_input import form_classes
from tests.counselling.test_log import (
    family,  # noqa: F401  (fixture: the own case with a father and a child)
    session_url,
)
from tests.counselling.test_log import form as session_form

TEMPLATES = Path(__file__).resolve().parents[2] / "mediation" / "templates"
NOW = datetime(2026, 12, 8, 9, 15, tzinfo=UTC)  # a Tuesday morning in Morocco
TODAY = date(2026, 12, 8)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def date_inputs(html: str) -> list[str]:
    return re.findall(r'<input[^>]*type="date"[^>]*>', html)


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found[1] if found else None


# The setting


@pytest.mark.parametrize("value, expected", [("730", 730), (" 30 ", 30), ("1", 1), ("3660", 3660)])
def test_the_setting_is_a_whole_number_of_days(value, expected):
    assert days_ahead(value) == expected


@pytest.mark.parametrize("value", ["0", "-1", "3661", "two years", "", "7.5", "١٠"])
def test_a_malformed_setting_stops_the_start_naming_it(value):
    with pytest.raises(ConfigurationError, match="MEDIATION_MAX_DAYS_AHEAD"):
        days_ahead(value)


def test_the_furthest_day_follows_the_setting(app, frozen_clock, monkeypatch):
    frozen_clock.set(NOW)
    with app.app_context():
        assert app.config["MEDIATION_MAX_DAYS_AHEAD"] == 730
        assert clock.furthest_day() == TODAY + timedelta(days=730)
        monkeypatch.setitem(app.config, "MEDIATION_MAX_DAYS_AHEAD", 30)
        assert clock.furthest_day() == TODAY + timedelta(days=30)


# Bounds the calendar shows


def test_every_date_field_of_every_form_has_a_min_and_a_max(app, frozen_clock):
    frozen_clock.set(NOW)
    furthest = (TODAY + timedelta(days=730)).isoformat()
    seen, wrong = 0, []
    with app.test_request_context("/"):
        for form_class in form_classes():
            form = form_class(formdata=None)
            for field in form:
                if field.widget is None:  # never shown (the audit trail's page number)
                    continue
                for tag in date_inputs(str(field())):
                    seen += 1
                    low, high = attribute(tag, "min"), attribute(tag, "max")
                    if low not in (clock.EARLIEST_DAY.isoformat(), TODAY.isoformat()) or \
                            high not in (furthest, TODAY.isoformat()) or low > high:
                        wrong.append((form_class.__name__, field.name, low, high))
    assert seen >= 15 and wrong == []


@pytest.mark.parametrize("form_path, field_name, low, high", [
    ("mediation.appointments.forms.AppointmentForm", "day", "today", "furthest"),
    ("mediation.counselling.forms.log.SessionForm", "day", "earliest", "today"),
    ("mediation.cases.forms.details.CaseDetailsForm", "follow_up_on", "earliest", "furthest"),
])
def test_a_date_that_cannot_be_past_or_future_says_so_to_the_calendar(app, frozen_clock, form_path, field_name,
                                                                       low, high):
    import importlib

    frozen_clock.set(NOW)
    module, _, name = form_path.rpartition(".")
    form_class = getattr(importlib.import_module(module), name, None)
    if form_class is None:
        pytest.skip(f"{form_path} is named otherwise")
    days = {"today": TODAY, "earliest": clock.EARLIEST_DAY, "furthest": TODAY + timedelta(days=730)}
    with app.test_request_context("/"):
        [tag] = date_inputs(str(form_class(formdata=None)[field_name]()))
    assert (attribute(tag, "min"), attribute(tag, "max")) == (days[low].isoformat(), days[high].isoformat())


@pytest.mark.parametrize("typed, error", [
    ("31/12/1999", "Enter a date between 01/01/2000 and 08/12/2026."),  # up to today: the first contact happened
    ("01/01/2000", None),
    ("08/12/2026", None),
    ("09/12/2026", "The first contact cannot be in the future."),
    ("2026-12-09", "The first contact cannot be in the future."),
])
def test_a_typed_day_keeps_to_the_same_bounds(app, frozen_clock, typed, error):
    """The intake's first contact is typed (docs/domain.md, DOM75): no calendar shows its bounds, the field
    refuses what lies outside them, with its own message for a day to come."""
    from mediation.cases.forms.intake import IntakeForm

    frozen_clock.set(NOW)
    with app.test_request_context("/?lang=en", method="POST", data={"first_contact_on": typed}):
        form = IntakeForm()
        form.first_contact_on.validate(form)
        assert [str(message) for message in form.first_contact_on.errors] == ([error] if error else [])
        assert form.first_contact_on.data == (None if error else date(*reversed([int(n) for n in typed.split("/")])))


def test_every_date_input_written_in_a_template_has_a_min_and_a_max():
    wrong = [(path.name, tag) for path in TEMPLATES.rglob("*.html")
             for tag in date_inputs(path.read_text(encoding="utf-8"))
             if " min=" not in tag or " max=" not in tag]
    assert wrong == []


def test_the_supervisors_pages_show_the_bounds_they_accept(login_as, world, cases):
    client = login_as("supervisor_a")
    for url in ("/supervision/", "/supervision/cases"):
        response = client.get(url)
        assert response.status_code == 200, url
        tags = date_inputs(response.get_data(as_text=True))
        assert tags, url
        for tag in tags:
            assert (attribute(tag, "min"), attribute(tag, "max")) == ("2000-01-01", "2100-12-31"), tag


# Appointments


@pytest.fixture
def booking(app, world, appointments, login_as, frozen_clock):
    frozen_clock.set(NOW)
    return login_as("mediator_a1")


FURTHEST_MESSAGE = re.compile(r"Choose a date no later than [^:<]+: appointments are booked at most 730 days ahead.")


def test_an_appointment_two_years_ahead_is_booked_and_one_day_more_is_refused(app, world, booking):
    before = count(app, Appointment)
    last = TODAY + timedelta(days=730)
    response = booking.post(f"{book_url(world)}&lang=en", data=booking_form(world, last + timedelta(days=1)))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert FURTHEST_MESSAGE.search(page)
    assert f'value="{(last + timedelta(days=1)).isoformat()}"' in page, "the input is kept"
    assert count(app, Appointment) == before
    response = booking.post(f"{book_url(world)}&lang=en", data=booking_form(world, last))
    assert response.status_code == 302
    assert count(app, Appointment) == before + 1


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2999-02-28"])
def test_an_appointment_in_a_year_out_of_reach_is_refused_not_a_500(app, world, booking, day):
    before = count(app, Appointment)
    response = booking.post(f"{book_url(world)}&lang=en", data={**booking_form(world, TODAY), "day": day})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert FURTHEST_MESSAGE.search(page) or "This time has already passed: choose a time to come." in page
    assert count(app, Appointment) == before


def test_the_setting_moves_the_limit(app, world, booking, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIATION_MAX_DAYS_AHEAD", 30)
    response = booking.post(f"{book_url(world)}&lang=en", data=booking_form(world, TODAY + timedelta(days=31)))
    assert response.status_code == 422
    assert "appointments are booked at most 30 days ahead." in response.get_data(as_text=True)


def test_the_message_reads_in_french_and_arabic(app, world, booking):
    day = TODAY + timedelta(days=800)
    for language, text in (("fr", "les rendez-vous se prennent au plus 730 jours à l&#39;avance."),
                           ("ar", "تُحدَّد المواعيد قبل 730 يوماً على الأكثر.")):
        response = booking.post(f"{book_url(world)}&lang={language}", data=booking_form(world, day))
        assert response.status_code == 422
        assert text in response.get_data(as_text=True), language


# Counselling sessions


@pytest.mark.parametrize("day", [TODAY + timedelta(days=3 * 365), "9999-12-31", "0001-01-01"])
def test_a_session_out_of_reach_is_refused_with_a_message(app, login_as, family, frozen_clock, day):  # noqa: F811
    frozen_clock.set(NOW)
    before = count(app, CounsellingSession)
    client = login_as("mediator_a1")
    value = day.isoformat() if isinstance(day, date) else day
    response = client.post(session_url(family, "/new?lang=en"), data=session_form(family, day=value))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert ("A session that was held cannot start in the future." in page
            or "The date cannot be before the first contact." in page)
    assert count(app, CounsellingSession) == before


def test_forms_are_bound_when_shown_not_when_imported(app, frozen_clock):
    """The bounds follow the clock: a form built tomorrow offers tomorrow."""
    from mediation.appointments.forms import AppointmentForm

    assert issubclass(AppointmentForm, BaseForm)
    for instant in (NOW, NOW + timedelta(days=1)):
        frozen_clock.set(instant)
        with app.test_request_context("/"):
            [tag] = date_inputs(str(AppointmentForm(formdata=None).day()))
        assert attribute(tag, "min") == instant.date().isoformat()
