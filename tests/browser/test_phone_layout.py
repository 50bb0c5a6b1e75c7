"""The phone and print layout, measured in Chromium (docs/architecture.md, U1-U4).

At 390 x 844 px, in Arabic and in French, for each role: the header takes at most 12 % of the screen
height, its menu opens without a script, no main page scrolls sideways and axe-core finds no violation.
The case page: its section menu with counts (sticky on a wide screen, the timeline first on a phone),
and what its ordinary and internal prints show. Screenshots go to tests/browser/artifacts/.
"""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.support import RELEASE_ID, assert_direction, log_in, t

# What the browser draws, the same on every database: .ci/run checks it on its first pass only.
pytestmark = pytest.mark.presentation

PHONE = {"width": 390, "height": 844}
HEADER_SHARE = 0.12
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
ROLES = {"mediator": "mediator.a1", "supervisor": "supervisor.a", "admin": "admin", "ministry": "ministry"}


def _open_menu(page, screenshot) -> list[str]:
    """Open the header's disclosure as a person would; the addresses of its navigation."""
    menu = page.locator(".header-menu")
    assert menu.is_visible() and not page.locator(".header-wide").is_visible()
    assert not page.locator(".menu-nav").is_visible(), "the menu starts folded"
    menu.locator("summary").click()
    assert page.locator(".menu-nav").is_visible()
    page.screenshot(path=screenshot)
    return [link.get_attribute("href") for link in page.locator(".menu-nav a").all()]


def _first_case(page) -> str:
    page.goto("/cases/")
    return page.locator("main table a[href*='/cases/']").first.get_attribute("href")


def _pages(page, role: str, navigation: list[str]) -> dict[str, str]:
    """The role's main pages: every entry of its navigation, and for case staff a case and the week."""
    pages = {href.strip("/").replace("/", "-") or "home": href for href in navigation}
    if role in ("mediator", "supervisor"):
        pages["case"] = _first_case(page)
        pages["week"] = "/appointments/?view=week"
    if role == "mediator":
        pages["to-record"] = "/appointments/to-record"
    if role == "ministry":
        pages["release"] = f"/statistics/releases/{RELEASE_ID}"
    return pages


def _check(page, artifacts, axe: Axe, label: str) -> list[str]:
    problems = []
    page.screenshot(path=artifacts / f"phone-{label}.png", full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 || e.getBoundingClientRect().left < -1)
            .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
        problems.append(f"{label} scrolls sideways by {overflow}px: {wide}")
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        (artifacts / f"phone-{label}-axe.json").write_text(json.dumps(violations, indent=1, ensure_ascii=False))
        problems += [f"{label}: axe {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
                     for v in violations]
    return problems


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_role_on_a_phone(served_app, new_page, artifacts, role, language):
    app, axe, problems = served_app, Axe(), []
    page = new_page(PHONE["width"], PHONE["height"])
    log_in(page, app, ROLES[role], language)
    page.goto("/")
    assert_direction(page, language)
    header = page.locator(".site-header").bounding_box()["height"]
    assert header <= HEADER_SHARE * PHONE["height"], f"the header takes {header}px of {PHONE['height']}"
    navigation = _open_menu(page, artifacts / f"phone-{language}-{role}-menu.png")
    assert navigation and all(href.startswith("/") for href in navigation)
    # The open menu lies over the page: the header itself keeps its height.
    assert page.locator(".site-header").bounding_box()["height"] == header
    for name, url in _pages(page, role, navigation).items():
        page.goto(url)
        assert page.locator(".site-header").bounding_box()["height"] <= HEADER_SHARE * PHONE["height"], name
        problems += _check(page, artifacts, axe, f"{language}-{role}-{name}")
    assert problems == []


def test_lists_are_cards_and_the_week_an_agenda_on_a_phone(served_app, new_page):
    page = new_page(PHONE["width"], PHONE["height"])
    log_in(page, served_app, "mediator.a1", "fr")
    page.goto("/cases/")
    cell = page.locator("main table.cards tbody td").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "grid"
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert label.strip('"') == t(served_app, "fr", "Reference")
    reference = page.locator("main table.cards a.reference").first
    assert reference.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    page.goto("/appointments/?view=week")
    days = page.locator("table.calendar-week tbody td").all()
    assert len(days) >= 5
    boxes = [day.bounding_box() for day in days]
    tops = [box["y"] for box in boxes]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), "days follow each other downwards"
    assert days[0].evaluate("e => getComputedStyle(e, '::before').content") != "none"
    # The same page on a laptop is still the week's table, days side by side.
    page.set_viewport_size({"width": 1280, "height": 900})
    boxes = [day.bounding_box() for day in days]
    assert len({round(box["y"]) for box in boxes}) == 1


def test_a_table_that_scrolls_sideways_says_so(served_app, new_page):
    page = new_page(PHONE["width"], PHONE["height"])
    log_in(page, served_app, "supervisor.a", "fr")
    # The supervisor's case list is cards on a phone; the sessions list stays a table that scrolls.
    page.goto("/supervision/cases")
    cell = page.locator("main table.cards tbody td").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "grid"
    page.goto("/supervision/sessions")
    wrapper = page.locator("main .table-scroll").first
    assert wrapper.evaluate("e => e.scrollWidth > e.clientWidth"), "this table is wider than a phone"
    hint = "e => { const s = getComputedStyle(e, '::before'); return [s.visibility, parseFloat(s.height), s.content]; }"
    visibility, height, content = wrapper.evaluate(hint)
    assert visibility == "visible" and height > 10
    assert t(served_app, "fr", "Scroll sideways to see every column") in content
    # The keyboard reaches it too.
    assert wrapper.get_attribute("tabindex") == "0"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/cases/")  # a table that fits: no hint
    fits = page.locator("main .table-scroll").first
    assert fits.evaluate("e => e.scrollWidth <= e.clientWidth")
    visibility, height, _content = fits.evaluate(hint)
    assert visibility == "hidden" and height == 0


def _case_with_internal_note(page) -> str:
    """A case of the mediator's with a note not shared with the parties (the demo has several)."""
    page.goto("/cases/")
    for href in [a.get_attribute("href") for a in page.locator("main table a[href*='/cases/']").all()]:
        page.goto(href)
        if page.locator("#notes li.note.internal-only").count():
            return href
    raise AssertionError("no demo case with a staff-only or private note")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_case_page_menu_and_its_two_prints(served_app, new_page, artifacts, language):
    app = served_app
    page = new_page(1280, 900)
    log_in(page, app, "mediator.a1", language)
    url = _case_with_internal_note(page)
    menu = page.get_by_role("navigation", name=t(app, language, "Parts of the case"))
    notes_link = menu.locator('a[href="#notes"]')
    assert notes_link.locator(".count").inner_text().strip() == str(page.locator("#notes li.note").count())
    assert menu.locator('a[href="#timeline"] .count').count() == 1
    # Wide screen: the menu beside the sections, and still in view far down the page.
    assert menu.evaluate("e => getComputedStyle(e).position") == "sticky"
    page.locator("#closure").scroll_into_view_if_needed()
    assert 0 <= menu.bounding_box()["y"] < 900
    notes_link.click()
    assert page.evaluate("location.hash") == "#notes"

    # A phone: the timeline comes first, right under the menu.
    page.set_viewport_size(PHONE)
    sections = page.locator(".case-sections > section.card").all()
    tops = {section.get_attribute("id"): section.bounding_box()["y"] for section in sections}
    assert min(tops, key=tops.get) == "timeline"

    # The ordinary print: the confidential header, no screening, no private note, no menu or form.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / f"print-{language}-ordinary.png", full_page=True)
    header = page.locator(".print-header")
    assert header.is_visible() and t(app, language, "Confidential — internal") in header.inner_text()
    assert not page.locator("#safety").is_visible()
    assert not page.locator("#supervision").is_visible()
    assert page.locator("#notes li.note.internal-only").count() and not any(
        note.is_visible() for note in page.locator("#notes li.note.internal-only").all())
    assert all(note.is_visible() for note in page.locator("#notes li.note:not(.internal-only)").all())
    for hidden in (".site-header", ".case-menu", "main form", ".site-footer"):
        assert not any(item.is_visible() for item in page.locator(hidden).all()), hidden
    assert page.locator("#parties").is_visible() and page.locator("#timeline").is_visible()

    # The internal print, chosen explicitly: the same page with the screening and private notes.
    page.emulate_media(media="screen")
    assert not header.is_visible()
    page.get_by_role("link", name=t(app, language, "Print internal copy")).click()
    page.wait_for_load_state()
    assert page.url.endswith(url + "?print=internal")
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / f"print-{language}-internal.png", full_page=True)
    assert page.locator(".print-header").is_visible()
    assert page.locator("#safety").is_visible()
    assert all(note.is_visible() for note in page.locator("#notes li.note").all())
    assert not page.locator(".print-internal-notice").is_visible()
