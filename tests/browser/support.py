"""What the browser journeys share: the interface's words in each language, logging in, page checks."""

from __future__ import annotations

from flask_babel import gettext

from mediation.demo.data import DEMO_PASSWORD

# The published release the ministry journey opens (built in conftest from tests/statistics/microdata.py).
RELEASE_ID = "2025Q3"
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}


def t(app, language: str, msgid: str, **values) -> str:
    """The text the interface shows for `msgid` in `language` (the catalogue's translation, or the English)."""
    with app.test_request_context(f"/?lang={language}"):
        return gettext(msgid, **values)


def choose_language(page, language: str) -> None:
    """Press the header's language button (as a person would) unless the page already speaks it."""
    if page.locator("html").get_attribute("lang") != language:
        # On a phone the switcher is inside the header's folded menu (docs/architecture.md, U1): open it.
        button = page.locator(f'.language-switcher button[value="{language}"]:visible')
        if not button.count():
            page.locator(".header-menu > summary").click()
        button.click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def log_in(page, app, username: str, language: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, in `language` before and after (a saved choice wins after login)."""
    page.goto("/login")
    choose_language(page, language)
    page.get_by_label(t(app, language, "User name")).fill(username)
    page.get_by_label(t(app, language, "Password")).fill(password)
    page.get_by_role("button", name=t(app, language, "Log in")).click()
    page.wait_for_load_state()
    choose_language(page, language)


def assert_direction(page, language: str) -> None:
    expected = "rtl" if language == "ar" else "ltr"
    assert page.locator("html").get_attribute("dir") == expected
    assert page.evaluate("getComputedStyle(document.body).direction") == expected


def nav(page, app, language: str, msgid: str) -> None:
    """Follow an entry of the main navigation by its visible label."""
    page.get_by_role("navigation", name=t(app, language, "Main navigation")).get_by_role(
        "link", name=t(app, language, msgid), exact=True).click()
    page.wait_for_load_state()


def flash_text(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def fill(form, values: dict) -> None:
    """Fill fields of `form` by name, whatever their kind: text, date, select, radio or checkbox list."""
    for name, value in values.items():
        fields = form.locator(f'[name="{name}"]')
        first = fields.first
        kind = first.evaluate("e => e.tagName === 'SELECT' ? 'select' : (e.type || 'text')")
        if kind == "select":
            first.select_option(value)
        elif kind in ("radio", "checkbox") and fields.count() > 1 or kind == "radio":
            for item in value if isinstance(value, (list, tuple)) else [value]:
                form.locator(f'[name="{name}"][value="{item}"]').check()
        elif kind == "checkbox":
            first.set_checked(bool(value))
        else:
            first.fill(value)


def answer_consents(form, given: tuple[str, ...] = ("data_processing",)) -> None:
    """Answer each consent question the form asks (docs/domain.md, DOM76): the scopes of `given` given,
    the others not asked."""
    names = form.locator('input[type="radio"][name^="consent_"]').evaluate_all(
        "radios => [...new Set(radios.map(r => r.name))]")
    assert names, "the form asks for consents"
    for name in names:
        answer = "given" if name.removeprefix("consent_") in given else "not_asked"
        form.locator(f'[name="{name}"][value="{answer}"]').check()


def unlabelled_fields(page) -> list[str]:
    """Visible form fields with no accessible label (a <label>, aria-label or aria-labelledby)."""
    return page.evaluate("""() => [...document.querySelectorAll('main input, main select, main textarea')]
        .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !e.getAttribute('aria-labelledby'))
        .map(e => e.name || e.id)""")


def submit(page, app, language: str, msgid: str) -> None:
    """Press the form's button by its visible text; the page must not answer with an error."""
    page.locator("main").get_by_role("button", name=t(app, language, msgid), exact=True).click()
    page.wait_for_load_state()
    errors = page.locator("main .error, main .form-error").all_inner_texts()
    assert not errors, f"the form was refused: {errors}"
