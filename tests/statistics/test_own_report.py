"""The own-association quarterly report (part 5): a hand-built 2026Q3 where every figure is a hand count."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import event, select

from mediation.accounts.models import StaffUser
from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment
from mediation.cases.codes import (
    AgeBand,
    CaseStatus,
    Issue,
    NoteVisibility,
    Outcome,
    ParticipantRole,
    ReferralSource,
    SessionType,
    Sex,
)
from mediation.cases.models import Participant, Person
from mediation.cases.models.case import Closure
from mediation.core.audit import AuditEvent
from mediation.counselling.models import CounsellingSession, SessionStaff
from mediation.extensions import db
from mediation.statistics.own_report import Quarter, association_report, parse_quarter
from tests.cases.fixtures import declare_cndp, open_as, person
from tests.strategies import fuzz

CANARY = "CANARYzq"
Q3 = (2026, 3)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _case(username, created: date, issues, source, contact: date, party, role=ParticipantRole.MOTHER):
    case = open_as(username, issues=issues, referral_source=source, first_contact_on=contact,
                   requesting_party=party, requesting_role=role)
    case.created_at = at(created)
    case.opened_on = created
    return case


def _close(case, when: date, outcome: Outcome, actor: StaffUser):
    case.status, case.closed_on, case.outcome = CaseStatus.CLOSED, when, outcome
    db.session.add(Closure(case_id=case.id, closed_on=when, closed_by_id=actor.id, outcome=outcome,
                           created_at=at(when)))


def _child(case, band: AgeBand, name: str):
    child = Person(association_id=case.association_id, full_name=name, sex=Sex.FEMALE)
    db.session.add(child)
    db.session.flush()
    db.session.add(Participant(case_id=case.id, person_id=child.id, role=ParticipantRole.CHILD, age_band=band,
                               is_party=False))


def _session(case, holder, started: datetime, minutes: int, kind: SessionType, mode: SessionMode,
             voided: bool = False):
    db.session.add(CounsellingSession(
        case_id=case.id, type=kind, mode=mode, started_at=started, duration_min=minutes,
        visibility=NoteVisibility.STAFF_ONLY, author_id=holder.id, staff=[SessionStaff(user_id=holder.id)],
        voided_at=started + timedelta(days=1) if voided else None, voided_by_id=holder.id if voided else None))


def _appointment(case, holder, start: datetime, status: AppointmentStatus):
    db.session.add(Appointment(
        association_id=case.association_id, service_point_id=case.service_point_id, case_id=case.id,
        session_type=SessionType.INDIVIDUAL, mode=SessionMode.PHONE, start_local=start.strftime("%Y-%m-%dT%H:%M"),
        time_zone="Africa/Casablanca", start_utc=start, end_utc=start + timedelta(hours=1), duration_min=60,
        status=status, created_by_id=holder.id))


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.fixture
def quarter(app, world, cases):
    """Association A's 2026Q3, built by hand; B and other quarters hold decoys."""
    with app.app_context():
        declare_cndp(world.association_a)
        a1, b1, sup = staff("mediator.a1"), staff("mediator.b1"), staff("supervisor.a")
        c1 = _case("mediator.a1", date(2026, 7, 10), (Issue.CUSTODY,), ReferralSource.FAMILY_COURT, date(2026, 7, 1),
                   person(f"Fatima {CANARY} One", phone="0611000001", birth_date="1988-04-02"))
        c2 = _case("mediator.a1", date(2026, 8, 5), (Issue.MARITAL_DISCORD,), ReferralSource.SELF, date(2026, 8, 1),
                   person(f"Karim {CANARY} Two", sex=Sex.MALE, phone="0611000002", birth_date="1995-01-01"),
                   ParticipantRole.FATHER)
        c3 = _case("mediator.a1", date(2026, 9, 20), (Issue.INHERITANCE,), ReferralSource.SELF, date(2026, 9, 18),
                   person(f"Zahra {CANARY} Three", phone="0611000003", birth_date="1950"))
        c4 = _case("mediator.a1", date(2026, 6, 15), (Issue.VISITATION,), ReferralSource.LAWYER, date(2026, 6, 10),
                   person(f"Amina {CANARY} Four", phone="0611000004", birth_date="1980-05-05"))
        c5 = _case("mediator.a1", date(2026, 7, 15), (Issue.CUSTODY,), ReferralSource.SELF, date(2026, 7, 15),
                   person(f"Error {CANARY} Five", phone="0611000005", birth_date="1990"))
        c6 = _case("mediator.a1", date(2026, 10, 5), (Issue.CUSTODY,), ReferralSource.SELF, date(2026, 10, 1),
                   person(f"Later {CANARY} Six", phone="0611000006", birth_date="1985"))
        bq = _case("mediator.b1", date(2026, 7, 10), (Issue.CUSTODY,), ReferralSource.SELF, date(2026, 7, 1),
                   person(f"Other {CANARY} B", phone="0611000007", birth_date="1988"))
        db.session.flush()
        _close(c3, date(2026, 9, 25), Outcome.AGREEMENT_FULL, sup)
        _close(c5, date(2026, 7, 20), Outcome.OPENED_IN_ERROR, sup)
        _close(bq, date(2026, 8, 20), Outcome.NO_AGREEMENT, staff("supervisor.b"))
        # c1's mother also takes part in c3: one distinct person.
        mother = db.session.scalar(select(Participant.person_id).where(Participant.case_id == c1.id))
        db.session.add(Participant(case_id=c3.id, person_id=mother, role=ParticipantRole.MOTHER,
                                   age_band=AgeBand.B35_44))
        _child(c1, AgeBand.B6_11, f"Child {CANARY} A")
        _child(c2, AgeBand.B0_3, f"Child {CANARY} B")
        _child(c6, AgeBand.B12_14, f"Child {CANARY} C")
        _child(bq, AgeBand.B6_11, f"Child {CANARY} D")
        _session(c1, a1, at(date(2026, 7, 11)), 60, SessionType.INDIVIDUAL, SessionMode.IN_PERSON)
        _session(c2, a1, at(date(2026, 8, 10)), 90, SessionType.JOINT_MEDIATION, SessionMode.PHONE)
        _session(c2, a1, at(date(2026, 8, 12)), 60, SessionType.JOINT_MEDIATION, SessionMode.PHONE, voided=True)
        _session(c4, a1, at(date(2026, 6, 20)), 60, SessionType.INDIVIDUAL, SessionMode.IN_PERSON)  # Q2
        _session(c4, a1, at(date(2026, 7, 20)), 45, SessionType.FOLLOW_UP, SessionMode.IN_PERSON)
        _session(c6, a1, at(date(2026, 10, 6)), 60, SessionType.INDIVIDUAL, SessionMode.IN_PERSON)  # Q4
        _session(bq, b1, at(date(2026, 7, 12)), 60, SessionType.INDIVIDUAL, SessionMode.IN_PERSON)
        for day, status in ((date(2026, 7, 11), AppointmentStatus.HELD), (date(2026, 8, 10), AppointmentStatus.HELD),
                            (date(2026, 8, 11), AppointmentStatus.HELD), (date(2026, 8, 12), AppointmentStatus.MISSED),
                            (date(2026, 8, 13), AppointmentStatus.CANCELLED_BY_PARTY),
                            (date(2026, 10, 7), AppointmentStatus.MISSED)):
            _appointment(c2, a1, at(day), status)
        _appointment(bq, b1, at(date(2026, 8, 12)), AppointmentStatus.MISSED)
        db.session.commit()
        return {"references": [c.reference for c in (c1, c2, c3, c4, c5, c6, bq)]}


def counts(report) -> dict:
    return {section.code: {row.code: row.count for row in section.rows} for section in report.sections}


def test_every_figure_equals_the_hand_count(app, world, quarter):
    with app.app_context():
        report = association_report(db.session, world.association_a, *Q3)
        got = counts(report)
        figures = {figure.code: figure.value for figure in report.figures}
        hours = {s.code: {r.code: r.hours for r in s.rows} for s in report.sections if s.hours}
    assert got["opened_by_issue"] == {"children": 1, "separation": 0, "marital_discord": 1, "wider_family": 1,
                                      "other": 0}
    assert got["opened_by_point"] == {"RBT-01": 3}
    assert got["closed_by_outcome"]["agreement"] == 1 and sum(got["closed_by_outcome"].values()) == 1
    assert figures["open_caseload"] == 3  # c1, c2, c4 (c3 closed, c5 opened in error, c6 later)
    assert {k: v for k, v in got["sessions_by_type"].items() if v} == {"individual": 1, "joint_mediation": 1,
                                                                       "follow_up": 1}
    assert hours["sessions_by_type"]["follow_up"] == Decimal("0.8")
    assert got["sessions_by_mode"] == {"in_person": 2, "phone": 1, "video": 0}
    assert hours["sessions_by_mode"] == {"in_person": Decimal("1.8"), "phone": Decimal("1.5"), "video": Decimal("0.0")}
    assert got["appointments"] == {"held": 3, "missed": 1}
    assert figures["missed_rate"] == Decimal("25.0")
    assert figures["days_to_first_session"] == Decimal("9.5")  # c1: 10 days, c2: 9 days (c4's first was in Q2)
    assert {k: v for k, v in got["adults"].items() if v} == {"female|35_59": 2, "female|60_plus": 1,
                                                             "male|18_34": 1}
    assert {k: v for k, v in got["children"].items() if v} == {"6_11": 1, "0_3": 1}
    assert {k: v for k, v in got["referral_source"].items() if v} == {"family_court": 1, "self": 2}
    assert got["staff"] == {"mediator": 1, "psychologist": 1, "social_worker": 0, "legal_counsellor": 0, "none": 1}


def test_association_b_is_never_in_a_report(app, world, quarter):
    with app.app_context():
        got = counts(association_report(db.session, world.association_b, *Q3))
    assert sum(got["opened_by_issue"].values()) == 1
    assert got["closed_by_outcome"]["no_agreement"] == 1
    assert got["appointments"] == {"held": 0, "missed": 1}
    assert sum(got["children"].values()) == 1


def _xlsx_cells(body: bytes) -> list:
    book = load_workbook(io.BytesIO(body))
    return book, [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_page_and_file_hold_no_identifier(login_as, world, quarter, app):
    client = login_as("supervisor_a")
    page = client.get("/statistics/own-report?quarter=2026Q3")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-figure="open_caseload"' in html and 'data-count="3"' in html
    download = client.get("/statistics/own-report.xlsx?quarter=2026Q3")
    assert download.status_code == 200
    assert "own-report-internal-2026Q3.xlsx" in download.headers["Content-Disposition"]
    book, cells = _xlsx_cells(download.data)
    assert book.sheetnames[0] == "about" and "opened_by_issue" in book.sheetnames and "staff" in book.sheetnames
    assert any("2026Q3" == value for value in cells)
    texts = [str(value) for value in cells] + [html]
    for secret in (CANARY, "0611000001", "061100000", *quarter["references"]):
        assert not any(secret in text for text in texts), secret
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith("=")
    with app.app_context():
        actions = {(e.action, e.entity) for e in db.session.scalars(select(AuditEvent))}
    assert ("view", "own_report") in actions and ("export", "own_report") in actions


def test_labels_follow_the_language(login_as, quarter):
    client = login_as("supervisor_a")
    client.post("/language", data={"lang": "fr", "next": "/"})
    html = client.get("/statistics/own-report?quarter=2026Q3").get_data(as_text=True)
    assert "Espace A" in html


@pytest.mark.parametrize("text, expected, refused", [
    (None, Quarter(2026, 3), False), ("", Quarter(2026, 3), False), ("2026Q2", Quarter(2026, 2), False),
    ("2026-q1", Quarter(2026, 1), False), ("2026Q4", Quarter(2026, 4), False),  # in progress: allowed
    ("2027Q1", Quarter(2026, 3), True), ("2026Q5", Quarter(2026, 3), True), ("1999Q1", Quarter(2026, 3), True),
    ("abc", Quarter(2026, 3), True),
])
def test_quarter_parsing(text, expected, refused):
    quarter, message = parse_quarter(text, today=date(2026, 11, 30))
    assert quarter == expected and (message is not None) is refused


@fuzz(40)
@given(st.text(max_size=40))
def test_no_quarter_string_gives_a_server_error(login_as, text):
    client = login_as("supervisor_a")
    for url in ("/statistics/own-report", "/statistics/own-report.xlsx"):
        assert client.get(url, query_string={"quarter": text}).status_code == 200


def _statements(app, association_id) -> int:
    seen = []
    with app.app_context():
        engine = db.engine

        def count(*args, **kwargs):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            db.session.expire_all()
            association_report(db.session, association_id, *Q3)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def _many_cases(app, n: int, first: int):
    with app.app_context():
        a1 = staff("mediator.a1")
        for index in range(first, first + n):
            case = _case("mediator.a1", date(2026, 7, 1 + index % 28), (Issue.CUSTODY,), ReferralSource.SELF,
                         date(2026, 7, 1), person(f"P{index}", phone=f"06{index:08d}", birth_date="1980"))
            db.session.flush()
            _session(case, a1, at(date(2026, 8, 1 + index % 28)), 30, SessionType.INDIVIDUAL, SessionMode.VIDEO)
        db.session.commit()


def test_statement_count_does_not_grow_with_cases(app, world):
    with app.app_context():
        declare_cndp(world.association_a)
        db.session.commit()
    _many_cases(app, 10, 0)
    few = _statements(app, world.association_a)
    _many_cases(app, 90, 10)
    many = _statements(app, world.association_a)
    assert few == many
    with app.app_context():
        assert sum(counts(association_report(db.session, world.association_a, *Q3))["opened_by_issue"].values()) == 100
