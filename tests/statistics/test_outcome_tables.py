"""The catalogue's outcome tables T7 and T8 (docs/statistics.md, ST34, ST37): tabulated from their own records,
published under the same disclosure control (D1), and gated by the same linear attack (D5).
"""

from __future__ import annotations

import itertools
import json
import random  # allowed in tests: S25 and the architecture test cover mediation/ only
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from mediation.accounts.models import StaffUser
from mediation.aftercare.models import PostClosureFollowUp
from mediation.cases.models import Participant
from mediation.cases.models.case import Case, Closure
from mediation.extensions import db
from mediation.referrals.models import Referral
from mediation.statistics.attack import MIN_POSSIBLE_VALUES, attack
from mediation.statistics.catalogue import CATALOGUE_VERSION, TABLES
from mediation.statistics.cells import CellStats
from mediation.statistics.outcome_tables import (
    DESTINATION_GROUP,
    follow_ups_by_point_and_result,
    referrals_by_destination_group,
)
from mediation.statistics.period import Tabulation, publish_period
from mediation.statistics.release import build_release
from tests.statistics.microdata import insert_cases, standard_world
from tests.statistics.simulation import Microdata, Unit, random_microdata, run_releases
from tests.statistics.test_release_gate import true_count

NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)
NEXT_YEAR = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
T7, T8 = TABLES["T7"], TABLES["T8"]
RESULTS = ("holding", "partly_holding", "not_holding", "unreachable")
RESULT_CODE = {"holding": "holding", "partly_holding": "partly_holding", "not_holding": "not_holding",
               "unreachable": "not_reached"}
COUNT_VALUE = ("<10", "x")


def _published_ok(value: str, true: int | None = None) -> bool:
    if value in COUNT_VALUE:
        return value == "x" or true is None or true < 10
    number = int(value)
    return number >= 10 and number % 5 == 0 and (true is None or abs(number - true) <= 4)


def test_the_catalogue_grew_by_a_version():
    assert CATALOGUE_VERSION == "3"
    assert [d.id for d in T7.dimensions] == ["follow_up_point", "follow_up_result"] and T7.period == "year"
    assert not T7.total and T7.grid_size == 8
    assert [d.id for d in T8.dimensions] == ["destination_group"] and T8.period == "quarter"
    assert T8.total and T8.grid_size >= 5  # a total closes only a line of >= 5 cells (ST7)
    # Every destination belongs to exactly one published group.
    assert set(DESTINATION_GROUP.values()) == set(T8.dimensions[0].codes)


# --- Tabulation from the database ------------------------------------------------------------------------------


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        yield db.session


def _outcome_records(session) -> tuple[Counter, Counter]:
    """Follow-ups and referrals on the standard world's cases; the expected T7 (2025) and T8 (2025-Q3) counts."""
    actor_id = session.scalar(select(StaffUser.id).order_by(StaffUser.id).limit(1))
    closures = session.execute(select(Closure.id, Closure.case_id, Closure.stat_key)
                               .order_by(Closure.id)).all()
    expected_t7: Counter = Counter()
    for n, (closure_id, case_id, key) in enumerate(closures):
        for months in (1, 3, 6):
            result = RESULTS[(n + months) % 4]
            # Recorded in 2025, except a few recorded in January 2026 (another year) and some still planned.
            done_on = date(2025, 12, 31) if n % 5 else date(2026, 1, 2)
            planned = n % 7 == 3
            session.execute(insert(PostClosureFollowUp), [dict(
                case_id=case_id, closure_id=closure_id, months_after=months, due_on=done_on,
                assigned_to_id=actor_id, status="planned" if planned else "done",
                done_on=None if planned else done_on, result=None if planned else result,
                contact_mode=None if planned else ("not_reached" if result == "unreachable" else "phone"),
                stat_key=(key + months) % 256, version_id=1)])
            if months in (3, 6) and not planned and done_on.year == 2025:
                expected_t7[(f"{months}_months", RESULT_CODE[result])] += 1
    participants = session.execute(select(Participant.case_id, Participant.id, Case.created_at)
                                   .join(Case, Case.id == Participant.case_id)
                                   .where(Participant.is_party.is_(True)).order_by(Participant.id)).all()
    destinations = list(DESTINATION_GROUP)
    expected_t8: Counter = Counter()
    for n, (case_id, participant_id, created_at) in enumerate(participants):
        if n % 2:
            continue
        destination = destinations[n % len(destinations)]
        session.execute(insert(Referral), [dict(
            case_id=case_id, participant_id=participant_id, destination=destination.value,
            organisation_name="Organisation", urgency="routine", reason="Raison", made_on=created_at.date(),
            status="made", made_by_id=actor_id, created_at=created_at + timedelta(days=3), stat_key=n % 256,
            version_id=1)])
        expected_t8[(DESTINATION_GROUP[destination],)] += 1
    return expected_t7, expected_t8


@pytest.mark.usefixtures("any_hour")  # date-sensitive (period ends), as tests/statistics/test_release.py
def test_t7_and_t8_count_their_own_records_in_their_periods(ctx):
    insert_cases(standard_world())
    expected_t7, expected_t8 = _outcome_records(ctx)
    from mediation.statistics.aggregate import period_bounds

    t7 = follow_ups_by_point_and_result(ctx, 2025)
    t8 = referrals_by_destination_group(ctx, period_bounds(2025, 3))
    # The 1-month calls, the planned follow-ups and those recorded in 2026 are not in 2025's T7.
    assert {key: stats.count for key, stats in t7.items()} == dict(expected_t7)
    assert {key: stats.count for key, stats in t8.items()} == dict(expected_t8)
    assert sum(expected_t7.values()) > 40 and len(expected_t8) == len(T8.dimensions[0].codes)
    assert referrals_by_destination_group(ctx, period_bounds(2025, 4)) == {}

    quarterly = build_release(ctx, "2025Q3", now=NOW)
    annual = build_release(ctx, "2025", now=NEXT_YEAR)
    for release, table_id, expected in ((quarterly, "T8", expected_t8), (annual, "T7", expected_t7)):
        stored = next(f for f in release.files if f.table_id == table_id and f.format == "json")
        data = json.loads(stored.content)
        assert data["metadata"]["catalogue_version"] == "3"
        code, value = data["columns"].index("code"), data["columns"].index("value")
        rows = {row[code]: str(row[value]) for row in data["rows"]}
        inner = {c: v for c, v in rows.items() if c != "total"}
        assert len(inner) == TABLES[table_id].grid_size
        for cell, published in inner.items():
            assert _published_ok(published, expected.get(tuple(cell.split("|")), 0)), (table_id, cell, published)
        assert ("total" in rows) == (table_id == "T8")


# --- D1: no published value from 1 to 9 -------------------------------------------------------------------------

_cell = st.builds(lambda count, key, associations: _stats(count, key, associations),
                  st.integers(0, 60) | st.integers(0, 600), st.integers(0, 255), st.integers(1, 5))


def _stats(count: int, key: int, associations: int) -> CellStats:
    stats = CellStats()
    for index in range(count):
        stats.add(1, key if index == 0 else 0, 1 + index % associations)
    return stats


@settings(max_examples=60, deadline=None)
@given(t7=st.dictionaries(st.sampled_from(list(itertools.product(*(d.codes for d in T7.dimensions)))), _cell),
       t8=st.dictionaries(st.sampled_from([(code,) for code in T8.dimensions[0].codes]), _cell))
def test_d1_t7_and_t8_publish_no_value_from_1_to_9(t7, t8):
    """Through the same publish_period as a build: every cell and total is `<10`, `x` or a multiple of 5 >= 10,
    at most 4 from the truth; every percentage of T8 is computed from its published values."""
    quarter = publish_period(Tabulation(2025, 3, {"T1": {}, "T2": {}, "T3": {}, "T6": {}, "T8": t8}), (), [],
                             release_id="2025Q3")
    year = publish_period(Tabulation(2025, None, {"T4": {}, "T5": {}, "T7": t7}), (), [], release_id="2025")
    tables = {t.spec.id: t for t in quarter.tables + year.tables}
    for table_id, cells in (("T7", t7), ("T8", t8)):
        table = tables[table_id]
        assert len(table.rows) == TABLES[table_id].grid_size
        for row in table.rows:
            assert _published_ok(row.value, cells.get(row.codes, CellStats()).count), (table_id, row)
        if table.total is not None:
            assert _published_ok(table.total.value, sum(stats.count for stats in cells.values()))
            for row in table.rows:
                if row.value.isdigit() and table.total.value.isdigit():
                    assert row.pct == str((200 * int(row.value) + int(table.total.value))
                                          // (2 * int(table.total.value)))
                else:
                    assert row.pct == ".."
    assert tables["T7"].total is None


# --- D5: the linear attack over five releases, the new tables' relations included ------------------------------

RUN_IDS = ["2025Q2", "2025Q3", "2025Q4", "2025", "2026Q1"]
QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]


@pytest.mark.parametrize("run", range(8))
def test_d5_t7_and_t8_keep_five_possible_values_over_five_releases(run):
    """Five releases (the annual one included) over skewed populations, keys uniform or adversarial: every `<10`
    cell of T7 and T8 in the attacker's window keeps at least 5 possible values, the truth among them. The
    relations modelled: T8's line total; T7's and T8's cells of one population across periods (disjoint, so
    summing nothing); every other table's, as before."""
    rng = random.Random(1000 + run)
    keys = (None, lambda: 0, lambda: 255)[run % 3]
    data = random_microdata(rng, QUARTERS, size=(0, 120), keys=keys)
    releases = run_releases(data, RUN_IDS)
    for release in releases:
        gate = release.publication.gate
        assert gate.min_values is None or gate.min_values >= MIN_POSSIBLE_VALUES
        tables = {t.spec.id: t for t in release.publication.tables}
        assert ("T8" in tables) == ("Q" in release.release_id) and ("T7" in tables) == ("Q" not in release.release_id)
    window = [cell for release in releases for cell in release.cells]
    checked = 0
    for narrowing in attack(window, [cell for cell in window if cell.table_id in ("T7", "T8")]):
        assert narrowing.values is not None, narrowing.cell
        truth = true_count(data, narrowing.cell)
        assert narrowing.low - 1e-6 <= truth <= narrowing.high + 1e-6, narrowing
        assert narrowing.values >= MIN_POSSIBLE_VALUES, narrowing
        checked += 1
    assert checked >= 8  # T7's cells and T8's small destinations were exercised


def test_d5_the_t8_total_cannot_pin_a_small_destination():
    """The worst line the attacker can hope for: five destinations of exactly 10 (published `10`, 10 to 14 each)
    and a sixth of 9, with keys that round the total up. The line is long enough (ST7): the `<10` cell keeps
    its ten values, and no remedy fires."""
    data = Microdata()
    groups = T8.dimensions[0].codes
    for index, group in enumerate(groups):
        for n in range(9 if index == len(groups) - 1 else 10):
            data.referrals.append(Unit("2025-Q3", 1 + n % 3, 0, {"destination": group}))
    release = run_releases(data, ["2025Q3"])[0]
    t8 = next(t for t in release.publication.tables if t.spec.id == "T8")
    assert [row.value for row in t8.rows] == ["10"] * 5 + ["<10"] and t8.total.value == "60"
    assert release.publication.gate.remedies == []
    small = [cell for cell in release.cells if cell.table_id == "T8" and cell.below_threshold]
    assert [n.values for n in attack(release.cells, small)] == [10]
