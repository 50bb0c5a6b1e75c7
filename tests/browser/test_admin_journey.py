"""An administrator creates an association and its supervisor; the supervisor logs in for the first time
and creates a mediator, who logs in for the first time and sets up the second factor (journey 3),
in a real browser, in Arabic and in French.

The second factor is required for this journey, as in production (the other journeys' demo accounts
log in without it); the code is computed from the key the enrolment page shows, as an app would.
"""

from __future__ import annotations

import pyotp
import pytest

from mediation.core.authz import Profession, Role
from tests.browser.support import flash_text, log_in, nav, submit, t, unlabelled_fields

# Name in Arabic, name in French, supervisor (user name, display name), mediator (user name, display name).
PEOPLE = {
    "ar": ("جمعية الوساطة التجريبية", "Association Essai", ("sup.essai.ar", "مريم التجريبي"),
           ("med.essai.ar", "حسن التجريبي")),
    "fr": ("جمعية الأسرة الافتراضية", "Association Fictif", ("sup.fictif.fr", "Meriem Fictif"),
           ("med.fictif.fr", "Hassan Fictif")),
}
PASSWORDS = {"supervisor": "trois mots longs pour superviser", "mediator": "une phrase assez longue pour moi"}


def _label(app, language: str, code) -> str:
    with app.test_request_context(f"/?lang={language}"):
        return str(code.label)


def _fact(page, app, language: str, msgid: str) -> str:
    """The value next to a term of the page's facts list."""
    term = page.locator("main dt", has_text=t(app, language, msgid)).first
    return term.locator("xpath=following-sibling::dd[1]").inner_text().strip()


def _new_account(page, app, language, values: dict, password: str) -> None:
    page.locator("main").get_by_role("link", name=t(app, language, "New account")).first.click()
    page.wait_for_load_state()
    assert unlabelled_fields(page) == []
    form = page.locator("main form").last
    for msgid, value in values.items():
        field = form.get_by_label(t(app, language, msgid), exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.get_by_label(t(app, language, "Initial password"), exact=True).fill(password)
    form.get_by_label(t(app, language, "Initial password, again"), exact=True).fill(password)
    submit(page, app, language, "Save")
    assert t(app, language, "The account has been created.") in flash_text(page)


def _first_login_with_enrolment(page, app, language, username: str, password: str) -> None:
    """Password, then the second factor set up with the key shown on the page, then the recovery codes."""
    log_in(page, app, username, language, password)
    assert page.get_by_role("heading", level=1).inner_text() == t(app, language, "Set up the second factor")
    page.locator("main").get_by_role("button", name=t(app, language, "Start")).click()
    page.wait_for_load_state()
    assert page.get_by_role("img", name=t(app, language, "QR code for the authenticator app")).is_visible()
    secret = page.locator("main code.secret").inner_text().replace(" ", "")
    page.get_by_label(t(app, language, "Code"), exact=True).fill(pyotp.TOTP(secret).now())
    submit(page, app, language, "Confirm")
    assert page.get_by_role("heading", level=1).inner_text() == t(app, language, "Recovery codes")
    assert page.locator("main ul.recovery-codes li").count() >= 5
    page.get_by_role("link", name=t(app, language, "I have written them down")).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_admin_sets_up_an_association_whose_staff_log_in(served_app, new_page, monkeypatch, language):
    app = served_app
    name_ar, name_fr, (supervisor, supervisor_name), (mediator, mediator_name) = PEOPLE[language]
    name = name_ar if language == "ar" else name_fr

    # The administrator: the association, then its supervisor.
    admin = new_page()
    log_in(admin, app, "admin", language)
    nav(admin, app, language, "Associations")
    admin.locator("main").get_by_role("link", name=t(app, language, "New association")).click()
    admin.wait_for_load_state()
    assert unlabelled_fields(admin) == []
    form = admin.locator("main form").last
    form.get_by_label(t(app, language, "Name in Arabic")).fill(name_ar)
    form.get_by_label(t(app, language, "Name in French")).fill(name_fr)
    form.get_by_label(t(app, language, "Region"), exact=True).select_option(index=1)
    region = form.get_by_label(t(app, language, "Region"), exact=True).evaluate(
        "e => e.options[e.selectedIndex].text")
    form.get_by_label(t(app, language, "CNDP declaration number")).fill("D-2025-0042")
    form.get_by_label(t(app, language, "CNDP declaration date")).fill("2025-10-01")
    submit(admin, app, language, "Save")
    assert t(app, language, "The association has been created.") in flash_text(admin)
    assert admin.locator("main h1").inner_text().strip() == name
    assert _fact(admin, app, language, "Name in Arabic") == name_ar
    assert _fact(admin, app, language, "Region") == region.strip()

    _new_account(admin, app, language, {"Role": _label(app, language, Role.SUPERVISOR),
                                        "User name": supervisor, "Display name": supervisor_name},
                 PASSWORDS["supervisor"])
    assert admin.locator("main h1").inner_text().strip() == supervisor_name
    assert _fact(admin, app, language, "Role") == _label(app, language, Role.SUPERVISOR)
    assert _fact(admin, app, language, "Association") == name
    assert _fact(admin, app, language, "Last login") == t(app, language, "Never logged in")

    # From here on the second factor is required, as in production.
    monkeypatch.setitem(app.config, "MEDIATION_REQUIRE_2FA", True)

    # The supervisor: first login, then a mediator of the association.
    page = new_page()
    _first_login_with_enrolment(page, app, language, supervisor, PASSWORDS["supervisor"])
    nav(page, app, language, "Staff accounts")
    _new_account(page, app, language, {"Profession": _label(app, language, Profession.MEDIATOR),
                                       "User name": mediator, "Display name": mediator_name},
                 PASSWORDS["mediator"])
    assert page.locator("main h1").inner_text().strip() == mediator_name
    assert _fact(page, app, language, "Role") == _label(app, language, Role.MEDIATOR)
    assert _fact(page, app, language, "Association") == name
    assert _fact(page, app, language, "Second factor") == t(app, language, "Not set up")

    # The mediator: first login with the second factor, then their day, empty.
    mediator_page = new_page()
    _first_login_with_enrolment(mediator_page, app, language, mediator, PASSWORDS["mediator"])
    assert mediator_page.get_by_role("heading", level=1).inner_text() == t(app, language, "My day")
    assert mediator_page.locator('#summary li[data-figure="open"] strong').inner_text().strip() == "0"
    assert mediator_name in mediator_page.locator("header").inner_text()

    # The supervisor now sees the mediator with the second factor set up.
    page.reload()
    assert _fact(page, app, language, "Second factor") == t(app, language, "Set up")
    assert _fact(page, app, language, "Last login") != t(app, language, "Never logged in")
