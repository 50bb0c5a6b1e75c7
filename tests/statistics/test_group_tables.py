"""The catalogue's positive-parenting and family-space tables T9 and T10 (docs/statistics.md, ST35, ST38, ST46):
published under the same disclosure control (D1), withheld by the same association rule, and gated by the same
linear attack (D5). Their tabulation from the database is in tests/statistics/test_own_report_parenting.py.
"""

from __future__ import annotations

import itertools
import random  # allowed in tests: S25 and the architecture test cover mediation/ only

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.groups.codes import ActivityTheme
from mediation.statistics.attack import MIN_POSSIBLE_VALUES, attack
from mediation.statistics.catalogue import CATALOGUE_VERSION, QUARTERLY_TABLES, TABLES
from mediation.statistics.cells import CellStats
from mediation.statistics.group_tables import ACTIVITY_THEME_GROUP
from mediation.statistics.period import Tabulation, publish_period
from tests.statistics.simulation import Microdata, Unit, add_group_units, random_microdata, run_releases
from tests.statistics.test_release_gate import true_count

T9, T10 = TABLES["T9"], TABLES["T10"]
EMPTY = {"T1": {}, "T2": {}, "T3": {}, "T6": {}, "T8": {}}


def _published_ok(value: str, true: int) -> bool:
    if value == "x":
        return True
    if value == "<10":
        return true < 10
    number = int(value)
    return number >= 10 and number % 5 == 0 and abs(number - true) <= 4


def test_the_catalogue_is_version_3_with_t9_and_t10():
    assert CATALOGUE_VERSION == "3" and QUARTERLY_TABLES[-2:] == ("T9", "T10")
    assert [d.id for d in T9.dimensions] == ["parenting_participation", "sex"] and T9.period == "quarter"
    assert T9.dimensions[0].codes == ("took_part", "completed") and T9.grid_size == 6
    assert [d.id for d in T10.dimensions] == ["activity_measure", "activity_theme_group"] and T10.period == "quarter"
    assert T10.dimensions[0].codes == ("activities", "attendance") and T10.grid_size == 8
    assert not T9.total and not T10.total  # two variables: no margins (ST7)
    # Every theme belongs to exactly one published group (ST5), and every group is some theme's.
    assert set(ACTIVITY_THEME_GROUP) == set(ActivityTheme)
    assert set(ACTIVITY_THEME_GROUP.values()) == set(T10.dimensions[1].codes)


# --- D1: no published value from 1 to 9 -------------------------------------------------------------------------


def _stats(count: int, key: int, associations: int) -> CellStats:
    stats = CellStats()
    for index in range(count):
        stats.add(1, key if index == 0 else 0, 1 + index % associations)
    return stats


_enrolment_cell = st.builds(_stats, st.integers(0, 60) | st.integers(0, 600), st.integers(0, 255), st.integers(1, 5))
# One activity: its attendance (1 to 10,000 as the form allows, mostly small), its key, its association.
_activity = st.tuples(st.integers(1, 40) | st.integers(1, 10_000), st.integers(0, 255), st.integers(1, 5))


def _t10(activities: dict[str, list]) -> dict:
    cells: dict = {}
    for theme, rows in activities.items():
        for people, key, association in rows:
            cells.setdefault(("activities", theme), CellStats()).add(1, key, association)
            cells.setdefault(("attendance", theme), CellStats()).add(people, key, association)
    return cells


@settings(max_examples=60, deadline=None)
@given(t9=st.dictionaries(st.sampled_from(list(itertools.product(*(d.codes for d in T9.dimensions)))),
                          _enrolment_cell),
       activities=st.dictionaries(st.sampled_from(T10.dimensions[1].codes), st.lists(_activity, max_size=60)))
def test_d1_t9_and_t10_publish_no_value_from_1_to_9(t9, activities):
    """Through the same publish_period as a build: every cell is `<10`, `x` or a multiple of 5 >= 10, at most 4
    from the truth; no total, so no percentage."""
    t10 = _t10(activities)
    published = publish_period(Tabulation(2025, 3, {**EMPTY, "T9": t9, "T10": t10}), (), [], release_id="2025Q3")
    tables = {t.spec.id: t for t in published.tables}
    for table_id, cells in (("T9", t9), ("T10", t10)):
        table = tables[table_id]
        assert len(table.rows) == TABLES[table_id].grid_size and table.total is None
        for row in table.rows:
            assert _published_ok(row.value, cells.get(row.codes, CellStats()).count), (table_id, row)
            assert row.pct is None


def test_t10_follows_the_association_rule_on_activities_and_on_attendance():
    """Three balanced associations: published. Two: withheld whole. Three with one holding nearly all the people
    present (one large day), though the activities are balanced: withheld too (ST13 on the attendance)."""
    def publish(rows):
        tables = publish_period(Tabulation(2025, 3, {**EMPTY, "T9": {}, "T10": _t10({"awareness_talk": rows})}),
                                (), [], release_id="2025Q3").tables
        return next(t for t in tables if t.spec.id == "T10")

    balanced = [(12, i, 1 + i % 3) for i in range(30)]
    assert [row.value for row in publish(balanced).rows][:5:4] == ["30", "360"]
    assert {row.value for row in publish([(p, k, 1 + a % 2) for p, k, a in balanced]).rows} == {"x"}
    dominated = [(2, i, 1 + i % 3) for i in range(30)] + [(900, 7, 1)]
    assert {row.value for row in publish(dominated).rows} == {"x"}


# --- D5: the linear attack over five releases -------------------------------------------------------------------

RUN_IDS = ["2025Q2", "2025Q3", "2025Q4", "2025", "2026Q1"]
QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]


@pytest.mark.parametrize("run", range(8))
def test_d5_t9_and_t10_keep_five_possible_values_over_five_releases(run):
    """Five releases (the annual one included) over skewed populations with enrolments and activities, keys
    uniform or adversarial: every `<10` cell of T9 and T10 in the attacker's window keeps at least 5 possible
    values, the truth among them (an attendance cell's truth is the sum of its activities' people)."""
    rng = random.Random(2000 + run)
    keys = (None, lambda: 0, lambda: 255)[run % 3]
    data = add_group_units(rng, random_microdata(rng, QUARTERS, size=(0, 120), keys=keys), QUARTERS, keys=keys)
    assert data.enrolments or data.activities
    releases = run_releases(data, RUN_IDS)
    for release in releases:
        gate = release.publication.gate
        assert gate.min_values is None or gate.min_values >= MIN_POSSIBLE_VALUES
        tables = {t.spec.id for t in release.publication.tables}
        assert ({"T9", "T10"} <= tables) == ("Q" in release.release_id)
    window = [cell for release in releases for cell in release.cells]
    checked = 0
    for narrowing in attack(window, [cell for cell in window if cell.table_id in ("T9", "T10")]):
        assert narrowing.values is not None, narrowing.cell
        truth = true_count(data, narrowing.cell)
        assert narrowing.low - 1e-6 <= truth <= narrowing.high + 1e-6, narrowing
        assert narrowing.values >= MIN_POSSIBLE_VALUES, narrowing
        checked += 1
    assert checked >= 4  # some `<10` cells of T9 or T10 were exercised


def test_d5_an_activity_count_and_its_attendance_are_separate_unknowns():
    """Three associations, 9 talks with 120 people: the activities cell is `<10` beside a published attendance,
    and the attacker's model of the attendance pins nothing of it (10 values). The one true relation it leaves
    out, attendance >= activities, only says that at least one talk was held: 9 values, still >= 5 (ST38)."""
    data = Microdata()
    for index in range(9):
        data.activities.append(Unit("2025-Q3", 1 + index % 3, index * 29 % 256,
                                    {"theme": "awareness_talk", "people": 10 + index % 5 * 2}))
    release = run_releases(data, ["2025Q3"])[0]
    t10 = next(t for t in release.publication.tables if t.spec.id == "T10")
    values = {row.codes: row.value for row in t10.rows}
    assert values[("activities", "awareness_talk")] == "<10" and values[("attendance", "awareness_talk")].isdigit()
    small = [cell for cell in release.cells if cell.table_id == "T10" and cell.code == "activities|awareness_talk"]
    assert [n.values for n in attack(release.cells, small)] == [10]
