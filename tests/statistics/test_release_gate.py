"""The release gate (docs/statistics.md, ST16, ST26): the linear attack on five releases, and its remedies.

Populations are in-memory microdata (tests/statistics/simulation.py) run through the same
`publish_period` as a build, so 50 runs of five releases fit in CI. The attacker's ranges are
checked against the true counts, so a wrong formulation (a cell summing the wrong units) fails.
"""

from __future__ import annotations

import random  # allowed in tests: S25 and the architecture test cover mediation/ only
from collections import Counter

import pytest

from mediation.statistics.attack import MIN_POSSIBLE_VALUES, attack, interval, possible_values, table_cells
from mediation.statistics.catalogue import DEFAULT_REGION_GROUPS, TABLES
from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import NOTE_TABLE_WITHHELD, NOTE_TOTAL_WITHHELD, publish_table
from mediation.statistics.period import (
    NOTE_FALLBACK,
    NOTE_GATE,
    NOTE_NO_REGIONAL,
    Remedy,
    _next_remedy,
    annual_fallbacks,
    release_cells,
)
from tests.statistics.simulation import Microdata, Unit, random_microdata, run_releases

pytestmark = pytest.mark.database_independent  # pure Python: the PostgreSQL pass of .ci/run leaves it out (ST55)

RUN_IDS = ["2025Q2", "2025Q3", "2025Q4", "2025", "2026Q1"]
QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
RUNS = 50
GROUP_OF = {region: code for code, regions in DEFAULT_REGION_GROUPS for region in regions}
_UNITS = {"case": "cases", "closure": "closures", "session": "sessions", "follow_up": "follow_ups",
          "referral": "referrals", "enrolment": "enrolments", "activity": "activities"}
_DIMENSION = {"region_group": "region", "issue_group": "issue", "youngest_child_band": "band",
              "dv_screening": "dv", "outcome_group": "outcome", "session_type": "type",
              "follow_up_point": "point", "follow_up_result": "result", "destination_group": "destination",
              "parenting_participation": "participation", "sex": "sex", "activity_measure": "measure",
              "activity_theme_group": "theme"}


def true_count(data: Microdata, cell) -> int:
    """The number of units the cell counts, from the microdata (independent of attack.py)."""
    count = 0
    for unit in getattr(data, _UNITS[cell.population]):
        if unit.quarter not in cell.quarters:
            continue
        codes = dict(unit.codes)
        if "region" in codes:
            codes["region"] = GROUP_OF[codes["region"]]
        if cell.population == "activity":
            # An activity is one unit of the `activities` measure and `people` units of `attendance` (ST38).
            for measure, weight in (("activities", 1), ("attendance", codes["people"])):
                codes["measure"] = measure
                if all(codes[_DIMENSION[dim]] in allowed for dim, allowed in cell.filters):
                    count += weight
        elif all(codes[_DIMENSION[dim]] in allowed for dim, allowed in cell.filters):
            count += 1
    return count


def _window_cells(releases):
    return [cell for release in releases[-5:] for cell in release.cells]


def test_interval_follows_the_published_value():
    assert interval("<10") == (0, 9)
    assert interval("10") == (10, 14)
    assert interval("15") == (11, 19) and interval("250") == (246, 254)
    assert interval("x") is None  # a withheld table says nothing
    assert interval("x", withheld_total=True) == (10, float("inf"))
    assert possible_values(0, 9) == 10 and possible_values(5.2, 8.7) == 3
    assert possible_values(4.9999999, 9.0000001) == 5  # solver noise does not cost a value


@pytest.mark.slow
def test_d5_linear_attack_on_five_releases(capsys):
    """50 runs of five consecutive releases (the annual one included) over skewed random populations.

    Keys alternate between uniform draws and adversarial constants (every remainder rounded up,
    or down): the gate must hold whatever the keys.
    """
    fewest = Counter()
    gate_fewest = Counter()
    remedies = 0
    checked = 0
    for run in range(RUNS):
        rng = random.Random(run)
        keys = (None, lambda: 0, lambda: 255)[run % 3]
        data = random_microdata(rng, QUARTERS, size=(0, 250), keys=keys)
        releases = run_releases(data, RUN_IDS)
        remedies += sum(len(r.publication.gate.remedies) for r in releases)
        for release in releases:
            gate = release.publication.gate
            assert gate.min_values is None or gate.min_values >= MIN_POSSIBLE_VALUES, (run, release.release_id)
            if gate.min_values is not None:
                gate_fewest[gate.min_values] += 1
        if run % 5:
            continue  # the full re-attack below costs as much as the gates: one run in five
        # The attacker holds the newest release and the four before it: every `<10` cell of
        # every one of them keeps at least five possible values, and the truth is among them.
        window = _window_cells(releases)
        for narrowing in attack(window, window):
            assert narrowing.values is not None, (run, narrowing.cell)
            truth = true_count(data, narrowing.cell)
            assert narrowing.low - 1e-6 <= truth <= narrowing.high + 1e-6, (run, narrowing)
            assert narrowing.values >= MIN_POSSIBLE_VALUES, (run, narrowing)
            fewest[narrowing.values] += 1
            checked += 1
    with capsys.disabled():
        print(f"\nD5: {RUNS} runs; narrowest cell per gated release: {dict(sorted(gate_fewest.items()))}; "
              f"re-attack of {checked} `<10` cells: {dict(sorted(fewest.items()))}; remedies fired {remedies}")
    assert checked > 200  # the property was exercised on many cells
    assert min(fewest) >= MIN_POSSIBLE_VALUES


# --- Adversarial fixtures: the gate must fire, and its remedy must work ----------------------------


def _cases(quarter, count, *, issue="wider_family", bands=None, keys=None, region="MA-06"):
    bands = bands or ["none"] * count
    keys = keys or [0] * count
    return [Unit(quarter, 1 + i % 3, keys[i], {"region": region, "issue": issue, "band": bands[i],
                                                "dv": "not_screened"}) for i in range(count)]


def _spread(count: int, per_band: list[int]) -> list[str]:
    bands = TABLES["T4"].dimensions[0].codes
    out = [band for band, n in zip(bands, per_band, strict=True) for _ in range(n)]
    assert len(out) == count
    return out


def test_annual_cells_narrowed_by_the_quarters_are_withheld():
    """The year's 42 cases of one issue group are 11, 11, 10, 10 per quarter; with keys that round
    every remainder up they publish 15, 15, 10, 10, so the year holds >= 42 of them. Spread over
    five age bands as 9, 9, 8, 8, 8, every T4 cell of that issue is `<10` but >= 42 - 4 x 9 = 6:
    only 4 values. The gate withholds T4 for the year (it has no total to withhold first)."""
    counts = (11, 11, 10, 10)
    bands = _spread(42, [9, 9, 8, 8, 8])
    data = Microdata()
    start = 0
    for quarter, count in zip(QUARTERS, counts, strict=False):
        data.cases += _cases(quarter, count, bands=bands[start:start + count])
        start += count
    releases = run_releases(data, ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025"])
    quarterly = {r.release_id: r for r in releases}
    t2 = next(t for t in quarterly["2025Q1"].publication.tables if t.spec.id == "T2")
    assert next(row.value for row in t2.rows if row.codes == ("wider_family",)) == "15"

    annual = releases[-1].publication
    assert annual.gate.first_min_values == 4
    assert annual.gate.remedies == [Remedy("withhold_table", "T4")]
    t4 = next(t for t in annual.tables if t.spec.id == "T4")
    assert {row.value for row in t4.rows} == {"x"} and NOTE_TABLE_WITHHELD in t4.notes
    assert NOTE_GATE in annual.notes
    assert annual.gate.min_values is None or annual.gate.min_values >= MIN_POSSIBLE_VALUES
    window = _window_cells(releases)
    assert all(n.values >= MIN_POSSIBLE_VALUES for n in attack(window, window))


def test_a_quarter_narrowed_through_the_annual_release_is_protected():
    """Q1-Q3 hold 14 cases of one issue each (keys rounding them down to "10", so 10-14 each) and
    Q4 holds 8 (`<10`). The annual T4 line of that issue is five cells of 10 ("10": 10-14 each),
    so the year holds >= 50: Q4's cell is then >= 50 - 3 x 14 = 8, two values. The cell belongs
    to an earlier release, so the remedy falls on the new one's tables."""
    data = Microdata()
    bands = _spread(50, [10, 10, 10, 10, 10])
    start = 0
    for quarter, count in zip(QUARTERS, (14, 14, 14, 8), strict=False):
        keys = [205] + [0] * (count - 1)  # cell key 205: a remainder of 4 rounds down
        data.cases += _cases(quarter, count, bands=bands[start:start + count], keys=keys)
        start += count
    releases = run_releases(data, ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025"])
    for release in releases[:3]:
        t2 = next(t for t in release.publication.tables if t.spec.id == "T2")
        assert next(row.value for row in t2.rows if row.codes == ("wider_family",)) == "10"
    annual = releases[-1].publication
    assert annual.gate.first_min_values < MIN_POSSIBLE_VALUES
    assert annual.gate.remedies[0] == Remedy("withhold_table", "T4")
    window = _window_cells(releases)
    narrowings = attack(window, window)
    assert narrowings and all(n.values >= MIN_POSSIBLE_VALUES for n in narrowings)
    for n in narrowings:
        assert n.low - 1e-6 <= true_count(data, n.cell) <= n.high + 1e-6


def test_remedies_come_in_the_order_of_section_6():
    """(1) the totals of the tables counting the same units (T1 and T2 share one), then (2) the table."""
    cells = {("children",): CellStats(40, 3, Counter({1: 14, 2: 13, 3: 13}))}
    total = CellStats(40, 3, Counter({1: 14, 2: 13, 3: 13}))
    t2 = publish_table(TABLES["T2"], "2025-Q3", cells, total, with_pct=True)
    t1 = publish_table(TABLES["T1"], "2025-Q3", {}, total, with_pct=True)
    t3 = publish_table(TABLES["T3"], "2025-Q3", {}, CellStats(12, 0, Counter({1: 4, 2: 4, 3: 4})))
    tables = [t1, t2, t3]
    first = _next_remedy("T2", tables, [])
    assert first == [Remedy("withhold_total", "T1"), Remedy("withhold_total", "T2")]
    held_total = publish_table(TABLES["T2"], "2025-Q3", cells, total, with_pct=True, withhold_total=True)
    assert held_total.total.value == "x" and NOTE_TOTAL_WITHHELD in held_total.notes
    assert _next_remedy("T2", tables, first) == [Remedy("withhold_table", "T2")]
    # A table with no total (annual tables) goes straight to the second remedy.
    assert _next_remedy("T3", [t1, t2, publish_table(TABLES["T3"], "2025-Q3", {}, None)], []) == [
        Remedy("withhold_table", "T3")]


@pytest.mark.parametrize(("rows", "expected"), [
    # A withheld total beside published cells was >= 10; a withheld table says nothing.
    ([("children", "15"), ("total", "x")], [("children", 11, 19), ("total", 10, float("inf"))]),
    ([("children", "x"), ("total", "x")], []),
])
def test_the_attacker_reads_withheld_values_as_section_6_says(rows, expected):
    cells = table_cells("2025Q3", "T2", "2025-Q3", rows)
    assert [(c.code, c.low, c.high) for c in cells] == expected


# --- Mean-cell-size gate (docs/statistics.md, ST8) --------------------------------------------------------------------


@pytest.mark.parametrize(("prior_cases", "groups", "expected"), [
    (0, 10, set()),  # no history: the catalogue's tables stand
    (499, 10, {"T4", "T5"}),  # T4: 25 cells need 500 cases; T5: 3 x 10 cells need 600
    (500, 10, {"T5"}),
    (599, 10, {"T5"}),
    (600, 10, set()),
    (540, 9, set()),  # fewer region groups, a smaller T5 grid
])
def test_mean_cell_size_gate(prior_cases, groups, expected):
    assert annual_fallbacks(prior_cases, groups) == expected


def test_fallback_tables_are_national_and_noted():
    data = Microdata()
    for quarter in QUARTERS[:4]:
        data.cases += _cases(quarter, 30, bands=[TABLES["T4"].dimensions[0].codes[i % 5] for i in range(30)],
                             keys=list(range(30)))
    data.cases += [Unit("2024-Q4", 1 + i % 3, 7, {"region": "MA-06", "issue": "other", "band": "none",
                                                   "dv": "negative"}) for i in range(100)]
    annual = run_releases(data, ["2025"])[0].publication
    tables = {t.spec.id: t for t in annual.tables}
    assert [row.codes for row in tables["T4"].rows] == [(code,) for code in TABLES["T4"].dimensions[0].codes]
    assert [row.codes for row in tables["T5"].rows] == [(code,) for code in TABLES["T5"].dimensions[0].codes]
    assert tables["T4"].total is None and tables["T5"].total is None
    assert tables["T4"].spec.title_fr.endswith("(niveau national)")
    assert {row.value for row in tables["T4"].rows} <= {"20", "25"}  # 24 cases per band, rounded
    assert all(NOTE_FALLBACK in tables[t].notes for t in ("T4", "T5")) and NOTE_FALLBACK not in tables["T7"].notes
    assert NOTE_NO_REGIONAL not in annual.notes
    # The attacker reads a fallback table with its one dimension.
    cells = release_cells("2025", annual.tables)
    assert {dict(c.filters).keys() == {"youngest_child_band"} for c in cells if c.table_id == "T4"} == {True}
