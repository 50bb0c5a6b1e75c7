"""In-memory microdata for the release gate tests (docs/statistics.md, section 8), no database.

Units are tuples over the code lists; `tabulate` groups them as aggregate.py's GROUP BY would, so
`publish_period` sees exactly what a build would hand it. A `Register` builds releases in any order,
corrections included, each gated against the releases linked to it as a build would
(docs/statistics.md, ST32).
"""

from __future__ import annotations

import random  # allowed in tests: S25 and the architecture test cover mediation/ only
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from mediation.demo.synthetic.draws import Draws
from mediation.demo.synthetic.spread import CASES_PER_ASSOCIATION, association_plan, child_ages, draw_issues
from mediation.statistics.catalogue import TABLES
from mediation.statistics.cells import CellStats
from mediation.statistics.codes import issue_group
from mediation.statistics.disclosure import TOTAL_CODE
from mediation.statistics.geography import groups_from_prior_year
from mediation.statistics.period import Publication, Tabulation, publish_period, release_cells
from mediation.statistics.versions import CORRECTION_UNITS, Baseline, StoredRelease, StoredTable, window_cells

REGIONS = tuple(f"MA-{i:02d}" for i in range(1, 13))
ISSUES = TABLES["T2"].dimensions[0].codes
BANDS = TABLES["T4"].dimensions[0].codes
DV = TABLES["T5"].dimensions[0].codes
OUTCOMES = TABLES["T3"].dimensions[0].codes
SESSION_TYPES = TABLES["T6"].dimensions[0].codes
FOLLOW_UP_POINTS = TABLES["T7"].dimensions[0].codes
FOLLOW_UP_RESULTS = TABLES["T7"].dimensions[1].codes
DESTINATION_GROUPS = TABLES["T8"].dimensions[0].codes
PARTICIPATIONS = TABLES["T9"].dimensions[0].codes
SEXES = TABLES["T9"].dimensions[1].codes
THEME_GROUPS = TABLES["T10"].dimensions[1].codes


@dataclass(frozen=True)
class Unit:
    quarter: str  # "2025-Q3"
    association: int
    key: int
    codes: dict  # dimension name -> code


@dataclass
class Microdata:
    cases: list[Unit] = field(default_factory=list)
    closures: list[Unit] = field(default_factory=list)
    sessions: list[Unit] = field(default_factory=list)
    follow_ups: list[Unit] = field(default_factory=list)  # T7: the quarter the follow-up was recorded in
    referrals: list[Unit] = field(default_factory=list)  # T8
    enrolments: list[Unit] = field(default_factory=list)  # T9: the quarter the cycle finished in
    activities: list[Unit] = field(default_factory=list)  # T10: codes {"theme", "people"}


def _activity_cells(units, quarters) -> dict:
    """T10 as group_tables.py tabulates it: an activity counts once in `activities` and its `people` in
    `attendance`, both cells summing the activity's key (docs/statistics.md, ST38)."""
    cells: dict = {}
    for unit in units:
        if unit.quarter in quarters:
            for measure, count in (("activities", 1), ("attendance", unit.codes["people"])):
                cells.setdefault((measure, unit.codes["theme"]), CellStats()).add(count, unit.key, unit.association)
    return cells


def _cells(units, quarters, names) -> dict:
    cells: dict = {}
    for unit in units:
        if unit.quarter in quarters:
            codes = unit.codes
            key = tuple(codes[n] for n in names)
            stats = cells.get(key)
            if stats is None:
                stats = cells[key] = CellStats()
            stats.add(1, unit.key, unit.association)
    return cells


def tabulate(data: Microdata, year: int, quarter: int | None) -> Tabulation:
    if quarter:
        q = {f"{year}-Q{quarter}"}
        cases = [unit for unit in data.cases if unit.quarter in q]
        return Tabulation(year, quarter, {
            "T1": _cells(cases, q, ("region",)), "T2": _cells(cases, q, ("issue",)),
            "T3": _cells(data.closures, q, ("outcome",)), "T6": _cells(data.sessions, q, ("type",)),
            "T8": _cells(data.referrals, q, ("destination",)),
            "T9": _cells(data.enrolments, q, ("participation", "sex")), "T10": _activity_cells(data.activities, q)})
    quarters = {f"{year}-Q{i}" for i in range(1, 5)}
    prior = sum(1 for unit in data.cases if unit.quarter.startswith(f"{year - 1}-"))
    return Tabulation(year, None, {"T4": _cells(data.cases, quarters, ("band", "issue")),
                                   "T5": _cells(data.cases, quarters, ("dv", "region")),
                                   "T7": _cells(data.follow_ups, quarters, ("point", "result"))},
                     prior_year_cases=prior)


def random_microdata(rng: random.Random, quarters: list[str], *, size: tuple[int, int] = (0, 400),
                     keys=None) -> Microdata:
    """Skewed random cases: tiny regions, empty categories, 1-5 associations per region, one of
    them sometimes dominant. `keys` draws the stat_keys (default uniform)."""
    keys = keys or (lambda: rng.randrange(256))
    associations = {}
    next_id = 1
    for region in REGIONS:
        count = rng.randint(1, 5)
        associations[region] = list(range(next_id, next_id + count))
        next_id += count
    region_weights = [rng.random() ** 3 for _ in REGIONS]
    issue_weights = [rng.random() ** 2 for _ in ISSUES]
    data = Microdata()
    for quarter in quarters:
        for _ in range(rng.randint(*size)):
            region = rng.choices(REGIONS, region_weights)[0]
            pool = associations[region]
            association = pool[0] if rng.random() < 0.5 else rng.choice(pool)  # the first one dominates
            codes = {"region": region, "issue": rng.choices(ISSUES, issue_weights)[0],
                     "band": rng.choice(BANDS), "dv": rng.choices(DV, (1, 3, 4))[0]}
            data.cases.append(Unit(quarter, association, keys(), codes))
            if rng.random() < 0.6:
                data.closures.append(Unit(quarter, association, keys(), {"outcome": rng.choice(OUTCOMES)}))
            for _ in range(rng.randint(0, 3)):
                data.sessions.append(Unit(quarter, association, keys(), {"type": rng.choice(SESSION_TYPES)}))
            # Outcomes that last (docs/statistics.md, ST34): about a third of the cases have a follow-up at
            # 3 or 6 months recorded, about one in five a referral; skewed results and destinations.
            for point in FOLLOW_UP_POINTS:
                if rng.random() < 0.3:
                    data.follow_ups.append(Unit(quarter, association, keys(), {
                        "point": point, "result": rng.choices(FOLLOW_UP_RESULTS, (6, 2, 1, 2))[0]}))
            if rng.random() < 0.2:
                data.referrals.append(Unit(quarter, association, keys(), {
                    "destination": rng.choices(DESTINATION_GROUPS, (3, 4, 2, 3, 1, 1))[0]}))
    return data


def add_group_units(rng: random.Random, data: Microdata, quarters: list[str], *, keys=None) -> Microdata:
    """Skewed positive-parenting enrolments and family-space activities (docs/statistics.md, ST35, ST38): 0 to 4
    finished cycles of 8 to 15 enrolments a quarter, 0 to 12 activities of 1 to 120 people, from 1 to 5
    associations, one of them sometimes dominant. Drawn from their own generator so that the other tables'
    populations do not change."""
    keys = keys or (lambda: rng.randrange(256))
    associations = list(range(1, rng.randint(1, 5) + 1))
    theme_weights = [rng.random() ** 2 for _ in THEME_GROUPS]
    for quarter in quarters:
        for _ in range(rng.randint(0, 4)):
            association = associations[0] if rng.random() < 0.5 else rng.choice(associations)
            for _ in range(rng.randint(8, 15)):
                if rng.random() < 0.15:
                    continue  # never came: not counted
                data.enrolments.append(Unit(quarter, association, keys(), {
                    "participation": rng.choices(PARTICIPATIONS, (2, 3))[0],
                    "sex": rng.choices(SEXES, (8, 3, 1))[0]}))
        for _ in range(rng.randint(0, 12)):
            association = associations[0] if rng.random() < 0.5 else rng.choice(associations)
            data.activities.append(Unit(quarter, association, keys(), {
                "theme": rng.choices(THEME_GROUPS, theme_weights)[0], "people": rng.randint(1, 120)}))
    return data


@dataclass
class Release:
    release_id: str
    publication: Publication
    cells: list  # the attacker's cells (attack.Cell), as a later release's window reads them
    period: str = ""
    version: int = 1

    @property
    def stored(self) -> StoredRelease:
        """The release as its stored JSON files show it."""
        tables = {}
        for table in self.publication.tables:
            rows = tuple(("|".join(row.codes), row.value) for row in table.rows)
            if table.total is not None:
                rows += ((TOTAL_CODE, table.total.value),)
            tables[table.spec.id] = StoredTable(table.spec.id, rows, len(table.spec.dimensions) == 1)
        return StoredRelease(self.release_id, self.period, self.version, tables)


@dataclass
class Register:
    """The register of a simulated run: releases built in any order, corrections included."""

    releases: list[Release] = field(default_factory=list)
    groups_by_year: dict[int, tuple] = field(default_factory=dict)
    units: int = CORRECTION_UNITS

    def build(self, data: Microdata, release_id: str) -> Release:
        """Build `2025Q2`, `2025` or a correction `2025Q2-r2` from `data` as it is now, gated by linkage."""
        base, _, revision = release_id.partition("-r")
        year, _, q = base.partition("Q")
        year, quarter = int(year), int(q) if q else None
        period = f"{year}-Q{quarter}" if quarter else str(year)
        if year not in self.groups_by_year:
            prior = _cells(data.cases, {f"{year - 1}-Q{i}" for i in range(1, 5)}, ("region",))
            self.groups_by_year[year] = groups_from_prior_year(prior)
        earlier = sorted((r for r in self.releases if r.period == period), key=lambda r: r.version)
        frame = Baseline(earlier[0].publication.groups, tuple(r.stored.tables for r in earlier)) \
            if revision else None
        window, prior_cells = window_cells(period, [r.stored for r in self.releases])
        publication = publish_period(tabulate(data, year, quarter), self.groups_by_year[year], prior_cells,
                                     release_id=release_id, window=window, baseline=frame, units=self.units)
        if not revision:
            self.groups_by_year[year] = publication.groups  # a merge holds for the rest of the year
        release = Release(release_id, publication, release_cells(release_id, publication.tables, frame),
                          period, int(revision) if revision else 1)
        self.releases.append(release)
        return release


def run_releases(data: Microdata, release_ids: list[str]) -> list[Release]:
    """Build the releases in the order given, each gated against the releases linked to it."""
    register = Register()
    return [register.build(data, release_id) for release_id in release_ids]


# --- Realistic populations (docs/statistics.md, ST50) ----------------------------------------------------------------
# The benchmark's generator and these in-memory populations share one description of how cases spread
# (mediation/demo/synthetic/spread.py): heavy-tailed associations, 3 to 12 a region, a thin region, rare
# issues and unknown ages. The rates below are the generator's, read off cases.py and outcomes.py.

POPULATION_YEARS = 4
# Outcome groups of the closures (T3 order): agreement ... administrative; `referred` and a
# safety ending are rare.
_OUTCOME_WEIGHTS = {"agreement": 33, "no_agreement": 11, "counselling": 14, "not_started": 16, "ended_early": 13,
                    "referred": 5, "administrative": 8}
_SESSION_WEIGHTS = (40, 22, 14, 9, 6, 4, 2, 2, 1)  # T6's nine types in code order: a long tail


class _FastDraws(Draws):
    """The generator's draws (spread.py's functions take a Draws) from `random.Random`: the same methods,
    five times faster than the SHAKE stream, which only the database's population needs."""

    def __init__(self, seed: int):  # no SHAKE key: random() is overridden
        self._rng = random.Random(seed)

    def random(self) -> float:
        return self._rng.random()


@dataclass(frozen=True)
class Population:
    """A population for the release gate's simulations: `cases` over POPULATION_YEARS years, of which
    the share `keep` is kept (thinning); a region has an association per `spacing` of its cases (3 to
    12), the first one `reference` cases (None: the generator's defaults for both)."""

    name: str
    cases: int = 20_000
    keep: float = 1.0
    spacing: int | None = None
    reference: int | None = None


def _youngest(ages: list) -> str:
    if not ages:
        return "none"
    known = [age for age in ages if age is not None]
    if not known:
        return "unknown"
    youngest = min(known)
    return "0_5" if youngest < 6 else "6_14" if youngest < 15 else "15_17"


def realistic_microdata(population: Population, seed: int, quarters: list[str], *, key: int | None = None,
                        ) -> Microdata:
    """`quarters` of a population spread as the synthetic generator spreads it, deterministic from `seed`.

    Each association's cases fall uniformly over POPULATION_YEARS years of quarters; those landing in
    `quarters` (the first ones) are drawn, each kept with probability `keep`. Record keys are uniform,
    or all `key` (adversarial constants: every remainder rounded the same way, as in ST26)."""
    plan = association_plan(population.cases, Draws(seed, "plan"), list(REGIONS),
                            spacing=population.spacing or CASES_PER_ASSOCIATION, reference=population.reference)
    draws = _FastDraws(seed)
    span = 4 * POPULATION_YEARS
    outcomes = list(_OUTCOME_WEIGHTS)
    outcome_cumulative = [sum(list(_OUTCOME_WEIGHTS.values())[:i + 1]) for i in range(len(outcomes))]
    session_cumulative = [sum(_SESSION_WEIGHTS[:i + 1]) for i in range(len(SESSION_TYPES))]

    def pick(items, cumulative):
        return items[bisect_right(cumulative, draws.random() * cumulative[-1])]

    groups: dict[tuple, str] = {}  # issue_group of each set of issues, computed once

    def keys() -> int:
        return draws.below(256) if key is None else key

    data = Microdata()
    for association, share in enumerate(plan, start=1):
        for _ in range(share.cases):
            index = draws.below(span)
            if index >= len(quarters) or not draws.chance(population.keep):
                continue
            quarter = quarters[index]
            mediation_track = draws.chance(0.6)
            ages = child_ages(draws, draws.between(20, 62))
            assessed = draws.chance(0.85)
            issues = tuple(draw_issues(draws, mediation_track))
            group = groups.get(issues) or groups.setdefault(issues, issue_group(issues).value)
            codes = {"region": share.region, "issue": group,
                     "band": _youngest(ages),
                     "dv": ("positive" if draws.chance(0.12) else "negative") if assessed else "not_screened"}
            data.cases.append(Unit(quarter, association, keys(), codes))
            # A closure recorded in the quarter or the next one; sessions, follow-ups and referrals likewise.
            later = quarters[min(index + draws.below(2), len(quarters) - 1)]
            if draws.chance(0.7):
                data.closures.append(Unit(later, association, keys(),
                                          {"outcome": pick(outcomes, outcome_cumulative)}))
            for _ in range(draws.below(7)):
                data.sessions.append(Unit(quarter, association, keys(),
                                          {"type": pick(SESSION_TYPES, session_cumulative)}))
            for point in FOLLOW_UP_POINTS:
                if draws.chance(0.15):
                    result = FOLLOW_UP_RESULTS[min(3, int(4 * draws.random() ** 1.8))]
                    data.follow_ups.append(Unit(later, association, keys(),
                                                {"point": point, "result": result}))
            if draws.chance(0.12):
                destination = DESTINATION_GROUPS[min(5, int(6 * draws.random() ** 1.5))]
                data.referrals.append(Unit(quarter, association, keys(), {"destination": destination}))
    # Positive-parenting cycles and family-space activities (ST50), drawn after every case so that the
    # case tables' populations stay as they were: one cycle per 100 cases of an association, of 8 to 15
    # enrolments counted in the quarter it finished, and one activity per 25 cases of 1 to 120 people.
    theme_cumulative = list(accumulate(range(len(THEME_GROUPS), 0, -1)))  # the first themes the most common
    for association, share in enumerate(plan, start=1):
        for _ in range(max(1, share.cases // 100)):
            index = draws.below(span)
            if index >= len(quarters) or not draws.chance(population.keep):
                continue
            for _ in range(draws.between(8, 15)):
                if draws.chance(0.15):
                    continue  # never came: not counted
                data.enrolments.append(Unit(quarters[index], association, keys(), {
                    "participation": PARTICIPATIONS[int(draws.chance(0.6))],
                    "sex": SEXES[0 if draws.chance(0.7) else 1 if draws.chance(0.9) else 2]}))
        for _ in range(max(1, share.cases // 25)):
            index = draws.below(span)
            if index >= len(quarters) or not draws.chance(population.keep):
                continue
            data.activities.append(Unit(quarters[index], association, keys(), {
                "theme": pick(THEME_GROUPS, theme_cumulative), "people": draws.between(1, 120)}))
    return data
