"""The supervisor's list of the association's cases (7 and bad input).

Nine cases of association A and one of B are built through the services, then
aged by writing dates directly; each filter must return exactly the set
counted by hand in CaseSet below. Direct database work happens inside
`with app.app_context():`; requests are made outside it.
"""

from __future__ import annotations

import copy
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import unescape

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import event, insert, select

from mediation.accounts.models import StaffUser
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.appointments.services.booking import AppointmentData, book
from mediation.cases.codes import (
    AgeBand,
    CaseStatus,
    CourtStage,
    IntakeChannel,
    Issue,
    ParticipantRole,
    ReferralSource,
    ScreeningDecision,
    Sex,
    ViolenceLevel,
)
from mediation.cases.models import AssignmentRole, Case, CaseAssignment, CaseIssue, Participant, Person
from mediation.cases.services.safety import DecisionData, ScreeningData, decide_screening, record_screening
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.core.authz import Profession, Role
from mediation.counselling.models import FollowUpAction
from mediation.extensions import db
from mediation.supervision import filters
from tests.cases.fixtures import declare_cndp, open_as, person, service_point_of
from tests.cases.matrix_rows_notes import actor
from tests.conftest import ANY_HOUR_DEFAULT, PASSWORD
from tests.counselling.matrix_rows_my_work import add_action, add_session
from tests.strategies import fuzz, nasty_strings, sometimes_from

FUZZ = fuzz(60, instants=len(ANY_HOUR_DEFAULT))
URL = "/supervision/cases"
# Date-sensitive (ages, overdue flags, periods): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")


def local_today() -> date:
    return clock.today()


def row_ids(html: str) -> set[str]:
    return set(re.findall(r'<tr id="case-([\w-]+)"', html))


def problems(html: str) -> list[str]:
    block = re.search(r'<ul class="problems">(.*?)</ul>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S)] if block else []


@dataclass
class CaseSet:
    """Public ids of the built cases, by name, and the staff public ids."""

    ids: dict[str, str]
    staff: dict[str, str]
    today: date

    def __call__(self, *names: str) -> set[str]:
        return {self.ids[name] for name in names}


# name: (lead, issues, status, days since opening)
PLAN = {
    "c1": ("mediator.a1", (Issue.CUSTODY,), CaseStatus.IN_MEDIATION, 100),
    "c2": ("mediator.a2", (Issue.INHERITANCE,), CaseStatus.ASSESSMENT, 40),
    "c3": ("mediator.a1", (Issue.CUSTODY, Issue.VISITATION), CaseStatus.INTAKE, 10),
    "c4": ("mediator.a2", (Issue.CUSTODY,), CaseStatus.CLOSED, 200),
    "c5": ("mediator.a1", (Issue.MARITAL_DISCORD,), CaseStatus.IN_COUNSELLING, 60),
    "c6": ("mediator.a1", (Issue.INHERITANCE,), CaseStatus.SUSPENDED, 60),
    "c8": ("mediator.a2", (Issue.ELDERLY_CARE,), CaseStatus.IN_MEDIATION, 45),
    "c9": ("mediator.a3", (Issue.MARITAL_DISCORD,), CaseStatus.INTAKE, 5),
    "b1": ("mediator.b1", (Issue.CUSTODY,), CaseStatus.IN_MEDIATION, 100),
}
OPEN_A = ("c1", "c2", "c3", "c5", "c6", "c8", "c9")
ALL_A = (*OPEN_A, "c4")


def _add_former_staff(world) -> None:
    """mediator.a3 leads c9, then leaves: the filter still finds their cases."""
    create_staff_user(db.session, NewStaffUser(username="mediator.a3", display_name="Mediator.A3", role=Role.MEDIATOR,
                                               password=PASSWORD, association_id=world.association_a,
                                               profession=Profession.SOCIAL_WORKER), actor=None)


def _open(name: str, today: date) -> Case:
    lead, issues, _status, _age = PLAN[name]
    opener = "mediator.a1" if lead == "mediator.a3" else lead
    overrides = {"issues": issues, "requesting_party": person(f"طرف {name}")}
    if lead == "mediator.a3":
        overrides["lead_mediator_id"] = actor("mediator.a3").id
        opener = "supervisor.a"
    return open_as(opener, **overrides)


def build_case_set(app, world) -> CaseSet:
    today = local_today()
    with app.app_context():
        declare_cndp(world.association_a)
        declare_cndp(world.association_b)
        _add_former_staff(world)
        built = {name: _open(name, today) for name in PLAN}
        supervisor = actor("supervisor.a")
        # c5: a positive screen nobody decided on; c6: a positive screen, then the supervisor's decision.
        for name in ("c5", "c6"):
            case = built[name]
            party = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
            record_screening(db.session, case, party, ScreeningData(screened_on=today, violence=ViolenceLevel.PAST),
                             actor=actor(PLAN[name][0]))
        db.session.flush()
        decide_screening(db.session, built["c6"], DecisionData(ScreeningDecision.COUNSELLING_ONLY, "قرار"),
                         actor=supervisor)
        # c6: an appointment to come keeps it from being stale.
        a1 = actor("mediator.a1")
        book(db.session, AppointmentData(session_type="individual", mode="phone", day=today + timedelta(days=3),
                                         start=time(10), end=time(11), staff_ids=(a1.public_id,)),
             actor=a1, case=built["c6"])
        for name, case in built.items():
            _lead, _issues, status, age = PLAN[name]
            case.opened_on = case.first_contact_on = today - timedelta(days=age)
            case.status = status
        built["c1"].immediate_danger = True
        built["b1"].immediate_danger = True
        built["c4"].immediate_danger = True  # closed: no longer counts as danger
        built["c4"].closed_on = today - timedelta(days=20)
        built["c3"].review_due_on = today + timedelta(days=7)
        built["c4"].review_due_on = today  # closed: not due
        actor("mediator.a3").active = False
        db.session.commit()
        ids = {name: str(case.public_id) for name, case in built.items()}
        staff = {username: str(actor(username).public_id)
                 for username in ("mediator.a1", "mediator.a2", "mediator.a3", "mediator.b1", "supervisor.a")}
    # c2: a session 10 days ago (active); c8: only a voided one (still stale).
    add_session(app, ids["c2"], "mediator.a2", datetime.combine(today - timedelta(days=10), time(10), tzinfo=UTC))
    add_session(app, ids["c8"], "mediator.a2", datetime.combine(today - timedelta(days=5), time(10), tzinfo=UTC),
                voided=True)
    # c2: an overdue action; c8: one done late and one still to come; c4: overdue but closed.
    add_action(app, ids["c2"], "mediator.a2", today - timedelta(days=5))
    add_action(app, ids["c8"], "mediator.a2", today - timedelta(days=5), done=True)
    add_action(app, ids["c8"], "mediator.a2", today + timedelta(days=5))
    add_action(app, ids["c4"], "mediator.a2", today - timedelta(days=30))
    return CaseSet(ids, staff, today)


@pytest.fixture(scope="module")
def _module_case_set(app, _module_world) -> CaseSet:
    """Built once per module and instant, in the module's transaction (tests/conftest.py, `module_data`)."""
    return build_case_set(app, _module_world)


@pytest.fixture
def case_set(_module_case_set) -> CaseSet:
    return copy.deepcopy(_module_case_set)


def days_ago(case_set: CaseSet, days: int) -> str:
    return (case_set.today - timedelta(days=days)).isoformat()


FILTERS = [
    # (query, the cases it must return)
    ("", ALL_A),
    ("status=open", OPEN_A),
    ("status=closed", ("c4",)),
    ("status=in_mediation", ("c1", "c8")),
    ("staff={a1}", ("c1", "c3", "c5", "c6")),
    ("staff={a2}", ("c2", "c4", "c8")),
    ("staff={a3}", ("c9",)),  # inactive now: their cases stay findable
    ("issue=custody", ("c1", "c3", "c4")),
    ("issue=marital_discord", ("c5", "c9")),
    ("issue=other", ()),
    ("risk=danger", ("c1",)),
    ("risk=awaiting_decision", ("c5",)),
    ("risk=danger&risk=awaiting_decision", ()),
    ("stale=1", ("c1", "c5", "c8")),
    ("overdue=1", ("c2",)),
    ("review_due=1", ("c3",)),
    ("opened_from={d70}&opened_to={d30}", ("c2", "c5", "c6", "c8")),
    ("opened_from={d50}", ("c2", "c3", "c8", "c9")),
    ("opened_to={d100}", ("c1", "c4")),
    ("closed_from={d30}&closed_to={d10}", ("c4",)),
    ("closed_to={d25}", ()),
    ("min_age=50", ("c1", "c5", "c6")),
    ("min_age=0", OPEN_A),
    # Filters combine.
    ("staff={a1}&stale=1", ("c1", "c5")),
    ("status=open&issue=custody&risk=danger", ("c1",)),
    ("staff={a2}&overdue=1&min_age=30", ("c2",)),
    ("issue=custody&opened_from={d150}", ("c1", "c3")),
    ("status=open&stale=1&issue=elderly_care", ("c8",)),
]


def fill(query: str, case_set: CaseSet) -> str:
    values = {"a1": case_set.staff["mediator.a1"], "a2": case_set.staff["mediator.a2"],
              "a3": case_set.staff["mediator.a3"]}
    values |= {f"d{days}": days_ago(case_set, days) for days in (10, 25, 30, 50, 70, 100, 150)}
    return query.format(**values)


@pytest.mark.parametrize("query, expected", FILTERS, ids=[query or "all" for query, _ in FILTERS])
def test_each_filter_returns_exactly_the_counted_cases(case_set, login_as, query, expected):
    response = login_as("supervisor_a").get(f"{URL}?lang=en&{fill(query, case_set)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert problems(html) == []
    assert row_ids(html) == case_set(*expected)


def test_flags_are_shown_as_words_on_each_row(case_set, login_as):
    html = login_as("supervisor_a").get(f"{URL}?lang=en").get_data(as_text=True)

    def flags(name: str) -> set[str]:
        row = re.search(rf'<tr id="case-{case_set.ids[name]}">(.*?)</tr>', html, re.S).group(1)
        return set(re.findall(r'data-flag="(\w+)">[^<\s]', row))

    assert flags("c1") == {"danger", "stale"}
    assert flags("c2") == {"overdue"}
    assert flags("c3") == {"review_due"}
    assert flags("c4") == set()  # closed: nothing is pending any more
    assert flags("c5") == {"awaiting_decision", "stale"}
    assert flags("c6") == set()
    assert flags("c8") == {"stale"}
    assert "Immediate danger</span>" in html and "Awaiting a supervisor decision</span>" in html


def test_the_row_shows_lead_issues_requesting_party_and_age(case_set, login_as):
    html = login_as("supervisor_a").get(f"{URL}?lang=en&staff={case_set.staff['mediator.a1']}").get_data(
        as_text=True)
    row = re.search(rf'<tr id="case-{case_set.ids["c3"]}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert "<bdi>طرف c3</bdi>" in cells[1]
    assert "Intake" in cells[2]
    assert re.findall(r"<li>([^<]*)</li>", cells[3]) == ["Custody", "Visitation and contact"]
    assert "<bdi>Mediator.A1</bdi>" in cells[4]
    assert cells[6].strip() == "10"
    # The reference is shown, and links by public id only: no reference in any URL (S20).
    reference = re.search(r"<bdi>([A-Z0-9-]+-\d{4}-\d{5})</bdi>", cells[0]).group(1)
    assert f'href="/cases/{case_set.ids["c3"]}"' in cells[0]
    assert all(reference not in url for url in re.findall(r'href="([^"]*)"', html))


def test_another_associations_supervisor_never_sees_these_cases(case_set, login_as):
    client = login_as("supervisor_b")
    html = client.get(f"{URL}?lang=en").get_data(as_text=True)
    assert row_ids(html) == case_set("b1")
    # Filtering on A's staff is refused like any unknown id, and lists B's cases only.
    html = client.get(f"{URL}?lang=en&staff={case_set.staff['mediator.a1']}").get_data(as_text=True)
    assert row_ids(html) == case_set("b1")
    assert problems(html) == ["Unknown staff member: choose one of your association's staff. "
                              "The filter on the lead is not applied."]
    assert "Mediator.A1" not in html


def test_a_supervisor_may_not_filter_on_another_associations_staff(case_set, login_as):
    html = login_as("supervisor_a").get(f"{URL}?lang=en&staff={case_set.staff['mediator.b1']}").get_data(
        as_text=True)
    assert row_ids(html) == case_set(*ALL_A)
    assert len(problems(html)) == 1 and 'aria-invalid="true" aria-describedby="f-staff-error"' in html


@pytest.mark.parametrize("persona", ["admin", "ministry"])
def test_admin_and_ministry_get_no_list(world, login_as, persona):
    response = login_as(persona).get(URL)
    assert response.status_code == 403
    assert 'id="case-' not in response.get_data(as_text=True)


def test_a_staff_member_lists_only_the_cases_they_work(case_set, login_as):
    """The dashboard of a staff member links here too: the same filters, over their own cases only."""
    html = login_as("mediator_a2").get(f"{URL}?lang=en").get_data(as_text=True)
    assert row_ids(html) and row_ids(html) < case_set(*ALL_A)
    with_mine = login_as("supervisor_a").get(f"{URL}?lang=en&staff={case_set.staff['mediator.a2']}").get_data(
        as_text=True)
    assert row_ids(html) >= row_ids(with_mine)


def test_each_view_is_audited(case_set, login_as, app):
    login_as("supervisor_a").get(f"{URL}?status=open&page=1")
    with app.app_context():
        event_ = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        supervisor = actor("supervisor.a")
        assert (event_.action, event_.entity, event_.entity_id, event_.actor_id, event_.association_id) == (
            "view", "case_list", None, supervisor.id, supervisor.association_id)


def test_the_active_filters_are_summarised_in_words_with_a_clear_link(case_set, login_as):
    query = (f"staff={case_set.staff['mediator.a2']}&status=in_mediation&issue=elderly_care&risk=danger&stale=1"
             f"&overdue=1&review_due=1&opened_from=2026-01-01&closed_to=2026-06-30&min_age=7&lang=en")
    html = login_as("supervisor_a").get(f"{URL}?{query}").get_data(as_text=True)
    summary = re.search(r'<section class="card active-filters".*?</section>', html, re.S).group(0)
    items = [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]
    assert items == [
        "Led by <bdi>Mediator.A2</bdi>", "Status: In mediation", "Issue: Care of elderly parents", "Immediate danger",
        "No session or appointment for 30 days", "Follow-up action overdue", "Review due",
        "Opened on or after Jan 1, 2026", "Closed on or before Jun 30, 2026", "Open for at least 7 days",
    ]
    assert '<a href="/supervision/cases">Clear filters</a>' in summary
    # The form shows the choices back.
    assert f'<option value="{case_set.staff["mediator.a2"]}" selected>' in html
    assert 'value="danger" checked' in html and 'value="2026-01-01"' in html
    assert 'active-filters' not in login_as("supervisor_a").get(f"{URL}?lang=en").get_data(as_text=True)


def test_pages_keep_the_filters_and_sorting(app, world, login_as):
    with app.app_context():
        declare_cndp(world.association_a)
        lead = actor("mediator.a1")
        insert_cases(world.association_a, service_point_of(world.association_a).id, lead, 60, local_today())
        db.session.commit()
    client = login_as("supervisor_a")
    staff = world.user_ids["mediator_a1"]
    html = client.get(f"{URL}?lang=en&staff={staff}&issue=custody&sort=reference&dir=asc").get_data(as_text=True)
    assert len(row_ids(html)) == 25
    references = re.findall(r"<bdi>(BULK-2026-\d{5})</bdi>", html)
    assert references == sorted(references) and references[0] == "BULK-2026-00000"
    next_link = re.search(r'<a href="([^"]*)" rel="next">', html).group(1).replace("&amp;", "&")
    assert next_link.startswith("/supervision/cases?")
    assert set(next_link.split("?")[1].split("&")) == {
        f"staff={staff}", "issue=custody", "sort=reference", "dir=asc", "page=2"}
    html = client.get(next_link + "&lang=en").get_data(as_text=True)
    assert re.findall(r"<bdi>(BULK-2026-\d{5})</bdi>", html)[0] == "BULK-2026-00025"
    assert 'aria-sort="ascending"' in html and "Page 2 of 3" in html
    # Descending by reference reverses the order.
    html = client.get(f"{URL}?lang=en&sort=reference&dir=desc").get_data(as_text=True)
    assert re.findall(r"<bdi>(BULK-2026-\d{5})</bdi>", html)[0] == "BULK-2026-00059"
    assert 'aria-sort="descending"' in html


@pytest.mark.parametrize("sort", filters.SORTS)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_order_lists_every_case_once(case_set, login_as, sort, direction):
    html = login_as("supervisor_a").get(f"{URL}?lang=en&sort={sort}&dir={direction}").get_data(as_text=True)
    assert row_ids(html) == case_set(*ALL_A) and problems(html) == []


def test_sorting_by_lead_puts_names_in_order(case_set, login_as):
    html = login_as("supervisor_a").get(f"{URL}?lang=en&sort=lead&dir=asc").get_data(as_text=True)
    leads = re.findall(r"<td[^>]*><bdi>(Mediator\.A\d)</bdi></td>", html)
    assert leads == sorted(leads) and len(leads) == len(ALL_A)


BAD_INPUT = [
    # (query, number of problems, cases listed)
    ("status=nonsense", 1, ALL_A),
    ("issue=%3Cscript%3E", 1, ALL_A),
    ("risk=danger&risk=later", 1, ("c1",)),
    ("stale=maybe", 1, ALL_A),
    ("opened_from=2026-02-30", 1, ALL_A),
    ("opened_from=31/01/2026&opened_to=2026-13-01", 2, ALL_A),
    ("opened_from={d10}&opened_to={d100}", 1, ALL_A),  # reversed: the range is dropped
    ("closed_from=2026-06-01&closed_to=2026-01-01&status=closed", 1, ("c4",)),
    ("min_age=-3", 1, ALL_A),
    ("min_age=9999999", 1, ALL_A),
    ("staff=not-a-uuid", 1, ALL_A),
    ("staff=00000000-0000-4000-8000-000000000000", 1, ALL_A),
    ("sort=password&dir=sideways", 2, ALL_A),
    ("page=0", 1, ALL_A),
    ("page=abc", 1, ALL_A),
    ("page=1000000000000", 1, ALL_A),  # 10**12: the last page is shown
    ("page=" + "9" * 5000, 1, ALL_A),
    ("unknown=1&colour=red", 0, ALL_A),  # unknown keys are ignored
]


@pytest.mark.parametrize("query, count, expected", BAD_INPUT, ids=[query[:40] for query, _, _ in BAD_INPUT])
def test_bad_input_gives_a_message_never_an_error(case_set, login_as, query, count, expected):
    response = login_as("supervisor_a").get(f"{URL}?lang=en&{fill(query, case_set)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(problems(html)) == count, problems(html)
    assert row_ids(html) == case_set(*expected)
    assert "<script>" not in html.split("<main", 1)[1]


def test_a_page_beyond_the_last_shows_the_last_page_with_a_message(app, world, login_as):
    with app.app_context():
        insert_cases(world.association_a, service_point_of(world.association_a).id, actor("mediator.a1"), 30,
                     local_today())
        db.session.commit()
    client = login_as("supervisor_a")
    html = client.get(f"{URL}?lang=en&page=1000000000000").get_data(as_text=True)
    assert problems(html) == ["Page 1,000,000,000,000 does not exist: page 2 of 2 is shown."]
    assert len(row_ids(html)) == 5 and 'rel="prev"' in html and 'rel="next"' not in html
    # With nothing to list, page 1 (empty) is shown.
    html = client.get(f"{URL}?lang=en&issue=other&page=7").get_data(as_text=True)
    assert problems(html) == ["Page 7 does not exist: page 1 of 1 is shown."]
    assert "No case found." in html


@pytest.mark.parametrize("lang, label, direction", [("ar", "الحالة", "rtl"), ("fr", "Statut", "ltr"),
                                                     ("en", "Status", "ltr")])
def test_messages_are_in_the_users_language(world, login_as, lang, label, direction):
    html = login_as("supervisor_a").get(f"{URL}?lang={lang}&status=nonsense").get_data(as_text=True)
    assert f'lang="{lang}" dir="{direction}"' in html
    [message] = problems(html)
    assert message.startswith(label)  # the field is named as the form labels it, in that language


@pytest.mark.parametrize("lang, expected", [
    ("ar", "عضو(ة) فريق غير معروف"),
    ("fr", "Membre de l'équipe inconnu"),
])
def test_the_unknown_staff_message_is_translated(world, login_as, lang, expected):
    """Fails until the catalogues hold the new messages (the i18n completeness test says the same)."""
    html = login_as("supervisor_a").get(f"{URL}?lang={lang}&staff=x").get_data(as_text=True)
    assert problems(html)[0].startswith(expected)


# -- Generated query strings --------------------------------------------------------------------

nasty_text = nasty_strings(60, short_size=30, repeated="9")


sometimes = sometimes_from(nasty_text)


dates = sometimes("", "2026-01-01", "2026-11-30", "1999-12-31", "2026-02-29", "2101-01-01")
query_args = st.fixed_dictionaries({}, optional={
    "staff": sometimes("", "00000000-0000-4000-8000-000000000000"),
    "status": sometimes("", "open", *CaseStatus),
    "issue": sometimes("", *Issue),
    "risk": st.one_of(sometimes("", "danger", "awaiting_decision"), st.lists(sometimes("danger", "awaiting_decision"),
                                                                             max_size=3)),
    "stale": sometimes("", "1", "0"),
    "overdue": sometimes("", "1"),
    "review_due": sometimes("", "1"),
    "opened_from": dates, "opened_to": dates, "closed_from": dates, "closed_to": dates,
    "min_age": st.one_of(sometimes("", "0", "30"), st.integers(-10**13, 10**13).map(str)),
    "sort": sometimes(*filters.SORTS),
    "dir": sometimes("asc", "desc"),
    "page": st.one_of(st.integers(-10**13, 10**13).map(str), nasty_text),
    "lang": sometimes("ar", "fr", "en"),
    "zzz": nasty_text,
})


@FUZZ
@given(args=query_args)
@example(args={"page": str(10**12), "opened_from": "2026-12-01", "opened_to": "2026-01-01", "staff": "x"})
def test_generated_query_strings_never_fail(world, login_as, args):
    response = login_as("supervisor_a").get(URL, query_string=args)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    # Whatever was asked, the links the page builds carry only codes, dates, numbers and staff ids.
    for link in re.findall(r'href="/supervision/cases\?([^"]*)"', body):
        for pair in link.replace("&amp;", "&").split("&"):
            key, _, value = pair.partition("=")
            assert key in {"staff", "status", "issue", "risk", "stale", "overdue", "review_due", "opened_from",
                           "opened_to", "closed_from", "closed_to", "min_age", "sort", "dir", "page"}
            assert re.fullmatch(r"[\w-]*", value), pair


def test_the_parser_handles_a_huge_page_without_a_database(app):
    with app.test_request_context("/?lang=en"):
        parsed = filters.parse({"page": str(10**12)}, {})
        assert parsed.page == 10**12 and parsed.problems == ()
        moved = filters.on_page(parsed, 3, 3)
        assert moved.page == 3 and [problem.name for problem in moved.problems] == ["page"]


# -- Statements per page  -------------------------------------------------------


def insert_cases(association_id: int, service_point_id: int, lead: StaffUser, count: int, today: date,
                 start: int = 0) -> None:
    """`count` cases with a lead, two issues, a requesting party and an overdue action, in a few bulk inserts."""
    first = db.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0
    references = [f"BULK-2026-{number:05d}" for number in range(start, start + count)]
    db.session.execute(insert(Case), [dict(
        reference=reference, association_id=association_id, service_point_id=service_point_id,
        status=CaseStatus.IN_MEDIATION, opened_on=today - timedelta(days=number * 37 % 120),
        first_contact_on=today - timedelta(days=number * 37 % 120), intake_channel=IntakeChannel.WALK_IN,
        referral_source=ReferralSource.SELF, court_stage=CourtStage.PRE_ACTION, created_by_id=lead.id,
        immediate_danger=number % 7 == 0, version_id=1,
    ) for number, reference in enumerate(references)])
    ids = db.session.scalars(select(Case.id).where(Case.id > first, Case.reference.in_(references))).all()
    assert len(ids) == count
    db.session.execute(insert(CaseAssignment), [dict(case_id=case_id, user_id=lead.id, role=AssignmentRole.LEAD)
                                                for case_id in ids])
    db.session.execute(insert(CaseIssue), [dict(case_id=case_id, issue=issue) for case_id in ids
                                           for issue in (Issue.CUSTODY, Issue.VISITATION)])
    someone = Person(association_id=association_id, full_name="فاطمة الزهراء بناني", sex=Sex.FEMALE)
    db.session.add(someone)
    db.session.flush()
    db.session.execute(insert(Participant), [dict(case_id=case_id, person_id=someone.id, role=ParticipantRole.MOTHER,
                                                  is_requesting_party=True, age_band=AgeBand.B35_44, version_id=1)
                                             for case_id in ids])
    db.session.execute(insert(FollowUpAction), [dict(case_id=case_id, description="الاتصال", assigned_to_id=lead.id,
                                                     due_on=today - timedelta(days=1)) for case_id in ids[::3]])


@contextmanager
def counted_statements(connection):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


QUERIES = ["", "status=open&sort=lead&dir=desc", "stale=1&overdue=1&issue=custody&min_age=1&sort=status",
           "risk=danger&sort=reference", "page=3&sort=updated", "issue=other"]


def test_statements_per_page_do_not_depend_on_the_number_of_cases(app, world, login_as):
    with app.app_context():
        declare_cndp(world.association_a)
        point = service_point_of(world.association_a).id
        lead = actor("mediator.a1")
        insert_cases(world.association_a, point, lead, 10, local_today())
        db.session.commit()
        engine = db.engine  # the test's connection (tests/conftest.py), which every request uses
    client = login_as("supervisor_a")

    def measure() -> tuple[dict[str, int], dict[str, int]]:
        statements_of, rows_of = {}, {}
        for query in QUERIES:
            with counted_statements(engine) as statements:
                response = client.get(f"{URL}?lang=en&{query}")
            assert response.status_code == 200
            statements_of[query] = len(statements)
            rows_of[query] = len(row_ids(response.get_data(as_text=True)))
        return statements_of, rows_of

    few, few_rows = measure()
    with app.app_context():
        insert_cases(world.association_a, point, actor("mediator.a1"), 490, local_today(), start=10)
        db.session.commit()
    many, many_rows = measure()
    # Pages of different lengths (and an empty one) all cost the same statements.
    assert few_rows == {"": 10, "status=open&sort=lead&dir=desc": 10,
                        "stale=1&overdue=1&issue=custody&min_age=1&sort=status": 3,
                        "risk=danger&sort=reference": 2, "page=3&sort=updated": 10, "issue=other": 0}
    assert many_rows == {"": 25, "status=open&sort=lead&dir=desc": 25,
                         "stale=1&overdue=1&issue=custody&min_age=1&sort=status": 25,
                         "risk=danger&sort=reference": 25, "page=3&sort=updated": 25, "issue=other": 0}
    assert many == few
    assert all(8 < count < 40 for count in few.values()), few  # the listener sees the requests


def test_the_everyday_case_list_links_supervisors_here(world, login_as):
    assert 'href="/supervision/cases"' in login_as("supervisor_a").get("/cases/").get_data(as_text=True)
    assert 'href="/supervision/cases"' not in login_as("mediator_a1").get("/cases/").get_data(as_text=True)
