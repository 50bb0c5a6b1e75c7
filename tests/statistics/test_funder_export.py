"""The funder export and the internal report (docs/statistics.md, ST2, ST44).

The funder export is what an association sends to the ministry: the published method applied to its
own units. Its values are recomputed here from the microdata (true counts and record keys) with the
specification's rule, so a funder export that leaked an exact count, or rounded another way, fails.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from mediation.accounts.models import Association
from mediation.accounts.services import ServicePointData, create_service_point
from mediation.cases.codes import OUTCOME_GROUP, Issue, Outcome
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.statistics.aggregate import ISSUE_ORDER
from mediation.statistics.catalogue import TABLES
from mediation.statistics.codes import ISSUE_GROUP
from mediation.statistics.disclosure import publish
from mediation.statistics.own_report.funder import FUNDER_TABLES, funder_tables
from mediation.statistics.own_report.workbook import FUNDER_MARK, INTERNAL_MARK
from tests.statistics.microdata import CaseSpec, add_association, insert_cases
from tests.strategies import fuzz

Q3 = datetime(2025, 8, 12, 11, 0, tzinfo=UTC)
COUNT = re.compile(r"^(<10|[1-9][0-9]*[05])$")
# Issue groups with sizes on both sides of the threshold, 1-9 included, and an empty one.
SIZES = {"custody": 1, "separation_arrangements": 9, "marital_discord": 13, "in_law_conflict": 27, "other": 0}
OUTCOMES = ("agreement_full", "no_agreement", "lost_contact", "counselling_completed", "opened_in_error")
SESSIONS = ("individual", "joint_mediation", "counselling_psychological")


def _group(issue: str) -> str:
    return ISSUE_GROUP[Issue(issue)].value


def _population(point: str, other_point: str) -> tuple[list[CaseSpec], dict]:
    """Association A's cases (the ones counted) and B's (never counted), with the expected cells."""
    specs, truth = [], {table_id: defaultdict(lambda: [0, 0]) for table_id in FUNDER_TABLES}
    number = 0
    for issue, size in SIZES.items():
        for _ in range(size):
            number += 1
            key = (number * 37 + 11) % 256
            closures = ((3, OUTCOMES[number % len(OUTCOMES)]),) if number % 4 else ()
            sessions = tuple((SESSIONS[(number + i) % len(SESSIONS)], i == 2) for i in range(number % 3 + 1))
            spec = CaseSpec(point=point, stat_key=key, created_at=Q3, issues=(issue,), closures=closures,
                            sessions=sessions)
            specs.append(spec)
            truth["T2"][(_group(issue),)][0] += 1
            truth["T2"][(_group(issue),)][1] += key
            for _days, outcome in closures:
                group = OUTCOME_GROUP[Outcome(outcome)].value
                if group != "excluded":
                    truth["T3"][(group,)][0] += 1
                    truth["T3"][(group,)][1] += (key * 7) % 256
            for index, (kind, voided) in enumerate(sessions):
                if not voided:
                    truth["T6"][(kind,)][0] += 1
                    truth["T6"][(kind,)][1] += (key * 3 + index) % 256
    # Another association's cases in the same quarter: never in A's export.
    specs += [CaseSpec(point=other_point, stat_key=5, created_at=Q3, issues=("custody",),
                       closures=((2, "agreement_full"),), sessions=(("individual", False),)) for _ in range(40)]
    return specs, truth


@pytest.fixture
def funder_world(app, world):
    with app.app_context():
        association = db.session.get(Association, world.association_a)
        create_service_point(db.session, association, "FA-01", ServicePointData("mediation_centre", "فضاء", "Espace"),
                             actor=None)
        specs, truth = _population("FA-01", add_association("MA-04", "FB-01"))
        insert_cases(specs)
        db.session.commit()
    return truth


def _expected(truth: dict, table_id: str, codes: tuple[str, ...]) -> str:
    count, key_sum = truth[table_id].get(codes, (0, 0))
    return publish(count, key_sum % 256)


def test_funder_export_never_shows_1_to_9_and_follows_the_published_method(app, world, funder_world):
    with app.app_context():
        tables = funder_tables(db.session, world.association_a, 2025, 3)
    assert [table.spec.id for table in tables] == list(FUNDER_TABLES)
    for table in tables:
        values = [row.value for row in table.rows] + [table.total.value]
        assert all(COUNT.match(value) for value in values), values  # never 1-9, never an exact odd count
        for row in table.rows:
            assert row.value == _expected(funder_world, table.spec.id, row.codes), (table.spec.id, row.codes)
        count = sum(c for c, _ in funder_world[table.spec.id].values())
        key_sum = sum(k for _, k in funder_world[table.spec.id].values())
        assert table.total.value == publish(count, key_sum % 256)
    t2 = {row.codes[0]: row.value for row in tables[0].rows}
    # 1 and 9 cases show as "<10" (the internal report would show 1 and 9); 27 is rounded, not exact.
    assert t2["children"] == t2["separation"] == "<10" and t2["wider_family"] in {"25", "30"}
    assert [code for code in ISSUE_ORDER] == [row.codes[0] for row in tables[0].rows]


def test_the_internal_report_keeps_the_exact_counts(app, login_as, funder_world):
    page = login_as("supervisor_a").get("/statistics/own-report?quarter=2025Q3&lang=en").get_data(as_text=True)
    assert 'id="internal-mark"' in page and "Internal report" in page
    assert 'data-count="27"' in page and 'data-count="9"' in page  # exact, as before
    book = load_workbook(io.BytesIO(login_as("supervisor_a").get(
        "/statistics/own-report.xlsx?quarter=2025Q3&lang=en").data))
    assert book["about"]["A1"].value == "Nature" and book["about"]["B1"].value == str(INTERNAL_MARK)


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_funder_export_page_and_file(app, login_as, funder_world, lang):
    client = login_as("supervisor_a")
    page = client.get(f"/statistics/own-report/funder?quarter=2025Q3&lang={lang}").get_data(as_text=True)
    shown = re.findall(r'data-value="([^"]*)"', page)
    assert len(shown) == (5 + 1) + (7 + 1) + (9 + 1)  # T2, T3, T6 with their totals
    assert all(COUNT.match(value.replace("&lt;", "<")) for value in shown)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "marital_discord" not in visible and "counselling_psychological" not in visible
    response = client.get(f"/statistics/own-report/funder.xlsx?quarter=2025Q3&lang={lang}")
    assert response.status_code == 200 and "funder-export-2025Q3.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["about", *FUNDER_TABLES]
    with app.app_context():
        english = str(FUNDER_MARK)
    # What the file is, on its first line, in the reader's language.
    mark = book["about"]["B1"].value
    assert (mark == english) if lang == "en" else (mark != english and "<10" in mark)
    for table_id in FUNDER_TABLES:
        rows = [[cell.value for cell in row] for row in book[table_id].iter_rows()]
        assert rows[0][:3] == ["label_fr", "label_ar", "code"]
        value = rows[0].index("value")
        labels = {**TABLES[table_id].dimensions[0].labels_fr, "total": "Total"}
        for row in rows[1:]:
            assert row[0] == labels[row[2]]  # a label first, never a code
            assert COUNT.match(str(row[value])) and row[value] == _expected_value(funder_world, table_id, row[2])


def _expected_value(truth, table_id, code):
    if code == "total":
        count = sum(c for c, _ in truth[table_id].values())
        value = publish(count, sum(k for _, k in truth[table_id].values()) % 256)
    else:
        value = _expected(truth, table_id, (code,))
    return int(value) if value.isdigit() else value


def test_funder_export_is_audited_and_covers_finished_quarters_only(app, login_as, funder_world):
    client = login_as("supervisor_a")
    client.get("/statistics/own-report/funder?quarter=2025Q3")
    client.get("/statistics/own-report/funder.xlsx?quarter=2025Q3")
    with app.app_context():
        events = {(event.action, event.entity, event.entity_id) for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "funder_export"))}
    assert {("view", "funder_export", "2025Q3"), ("export", "funder_export", "2025Q3")} <= events
    with app.app_context():
        from mediation.core import clock
        from mediation.statistics.own_report.quarters import last_finished_quarter, quarter_of
        current, finished = quarter_of(clock.today()), last_finished_quarter(clock.today())
    page = client.get(f"/statistics/own-report/funder?quarter={current.code}&lang=en").get_data(as_text=True)
    assert "covers a finished quarter only" in page and f"{finished.code}</span>" in page
    for junk in ("2025Q9", "=1+1", "x" * 500):
        response = client.get("/statistics/own-report/funder", query_string={"quarter": junk})
        assert response.status_code == 200


@fuzz(25)
@given(st.text(max_size=40))
def test_no_quarter_string_gives_a_server_error(login_as, text):
    client = login_as("supervisor_a")
    for url in ("/statistics/own-report/funder", "/statistics/own-report/funder.xlsx"):
        assert client.get(url, query_string={"quarter": text}).status_code == 200
