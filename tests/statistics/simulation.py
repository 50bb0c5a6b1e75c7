"""In-memory microdata for the release gate tests (docs/statistics.md, section 8), no database.

Units are tuples over the code lists; `tabulate` groups them as aggregate.py's GROUP BY would, so
`publish_period` sees exactly what a build would hand it. A run builds consecutive releases as the
register would (quarters, and the annual release after the year's fourth quarter), each gated
against the four releases before it.
"""

from __future__ import annotations

import random  # allowed in tests: S25 and the architecture test cover mediation/ only
from dataclasses import dataclass, field

from mediation.statistics.catalogue import TABLES
from mediation.statistics.cells import CellStats
from mediation.statistics.geography import groups_from_prior_year
from mediation.statistics.period import Publication, Tabulation, publish_period, release_cells

REGIONS = tuple(f"MA-{i:02d}" for i in range(1, 13))
ISSUES = TABLES["T2"].dimensions[0].codes
BANDS = TABLES["T4"].dimensions[0].codes
DV = TABLES["T5"].dimensions[0].codes
OUTCOMES = TABLES["T3"].dimensions[0].codes
SESSION_TYPES = TABLES["T6"].dimensions[0].codes


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


def _cells(units, quarters, names) -> dict:
    cells: dict = {}
    for unit in units:
        if unit.quarter in quarters:
            cells.setdefault(tuple(unit.codes[n] for n in names), CellStats()).add(1, unit.key, unit.association)
    return cells


def tabulate(data: Microdata, year: int, quarter: int | None) -> Tabulation:
    if quarter:
        q = {f"{year}-Q{quarter}"}
        return Tabulation(year, quarter, {
            "T1": _cells(data.cases, q, ("region",)), "T2": _cells(data.cases, q, ("issue",)),
            "T3": _cells(data.closures, q, ("outcome",)), "T6": _cells(data.sessions, q, ("type",))})
    quarters = {f"{year}-Q{i}" for i in range(1, 5)}
    prior = sum(1 for unit in data.cases if unit.quarter.startswith(f"{year - 1}-"))
    return Tabulation(year, None, {"T4": _cells(data.cases, quarters, ("band", "issue")),
                                   "T5": _cells(data.cases, quarters, ("dv", "region"))}, prior_year_cases=prior)


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
    return data


@dataclass
class Release:
    release_id: str
    publication: Publication
    cells: list  # the attacker's cells (attack.Cell)


def run_releases(data: Microdata, release_ids: list[str]) -> list[Release]:
    """Build the releases in order, each gated against the four before it."""
    done: list[Release] = []
    groups_by_year: dict[int, tuple] = {}
    for release_id in release_ids:
        year, _, q = release_id.partition("Q")
        year, quarter = int(year), int(q) if q else None
        if year not in groups_by_year:
            prior = _cells(data.cases, {f"{year - 1}-Q{i}" for i in range(1, 5)}, ("region",))
            groups_by_year[year] = groups_from_prior_year(prior)
        window = done[-4:]
        publication = publish_period(tabulate(data, year, quarter), groups_by_year[year],
                                     [cell for r in window for cell in r.cells], release_id=release_id,
                                     window=[r.release_id for r in window])
        groups_by_year[year] = publication.groups  # a merge holds for the rest of the year
        done.append(Release(release_id, publication, release_cells(release_id, publication.tables)))
    return done
