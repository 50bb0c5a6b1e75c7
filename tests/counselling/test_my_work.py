"""My work: a staff member's own sessions over a local date range with totals, and their open
follow-up actions, overdue first, with a Done button.

Sessions and actions are stored directly through the models. Direct database
work happens inside `with app.app_context():`; requests are made outside it.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.cases.codes import SessionType
from mediation.cases.services.intake import add_co_worker
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.counselling.models import FollowUpAction
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor, case_by_public_id
from tests.conftest import ANY_HOUR_DEFAULT
from tests.counselling.matrix_rows_my_work import add_action, add_session
from tests.statements import statements_of_get
from tests.strategies import fuzz

FUZZ = fuzz(40, instants=len(ANY_HOUR_DEFAULT))
CASABLANCA = clock.load_zone("Africa/Casablanca")
# Date-sensitive (the current month, overdue actions): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")


def local(*parts) -> datetime:
    """A wall-clock time in Casablanca as an aware UTC instant."""
    return datetime(*parts, tzinfo=CASABLANCA).astimezone(UTC)


def session_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="session-([\w-]+)"', html)


def action_ids(html: str) -> list[str]:
    return re.findall(r'<li class="action[^"]*" id="action-([\w-]+)"', html)


def totals_row(html: str, type_code: str) -> tuple[str, str]:
    match = re.search(rf'<tr data-type="{type_code}"><t[dh][^>]*>[^<]*</t[dh]><td>([^<]*)</td><td>([^<]*)</td></tr>',
                      html)
    assert match, f"no totals row for {type_code}"
    return match.group(1), match.group(2)


def test_sessions_in_the_range_with_totals(app, cases, login_as):
    inside = [add_session(app, cases.own, "mediator.a1", local(2026, 11, day, 10), minutes)
              for day, minutes in ((3, 60), (10, 90), (20, 30))]
    legal = add_session(app, cases.own, "mediator.a1", local(2026, 11, 5, 15), 45, SessionType.COUNSELLING_LEGAL)
    voided = add_session(app, cases.own, "mediator.a1", local(2026, 11, 6, 9), 240, voided=True)
    before = add_session(app, cases.own, "mediator.a1", local(2026, 10, 31, 23, 59), 60)
    after = add_session(app, cases.own, "mediator.a1", local(2026, 12, 1, 0, 0), 60)
    not_mine = add_session(app, cases.own, "supervisor.a", local(2026, 11, 4, 10), 60)
    response = login_as("mediator_a1").get("/my-work?lang=en&from=2026-11-01&to=2026-11-30")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    listed = session_ids(html)
    assert set(listed) == {*inside, legal, voided}
    assert before not in listed and after not in listed and not_mine not in listed
    assert listed[0] == inside[2]  # newest first
    assert totals_row(html, "individual") == ("3", "3")  # 60 + 90 + 30 minutes; the voided one not counted
    assert totals_row(html, "counselling_legal") == ("1", "0.75")
    assert totals_row(html, "all") == ("4", "3.75")
    assert f'href="/cases/{cases.own}#timeline"' in html  # each session links to its case


def test_a_session_at_half_past_midnight_on_the_first_belongs_to_that_month(app, cases, login_as):
    # Until Morocco's return to GMT on 20 September 2026 (pinned zone data 2026f), Casablanca was
    # UTC+1 outside Ramadan: 00:30 on 1 August is 23:30 UTC on 31 July.
    first_august = add_session(app, cases.own, "mediator.a1", local(2026, 8, 1, 0, 30), 60)
    assert local(2026, 8, 1, 0, 30) == datetime(2026, 7, 31, 23, 30, tzinfo=UTC)
    client = login_as("mediator_a1")
    assert session_ids(client.get("/my-work?from=2026-08-01&to=2026-08-31").get_data(as_text=True)) == [first_august]
    assert session_ids(client.get("/my-work?from=2026-07-01&to=2026-07-31").get_data(as_text=True)) == []


def test_after_the_return_to_gmt_local_days_are_utc_days(app, cases, login_as):
    # The pinned zone data has Casablanca on UTC+0 from 20 September 2026: 00:30 on 1 November is 00:30 UTC.
    assert local(2026, 11, 1, 0, 30) == datetime(2026, 11, 1, 0, 30, tzinfo=UTC)
    first_november = add_session(app, cases.own, "mediator.a1", local(2026, 11, 1, 0, 30), 60)
    client = login_as("mediator_a1")
    assert session_ids(client.get("/my-work?from=2026-11-01&to=2026-11-30").get_data(as_text=True)) == [first_november]
    assert session_ids(client.get("/my-work?from=2026-10-01&to=2026-10-31").get_data(as_text=True)) == []


def test_month_edges_during_ramadan(app, cases, login_as):
    # During Ramadan 2026 Casablanca is on UTC+0; back on UTC+1 afterwards.
    assert local(2026, 3, 1, 0, 30) == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    first_march = add_session(app, cases.own, "mediator.a1", local(2026, 3, 1, 0, 30), 60)
    last_february = add_session(app, cases.own, "mediator.a1", local(2026, 2, 28, 23, 30), 60)
    first_april = add_session(app, cases.own, "mediator.a1", local(2026, 4, 1, 0, 30), 60)
    assert local(2026, 4, 1, 0, 30) == datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    client = login_as("mediator_a1")
    assert session_ids(client.get("/my-work?from=2026-03-01&to=2026-03-31").get_data(as_text=True)) == [first_march]
    assert session_ids(client.get("/my-work?from=2026-02-01&to=2026-02-28").get_data(as_text=True)) == [last_february]
    assert session_ids(client.get("/my-work?from=2026-04-01&to=2026-04-30").get_data(as_text=True)) == [first_april]


def test_day_bounds_follow_the_offset_of_each_day():
    start, end = clock.day_bounds(date(2026, 3, 1), date(2026, 3, 31), CASABLANCA)
    assert start == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # Ramadan: UTC+0
    assert end == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # 1 April 00:00 at UTC+1


def test_the_default_range_is_the_current_month(app, cases, login_as):
    today = clock.today()
    this_month = add_session(app, cases.own, "mediator.a1", local(today.year, today.month, 1, 0, 30), 60)
    last_month_day = today.replace(day=1) - timedelta(days=1)
    last_month = add_session(app, cases.own, "mediator.a1",
                             local(last_month_day.year, last_month_day.month, last_month_day.day, 23, 30), 60)
    listed = session_ids(login_as("mediator_a1").get("/my-work").get_data(as_text=True))
    assert this_month in listed and last_month not in listed


def test_invalid_ranges_are_refused_with_a_translated_message(app, cases, login_as):
    client = login_as("mediator_a1")
    for query, english in (("from=2026-13-01", "Enter a date as YYYY-MM-DD"),
                           ("from=2026-11-30&to=2026-11-01", "The end of the period comes before its start."),
                           ("from=2020-01-01&to=2026-01-01", "Choose a period of at most one year."),
                           ("to=9999-12-31", "Enter a date as YYYY-MM-DD")):
        response = client.get(f"/my-work?lang=en&{query}")
        assert response.status_code == 422, query
        assert english in response.get_data(as_text=True), query
    response = client.get("/my-work?lang=fr&from=nonsense")
    assert response.status_code == 422
    assert 'value="nonsense"' in response.get_data(as_text=True)  # the input is kept


def test_admin_and_ministry_have_no_work_page(login_as):
    for persona in ("admin", "ministry"):
        assert login_as(persona).get("/my-work").status_code == 403


def test_open_actions_overdue_first_then_by_due_date(app, cases, login_as):
    today = clock.today()
    later = add_action(app, cases.own, "mediator.a1", today + timedelta(days=9))
    due_today = add_action(app, cases.own, "mediator.a1", today)
    long_overdue = add_action(app, cases.own, "mediator.a1", today - timedelta(days=20))
    overdue = add_action(app, cases.own, "mediator.a1", today - timedelta(days=1))
    done = add_action(app, cases.own, "mediator.a1", today - timedelta(days=30), done=True)
    someone_else = add_action(app, cases.own, "supervisor.a", today - timedelta(days=3))
    html = login_as("mediator_a1").get("/my-work?lang=en").get_data(as_text=True)
    assert action_ids(html) == [long_overdue, overdue, due_today, later]
    assert done not in html and someone_else not in html
    assert html.count('data-overdue="yes"') == 2
    assert "الاتصال بالأم" in html  # the description, decrypted for its assignee


def test_done_marks_the_action_and_audits_it(app, cases, login_as):
    action_id = add_action(app, cases.own, "mediator.a1", date(2026, 11, 2))
    client = login_as("mediator_a1")
    response = client.post(f"/follow-up-actions/{action_id}/done")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-work")
    with app.app_context():
        action = db.session.scalar(select(FollowUpAction).where(FollowUpAction.public_id == uuid.UUID(action_id)))
        assert action.done_on is not None and action.done_by_id == actor("mediator.a1").id
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity, event.entity_id) == ("update", "follow_up_action", action_id)
        last_seq = event.seq
    assert action_id not in action_ids(client.get("/my-work").get_data(as_text=True))
    # Twice: refused with a message, nothing recorded again.
    response = client.post(f"/follow-up-actions/{action_id}/done?lang=en", follow_redirects=True)
    assert "This follow-up action was already marked done." in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalar(select(AuditEvent).where(AuditEvent.seq > last_seq,
                                                              AuditEvent.entity == "follow_up_action"))


def test_a_supervisor_of_the_association_may_mark_it_done(app, cases, login_as):
    action_id = add_action(app, cases.own, "mediator.a1", date(2026, 11, 2))
    assert login_as("supervisor_a").post(f"/follow-up-actions/{action_id}/done").status_code == 302
    with app.app_context():
        action = db.session.scalar(select(FollowUpAction).where(FollowUpAction.public_id == uuid.UUID(action_id)))
        assert action.done_by_id == actor("supervisor.a").id


def test_a_co_worker_who_is_not_the_assignee_is_refused(app, cases, login_as):
    action_id = add_action(app, cases.own, "mediator.a1", date(2026, 11, 2))
    with app.app_context():
        case = case_by_public_id(cases.own)
        add_co_worker(db.session, case, actor("mediator.a2").id, actor=actor("mediator.a1"))
        db.session.commit()
    assert login_as("mediator_a2").post(f"/follow-up-actions/{action_id}/done").status_code == 403


def test_another_associations_action_is_not_found(app, cases, login_as):
    action_id = add_action(app, cases.other, "mediator.b1", date(2026, 11, 2))
    for persona in ("mediator_a1", "supervisor_a"):
        assert login_as(persona).post(f"/follow-up-actions/{action_id}/done").status_code == 404
    with app.app_context():
        action = db.session.scalar(select(FollowUpAction).where(FollowUpAction.public_id == uuid.UUID(action_id)))
        assert action.done_on is None


def test_actions_and_sessions_on_cases_no_longer_visible_are_hidden(app, cases, login_as):
    # Assigned to mediator A1 on a case they do not work: not listed (the case would be a 404).
    hidden_action = add_action(app, cases.colleague, "mediator.a1", date(2026, 11, 2))
    html = login_as("mediator_a1").get("/my-work").get_data(as_text=True)
    assert hidden_action not in html


DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.text(max_size=30),
    st.sampled_from(["", "2026-02-29", "2026-00-10", "0000-01-01", "2026-1-1", "２０２６-１１-０１", "\x00"]),
)


@FUZZ
@given(first=DATES, last=DATES)
def test_fuzzed_ranges_never_fail(app, cases, login_as, first, last):
    response = login_as("mediator_a1").get("/my-work", query_string={"from": first, "to": last})
    assert response.status_code in (200, 422), (first, last, response.status_code)


def _statements(app, client, url: str) -> tuple[int, str]:
    count, response = statements_of_get(app, client, url)
    return count, response.get_data(as_text=True)


def test_a_long_period_lists_the_latest_sessions_in_a_fixed_number_of_statements(app, cases, login_as, monkeypatch):
    import mediation.counselling.queries as queries

    monkeypatch.setattr(queries, "MY_WORK_SESSION_LIMIT", 3)
    client = login_as("mediator_a1")
    url = "/my-work?lang=en&from=2026-11-01&to=2026-11-30"
    first = add_session(app, cases.own, "mediator.a1", local(2026, 11, 2, 10), 60)
    one, html = _statements(app, client, url)
    assert session_ids(html) == [first] and "Only the latest sessions are listed" not in html
    later = [add_session(app, cases.own, "mediator.a1", local(2026, 11, day, 10), 60) for day in (5, 9, 12, 20)]
    many, html = _statements(app, client, url)
    assert session_ids(html) == later[::-1][:3]  # the three newest, newest first
    assert "Only the latest sessions are listed" in html
    assert totals_row(html, "all") == ("5", "5")  # totals cover the whole period, not the listed page
    assert many == one
