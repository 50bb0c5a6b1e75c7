"""The caseload dashboard: every figure against a hand count.

The world below is built directly in the tables, with dates around a frozen
today (Wednesday 18 November 2026, 11:00 in Casablanca), so each expected
number can be counted by reading the builder. The statement-count test copies
case rows with plain INSERTs, so 500 cases take a moment, not a minute.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import event, insert, select

from mediation.accounts.models import StaffUser
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentStaff
from mediation.cases.codes import CaseStatus, NoteVisibility, ScreeningDecision, SessionType, ViolenceLevel
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningResult,
)
from mediation.core.audit import AuditEvent
from mediation.core.authz import Profession, Role, role_has
from mediation.counselling.models import CounsellingSession, FollowUpAction, SessionStaff
from mediation.extensions import db
from mediation.supervision.periods import Period, month_of, parse_period, quarter_of
from tests.cases.fixtures import open_as
from tests.conftest import PASSWORD
from tests.strategies import FUZZ

TODAY = date(2026, 11, 18)
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
A_NAMES = ("Mediator.A1", "Mediator.A2", "Mediator.A3")


@pytest.fixture
def frozen(frozen_clock):
    """The product's clock at NOW (local day TODAY): the world's dates are counted from them."""
    frozen_clock.set(NOW)
    assert frozen_clock.today() == TODAY


# -- the world ---------------------------------------------------------------------------------------------


@dataclass
class Hand:
    staff: dict[str, str] = field(default_factory=dict)  # "a1", "a2", "a3", "b1" -> public id
    cases: dict[str, str] = field(default_factory=dict)


def _user(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def _case(public_id) -> Case:
    return db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(str(public_id))))


def _shape(case: Case, **values) -> Case:
    for name, value in values.items():
        setattr(case, name, value)
    return case


def _opened(username: str, **values) -> Case:
    case = _shape(open_as(username), **values)
    db.session.flush()
    return case


def _session(case: Case, holders, started_at: datetime, minutes: int, voided: bool = False) -> None:
    db.session.add(CounsellingSession(
        case_id=case.id, type=SessionType.INDIVIDUAL, mode=SessionMode.IN_PERSON, started_at=started_at,
        duration_min=minutes, visibility=NoteVisibility.STAFF_ONLY, author_id=holders[0].id,
        staff=[SessionStaff(user_id=holder.id) for holder in holders],
        voided_at=NOW if voided else None, voided_by_id=holders[0].id if voided else None))


def _appointment(association_id: int, service_point_id: int, case: Case | None, holders, start: datetime,
                 status: AppointmentStatus = AppointmentStatus.SCHEDULED, minutes: int = 60) -> None:
    db.session.add(Appointment(
        association_id=association_id, service_point_id=service_point_id, case_id=case.id if case else None,
        intake_label=None if case else "Première écoute", session_type=SessionType.INDIVIDUAL,
        mode=SessionMode.PHONE, start_local=start.strftime("%Y-%m-%dT%H:%M"), time_zone="Africa/Casablanca",
        start_utc=start, end_utc=start + timedelta(minutes=minutes), duration_min=minutes, status=status,
        created_by_id=holders[0].id, staff=[AppointmentStaff(user_id=holder.id) for holder in holders]))


def _action(case: Case, holder: StaffUser, due_on: date, done: bool = False) -> None:
    db.session.add(FollowUpAction(case_id=case.id, description="الاتصال بالأم", due_on=due_on,
                                  assigned_to_id=holder.id, done_on=due_on if done else None,
                                  done_by_id=holder.id if done else None))


def _positive_screening(case: Case, by: StaffUser, at: datetime, decided_at: datetime | None = None) -> None:
    party = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
    db.session.add(Screening(participant_id=party.id, screened_by_id=by.id, screened_on=at.date(), created_at=at,
                             violence=ViolenceLevel.CURRENT, result=ScreeningResult.POSITIVE))
    if decided_at is not None:
        db.session.add(ScreeningDecisionRecord(case_id=case.id, decided_by_id=by.id, decided_at=decided_at,
                                               decision=ScreeningDecision.PROCEED))


def build_world(app, world, cases) -> Hand:
    """Association A: mediators A1, A2 and A3 (deactivated, still leading one case); B: mediator B1.

    Cases of A (lead: status, opened, what else):
      c1 A1 intake 2026-11-18 · c2 A1 in_mediation 2025-01-10, immediate danger
      c3 A1 assessment 2026-10-01, overdue action, positive screening undecided, no contact (stale)
      c4 A1 closed 2026-09-01 -> 2026-11-05 · c5 A2 intake 2026-11-02, review due, screening decided
      c6 A2 suspended 2026-07-01, last session 2026-10-01 (stale), done and future actions
      c7 A3 in_counselling 2026-06-01, stale · c8 A2 closed 2026-08-01 -> 2026-10-20
    """
    with app.app_context():
        a1, a2, b1, sup = (_user(name) for name in ("mediator.a1", "mediator.a2", "mediator.b1", "supervisor.a"))
        a3 = create_staff_user(db.session, NewStaffUser(
            username="mediator.a3", display_name="Mediator.A3", role=Role.MEDIATOR, password=PASSWORD,
            association_id=world.association_a, profession=Profession.SOCIAL_WORKER), actor=None)
        c1 = _shape(_case(cases.own), opened_on=date(2026, 11, 18))
        c5 = _shape(_case(cases.colleague), opened_on=date(2026, 11, 2), review_due_on=date(2026, 11, 25))
        other = _shape(_case(cases.other), opened_on=date(2026, 11, 3))
        c2 = _opened("mediator.a1", status=CaseStatus.IN_MEDIATION, opened_on=date(2025, 1, 10), immediate_danger=True)
        c3 = _opened("mediator.a1", status=CaseStatus.ASSESSMENT, opened_on=date(2026, 10, 1))
        c4 = _opened("mediator.a1", status=CaseStatus.CLOSED, opened_on=date(2026, 9, 1), closed_on=date(2026, 11, 5))
        c6 = _opened("mediator.a2", status=CaseStatus.SUSPENDED, opened_on=date(2026, 7, 1))
        c7 = _opened("mediator.a1", status=CaseStatus.IN_COUNSELLING, opened_on=date(2026, 6, 1))
        c8 = _opened("mediator.a2", status=CaseStatus.CLOSED, opened_on=date(2026, 8, 1), closed_on=date(2026, 10, 20))
        lead = db.session.scalar(select(CaseAssignment).where(CaseAssignment.case_id == c7.id))
        lead.user_id = a3.id  # A3 led it, then left: the case waits for a new lead
        a3.active = False
        # Sessions. November in Casablanca begins at 2026-11-01 00:00 UTC: the pinned zone data has
        # Morocco on UTC+0 since 20 September 2026 (an hour earlier by the older data of many servers).
        _session(c2, [a1], datetime(2026, 11, 10, 9, 0, tzinfo=UTC), 60)
        _session(c1, [a1, a2], datetime(2026, 11, 18, 8, 0, tzinfo=UTC), 90)
        _session(c2, [a1], datetime(2026, 11, 1, 0, 30, tzinfo=UTC), 30)  # 1 November, 00:30 local
        _session(c6, [a2], datetime(2026, 10, 1, 9, 0, tzinfo=UTC), 30)
        _session(c2, [a1], datetime(2026, 11, 11, 9, 0, tzinfo=UTC), 45, voided=True)
        _session(other, [b1], datetime(2026, 11, 12, 9, 0, tzinfo=UTC), 60)
        # Appointments: this week is Monday 16 to Sunday 22 November; now is the 18th, 10:00 UTC.
        point_a, point_b = c1.service_point_id, other.service_point_id
        A, B = world.association_a, world.association_b
        _appointment(A, point_a, c1, [a1], datetime(2026, 11, 19, 9, 0, tzinfo=UTC), AppointmentStatus.CONFIRMED)
        _appointment(A, point_a, c1, [a1, a2], datetime(2026, 11, 21, 10, 0, tzinfo=UTC))
        _appointment(A, point_a, c1, [a1], datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # next week
        _appointment(A, point_a, c1, [a1], datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
                     AppointmentStatus.CANCELLED_BY_SERVICE)
        _appointment(A, point_a, c5, [a2], datetime(2026, 11, 16, 9, 0, tzinfo=UTC))  # past, not recorded
        _appointment(A, point_a, c2, [a1], datetime(2026, 11, 12, 9, 0, tzinfo=UTC), AppointmentStatus.HELD)
        _appointment(A, point_a, None, [a1], datetime(2026, 11, 17, 14, 0, tzinfo=UTC), AppointmentStatus.CONFIRMED,
                     minutes=30)  # an intake call, past, not recorded
        _appointment(A, point_a, c1, [a1], datetime(2026, 11, 18, 9, 30, tzinfo=UTC))  # under way now
        _appointment(B, point_b, other, [b1], datetime(2026, 11, 19, 9, 0, tzinfo=UTC))
        _appointment(B, point_b, other, [b1], datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
        # Follow-up actions and screenings.
        _action(c3, a1, date(2026, 11, 13))
        _action(c6, a2, date(2026, 11, 1), done=True)
        _action(c6, a2, date(2026, 12, 1))
        _action(other, b1, date(2026, 11, 1))
        _positive_screening(c3, a1, datetime(2026, 11, 9, 9, 0, tzinfo=UTC))
        _positive_screening(c5, a2, datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
                            decided_at=datetime(2026, 11, 4, 9, 0, tzinfo=UTC))
        _positive_screening(other, b1, datetime(2026, 11, 4, 9, 0, tzinfo=UTC))
        db.session.commit()
        return Hand(staff={"a1": str(a1.public_id), "a2": str(a2.public_id), "a3": str(a3.public_id),
                           "b1": str(b1.public_id), "supervisor_a": str(sup.public_id)},
                    cases={key: str(case.public_id) for key, case in
                           (("c1", c1), ("c2", c2), ("c3", c3), ("c4", c4), ("c5", c5), ("c6", c6),
                            ("c7", c7), ("c8", c8), ("other", other))})


@pytest.fixture
def hand(app, world, cases, frozen) -> Hand:
    return build_world(app, world, cases)


# Expected figures of November 2026, counted by hand from the builder above.
STATUS = {"a1": {"intake": 1, "assessment": 1, "in_mediation": 1},
          "a2": {"intake": 1, "suspended": 1},
          "a3": {"in_counselling": 1}}
NOVEMBER = {
    "a1": dict(open=3, awaiting_decision=1, danger=1, long_open=1, overdue=1, unrecorded=1, stale=1, review_due=0,
               opened=1, closed=1, opened_quarter=2, closed_quarter=1, sessions=3, minutes="3", upcoming=2),
    "a2": dict(open=2, awaiting_decision=0, danger=0, long_open=1, overdue=0, unrecorded=1, stale=1, review_due=1,
               opened=1, closed=0, opened_quarter=1, closed_quarter=1, sessions=1, minutes="1.5", upcoming=1),
    "a3": dict(open=1, awaiting_decision=0, danger=0, long_open=1, overdue=0, unrecorded=0, stale=1, review_due=0,
               opened=0, closed=0, opened_quarter=0, closed_quarter=0, sessions=0, minutes="0", upcoming=0),
    # Sessions and appointments held together count once in the total.
    "total": dict(open=6, awaiting_decision=1, danger=1, long_open=3, overdue=1, unrecorded=2, stale=3, review_due=1,
                  opened=2, closed=1, opened_quarter=3, closed_quarter=2, sessions=3, minutes="3", upcoming=2),
}


# -- reading the page --------------------------------------------------------------------------------------


class Figures(HTMLParser):
    """Every element carrying data-figure: (row, key) -> (text, href). Rows: a staff id, "total" or "tile"."""

    def __init__(self):
        super().__init__()
        self.found: dict[tuple[str, str], tuple[str, str | None]] = {}
        self.row = "tile"
        self.open: tuple[str, str] | None = None
        self.text, self.href = "", None
        self.aria_sort: dict[str, str] = {}
        self.th_href: str | None = None
        self.row_order: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-row" in attrs:
            self.row = attrs["data-row"]
            self.row_order.append(self.row)
        if tag == "th" and "aria-sort" in attrs:
            self.th_href = attrs["aria-sort"]
        if tag == "a" and self.th_href is not None:
            key = parse_qs(urlsplit(attrs["href"]).query).get("sort", ["name"])[0]
            self.aria_sort[key] = self.th_href
            self.th_href = None
        if "data-figure" in attrs:
            self.open = (self.row if tag == "td" else "tile", attrs["data-figure"])
            self.text, self.href = "", None
        elif tag == "a" and self.open is not None:
            self.href = attrs["href"]

    def handle_endtag(self, tag):
        if tag in ("td", "li") and self.open is not None:
            text = self.text.split()[0] if tag == "li" else self.text.strip()  # a tile: the number, then its label
            self.found.setdefault(self.open, (text, self.href))
            self.open = None
        if tag in ("tbody", "tfoot", "table"):
            self.row = "tile"

    def handle_data(self, data):
        if self.open is not None:
            self.text += data


def read(page: str) -> Figures:
    parser = Figures()
    parser.feed(page)
    return parser


def figures_of(parser: Figures, row: str) -> dict[str, str]:
    return {key: text for (found_row, key), (text, _href) in parser.found.items() if found_row == row}


def dashboard(client, query: str = "") -> str:
    response = client.get(f"/supervision/?lang=en{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def expected(person: str) -> dict[str, str]:
    values = {key: str(value) for key, value in NOVEMBER[person].items()}
    statuses = STATUS.get(person) or {status: sum(STATUS[p].get(status, 0) for p in STATUS) for status in
                                      ("intake", "assessment", "in_mediation", "in_counselling", "suspended")}
    for status in ("intake", "assessment", "in_mediation", "in_counselling", "suspended"):
        values[f"status_{status}"] = str(statuses.get(status, 0))
    return values


def _only(values: dict[str, str], keys) -> dict[str, str]:
    return {key: values[key] for key in keys if key in values}


# -- the figures -------------------------------------------------------------------------------------------


def test_every_figure_of_the_association_matches_the_hand_count(login_as, hand):
    parser = read(dashboard(login_as("supervisor_a")))
    for person in ("a1", "a2", "a3"):
        row = figures_of(parser, hand.staff[person])
        assert row == expected(person), person
    totals = figures_of(parser, "total")
    assert totals == expected("total")
    tiles = figures_of(parser, "tile")
    assert tiles == _only(expected("total"), tiles) and len(tiles) == 15


def test_the_rows_are_the_active_mediators_and_whoever_leads_a_case(login_as, hand):
    parser = read(dashboard(login_as("supervisor_a")))
    rows = {row for row in parser.row_order if row != "total"}
    assert rows == {hand.staff["a1"], hand.staff["a2"], hand.staff["a3"]}
    page = dashboard(login_as("supervisor_a"))
    assert page.count("No longer active here") == 3  # A3 left (once per table); a case waits for a new lead


def test_cases_without_a_lead_still_count(app, login_as, hand):
    with app.app_context():
        db.session.execute(CaseAssignment.__table__.delete().where(
            CaseAssignment.case_id == _case(hand.cases["c7"]).id))
        db.session.commit()
    page = dashboard(login_as("supervisor_a"))
    parser = read(page)
    assert figures_of(parser, "unassigned")["open"] == "1" and figures_of(parser, "total")["open"] == "6"
    assert parser.found[("unassigned", "open")][1] == "/supervision/cases?status=open&staff=none"  # their list
    assert "Cases without a lead" in page and hand.staff["a3"] not in page


def test_a_quarter_and_a_custom_range(login_as, hand):
    client = login_as("supervisor_a")
    quarter = read(dashboard(client, "&period=quarter&date=2026-10-15"))
    # Q4: sessions of 1 Nov (00:30 local), 10 and 18 Nov and 1 Oct; the voided one never counts.
    assert _only(figures_of(quarter, "total"), ("opened", "closed", "sessions", "minutes")) == {
        "opened": "3", "closed": "2", "sessions": "4", "minutes": "3.5"}
    assert _only(figures_of(quarter, hand.staff["a2"]), ("opened", "closed", "sessions", "minutes")) == {
        "opened": "1", "closed": "1", "sessions": "2", "minutes": "2"}
    assert "opened_quarter" not in figures_of(quarter, "total")  # a quarter has no quarter beside it
    custom = read(dashboard(client, "&period=custom&from=2026-11-05&to=2026-11-10"))
    assert _only(figures_of(custom, "total"), ("opened", "closed", "sessions", "minutes")) == {
        "opened": "0", "closed": "1", "sessions": "1", "minutes": "1"}
    # The local day decides: 31 October 23:30 UTC is 1 November in Casablanca.
    october = read(dashboard(client, "&period=month&date=2026-10-31"))
    assert figures_of(october, "total")["sessions"] == "1"


def test_the_mediator_sees_their_own_figures_only_from_their_home_page(login_as, hand):
    client = login_as("mediator_a1")
    home = client.get("/?lang=en")
    assert home.status_code == 200 and 'href="/supervision/"' in home.get_data(as_text=True)
    page = dashboard(client)
    assert page.count('data-figure="') == 21
    parser = read(page)
    own = expected("a1")
    assert figures_of(parser, hand.staff["a1"]) == _only(own, [k for k in own if k.startswith("status_")] + ["open"])
    assert figures_of(parser, "tile") == _only(own, figures_of(parser, "tile"))
    assert "Mediator.A2" not in page and hand.staff["a2"] not in page and "total" not in parser.row_order
    # Asking for a colleague's figures is asking for something that does not exist.
    assert client.get(f"/supervision/?staff={hand.staff['a2']}").status_code == 404
    assert client.get(f"/supervision/?staff={hand.staff['a1']}").status_code == 200


def test_a_supervisor_opens_one_staff_members_figures(login_as, hand):
    client = login_as("supervisor_a")
    parser = read(dashboard(client, f"&staff={hand.staff['a2']}"))
    assert figures_of(parser, "tile") == _only(expected("a2"), figures_of(parser, "tile"))
    awaiting = parser.found[("tile", "review_due")][1]
    assert parse_qs(urlsplit(awaiting).query) == {"review_due": ["1"], "staff": [hand.staff["a2"]]}
    # A former member still leading a case of A can be opened too.
    assert client.get(f"/supervision/?staff={hand.staff['a3']}").status_code == 200


def test_supervisor_b_never_sees_association_a(login_as, hand):
    client = login_as("supervisor_b")
    page = dashboard(client)
    assert not any(name in page for name in A_NAMES)
    assert not any(hand.staff[person] in page for person in ("a1", "a2", "a3"))
    parser = read(page)
    assert figures_of(parser, hand.staff["b1"])["open"] == "1"
    assert _only(figures_of(parser, "total"), ("open", "awaiting_decision", "overdue", "upcoming", "unrecorded",
                                               "sessions")) == {"open": "1", "awaiting_decision": "1", "overdue": "1",
                                                                "upcoming": "1", "unrecorded": "1", "sessions": "1"}
    for person in ("a1", "a2", "a3"):
        assert client.get(f"/supervision/?staff={hand.staff[person]}").status_code == 404


def test_admin_and_ministry_have_no_dashboard(login_as, hand):
    for persona in ("admin", "ministry"):
        assert login_as(persona).get("/supervision/").status_code == 403
    assert login_as("supervisor_a").get("/").status_code == 200  # a supervisor keeps the home page


# -- links, sorting, languages, audit ----------------------------------------------------------------------


def _query(href: str) -> dict[str, list[str]]:
    parts = urlsplit(href)
    return {"path": [parts.path], **parse_qs(parts.query)}


def test_figures_link_to_the_list_behind_them(login_as, hand):
    parser = read(dashboard(login_as("supervisor_a")))
    a1 = hand.staff["a1"]
    links = {key: _query(href) for (row, key), (_text, href) in parser.found.items() if row == a1 and href}
    cases = ["/supervision/cases"]
    assert links["status_assessment"] == {"path": cases, "status": ["assessment"], "staff": [a1]}
    assert links["open"] == {"path": cases, "status": ["open"], "staff": [a1]}
    assert links["awaiting_decision"] == {"path": cases, "risk": ["awaiting_decision"], "staff": [a1]}
    assert links["danger"] == {"path": cases, "risk": ["danger"], "staff": [a1]}
    assert links["stale"] == {"path": cases, "stale": ["1"], "staff": [a1]}
    assert links["overdue"] == {"path": cases, "overdue": ["1"], "staff": [a1]}
    assert links["review_due"] == {"path": cases, "review_due": ["1"], "staff": [a1]}
    assert links["long_open"] == {"path": cases, "min_age": ["90"], "staff": [a1]}
    assert links["opened"] == {"path": cases, "opened_from": ["2026-11-01"], "opened_to": ["2026-11-30"],
                               "staff": [a1]}
    assert links["closed_quarter"] == {"path": cases, "closed_from": ["2026-10-01"], "closed_to": ["2026-12-31"],
                                       "staff": [a1]}
    assert links["upcoming"] == {"path": ["/appointments/"], "staff": [a1]}
    assert links["sessions"] == links["minutes"] == {"path": ["/supervision/sessions"], "period": ["month"],
                                                     "date": ["2026-11-01"], "staff": [a1]}
    # A3's own calendar is closed: the association's week keeps a row for them while they hold appointments.
    assert _query(parser.found[(hand.staff["a3"], "upcoming")][1]) == {"path": ["/appointments/association"]}
    totals = {key: _query(href) for (row, key), (_text, href) in parser.found.items() if row == "total" and href}
    assert totals["stale"] == {"path": cases, "stale": ["1"]}
    assert totals["upcoming"] == {"path": ["/appointments/association"]}


def test_the_mediators_figures_link_only_to_pages_they_may_open(app, login_as, hand):
    parser = read(dashboard(login_as("mediator_a1")))
    case_list = app.view_functions["supervision.cases"].required_permission
    links = {key: href for (_row, key), (_text, href) in parser.found.items()
             if key not in ("sessions", "minutes", "upcoming")}
    expected_link = role_has(Role.MEDIATOR, case_list)  # today the case list is a supervisor's page
    assert {key: href is not None for key, href in links.items() if key != "unrecorded"} == dict.fromkeys(
        set(links) - {"unrecorded"}, expected_link)
    assert _query(parser.found[("tile", "sessions")][1]) == {
        "path": ["/my-work"], "from": ["2026-11-01"], "to": ["2026-11-30"]}
    assert _query(parser.found[("tile", "upcoming")][1]) == {"path": ["/appointments/"]}


@pytest.mark.parametrize("query, order, label", [
    ("", ["a1", "a2", "a3"], None),
    ("&sort=open&dir=desc", ["a1", "a2", "a3"], ("open", "descending")),
    ("&sort=open&dir=asc", ["a3", "a2", "a1"], ("open", "ascending")),
    ("&sort=review_due", ["a2", "a1", "a3"], ("review_due", "descending")),  # ties by name
    ("&sort=name&dir=desc", ["a3", "a2", "a1"], ("name", "descending")),
    ("&sort=__class__&dir=sideways", ["a1", "a2", "a3"], ("name", "ascending")),  # unknown: the default
])
def test_sorting_by_any_column(login_as, hand, query, order, label):
    parser = read(dashboard(login_as("supervisor_a"), query))
    staff_rows = [row for row in parser.row_order if row != "total"]
    # Each table lists the staff in the same order.
    assert staff_rows[:3] == [hand.staff[person] for person in order]
    assert staff_rows == staff_rows[:3] * 3
    if label:
        assert parser.aria_sort == {label[0]: label[1]}


@pytest.mark.parametrize("language, direction", [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_the_weekly_review_in_three_languages(login_as, hand, language, direction):
    page = login_as("supervisor_a").get(f"/supervision/?lang={language}").get_data(as_text=True)
    assert f'lang="{language}" dir="{direction}"' in page
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", page), "Latin digits only"
    # No direction forced anywhere but on <html>: Latin names sit in <bdi>.
    assert page.count('dir="') == 1 and "<script" not in page and " onclick" not in page
    parser = read(page)
    assert figures_of(parser, hand.staff["a1"])["open"] == "3"
    assert figures_of(parser, "total")["minutes"] == "3"
    assert figures_of(parser, hand.staff["a2"])["minutes"] == ("1.5" if language == "en" else "1,5")


def test_every_view_is_audited(app, login_as, hand, world):
    login_as("supervisor_a").get("/supervision/")
    login_as("mediator_a1").get("/supervision/")
    with app.app_context():
        views = [(event.entity, event.entity_id, event.association_id) for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.seq))]
    assert views[-2:] == [("dashboard", world.association_public_ids["A"], world.association_a),
                          ("dashboard", hand.staff["a1"], world.association_a)]


# -- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, message", [
    ("period=week", "Choose a month, a quarter or a custom range."),
    ("period=custom&from=2026-11-30&to=2026-11-01", "The end of the period comes before its start."),
    ("period=custom&from=2024-01-01&to=2025-01-02", "Choose a period of at most one year."),
    ("period=custom&from=1999-12-31&to=2000-01-10", "Enter a date as YYYY-MM-DD between 2000 and 2100."),
    ("period=month&date=2101-01-01", "Enter a date as YYYY-MM-DD between 2000 and 2100."),
    ("period=month&date=99999999-01-01", "Enter a date as YYYY-MM-DD between 2000 and 2100."),
    ("period=custom&from=2026-11-01", "Enter both the first and the last day of the range."),
    ("date=2026-02-30", "Enter a date as YYYY-MM-DD between 2000 and 2100."),
    ("date=٢٠٢٦-١١-٠١", "Enter a date as YYYY-MM-DD between 2000 and 2100."),
])
def test_a_bad_period_is_explained_and_the_current_month_shown(login_as, hand, query, message):
    page = dashboard(login_as("supervisor_a"), "&" + query)
    assert message in page and "The current month is shown instead." in page
    assert figures_of(read(page), "total")["opened"] == "2"  # November 2026


def test_a_leap_year_is_one_year():
    assert parse_period({"from": "2028-01-01", "to": "2028-12-31"}, TODAY).errors == []  # 366 days
    assert parse_period({"from": "2027-01-01", "to": "2028-01-01"}, TODAY).errors == []  # 366 days
    assert parse_period({"period": "custom", "from": "2027-01-01", "to": "2028-01-02"}, TODAY).errors != []
    assert parse_period({}, TODAY).period == month_of(TODAY) == Period("month", date(2026, 11, 1), date(2026, 11, 30))
    assert quarter_of(date(2026, 12, 31)) == Period("quarter", date(2026, 10, 1), date(2026, 12, 31))
    assert month_of(date(2100, 12, 5)).step(1) is None and month_of(date(2000, 1, 5)).step(-1) is None


nasty = st.one_of(st.text(max_size=60), st.sampled_from(["", "month", "quarter", "custom", "2026-11-01", "2000-01-01",
                                                          "2100-12-31", "0000-00-00", "2026-13-01", "x" * 5000]))


@FUZZ
@given(args=st.fixed_dictionaries({}, optional={
    "period": nasty, "date": nasty, "from": nasty, "to": nasty, "sort": nasty, "dir": nasty, "unknown": nasty}))
@example(args={"period": "custom", "from": "2100-12-31", "to": "2100-12-31"})
@example(args={"period": "quarter", "date": "2100-12-31", "sort": "minutes", "dir": "asc"})
def test_no_period_input_fails_the_page(login_as, world, args):
    client = login_as("supervisor_a")
    response = client.get("/supervision/", query_string={**args, "lang": "en"})
    assert response.status_code == 200
    # Explained exactly when the period cannot be read (the sort falls back silently).
    explained = "The current month is shown instead." in response.get_data(as_text=True)
    assert explained == bool(parse_period(args, TODAY).errors)


# -- performance -------------------------------------------------------------------------------------------


def _copy_cases(app, association_id: int, leads: list[int], count: int, start: int) -> None:
    """`count` more cases of the association, copied from an existing row with plain INSERTs, each with a lead,
    a session, an overdue action and an appointment, so every figure family has rows to count."""
    with app.app_context():
        template = db.session.execute(select(Case.__table__).where(Case.association_id == association_id)
                                      .order_by(Case.id).limit(1)).mappings().one()
        base = {key: value for key, value in template.items() if key not in ("id", "public_id", "reference")}
        statuses = [status for status in CaseStatus]
        rows = [{**base, "reference": f"BULK-{start + number:06}", "status": statuses[number % len(statuses)],
                 "opened_on": date(2026, 1 + number % 11, 1),
                 "closed_on": date(2026, 11, 2) if statuses[number % len(statuses)] is CaseStatus.CLOSED else None,
                 "immediate_danger": number % 7 == 0, "review_due_on": TODAY if number % 5 == 0 else None}
                for number in range(count)]
        db.session.execute(insert(Case.__table__), rows)
        ids = list(db.session.scalars(select(Case.id).where(Case.reference.like("BULK-%"),
                                                            Case.reference >= f"BULK-{start:06}").order_by(Case.id)))
        db.session.execute(insert(CaseAssignment.__table__), [
            {"case_id": case_id, "user_id": leads[number % len(leads)], "role": AssignmentRole.LEAD,
             "assigned_at": NOW} for number, case_id in enumerate(ids)])
        sessions = [{"case_id": case_id, "type": SessionType.INDIVIDUAL, "mode": SessionMode.IN_PERSON,
                     "started_at": NOW - timedelta(days=number % 40), "duration_min": 30,
                     "parties_kept_apart": False, "interpreter_used": False,
                     "visibility": NoteVisibility.STAFF_ONLY, "author_id": leads[number % len(leads)],
                     "created_at": NOW, "stat_key": 1, "version_id": 1}
                    for number, case_id in enumerate(ids)]
        db.session.execute(insert(CounsellingSession.__table__), sessions)
        held = db.session.execute(select(CounsellingSession.id, CounsellingSession.author_id)
                                  .where(CounsellingSession.case_id.in_(ids))).all()
        db.session.execute(insert(SessionStaff.__table__), [{"session_id": sid, "user_id": uid} for sid, uid in held])
        db.session.execute(insert(FollowUpAction.__table__), [
            {"case_id": case_id, "description": "x", "due_on": date(2026, 11, 1), "assigned_to_id": leads[0],
             "created_at": NOW} for case_id in ids[::3]])
        db.session.commit()


def _statements(app, client, url: str) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


def test_the_statement_count_does_not_grow_with_the_cases(app, login_as, hand, world):
    with app.app_context():
        leads = [_user(name).id for name in ("mediator.a1", "mediator.a2")]
    _copy_cases(app, world.association_a, leads, 10, 0)
    supervisor = login_as("supervisor_a")
    small = {url: _statements(app, supervisor, url) for url in ("/supervision/", "/supervision/?period=quarter")}
    mediator = login_as("mediator_a1")
    small["mine"] = _statements(app, mediator, "/supervision/")
    _copy_cases(app, world.association_a, leads, 490, 10)
    supervisor = login_as("supervisor_a")
    large = {url: _statements(app, supervisor, url) for url in ("/supervision/", "/supervision/?period=quarter")}
    page = dashboard(supervisor)
    mediator = login_as("mediator_a1")
    large["mine"] = _statements(app, mediator, "/supervision/")
    assert small == large and min(small.values()) > 5, (small, large)  # statements were seen
    assert int(figures_of(read(page), "total")["open"].replace(",", "")) > 400  # the copies were counted
