"""The error summary of a form, in Arabic, in a real browser (docs/architecture.md, A5): every error at
once at the top, the focus on it when the page loads, each link leading to its field, the input kept."""

from __future__ import annotations

from tests.browser.support import assert_direction, log_in, t

LANGUAGE = "ar"
NAME = "خديجة الملخص"
BAD_BIRTH = "31/02/1990"  # no such day

ACTIVE = "() => { const e = document.activeElement; return {id: e.id, summary: e.hasAttribute('data-error-summary')}; }"
TARGETS = """() => [...document.querySelectorAll('[data-error-summary] a')].map(a => {
  const id = decodeURIComponent(a.getAttribute('href').slice(1));
  return {id, exists: !!document.getElementById(id)}; })"""


def test_the_error_summary_takes_the_focus_in_arabic(served_app, new_page):
    app = served_app
    page = new_page()
    log_in(page, app, "mediator.a1", LANGUAGE)
    page.goto("/cases/new")
    form = page.locator("main form").last
    form.locator('[name="full_name"]').fill(NAME)
    form.locator('[name="birth_date"]').fill(BAD_BIRTH)
    form.locator('[name="first_contact_on"]').fill("")
    page.locator("main").get_by_role("button", name=t(app, LANGUAGE, "Open the case"), exact=True).click()
    page.wait_for_load_state()
    assert_direction(page, LANGUAGE)

    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    assert page.evaluate(ACTIVE) == {"id": "", "summary": True}, "the summary has the focus on load"
    assert summary.get_by_role("heading").inner_text() == t(app, LANGUAGE, "There is a problem")
    assert summary.locator("[role=alert]").count() == 1
    # It comes first: before the form, right under the page's title.
    assert page.evaluate("() => document.querySelector('[data-error-summary]').compareDocumentPosition("
                         "document.querySelector('main form')) & Node.DOCUMENT_POSITION_FOLLOWING")

    targets = page.evaluate(TARGETS)
    ids = [target["id"] for target in targets]
    assert all(target["exists"] for target in targets), targets
    # Every error at once: the missing date and answers, the impossible birth date, each consent question.
    assert {"first_contact_on", "birth_date", "immediate_danger-0", "contact_allowed-0",
            "consent_data_processing-0"} <= set(ids), ids
    assert ids.index("first_contact_on") < ids.index("birth_date") < ids.index("consent_data_processing-0"), \
        "in the order of the page"
    messages = summary.inner_text()
    assert t(app, LANGUAGE, "This date does not exist: check the day and the month.") in messages

    # The input is kept, as typed.
    assert form.locator('[name="full_name"]').input_value() == NAME
    assert page.locator("main form").last.locator('[name="birth_date"]').input_value() == BAD_BIRTH

    # A link of the summary leads to its field, with the keyboard.
    link = summary.locator('a[href="#birth_date"]')
    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE)["id"] == "birth_date"
    assert page.locator("#birth_date").is_visible()
