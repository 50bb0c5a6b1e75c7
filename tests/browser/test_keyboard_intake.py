"""The case intake completed with the keyboard alone (item 4), in Arabic: Tab from the top of
the page to each field, typing, the arrow keys and Space for lists, radio buttons and checkboxes, and
Enter on the form's button. No click, no fill: only key presses reach the page after it has loaded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from mediation.cases.codes import Issue
from mediation.cases.models import Case
from mediation.core import clock
from mediation.extensions import db
from tests.browser.support import assert_direction, flash_text, log_in, t

LANGUAGE = "ar"
NAME = "خديجة الافتراضي"
TYPED = {"full_name": NAME, "phone": "0612 345 678", "request_summary": "تطلب الأم تنظيم زيارة الأطفال."}
CHOSEN = {"intake_channel": "phone", "referral_source": "family_court", "court_stage": "pending",
          "requesting_role": "mother", "sex": "female"}
RADIOS = {"immediate_danger": "no", "contact_allowed": "yes",
          # each consent answered explicitly (docs/domain.md, DOM76); sensitive_data only where it is asked
          "consent_mediation": "given", "consent_data_processing": "given", "consent_contact": "refused",
          "consent_statistics": "not_asked", "consent_sensitive_data": "not_asked",
          "consent_share_for_referral": "not_asked"}
CHECKED = {("issues", Issue.VISITATION.value), ("issues", Issue.CHILD_MAINTENANCE.value)}

FOCUSED = """() => { const e = document.activeElement, form = [...document.querySelectorAll('main form')].pop();
  return {tag: e.tagName, name: e.name || '', type: e.type || '', value: e.value, checked: !!e.checked,
          mine: !!form && form.contains(e), outline: getComputedStyle(e).outlineStyle}; }"""


def _focused(page) -> dict:
    return page.evaluate(FOCUSED)


def _choose_in_list(page, target: str) -> None:
    """A closed list: Home, then ArrowDown until the wanted option shows."""
    page.keyboard.press("Home")
    for _ in range(40):
        if _focused(page)["value"] == target:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {target} not reached with the arrow keys")


def _choose_radio(page, target: str) -> None:
    """Within a group of radio buttons the arrow keys move and check; Space checks the first one."""
    for _ in range(10):
        state = _focused(page)
        if state["value"] == target:
            page.keyboard.press("Space")
            assert _focused(page)["checked"]
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"radio button {target} not reached with the arrow keys")


def _type_date(page, day: date) -> None:
    """A date is typed as day/month/year (docs/domain.md, DOM75), over the day shown (selected by Tab)."""
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(day.strftime("%d/%m/%Y"))


def test_case_intake_with_the_keyboard_only(served_app, new_page):
    app = served_app
    with app.app_context():
        today = clock.today()
    page = new_page()
    log_in(page, app, "mediator.a1", LANGUAGE)
    page.goto("/cases/new")
    assert page.get_by_role("heading", level=1).count() == 1
    asked = {name for name in RADIOS if page.locator(f'main form [name="{name}"]').count()}

    done, checked, unfocused = set(), set(), []
    for _ in range(150):
        page.keyboard.press("Tab")
        state = _focused(page)
        if state["outline"] in ("none", ""):
            unfocused.append(state["name"] or state["tag"])
        if not state["mine"]:
            continue
        name, kind = state["name"], state["type"]
        if name in done and kind != "checkbox":
            continue  # the next part of the same field: another radio button
        if state["tag"] == "BUTTON":
            assert done >= set(TYPED) | set(CHOSEN) | asked | {"first_contact_on"}, done
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
        if name == "first_contact_on":
            _type_date(page, today)
        elif name == "service_point_id" and not state["value"]:
            page.keyboard.press("ArrowDown")
        elif name in CHOSEN:
            _choose_in_list(page, CHOSEN[name])
        elif name in TYPED:
            page.keyboard.type(TYPED[name])
        elif name in RADIOS:
            _choose_radio(page, RADIOS[name])
        elif kind == "checkbox" and (name, state["value"]) in CHECKED:
            page.keyboard.press("Space")
            checked.add((name, state["value"]))
        else:
            continue
        done.add(name)
    else:
        raise AssertionError("the form's button was never reached with Tab")
    page.wait_for_load_state()

    assert unfocused == [], f"focus not visible on {unfocused}"
    assert checked == CHECKED
    errors = page.locator("main .error").all_inner_texts()
    assert not errors, errors
    assert_direction(page, LANGUAGE)
    reference = page.locator("main h1").inner_text().strip()
    assert reference.startswith("RBT-01-")
    assert NAME in page.locator("main").inner_text()
    assert t(app, LANGUAGE, "Case %(reference)s opened.", reference=reference) in flash_text(page)
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.first_contact_on == today and case.immediate_danger is False
        assert (case.intake_channel.value, case.referral_source.value) == ("phone", "family_court")
        assert {str(issue) for issue in case.issues} == {Issue.VISITATION.value, Issue.CHILD_MAINTENANCE.value}
