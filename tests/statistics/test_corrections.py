"""Corrections that cannot be differenced, and the gate window by linkage (docs/statistics.md, ST30-ST32).

In-memory microdata (tests/statistics/simulation.py) run through the same `publish_period` as a
build. The attacker is attack.py's LP/MILP, holding every version of the period with each cell
linked across versions; its ranges are checked against the microdata of each version.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from mediation.statistics.attack import MIN_POSSIBLE_VALUES, attack
from mediation.statistics.disclosure import NOTE_CELLS_WITHHELD, NOTE_TABLE_WITHHELD
from mediation.statistics.period import publish_period
from mediation.statistics.versions import crosses, linkage_window, version_links, window_cells
from tests.statistics.simulation import Microdata, Register, Unit, tabulate
from tests.statistics.test_release_gate import true_count

pytestmark = pytest.mark.database_independent  # pure Python: the PostgreSQL pass of .ci/run leaves it out (ST55)

Q2 = "2025-Q2"


def _world(no_agreement: int) -> Microdata:
    """2025-Q2: 60 closures over three associations (T3 passes the association rule), of which
    `no_agreement` have no agreement; every key 0 so a remainder always rounds down."""
    data = Microdata()
    outcomes = ["no_agreement"] * no_agreement + ["agreement"] * 25 + ["referred"] * 25
    for i, outcome in enumerate(outcomes):
        association = 1 + i % 3
        data.cases.append(Unit(Q2, association, 0, {"region": "MA-06", "issue": "children", "band": "none",
                                                    "dv": "not_screened"}))
        data.closures.append(Unit(Q2, association, 0, {"outcome": outcome}))
    return data


def _value(release, table_id: str, code: str) -> str:
    table = next(t for t in release.publication.tables if t.spec.id == table_id)
    return next(row.value for row in table.rows if "|".join(row.codes) == code)


def _attack_versions(register: Register, units: int):
    """The attacker holding every version of 2025-Q2 (the latest untagged), believing `units`."""
    ids, cells = window_cells("2025-Q3", [r.stored for r in register.releases])
    links = version_links(cells, units)
    return cells, attack(cells, cells, links=links)


def _truth(versions: dict[int, Microdata], cell) -> int:
    """The cell's true count in the microdata of its own version (its quarters without the tag)."""
    untagged = replace(cell, quarters=frozenset(quarter.partition("~")[0] for quarter in cell.quarters))
    return true_count(versions[cell.version], untagged)


def test_a_case_closed_as_opened_in_error_cannot_be_differenced():
    """The scenario: T3 `no_agreement` is 10 in 2025Q2; one of those cases is closed as opened in
    error, so the correction's true count is 9. Published as `<10` beside the original's `10`, an
    attacker who believes one unit changed learns it is exactly 9. The correction withholds it."""
    original, corrected = _world(10), _world(9)
    register = Register()
    first = register.build(original, "2025Q2")
    assert _value(first, "T3", "no_agreement") == "10"
    second = register.build(corrected, "2025Q2-r2")
    t3 = next(t for t in second.publication.tables if t.spec.id == "T3")
    assert _value(second, "T3", "no_agreement") == "x"
    assert NOTE_CELLS_WITHHELD in t3.notes or NOTE_TABLE_WITHHELD in t3.notes
    # A rule-aware attacker reads a withheld cell of a correction as the crossing itself: 7 to 9
    # under three units, so the gate goes on to withhold the table, where an `x` says nothing.
    assert second.publication.gate.first_min_values < MIN_POSSIBLE_VALUES
    assert {row.value for row in t3.rows} == {"x"}
    assert second.publication.gate.min_values is None or second.publication.gate.min_values >= MIN_POSSIBLE_VALUES

    versions = {1: original, 0: corrected}  # version tag 1: the original; 0: the latest
    for units in (1, 2, 3):
        cells, narrowings = _attack_versions(register, units)
        assert narrowings, units
        for n in narrowings:
            assert n.values is not None, (units, n.cell)
            assert n.low - 1e-6 <= _truth(versions, n.cell) <= n.high + 1e-6, (units, n)
            assert n.values >= MIN_POSSIBLE_VALUES, (units, n)


def test_without_the_rule_the_correction_pins_the_cell():
    """The same correction built as a new release with no frame (the defect): both versions
    together pin the cell, to exactly 9 if one unit may have changed. This is what the rule stops."""
    original, corrected = _world(10), _world(9)
    register = Register()
    register.build(original, "2025Q2")
    naive = publish_period(tabulate(corrected, 2025, 2), register.releases[0].publication.groups, [],
                           release_id="2025Q2-r2")
    from mediation.statistics.period import release_cells
    from tests.statistics.simulation import Release
    register.releases.append(Release("2025Q2-r2", naive, release_cells("2025Q2-r2", naive.tables), Q2, 2))
    assert _value(register.releases[1], "T3", "no_agreement") == "<10"
    for units, expected in ((1, 1), (2, 2), (3, 3)):
        _, narrowings = _attack_versions(register, units)
        pinned = [n for n in narrowings if n.cell.table_id == "T3" and n.cell.code == "no_agreement"
                  and n.cell.version == 0]
        assert [n.values for n in pinned] == [expected]


def test_second_and_third_corrections_keep_the_frame():
    """r3 is audited with the original and r2: a cell r2 withheld stays withheld, and the attacker
    holding the three versions narrows nothing below five values."""
    v1, v2, v3 = _world(10), _world(9), _world(8)
    v3.closures.append(Unit(Q2, 2, 0, {"outcome": "agreement"}))  # a late record elsewhere
    register = Register()
    register.build(v1, "2025Q2")
    register.build(v2, "2025Q2-r2")
    third = register.build(v3, "2025Q2-r3")
    assert _value(third, "T3", "no_agreement") == "x"
    assert set(third.publication.gate.window) == {"2025Q2", "2025Q2-r2"}
    versions = {1: v1, 2: v2, 0: v3}
    for units in (1, 2, 3):
        _, narrowings = _attack_versions(register, units)
        for n in narrowings:
            assert n.values is not None and n.values >= MIN_POSSIBLE_VALUES, (units, n)
            assert n.low - 1e-6 <= _truth(versions, n.cell) <= n.high + 1e-6, (units, n)


def test_unchanged_data_give_an_unchanged_correction():
    data = _world(10)
    register = Register()
    first = register.build(data, "2025Q2")
    second = register.build(data, "2025Q2-r2")
    assert first.stored.tables == second.stored.tables
    assert not second.publication.gate.remedies


def test_a_correction_keeps_the_original_geography_and_withholds_instead_of_merging():
    """A region whose three associations held 4, 4 and 4 cases is dominated after the correction
    (10, 1, 1). A new release would merge it into its neighbour; a correction never publishes a
    region the original did not have, so its regional table is withheld."""
    def world(counts):
        data = Microdata()
        for association, count in enumerate(counts, start=1):
            data.cases += [Unit(Q2, association, 0, {"region": "MA-06", "issue": "children", "band": "none",
                                                     "dv": "not_screened"}) for _ in range(count)]
        for region in ("MA-01", "MA-02", "MA-03", "MA-07", "MA-08"):
            data.cases += [Unit(Q2, 10 + i % 3, 0, {"region": region, "issue": "other", "band": "none",
                                                    "dv": "negative"}) for i in range(12)]
        return data

    register = Register()
    first = register.build(world((4, 4, 4)), "2025Q2")
    second = register.build(world((10, 1, 1)), "2025Q2-r2")
    assert second.publication.groups == first.publication.groups
    t1 = next(t for t in second.publication.tables if t.spec.id == "T1")
    assert {row.value for row in t1.rows} == {"x"}
    assert [t.spec.id for t in second.publication.tables] == [t.spec.id for t in first.publication.tables]
    # Without the frame the same data merge MA-06 away: a region group the original never had.
    fresh = publish_period(tabulate(world((10, 1, 1)), 2025, 2), first.publication.groups, [], release_id="x")
    assert fresh.groups != first.publication.groups


def test_a_withheld_total_or_table_stays_withheld():
    register = Register()
    first = register.build(_world(10), "2025Q2")
    stored = first.stored
    t3 = stored.tables["T3"]
    # Pretend the original withheld T3's total and T6 entirely, as the gate's remedies would.
    held = type(t3)("T3", tuple((c, "x" if c == "total" else v) for c, v in t3.rows), True)
    t6 = stored.tables["T6"]
    held_t6 = type(t6)("T6", tuple((c, "x") for c, _ in t6.rows), True)
    from mediation.statistics.versions import Baseline
    frame = Baseline(first.publication.groups, ({**stored.tables, "T3": held, "T6": held_t6},))
    publication = publish_period(tabulate(_world(10), 2025, 2), frame.groups, [], release_id="2025Q2-r2",
                                 baseline=frame)
    tables = {t.spec.id: t for t in publication.tables}
    assert tables["T3"].total.value == "x"
    assert {row.value for row in tables["T6"].rows} == {"x"}


@pytest.mark.parametrize(("earlier", "new", "expected"), [
    (["<10"], "10", True), (["10"], "<10", True), (["15"], "<10", True), (["<10"], "<10", False),
    (["10"], "15", False), (["x"], "<10", False), (["<10", "10"], "10", True), (["10"], "x", False),
])
def test_crossing_the_threshold(earlier, new, expected):
    assert crosses(earlier, new) is expected


# --- The gate window by linkage (docs/statistics.md, ST32) ----------------------------------------------


def test_window_follows_the_calendar_not_the_build_order():
    built = ["2025-Q3", "2026-Q1", "2025-Q1", "2024", "2024-Q4", "2025-Q2", "2024-Q2", "2024-Q3"]
    # A backlog: 2025-Q2 built last sees its year's quarters and the four periods before it.
    assert linkage_window("2025-Q2", built) == ["2024-Q3", "2024-Q4", "2024", "2025-Q1", "2025-Q2", "2025-Q3"]
    assert "2026-Q1" not in linkage_window("2025-Q2", built)  # a later year shares no relation
    assert linkage_window("2026-Q1", built) == ["2024", "2025-Q1", "2025-Q2", "2025-Q3", "2026-Q1"]


def test_an_annual_release_built_before_its_last_quarter_is_in_that_quarter_window():
    built = ["2025-Q1", "2025-Q2", "2025-Q3", "2025"]
    assert linkage_window("2025-Q4", built) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025"]
    assert linkage_window("2025", built) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025"]


@pytest.mark.slow
def test_out_of_order_builds_are_gated_on_what_they_are_linked_to():
    """Quarters built out of order, and the annual release before its last quarter: each gate
    holds every release of its year, and after all of them the attacker holding the whole year
    narrows no `<10` cell below five values (the truth always within its range)."""
    import random  # allowed in tests: S25 and the architecture test cover mediation/ only

    from tests.statistics.simulation import random_microdata
    fewest = Counter()
    for run in range(6):
        rng = random.Random(1000 + run)
        data = random_microdata(rng, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"], size=(0, 120))
        register = Register()
        for release_id in ("2025Q3", "2025Q1", "2025Q4", "2025", "2025Q2"):
            release = register.build(data, release_id)
            gate = release.publication.gate
            assert gate.min_values is None or gate.min_values >= MIN_POSSIBLE_VALUES
        last = register.releases[-1].publication.gate
        assert set(last.window) == {"2025Q1", "2025Q3", "2025Q4", "2025"}
        cells = [cell for r in register.releases for cell in r.cells]
        for n in attack(cells, cells):
            assert n.values is not None
            assert n.low - 1e-6 <= true_count(data, n.cell) <= n.high + 1e-6
            assert n.values >= MIN_POSSIBLE_VALUES, (run, n)
            fewest[n.values] += 1
    assert sum(fewest.values()) > 50
