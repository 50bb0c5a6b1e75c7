"""D5 and D6 on four populations where the gate can fail (docs/statistics.md, ST51-ST55).

The populations are drawn in memory from the synthetic generator's own description of the spread
(mediation/demo/synthetic/spread.py, ST50) and published through the same `publish_period` as a
build: (a) the realistic population of 20,000 cases, (b) the same thinned to 15 % of its cases,
(c) one with many small associations, (d) a release followed by its correction. Each run draws a
new population (its seed is the run number) and builds five releases, the first year of use
(2024: no history, every default region group stands, the thin one too) and the next quarter
(2025Q1, on the geography judged on 2024).

Runs per population: 50 in CI; `STATISTICS_RUNS=1000` for the nightly size (any positive number).
No database is touched: the PostgreSQL pass of .ci/run leaves these tests out (marker `database_independent`).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace

import pytest

from mediation.statistics.attack import MIN_POSSIBLE_VALUES, attack
from mediation.statistics.catalogue import DEFAULT_REGION_GROUPS, TABLES
from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import BELOW_THRESHOLD, WITHHELD, passes_association_rule
from mediation.statistics.versions import CORRECTION_UNITS, version_links, window_cells
from tests.statistics.simulation import Microdata, Population, Register, realistic_microdata
from tests.statistics.test_release_gate import _DIMENSION, GROUP_OF

pytestmark = pytest.mark.database_independent

RUNS = int(os.environ.get("STATISTICS_RUNS", "50"))
QUARTERS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
RELEASES = ["2024Q2", "2024Q3", "2024Q4", "2024", "2025Q1"]
CORRECTED = "2025Q1"
POPULATIONS = {
    "realistic": Population("realistic"),
    "thinned": Population("thinned", keep=0.15),
    "small_associations": Population("small_associations", cases=4_000, spacing=12, reference=12),
    "correction": Population("correction"),
}
_DEFAULT = dict(DEFAULT_REGION_GROUPS)
_UNITS = {"case": "cases", "closure": "closures", "session": "sessions", "follow_up": "follow_ups",
          "referral": "referrals", "enrolment": "enrolments", "activity": "activities"}


def _period_quarters(period: str) -> set[str]:
    return {period} if "-Q" in period else {f"{period}-Q{q}" for q in range(1, 5)}


def _weighted(population: str, codes: dict):
    """The cells a unit counts in, with its weight: an activity is one unit of the `activities` measure and
    `people` units of `attendance` (docs/statistics.md, ST38); any other unit counts once."""
    if population != "activity":
        return [(tuple(sorted(codes.items())), 1)]
    themed = {name: value for name, value in codes.items() if name != "people"}
    return [(tuple(sorted({**themed, "measure": measure}.items())), weight)
            for measure, weight in (("activities", 1), ("attendance", codes["people"]))]


class Truth:
    """The microdata's true counts, grouped once per run so that every cell is counted from a few thousand
    combinations rather than every unit; the same reading of a cell as `true_count` (test_release_gate.py)."""

    def __init__(self, data: Microdata):
        self.counts: dict[str, Counter] = {}
        self.by_association: dict[str, dict] = {}
        for population, attribute in _UNITS.items():
            counts: Counter = Counter()
            associations: dict = {}
            for unit in getattr(data, attribute):
                for codes, weight in _weighted(population, unit.codes):
                    counts[unit.quarter, codes] += weight
                    associations.setdefault((unit.quarter, codes), Counter())[unit.association] += weight
            self.counts[population] = counts
            self.by_association[population] = associations

    def count(self, cell) -> int:
        quarters = {quarter.partition("~")[0] for quarter in cell.quarters}
        total = 0
        for (quarter, codes), n in self.counts[cell.population].items():
            if quarter not in quarters:
                continue
            named = dict(codes)
            if "region" in named:
                named["region"] = GROUP_OF[named["region"]]
            if all(named[_DIMENSION[dim]] in allowed for dim, allowed in cell.filters):
                total += n
        return total

    def stats(self, population: str, quarters: set[str], key_of) -> dict:
        """CellStats (counts per association) by `key_of(codes)`, over the units of `quarters`."""
        cells: dict = {}
        for (quarter, codes), associations in self.by_association[population].items():
            if quarter in quarters:
                stats = cells.setdefault(key_of(dict(codes)), CellStats())
                for association, n in associations.items():
                    stats.add(n, 0, association)
        return cells


def _published_values_are_safe(release) -> int:
    """No value from 1 to 9 anywhere (ST22): `<10`, `x`, or a multiple of 5 of at least 10."""
    count = 0
    for table in release.publication.tables:
        rows = list(table.rows) + ([table.total] if table.total is not None else [])
        for row in rows:
            value = row.value
            assert value in (BELOW_THRESHOLD, WITHHELD) or (int(value) >= 10 and int(value) % 5 == 0), (
                release.release_id, table.spec.id, row.codes, value)
            count += 1
    return count


def _association_rule_holds(truth: Truth, release) -> None:
    """D6, computed from the microdata, independently of the build: every published region cell of 10
    or more gathers 3 associations, the top two at most 90 %; a national table whose whole population
    fails the rule is withheld; the region groups are merges of the default ones, covering every region."""
    publication = release.publication
    groups = publication.groups
    regions = [region for _, members in groups for region in members]
    assert sorted(regions) == sorted(r for _, members in DEFAULT_REGION_GROUPS for r in members)
    for code, members in groups:
        assert tuple(r for part in code.split("+") for r in _DEFAULT[part]) == members
    group_of = {region: code for code, members in groups for region in members}
    quarters = _period_quarters(release.period)
    names = {"region_group": "region", "dv_screening": "dv"}
    for table in publication.tables:
        dims = [d.id for d in table.spec.dimensions]
        if "region_group" not in dims:
            whole = truth.stats(table.spec.unit, quarters, lambda codes: ()).get((), CellStats())
            if not passes_association_rule(whole):
                assert {row.value for row in table.rows} == {WITHHELD}, (release.release_id, table.spec.id)
            continue
        cells = truth.stats(table.spec.unit, quarters, lambda codes, dims=dims: tuple(
            group_of[codes["region"]] if d == "region_group" else codes[names[d]] for d in dims))
        for row in table.rows:
            stats = cells.get(tuple(row.codes), CellStats())
            if row.value not in (BELOW_THRESHOLD, WITHHELD):
                assert stats.count >= 10 and passes_association_rule(stats), (release.release_id, row.codes)


def _opened_in_error(data: Microdata, seed: int) -> Microdata:
    """The correction's data: one to three cases of the corrected quarter closed as opened in error
    (they leave the population with a closure and a session each), and one late record added."""
    quarter = "2025-Q1"
    n = 1 + seed % 3
    cases = [u for u in data.cases if u.quarter == quarter]
    gone = set(map(id, cases[seed % 7:seed % 7 + n]))
    closures = [u for u in data.closures if u.quarter == quarter][:n]
    sessions = [u for u in data.sessions if u.quarter == quarter][:n]
    late = replace(cases[0], key=(cases[0].key * 7 + 3) % 256)
    return Microdata(
        cases=[u for u in data.cases if id(u) not in gone] + [late],
        closures=[u for u in data.closures if not any(u is c for c in closures)],
        sessions=[u for u in data.sessions if not any(u is s for s in sessions)],
        follow_ups=list(data.follow_ups), referrals=list(data.referrals))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(POPULATIONS))
def test_d5_d6_on_the_populations(name, capsys):
    population = POPULATIONS[name]
    stats = Counter()
    fewest = Counter()
    for run in range(RUNS):
        # Keys uniform, or adversarial constants (every remainder rounded up, or down) one run in three each.
        data = realistic_microdata(population, run, QUARTERS, key=(None, 0, 255)[run % 3])
        register = Register()
        releases = [register.build(data, release_id) for release_id in RELEASES]
        versions = {0: Truth(data)}
        if name == "correction":
            corrected = _opened_in_error(data, run)
            releases.append(register.build(corrected, f"{CORRECTED}-r2"))
            versions = {0: Truth(corrected), 1: versions[0]}
            original, correction = (dict(r.stored.tables) for r in (releases[-2], releases[-1]))
            stats["corrections_changed"] += any(original[t].rows != correction[t].rows for t in correction)
        for release in releases:
            gate = release.publication.gate
            assert gate.min_values is None or gate.min_values >= MIN_POSSIBLE_VALUES, (name, run, release.release_id)
            stats["values"] += _published_values_are_safe(release)
            stats["remedies"] += len(gate.remedies)
            stats["releases"] += 1
            truth_of = versions[1 if name == "correction" and not release.release_id.endswith("-r2") else 0]
            _association_rule_holds(truth_of, release)
            totalled = {table.spec.id for table in release.publication.tables
                        if table.total is not None and table.total.value != WITHHELD}
            stats["national_total"] += len(totalled & {"T1", "T2"})
            for cell in release.cells:
                if cell.below_threshold:
                    stats["below_10"] += 1
                    not_zero = truth_of.count(cell) > 0
                    stats["below_10_not_zero"] += not_zero
                    # The case the gate exists for: a small non-empty cell on a line whose total is published.
                    stats["beside_total"] += not_zero and cell.table_id in totalled
            stats["merged_thin"] += any("MA-08" in members and len(members) > 1
                                        for _, members in release.publication.groups)
        # The attacker holding every release of the run (and both versions of the corrected quarter,
        # believing that up to CORRECTION_UNITS units changed per cell): every `<10` cell keeps 5
        # possible values or more, and the truth (of its own version) is among them.
        if name == "correction":
            _, cells = window_cells("2025-Q2", [r.stored for r in register.releases])
            narrowings = attack(cells, cells, links=version_links(cells, CORRECTION_UNITS))
        else:
            cells = [cell for release in releases for cell in release.cells]
            narrowings = attack(cells, cells)
        for narrowing in narrowings:
            assert narrowing.values is not None, (name, run, narrowing.cell)
            truth = versions[narrowing.cell.version].count(narrowing.cell)
            assert narrowing.low - 1e-6 <= truth <= narrowing.high + 1e-6, (name, run, narrowing)
            assert narrowing.values >= MIN_POSSIBLE_VALUES, (name, run, narrowing)
            fewest[narrowing.values] += 1
    with capsys.disabled():
        print(f"\nD5/D6 {name}: {RUNS} runs, {stats['releases']} releases, {stats['values']} values; "
              f"`<10` cells {stats['below_10']} ({stats['below_10_not_zero']} not zero, "
              f"{stats['beside_total']} of those beside a published total); "
              f"T1/T2 totals published {stats['national_total']}; remedies {stats['remedies']}; "
              f"thin region merged in {stats['merged_thin']} releases; "
              f"corrections that changed a value {stats['corrections_changed']}; "
              f"re-attack: {dict(sorted(fewest.items()))}")
    # The populations are ones where the gate could fail: small cells that are not empty, national
    # totals beside them, and the attacker had cells to narrow.
    assert stats["below_10_not_zero"] >= RUNS, (name, stats)
    assert stats["national_total"] >= RUNS, (name, stats)
    assert stats["beside_total"] >= RUNS, (name, stats)
    assert sum(fewest.values()) >= 10 * RUNS, (name, fewest)
    if name == "correction":
        assert stats["corrections_changed"] >= RUNS // 2, stats  # the versions differ: there is something to difference
    if name == "realistic":
        assert stats["merged_thin"] >= RUNS  # the thin region joins its neighbour once 2024 is judged


def test_the_realistic_population_is_spread_as_described():
    """ST50 on the plan itself: 3 to 12 associations in every region, sizes spread over two orders of
    magnitude, the thin region with a few cases a quarter, `other` issues and unknown ages present."""
    data = realistic_microdata(POPULATIONS["realistic"], 0, QUARTERS)
    per_region: dict = {}
    sizes = Counter(unit.association for unit in data.cases)
    for unit in data.cases:
        per_region.setdefault(unit.codes["region"], set()).add(unit.association)
    assert all(3 <= len(associations) <= 12 for associations in per_region.values()), per_region
    assert len(per_region) == 12
    assert max(sizes.values()) >= 30 * min(sizes.values())
    thin = Counter(unit.quarter for unit in data.cases if unit.codes["region"] == "MA-08")
    assert 4 <= sum(n for quarter, n in thin.items() if quarter.startswith("2024")) < 50  # merged for 2025
    assert all(n < 15 for n in thin.values())
    issues = Counter(unit.codes["issue"] for unit in data.cases if unit.quarter == "2024-Q1")
    bands = Counter(unit.codes["band"] for unit in data.cases if unit.quarter == "2024-Q1")
    assert set(issues) == set(TABLES["T2"].dimensions[0].codes) and 0 < issues["other"] < 30
    assert set(bands) == set(TABLES["T4"].dimensions[0].codes) and 0 < bands["unknown"] < 30
    assert 1000 < sum(1 for unit in data.cases if unit.quarter == "2024-Q1") < 1500
    assert realistic_microdata(POPULATIONS["realistic"], 0, QUARTERS) == data  # one seed, one population
