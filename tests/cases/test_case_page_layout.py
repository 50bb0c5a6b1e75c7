"""The case page's section menu and its two prints (docs/architecture.md, U2 and U3).

What the browser shows (sticky menu, the timeline first on a phone, what prints) is proved in
tests/browser/test_phone_layout.py; here, the markup those rules rely on, the counts, their cost in
statements and the audit event of the internal print.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from mediation.cases.codes import NoteVisibility
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.cases.matrix_rows_notes import write_note
from tests.cases.test_notes import requesting_party
from tests.statements import statements_of_get


def _menu(page: str) -> dict[str, str | None]:
    """anchor -> count shown in the section menu (None where the entry has no count)."""
    menu = re.search(r'<nav class="case-menu".*?</nav>', page, re.S).group(0)
    return {anchor: count or None for anchor, count in
            re.findall(r'<a href="#([a-z]+)">[^<]*(?:<span class="count">([^<]*)</span>)?</a>', menu)}


def _events(app, after: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.action, e.entity, e.entity_id) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq))]


def _last_seq(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0


def test_the_menu_links_every_section_with_the_counts_the_page_holds(app, login_as, cases):
    write_note(app, cases.own, "mediator.a1", "JOINT-note")
    write_note(app, cases.own, "supervisor.a", "STAFF-note", NoteVisibility.STAFF_ONLY)
    page = login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    menu = _menu(page)
    for anchor in ("summary", "parties", "status", "safety", "appointments", "timeline", "notes", "closure"):
        assert anchor in menu and f'id="{anchor}"' in page, anchor
    assert menu["notes"] == "2" == str(page.count('<li class="note'))
    adults_and_children = len(re.findall(r"/participants/[0-9a-f-]+/edit\"", page))
    assert menu["parties"] == str(adults_and_children) != "0"
    assert menu["summary"] is None and menu["status"] is None
    # Supervision is offered to whom it is shown: the case's staff, not the other mediators' menus.
    assert "supervision" in menu


def test_the_counts_cost_no_statement_per_note(app, login_as, cases):
    """The counts come from what the sections already loaded: more notes, the same statements."""
    client = login_as("mediator_a1")
    write_note(app, cases.own, "mediator.a1", "one")
    few, _page = statements_of_get(app, client, f"/cases/{cases.own}")
    for number in range(4):
        write_note(app, cases.own, "mediator.a1", f"more {number}", NoteVisibility.STAFF_ONLY)
    many, page = statements_of_get(app, client, f"/cases/{cases.own}?lang=en")
    assert many == few
    assert _menu(page.get_data(as_text=True))["notes"] == "5"


def test_what_is_internal_is_marked_so_and_the_ordinary_page_offers_the_internal_print(app, login_as, cases):
    party = requesting_party(app, cases.own)
    write_note(app, cases.own, "mediator.a1", "JOINT-note")
    write_note(app, cases.own, "mediator.a1", "PRIVATE-note", NoteVisibility.PRIVATE_PARTY, uuid.UUID(party))
    write_note(app, cases.own, "mediator.a1", "STAFF-note", NoteVisibility.STAFF_ONLY)
    page = login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    notes = dict((body, classes) for classes, body in re.findall(
        r'<li class="([^"]*)" id="note-[^"]*">.*?<p class="prose" dir="auto">([A-Z]+-note)</p>', page, re.S))
    assert notes == {"JOINT-note": "note", "PRIVATE-note": "note internal-only", "STAFF-note": "note internal-only"}
    assert re.search(r'<section class="card internal-only" id="safety"', page)
    assert '<body class="">' in page
    assert "Confidential — internal" in page
    assert "are left out of this print" in page
    assert f'href="/cases/{cases.own}?print=internal"' in page


def test_the_internal_print_is_recorded_as_an_export_of_the_case(app, login_as, cases):
    client = login_as("mediator_a1")
    before = _last_seq(app)
    client.get(f"/cases/{cases.own}")
    assert _events(app, before) == [("view", "case", cases.own)]
    before = _last_seq(app)
    response = client.get(f"/cases/{cases.own}?print=internal&lang=en")
    assert response.status_code == 200
    assert _events(app, before) == [("export", "case", cases.own), ("view", "case", cases.own)]
    page = response.get_data(as_text=True)
    assert '<body class="print-internal">' in page and "Internal copy: includes" in page
    assert f'href="/cases/{cases.own}?print=internal"' not in page  # no link to itself, but one back
    assert "Print internal copy" not in page
    assert f'href="/cases/{cases.own}">' in page


def test_any_other_print_value_is_the_ordinary_page(app, login_as, cases):
    client = login_as("mediator_a1")
    before = _last_seq(app)
    page = client.get(f"/cases/{cases.own}?print=%3Cb%3E").get_data(as_text=True)
    assert _events(app, before) == [("view", "case", cases.own)]
    assert '<body class="">' in page


def test_outside_the_scope_the_internal_print_is_404_and_exports_nothing(app, login_as, cases):
    before = _last_seq(app)
    assert login_as("mediator_a2").get(f"/cases/{cases.own}?print=internal").status_code == 404
    assert not [e for e in _events(app, before) if e[0] == "export"]
