"""The own report's outcome, positive-parenting and safety indicators (part 5; docs/statistics.md, ST2).

A hand-built 2026Q3 of association A, with decoys in Q2, Q4, voided sessions and association B; every
expected value below is counted by hand from the population in `population`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from mediation.appointments.codes import SessionMode
from mediation.cases.codes import (
    AgeBand,
    Issue,
    NoteVisibility,
    Outcome,
    ParticipantRole,
    ReferralSource,
    ScreeningDecision,
    SessionType,
    Sex,
    ViolenceLevel,
)
from mediation.cases.models import Participant, Person
from mediation.cases.models.case import Case, Closure
from mediation.cases.models.safety import Screening, ScreeningDecisionRecord, ScreeningItem, ScreeningResult
from mediation.counselling.models import CounsellingSession, SessionAttendee, SessionStaff
from mediation.extensions import db
from mediation.statistics.own_report import association_report
from tests.cases.fixtures import declare_cndp, person
from tests.statistics.test_own_report import CANARY, Q3, _case, _close, _xlsx_cells, at, counts, staff

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def _party(case, name: str, sex: Sex, role: ParticipantRole, *, is_party: bool = True) -> Participant:
    someone = Person(association_id=case.association_id, full_name=name, sex=sex)
    db.session.add(someone)
    db.session.flush()
    participant = Participant(case_id=case.id, person_id=someone.id, role=role, is_party=is_party,
                              age_band=AgeBand.B6_11 if role is ParticipantRole.CHILD else AgeBand.B35_44)
    db.session.add(participant)
    db.session.flush()
    return participant


def _requester(case) -> Participant:
    return db.session.scalar(select(Participant).where(Participant.case_id == case.id))


def _session(case, holder, day: date, kind: SessionType, attendees=(), voided: bool = False) -> CounsellingSession:
    started = at(day)
    held = CounsellingSession(
        case_id=case.id, type=kind, mode=SessionMode.IN_PERSON, started_at=started, duration_min=60,
        visibility=NoteVisibility.STAFF_ONLY, author_id=holder.id, staff=[SessionStaff(user_id=holder.id)],
        attendees=[SessionAttendee(participant_id=p.id) for p in attendees],
        voided_at=started + timedelta(days=1) if voided else None, voided_by_id=holder.id if voided else None)
    db.session.add(held)
    return held


def _screen(participant, holder, day: date, positive: bool = False, danger: bool = False) -> Screening:
    items = [ScreeningItem(code="violence_type.physical")] if positive else []
    if danger:
        items.append(ScreeningItem(code="gating_indicator.immediate_danger"))
    screening = Screening(participant_id=participant.id, screened_by_id=holder.id, screened_on=day,
                          created_at=at(day, 15), violence=ViolenceLevel.CURRENT if positive else ViolenceLevel.NONE,
                          result=ScreeningResult.POSITIVE if positive else ScreeningResult.NEGATIVE, items=items)
    db.session.add(screening)
    return screening


def _decide(case, supervisor, day: date, decision: ScreeningDecision, adaptations: str = "") -> None:
    db.session.add(ScreeningDecisionRecord(case_id=case.id, decided_by_id=supervisor.id, decided_at=at(day, 16),
                                           decision=decision, adaptations=adaptations))


def _open(username, created: date, issue: Issue, name: str, **overrides):
    return _case(username, created, (issue,), ReferralSource.SELF, created,
                 person(f"{name} {CANARY}", phone="0622000001", birth_date="1985"), **overrides)


@pytest.fixture
def population(app, world, cases):
    with app.app_context():
        declare_cndp(world.association_a)
        a1, b1, sup, sup_b = (staff(name) for name in ("mediator.a1", "mediator.b1", "supervisor.a", "supervisor.b"))
        d1 = _open("mediator.a1", date(2026, 7, 1), Issue.CUSTODY, "Dalia")
        d2 = _open("mediator.a1", date(2026, 7, 2), Issue.MARITAL_DISCORD, "Driss")
        d3 = _open("mediator.a1", date(2026, 7, 3), Issue.CUSTODY, "Dounia")
        d4 = _open("mediator.a1", date(2026, 5, 3), Issue.INHERITANCE, "Daoud")
        d5 = _open("mediator.a1", date(2026, 7, 4), Issue.CUSTODY, "Dina")
        d6 = _open("mediator.a1", date(2026, 7, 5), Issue.CUSTODY, "Dhaker")
        d7 = _open("mediator.a1", date(2026, 7, 6), Issue.CUSTODY, "Danger")
        bq = _open("mediator.b1", date(2026, 7, 1), Issue.CUSTODY, "Bouchra")
        db.session.flush()
        d1_mother, d1_father = _requester(d1), _party(d1, f"Father {CANARY}", Sex.MALE, ParticipantRole.FATHER)
        d3_mother, d3_father = _requester(d3), _party(d3, f"Father3 {CANARY}", Sex.MALE, ParticipantRole.FATHER)
        d5_child = _party(d5, f"Child {CANARY}", Sex.FEMALE, ParticipantRole.CHILD, is_party=False)
        b_mother = _requester(bq)
        # Screenings: Q3 holds four negatives and one positive reporting danger; Q4 and B are decoys.
        _screen(d1_mother, a1, date(2026, 7, 5))
        _screen(d1_father, a1, date(2026, 7, 6), positive=True, danger=True)
        _screen(_requester(d2), a1, date(2026, 7, 20))  # after d2's first mediation session
        _screen(d3_mother, a1, date(2026, 7, 30))
        _screen(d3_father, a1, date(2026, 8, 1))  # the day of d3's first mediation session: in time
        _screen(d3_mother, a1, date(2026, 10, 2), positive=True)  # Q4
        _screen(b_mother, b1, date(2026, 7, 2), positive=True, danger=True)
        # Decisions: Q3 proceed ×1, proceed_with_adaptations ×2 (separate sessions 1, shuttle 2).
        _decide(d1, sup, date(2026, 7, 8), ScreeningDecision.PROCEED_WITH_ADAPTATIONS, "separate_sessions,shuttle")
        _decide(d2, sup, date(2026, 7, 9), ScreeningDecision.PROCEED_WITH_ADAPTATIONS, "shuttle")
        _decide(d3, sup, date(2026, 7, 31), ScreeningDecision.PROCEED)
        _decide(d2, sup, date(2026, 10, 3), ScreeningDecision.NOT_SUITABLE)  # Q4
        _decide(bq, sup_b, date(2026, 7, 3), ScreeningDecision.NOT_SUITABLE)
        # Mediation sessions: d1, d2, d3 first in Q3; d4 in Q2; d6's only one voided.
        _session(d1, a1, date(2026, 7, 10), SessionType.SHUTTLE_MEDIATION, (d1_mother, d1_father))
        _session(d2, a1, date(2026, 7, 15), SessionType.JOINT_MEDIATION)
        _session(d3, a1, date(2026, 8, 1), SessionType.JOINT_MEDIATION, (d3_mother, d3_father))
        _session(d4, a1, date(2026, 5, 10), SessionType.JOINT_MEDIATION)
        _session(d5, a1, date(2026, 7, 10), SessionType.INDIVIDUAL)
        _session(d6, a1, date(2026, 7, 12), SessionType.JOINT_MEDIATION, voided=True)
        _session(bq, b1, date(2026, 7, 10), SessionType.JOINT_MEDIATION, (b_mother,))
        # Positive parenting: two held in Q3 (3 distinct parents: 2 women, 1 man; the child does not count).
        _session(d5, a1, date(2026, 8, 5), SessionType.POSITIVE_PARENTING, (_requester(d5), d5_child))
        _session(d3, a1, date(2026, 9, 10), SessionType.POSITIVE_PARENTING, (d3_mother, d3_father))
        _session(d3, a1, date(2026, 9, 11), SessionType.POSITIVE_PARENTING, (d3_mother,), voided=True)
        _session(d1, a1, date(2026, 6, 10), SessionType.POSITIVE_PARENTING, (d1_mother,))  # Q2
        _session(bq, b1, date(2026, 8, 5), SessionType.POSITIVE_PARENTING, (b_mother,))
        # Closures in Q3.
        _close(d1, date(2026, 8, 1), Outcome.AGREEMENT_FULL, sup)
        _close(d2, date(2026, 8, 10), Outcome.RECONCILIATION, sup)
        _close(d3, date(2026, 9, 1), Outcome.AGREEMENT_PARTIAL, sup)
        _close(d4, date(2026, 7, 25), Outcome.NO_AGREEMENT, sup)
        _close(d5, date(2026, 8, 15), Outcome.RECONCILIATION, sup)  # no mediation session
        _close(d6, date(2026, 8, 20), Outcome.AGREEMENT_FULL, sup)  # its mediation session was voided
        _close(bq, date(2026, 8, 20), Outcome.AGREEMENT_FULL, sup_b)
        d1.immediate_danger = True  # closed: not counted
        d7.immediate_danger = True
        bq.immediate_danger = False
        db.session.commit()
        cases_ = (d1, d2, d3, d4, d5, d6, d7, bq)
        public_ids = [c.public_id for c in cases_]
        public_ids += [str(value) for value in db.session.scalars(select(Screening.public_id))]
        public_ids += [str(value) for value in db.session.scalars(select(ScreeningDecisionRecord.public_id))]
        public_ids += [str(value) for value in db.session.scalars(select(CounsellingSession.public_id))]
        public_ids += [str(value) for value in db.session.scalars(select(Closure.public_id))]
        return {"references": [c.reference for c in cases_], "public_ids": [str(p) for p in public_ids]}


def _figures(report) -> dict:
    return {figure.code: figure for figure in report.figures}


def _rates(report) -> dict:
    table = report.rate_tables[0]
    return {row.code: (row.base, row.counts) for row in [*table.rows, table.total]}


def test_outcome_indicators_equal_the_hand_count(app, world, population):
    with app.app_context():
        report = association_report(db.session, world.association_a, *Q3)
    rates = _rates(report)
    # d1 full and d3 partial (children), d2 reconciliation (marital discord), d4 no agreement (wider
    # family); d5 had no mediation session and d6's was voided.
    assert rates["children"] == (2, {"agreement_full": 1, "agreement_partial": 1, "reconciliation": 0})
    assert rates["marital_discord"] == (1, {"agreement_full": 0, "agreement_partial": 0, "reconciliation": 1})
    assert rates["wider_family"] == (1, {"agreement_full": 0, "agreement_partial": 0, "reconciliation": 0})
    assert rates["separation"][0] == 0 and rates["other"][0] == 0
    assert rates["total"] == (4, {"agreement_full": 1, "agreement_partial": 1, "reconciliation": 1})
    table = report.rate_tables[0]
    assert table.rows[0].percent("agreement_full") == Decimal("50.0")
    assert table.total.percent("agreement_partial") == Decimal("25.0")
    assert next(r for r in table.rows if r.code == "separation").percent("agreement_full") is None
    figures = _figures(report)
    assert figures["reconciliations"].value == 2  # d2 and d5
    # Recorded now (tests/statistics/test_own_report_parenting.py counts them), and no group in this population.
    assert figures["parenting_groups"].recorded is True and figures["parenting_groups"].value == 0
    assert figures["parenting_completion"].value is None and figures["parenting_completion"].denominator == 0
    # Recorded now, and none in this population (tests/statistics/test_own_report_lasting.py counts them).
    for code in ("holding_3_months", "holding_6_months", "new_proceedings"):
        assert figures[code].recorded is True and figures[code].value is None and figures[code].denominator == 0
    assert figures["parenting_sessions"].value == 2
    assert counts(report)["parenting_parents"] == {"male": 1, "female": 2, "not_recorded": 0}


def test_safety_indicators_equal_the_hand_count(app, world, population):
    with app.app_context():
        report = association_report(db.session, world.association_a, *Q3)
    got, figures = counts(report), _figures(report)
    assert got["screenings"] == {"negative": 4, "positive": 1}
    assert (figures["positive_share"].value, figures["positive_share"].numerator,
            figures["positive_share"].denominator) == (Decimal("20.0"), 1, 5)
    assert figures["danger_screenings"].value == 1
    assert got["screening_decisions"] == {"proceed": 1, "proceed_with_adaptations": 2, "counselling_only": 0,
                                          "not_suitable": 0}
    assert {k: v for k, v in got["adaptations"].items() if v} == {"separate_sessions": 1, "shuttle": 2}
    assert next(s for s in report.sections if s.code == "adaptations").totalled is False
    # d1 and d3 screened every party first; d2's party was screened after its first mediation session.
    screened = figures["screened_before_mediation"]
    assert (screened.value, screened.numerator, screened.denominator) == (Decimal("66.7"), 2, 3)
    assert figures["danger_flags_today"].value == 1  # d7 (d1 is closed)
    assert (figures["missed_rate"].value, figures["missed_rate"].denominator) == (None, 0)


def test_association_b_sees_only_its_own_indicators(app, world, population):
    with app.app_context():
        report = association_report(db.session, world.association_b, *Q3)
    got, figures = counts(report), _figures(report)
    assert got["screenings"] == {"negative": 0, "positive": 1}
    assert figures["danger_screenings"].value == 1
    assert got["screening_decisions"]["not_suitable"] == 1 and sum(got["screening_decisions"].values()) == 1
    assert sum(got["adaptations"].values()) == 0
    assert _rates(report)["total"] == (1, {"agreement_full": 1, "agreement_partial": 0, "reconciliation": 0})
    assert figures["reconciliations"].value == 0
    assert figures["parenting_sessions"].value == 1
    assert got["parenting_parents"]["female"] == 1 and sum(got["parenting_parents"].values()) == 1
    assert (figures["screened_before_mediation"].numerator, figures["screened_before_mediation"].denominator) == (1, 1)
    assert figures["danger_flags_today"].value == 0


@pytest.mark.parametrize("login, other", [("supervisor_a", "supervisor_b"), ("supervisor_b", "supervisor_a")])
def test_page_and_file_show_the_indicators_without_identifiers(login_as, population, login, other):
    client = login_as(login)
    html = client.get("/statistics/own-report?quarter=2026Q3").get_data(as_text=True)
    download = client.get("/statistics/own-report.xlsx?quarter=2026Q3")
    book, cells = _xlsx_cells(download.data)
    assert "agreements_by_issue" in book.sheetnames and "screenings" in book.sheetnames
    if login == "supervisor_a":
        assert 'data-numerator="2" data-denominator="3"' in html  # screened before mediation
        assert 'data-code="total"' in html and 'data-base="4"' in html
        codes = re.findall(r'data-figure="([a-z_0-9]+)"', html)
        assert {"reconciliations", "holding_3_months", "parenting_sessions", "positive_share",
                "screened_before_mediation", "danger_flags_today"} <= set(codes)
        assert html.count('id="section-adaptations"') == 1
        # The about sheet lists the figures in the page's order, from row 7 (after the header row 6):
        # a rate without a denominator is text, unlike a real value.
        values = [row[1].value for row in book["about"].iter_rows(min_row=7)]
        assert values[codes.index("parenting_groups")] == 0
        assert isinstance(values[codes.index("parenting_completion")], str)
        assert values[codes.index("reconciliations")] == 2
        screened_row = list(book["about"].iter_rows(min_row=7 + codes.index("screened_before_mediation"),
                                                    max_row=7 + codes.index("screened_before_mediation"),
                                                    values_only=True))[0]
        assert screened_row[1:4] == (66.7, 2, 3)
        rates = {row[0].value: [c.value for c in row] for row in book["agreements_by_issue"].iter_rows(min_row=3)}
        assert rates["total"][2:] == [4, 1, 25.0, 1, 25.0, 1, 25.0]
        assert rates["separation"][2:] == [0, 0, None, 0, None, 0, None]
    else:
        assert 'data-base="1"' in html and 'data-numerator="2"' not in html
    texts = [str(value) for value in cells] + [html]
    for secret in (CANARY, "0622000001", *population["references"], *population["public_ids"]):
        assert not any(secret in text for text in texts), secret
    assert not any(UUID.search(str(value)) for value in cells)


def test_statement_count_does_not_grow_with_outcomes_or_screenings(app, world):
    def build(n: int, first: int):
        with app.app_context():
            a1, sup = staff("mediator.a1"), staff("supervisor.a")
            for index in range(first, first + n):
                case = _open("mediator.a1", date(2026, 7, 1 + index % 28), Issue.CUSTODY, f"N{index}")
                db.session.flush()
                party = _requester(case)
                _screen(party, a1, date(2026, 7, 1 + index % 28), positive=bool(index % 2))
                _decide(case, sup, date(2026, 8, 1), ScreeningDecision.PROCEED_WITH_ADAPTATIONS, "shuttle")
                _session(case, a1, date(2026, 8, 2 + index % 20), SessionType.JOINT_MEDIATION, (party,))
                _session(case, a1, date(2026, 8, 3 + index % 20), SessionType.POSITIVE_PARENTING, (party,))
                _close(case, date(2026, 9, 1), Outcome.AGREEMENT_FULL, sup)
            db.session.commit()

    def statements() -> int:
        seen = []
        with app.app_context():
            listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                db.session.expire_all()
                association_report(db.session, world.association_a, *Q3)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    with app.app_context():
        declare_cndp(world.association_a)
        db.session.commit()
    build(3, 0)
    few = statements()
    build(20, 3)
    assert statements() == few
    with app.app_context():
        report = association_report(db.session, world.association_a, *Q3)
        assert _rates(report)["total"][0] == 23 and _figures(report)["screened_before_mediation"].denominator == 23
        assert db.session.scalar(select(Case.id).limit(1)) is not None
