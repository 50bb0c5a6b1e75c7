"""The pages that edit programmes and groups and find a group-only participant, on a phone, in Arabic and
French: nothing scrolls sideways, axe-core finds no violation, lists are cards (docs/domain.md,
DOM134-DOM137; docs/architecture.md, U1-U4)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.support import assert_direction, log_in
from tests.browser.test_phone_layout import PHONE, _check

pytestmark = pytest.mark.presentation


def _group_link(page, name: str) -> str:
    page.goto("/groups/")
    return page.locator("main a", has_text=name).first.get_attribute("href")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_group_editing_and_participant_search_on_a_phone(served_app, new_page, artifacts, language):
    axe, problems = Axe(), []
    page = new_page(PHONE["width"], PHONE["height"])
    log_in(page, served_app, "supervisor.a", language)
    page.goto("/groups/programmes")
    assert_direction(page, language)
    cell = page.locator("main table.cards tbody td").first
    assert cell.evaluate("e => getComputedStyle(e).display") == "grid"
    problems += _check(page, artifacts, axe, f"{language}-programmes")
    page.locator("main table.cards a.button-secondary").first.click()
    problems += _check(page, artifacts, axe, f"{language}-programme-edit")
    planned = _group_link(page, "Cycle d'hiver")
    page.goto(f"{planned}/edit")
    assert page.locator("#cancel-group").is_visible(), "a group that has not started can be cancelled"
    problems += _check(page, artifacts, axe, f"{language}-group-edit")
    page.goto(_group_link(page, "Cycle du soir"))
    assert page.locator("[data-group-status='cancelled']").is_visible()
    problems += _check(page, artifacts, axe, f"{language}-group-cancelled")
    page.goto("/subject-requests/group-participants")
    problems += _check(page, artifacts, axe, f"{language}-participant-search")
    page.fill("#full_name", "Personne Inconnue")
    page.locator("main form button[type=submit]").click()
    assert page.locator("#matches-title").is_visible()
    problems += _check(page, artifacts, axe, f"{language}-participant-search-results")
    assert problems == []
