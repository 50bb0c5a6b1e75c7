"""The booking form's proposed free times, in Arabic, in a real browser (docs/architecture.md, U5;
docs/domain.md, DOM100): one click on a proposed time fills the date, the start, the end and a room free
for all of it, without loading the page, and the focus moves on to the next field to fill."""

from __future__ import annotations

from tests.browser.support import log_in

LANGUAGE = "ar"
ACTIVE_ID = "() => document.activeElement.id"
VALUES = "() => ['day', 'start', 'end', 'room_id'].map(id => document.getElementById(id).value)"


def _proposed(link) -> list[str]:
    return [link.get_attribute(f"data-{name}") for name in ("day", "start", "end", "room")]


def test_a_proposed_time_fills_the_form_and_a_free_room_in_one_click(served_app, new_page):
    app = served_app
    page = new_page()
    log_in(page, app, "mediator.a1", LANGUAGE)
    page.goto("/appointments/new")  # a first meeting for a family without a case: every room of the association
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.evaluate("() => { window.sameDocument = true; }")
    links = page.locator("main .slot-list a")
    assert links.count() >= 2
    first, second = links.nth(0), links.nth(1)
    chosen = _proposed(first)
    assert all(chosen), "each proposed time carries its date, times and a free room"

    first.click()
    assert page.evaluate(VALUES) == _proposed(first)
    assert page.evaluate("() => window.sameDocument === true") and not loads, "no page was loaded"
    assert page.evaluate(ACTIVE_ID) == "session_type", "the next field to fill: the type of meeting"

    # With the type chosen, the keyboard's Enter on another time fills it in its turn; the next field is
    # then the label that says who the meeting is with.
    page.locator("#session_type").select_option("individual")
    second.focus()
    page.keyboard.press("Enter")
    assert page.evaluate(VALUES) == _proposed(second)
    assert page.evaluate(ACTIVE_ID) == "intake_label"

    # By phone no room is booked: a time chosen then leaves the room alone.
    page.locator("#mode").select_option("phone")
    page.locator("#room_id").select_option("")
    first.click()
    assert page.evaluate(VALUES) == [*_proposed(first)[:3], ""]
    assert page.evaluate("() => window.sameDocument === true") and not loads

    # The link is still a link: its address fills the same form when loaded without script.
    page.goto(first.get_attribute("href"))
    assert page.evaluate(VALUES) == chosen
