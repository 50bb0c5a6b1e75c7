"""The case timeline: sessions, notes and status changes newest first, totals per type.

Sessions are stored directly through the models (the logging service is built
elsewhere). Direct database work happens inside `with app.app_context():`;
requests are made outside it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from mediation.cases.codes import NoteVisibility, SessionType
from mediation.cases.models import Note, NoteVersion
from mediation.counselling import queries
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor, case_by_public_id, write_note
from tests.counselling.matrix_rows_my_work import add_session

BASE = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
SECRET = "CANARY-staff-only-4e5f6a7b"


def timeline_section(html: str) -> str:
    match = re.search(r'<section class="card" id="timeline".*?</section>', html, re.S)
    assert match, "no timeline section on the case page"
    return match.group(0)


def kinds(section: str) -> list[str]:
    return re.findall(r'data-kind="(\w+)"', section)


def totals_row(section: str, type_code: str) -> tuple[str, str]:
    match = re.search(rf'<tr data-type="{type_code}"><t[dh][^>]*>[^<]*</t[dh]><td>([^<]*)</td><td>([^<]*)</td></tr>',
                      section)
    assert match, f"no totals row for {type_code}"
    return match.group(1), match.group(2)


def test_timeline_lists_sessions_notes_and_status_changes_newest_first(app, cases, login_as):
    add_session(app, cases.own, "mediator.a1", datetime(2099, 1, 1, 9, tzinfo=UTC), 45,
                SessionType.JOINT_MEDIATION)  # the newest
    add_session(app, cases.own, "mediator.a1", datetime(2000, 1, 1, 9, tzinfo=UTC), 30)  # the oldest
    write_note(app, cases.own, "mediator.a1", body="أول سطر\nسطر ثان")
    html = login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    section = timeline_section(html)
    # The 2099 session, then the note and the intake status change (written now), then the 2000 session.
    assert kinds(section) == ["session", "note", "status", "session"]
    assert "Joint mediation" in section and "45 min" in section
    assert 'Held by <span dir="auto">Mediator.A1</span>' in section
    assert "أول سطر" not in section  # a marker only: the text stays in the notes section
    assert re.search(r'href="#note-[0-9a-f-]+">Note</a>', section)


def test_restricted_notes_show_only_a_marker(app, cases, login_as):
    write_note(app, cases.own, "mediator.a1", body=SECRET, visibility=NoteVisibility.STAFF_ONLY)
    section = timeline_section(login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True))
    assert "note" in kinds(section)
    assert SECRET not in section
    assert 'data-visibility="staff_only"' in section


def test_totals_per_type_in_hours_with_voided_sessions_excluded(app, cases, login_as):
    for minutes in (60, 90, 30):
        add_session(app, cases.own, "mediator.a1", BASE + timedelta(days=minutes), minutes)
    add_session(app, cases.own, "mediator.a1", BASE, 120, SessionType.COUNSELLING_LEGAL)
    add_session(app, cases.own, "mediator.a1", BASE, 240, voided=True)  # listed, never counted
    with app.app_context():
        totals = queries.case_totals(db.session, case_by_public_id(cases.own))
        assert [(t.type, t.count, t.minutes) for t in totals.by_type] == [
            (SessionType.INDIVIDUAL, 3, 180), (SessionType.COUNSELLING_LEGAL, 1, 120)]
        assert totals.by_type[0].hours == 3
        assert (totals.count, totals.hours) == (4, 5)
    section = timeline_section(login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True))
    assert totals_row(section, "individual") == ("3", "3")
    assert totals_row(section, "counselling_legal") == ("1", "2")
    assert totals_row(section, "all") == ("4", "5")
    assert section.count("Voided") == 2  # the badge, and the hint under the totals
    assert kinds(section).count("session") == 5


def test_an_only_voided_case_has_no_totals(app, cases):
    add_session(app, cases.own, "mediator.a1", BASE, 60, voided=True)
    with app.app_context():
        assert queries.case_totals(db.session, case_by_public_id(cases.own)).by_type == []


def test_pagination_twenty_per_page(app, cases, login_as):
    # 44 sessions + the intake status change = 45 entries: pages of 20, 20 and 5.
    for day in range(44):
        add_session(app, cases.own, "mediator.a1", BASE - timedelta(days=day), 60)
    client = login_as("mediator_a1")
    seen = []
    for page, expected in ((1, 20), (2, 20), (3, 5)):
        section = timeline_section(client.get(f"/cases/{cases.own}?lang=en&timeline_page={page}")
                                   .get_data(as_text=True))
        assert len(kinds(section)) == expected
        assert f"Page {page} of 3" in section
        seen += re.findall(r'id="timeline-(?:session|status)-([\w-]+)"', section)
    assert len(seen) == len(set(seen)) == 45
    # A page past the end shows the last one; nonsense shows the first.
    assert "Page 3 of 3" in timeline_section(client.get(f"/cases/{cases.own}?lang=en&timeline_page=99")
                                             .get_data(as_text=True))
    response = client.get(f"/cases/{cases.own}?lang=en&timeline_page=-1x")
    assert response.status_code == 200 and "Page 1 of 3" in timeline_section(response.get_data(as_text=True))


def test_timeline_order_across_pages_is_newest_first(app, cases):
    for day in range(25):
        add_session(app, cases.own, "mediator.a1", BASE + timedelta(days=day), 60)
    with app.app_context():
        case = case_by_public_id(cases.own)
        instants = [entry.at for page in (1, 2)
                    for entry in queries.case_timeline(db.session, case, page).entries]
        assert instants == sorted(instants, reverse=True)
        assert len(instants) == 26


def _statements(app, case_id: str, page: int = 1) -> int:
    with app.app_context():
        case = case_by_public_id(case_id)
        engine = db.session.get_bind()
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            db.session.expire_all()
            result = queries.case_timeline(db.session, case, page)
            queries.case_totals(db.session, case)
            for entry in result.entries:  # what the template reads
                if entry.kind == "session":
                    _ = [staff.user.display_name for staff in entry.item.staff]
                elif entry.kind == "note":
                    _ = entry.item.current.body, entry.item.author.display_name
                else:
                    _ = entry.item.changed_by.display_name
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)


FILL_BASE = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


def _fill(app, case_id: str, n: int) -> None:
    """n sessions and n notes, alternating in time, all before the intake status change (made now)."""
    with app.app_context():
        author = actor("mediator.a1")
        case = case_by_public_id(case_id)
        for i in range(n):
            db.session.add(Note(case_id=case.id, author_id=author.id, visibility=NoteVisibility.JOINT,
                                created_at=FILL_BASE + timedelta(hours=2 * i + 1),
                                versions=[NoteVersion(number=1, body=f"note {i}", edited_by_id=author.id)]))
        db.session.commit()
    for i in range(n):
        add_session(app, case_id, "mediator.a1", FILL_BASE + timedelta(hours=2 * i), 60)


@pytest.mark.parametrize("page", [1, 2])
def test_the_timeline_issues_a_bounded_number_of_queries(app, cases, page):
    _fill(app, cases.own, 5)
    _fill(app, cases.colleague, 50)
    # Page 1 of each holds all three kinds (the status change is the newest entry); later
    # pages of the large case hold sessions and notes whatever their position.
    if page == 1:
        assert _statements(app, cases.own) == _statements(app, cases.colleague)
    else:
        assert _statements(app, cases.colleague, 2) == _statements(app, cases.colleague, 4)


def test_a_mediator_of_another_case_cannot_see_its_timeline(app, cases, login_as):
    add_session(app, cases.own, "mediator.a1", BASE, 60)
    client = login_as("mediator_a2")
    assert client.get(f"/cases/{cases.own}").status_code == 404
    client = login_as("mediator_b1")
    assert client.get(f"/cases/{cases.own}").status_code == 404
    # The supervisor of the association sees it.
    html = login_as("supervisor_a").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert kinds(timeline_section(html)).count("session") == 1


def test_the_timeline_is_translated(app, cases, login_as):
    add_session(app, cases.own, "mediator.a1", BASE, 60)
    html = login_as("mediator_a1").get(f"/cases/{cases.own}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert 'data-kind="session"' in timeline_section(html)



def test_sessions_link_to_their_page_when_the_session_log_offers_one(app, cases, login_as):
    session_id = add_session(app, cases.own, "mediator.a1", BASE, 60)
    section = timeline_section(login_as("mediator_a1").get(f"/cases/{cases.own}?lang=en").get_data(as_text=True))
    if "counselling.session_detail" in app.view_functions:
        assert f'href="/cases/{cases.own}/sessions/{session_id}"' in section
    else:
        assert "/sessions/" not in section


def test_the_case_page_offers_to_log_a_session_to_those_who_may(login_as, cases):
    link = f'href="/cases/{cases.own}/sessions/new"'
    assert link in login_as("mediator_a1").get(f"/cases/{cases.own}").get_data(as_text=True)
    assert link in login_as("supervisor_a").get(f"/cases/{cases.own}").get_data(as_text=True)
