"""The linear attack of docs/statistics.md, ST16, shared by the release gate and its test (ST26).

An attacker holds a release and the four before it. Every published cell bounds a sum of true
counts: `<10` in [0, 9], a published 10 in [10, 14], a published v >= 15 in [v - 4, v + 4], a
withheld total (`x` in a table whose other cells are published) >= 10, and a withheld table
nothing. The unknowns are the counts of the full cross-classification of each population
(quarter x region group x issue group x youngest-child band x DV screening for cases; quarter x
outcome group for closures; quarter x session type for sessions; quarter x follow-up point x result
for follow-ups; quarter x destination group for referrals, docs/statistics.md, ST34; quarter x participation x sex
for enrolments, ST35; quarter x measure x theme group for activities, ST38), so every relation between
tables is implied: line totals, T1 and T2 splitting the same cases, and each annual T4/T5 line
equal to the sum of the year's quarterly cells, exactly (the attacker's best case).

For each `<10` target the attacker's range is [min, max] of its true count over that polytope
(scipy.optimize.linprog, HiGHS), and ⌊max⌋ - ⌈min⌉ + 1 is the number of values left. A range
of 5 or 6 is re-solved over the integers (scipy.optimize.milp), which can only narrow it.

Versions of one period (a release and its corrections, docs/statistics.md, ST30) are separate
populations: an earlier version's cells count their own unknowns (its quarters carry a version tag),
and a `Link` bounds the difference between the same cell in two versions (|a - b| <= slack), the
attacker's belief that a correction changed only a few units per cell.

Two exact reductions keep this cheap: unknowns that lie in exactly the same published cells are
one unknown (a sum of non-negative integers can be any non-negative integer), and each target
is solved over the connected block of cells that share unknowns with it only.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from mediation.statistics.catalogue import DEFAULT_REGION_GROUPS, TABLES, table_spec_for
from mediation.statistics.disclosure import BELOW_THRESHOLD, ROUNDING_BASE, THRESHOLD, TOTAL_CODE, WITHHELD

MIN_POSSIBLE_VALUES = 5  # D5 pass condition
_EPS = 1e-6

# The finest code list of each variable that any release can publish. Region cells are unions
# of the 10 default groups (a merged group's code is its members joined with "+").
_REGION_CODES = tuple(code for code, _ in DEFAULT_REGION_GROUPS)
POPULATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "case": {"region_group": _REGION_CODES,
             "issue_group": TABLES["T2"].dimensions[0].codes,
             "youngest_child_band": TABLES["T4"].dimensions[0].codes,
             "dv_screening": TABLES["T5"].dimensions[0].codes},
    "closure": {"outcome_group": TABLES["T3"].dimensions[0].codes},
    "session": {"session_type": TABLES["T6"].dimensions[0].codes},
    # docs/statistics.md, ST34: populations of their own, linked to no other table.
    "follow_up": {"follow_up_point": TABLES["T7"].dimensions[0].codes,
                  "follow_up_result": TABLES["T7"].dimensions[1].codes},
    "referral": {"destination_group": TABLES["T8"].dimensions[0].codes},
    # docs/statistics.md, ST35, ST38: enrolments and activities, linked to no other table. T10's two measures
    # are disjoint unknowns (an activity and the people present at it are not the same units).
    "enrolment": {"parenting_participation": TABLES["T9"].dimensions[0].codes,
                  "sex": TABLES["T9"].dimensions[1].codes},
    "activity": {"activity_measure": TABLES["T10"].dimensions[0].codes,
                 "activity_theme_group": TABLES["T10"].dimensions[1].codes},
}


@dataclass(frozen=True)
class Cell:
    """One published cell as the attacker reads it: which units it sums and what it says."""

    release_id: str
    table_id: str
    code: str
    population: str
    quarters: frozenset[str]  # "2025-Q3"; an annual cell covers the year's four quarters
    filters: tuple[tuple[str, frozenset[str]], ...]  # (dimension id, codes); others are summed over
    low: float
    high: float  # math.inf for a withheld total
    period: str = ""  # "2025-Q3" or "2025", whatever the version
    version: int = 0  # 0: the latest version of its period (its quarters carry no tag)

    @property
    def below_threshold(self) -> bool:
        return self.high == THRESHOLD - 1


def interval(value: str, *, withheld_total: bool = False) -> tuple[float, float] | None:
    """The true-count range a published value allows; None for a cell that says nothing."""
    if value == BELOW_THRESHOLD:
        return 0, THRESHOLD - 1
    if value == WITHHELD:
        return (THRESHOLD, math.inf) if withheld_total else None
    number = int(value)
    if number == THRESHOLD:
        return THRESHOLD, THRESHOLD + ROUNDING_BASE - 1
    return number - (ROUNDING_BASE - 1), number + (ROUNDING_BASE - 1)


@dataclass(frozen=True)
class Link:
    """The same cell in two versions of a period: their true counts differ by at most `slack`."""

    a: Cell
    b: Cell
    slack: int


def _quarters(period: str, version: int = 0) -> frozenset[str]:
    tag = f"~v{version}" if version else ""
    quarters = [period] if "-Q" in period else [f"{period}-Q{q}" for q in range(1, 5)]
    return frozenset(quarter + tag for quarter in quarters)


def table_cells(release_id: str, table_id: str, period: str, rows: list[tuple[str, str]], *, version: int = 0,
                readings: dict[str, tuple[float, float]] | None = None) -> list[Cell]:
    """The attacker's cells of one published table: rows of (code, published value).

    `version` > 0 marks an earlier version of its period (its own unknowns). `readings` gives the
    range a rule-aware attacker reads into a cell a correction withheld (versions.py)."""
    inner = [(code, value) for code, value in rows if code != TOTAL_CODE]
    if not inner:
        return []
    spec = table_spec_for(table_id, inner[0][0].count("|") + 1)
    if spec.unit not in POPULATIONS:
        raise KeyError(f"{table_id}: no population {spec.unit!r}")
    population = spec.unit
    # A withheld table is all `x`; a withheld total beside published cells was >= 10 (remedy 1
    # only ever withholds a total published as a number).
    table_withheld = all(value == WITHHELD for _, value in inner)
    cells = []
    for code, value in rows:
        bounds = (readings or {}).get(code) or interval(value, withheld_total=code == TOTAL_CODE and not table_withheld)
        if bounds is None:
            continue
        filters = () if code == TOTAL_CODE else tuple(
            (dim.id, frozenset(part.split("+")) if dim.id == "region_group" else frozenset([part]))
            for dim, part in zip(spec.dimensions, code.split("|"), strict=True))
        cells.append(Cell(release_id, table_id, code, population, _quarters(period, version), filters, *bounds,
                          period=period, version=version))
    return cells


@dataclass
class _Block:
    """The cells of one population as a 0/1 matrix over merged unknowns."""

    cells: list[Cell]
    matrix: np.ndarray  # rows: the cells, then one row (a - b) per link; columns: unknowns
    component: np.ndarray  # component label per row


def _block(cells: list[Cell], links: list[Link] = ()) -> _Block:
    population = POPULATIONS[cells[0].population]
    quarters = sorted(set().union(*(cell.quarters for cell in cells)))
    axes = [quarters, *population.values()]
    names = ["quarter", *population]

    def row(cell: Cell) -> np.ndarray:
        allowed = dict(cell.filters)
        allowed["quarter"] = cell.quarters
        masks = [np.array([code in allowed[name] for code in axis]) if name in allowed else np.ones(len(axis), bool)
                 for name, axis in zip(names, axes, strict=True)]
        return functools.reduce(np.multiply.outer, masks).ravel()

    rows = {cell: row(cell) for cell in cells}
    full = np.array([rows[cell].astype(np.int8) for cell in cells]
                    + [rows[link.a].astype(np.int8) - rows[link.b] for link in links], dtype=np.int8)
    used = full[:, (full != 0).any(axis=0)]
    # Unknowns with the same coefficient in every row merge into one (exact for LP and for integers
    # alike). Columns compared as packed bytes: far cheaper than np.unique(axis=1).
    packed = np.ascontiguousarray(np.packbits(np.vstack([used > 0, used < 0]), axis=0).T)
    _, first = np.unique(packed.view(np.dtype((np.void, packed.shape[1]))).ravel(), return_index=True)
    matrix = used[:, np.sort(first)].astype(float)
    touching = (np.abs(matrix) @ np.abs(matrix).T) > 0
    _, component = connected_components(touching, directed=False)
    return _Block(cells, matrix, component)


class _Polytope:
    """{x >= 0: low <= matrix x <= high} of one connected block, built once for all its targets."""

    def __init__(self, matrix: np.ndarray, low: np.ndarray, high: np.ndarray):
        self.matrix, self.low, self.high = matrix, low, high
        # x >= 0 and a 0/1 row make a lower bound of 0 redundant: only the others (and every link
        # row, whose coefficients include -1) become rows.
        upper = np.isfinite(high)
        lower = (low > 0) | ((matrix < 0).any(axis=1) & np.isfinite(low))
        self.a_ub = csr_matrix(np.vstack([matrix[upper], -matrix[lower]]))
        self.b_ub = np.concatenate([high[upper], -low[lower]])

    def optimum(self, objective: np.ndarray, sign: int) -> np.ndarray | None:
        """A point minimising (sign=1) or maximising (sign=-1) objective.x; None if infeasible."""
        result = linprog(sign * objective, A_ub=self.a_ub, b_ub=self.b_ub, bounds=(0, None), method="highs")
        return result.x if result.status == 0 else None

    def integer_end(self, row: int, sign: int) -> float | None:
        """The integer optimum of row.x (min for sign=1, max for sign=-1); None if infeasible."""
        result = milp(sign * self.matrix[row], constraints=LinearConstraint(self.matrix, self.low, self.high),
                      integrality=np.ones(self.matrix.shape[1]), bounds=Bounds(0, np.inf))
        return sign * result.fun if result.status == 0 else None


def _integral(point: np.ndarray) -> bool:
    return bool(np.all(np.abs(point - np.round(point)) <= _EPS))


@dataclass
class _End:
    """One end (min or max) of a target's range: the best value seen, and whether it is known exact."""

    value: float
    exact: bool = False
    integral: bool = False  # attained at an integer point: the integer optimum is the same


def _ranges(polytope: _Polytope, targets: list[int]) -> dict[int, tuple[_End, _End]] | None:
    """The LP range ends of each target row; None if the block is infeasible.

    A target's own cell bounds it to [0, 9]. One LP maximising the sum of the targets not yet
    seen at 9 (and one minimising the sum of those not yet seen at 0) usually puts most of them
    at these ends at once, and a target seen at its own bound has that end exactly. Only the
    others are solved one by one, so the answer is exact while most blocks cost a few LPs.
    """
    bound = {1: 0.0, -1: float(THRESHOLD - 1)}
    ends = {sign: {t: _End(math.inf * sign) for t in targets} for sign in (1, -1)}

    def see(point: np.ndarray) -> None:
        integral = _integral(point)
        for t, value in zip(targets, polytope.matrix[targets] @ point, strict=True):
            for sign in (1, -1):
                end = ends[sign][t]
                if sign * value < sign * end.value - _EPS or (abs(value - end.value) <= _EPS and integral):
                    end.value, end.integral = value, integral or end.integral and abs(value - end.value) <= _EPS
                if abs(end.value - bound[sign]) <= _EPS:
                    end.exact = True

    for sign in (-1, 1):
        for _ in range(3):
            open_targets = [t for t in targets if not ends[sign][t].exact]
            if not open_targets:
                break
            point = polytope.optimum(polytope.matrix[open_targets].sum(axis=0), sign)
            if point is None:
                return None
            see(point)
            if all(not ends[sign][t].exact for t in open_targets):
                break
        for t in targets:
            if not ends[sign][t].exact:
                point = polytope.optimum(polytope.matrix[t], sign)
                if point is None:
                    return None
                see(point)
                end = ends[sign][t]
                end.value, end.exact, end.integral = float(polytope.matrix[t] @ point), True, _integral(point)
    return {t: (ends[1][t], ends[-1][t]) for t in targets}


def possible_values(low: float, high: float) -> int:
    return math.floor(high + _EPS) - math.ceil(low - _EPS) + 1


@dataclass(frozen=True)
class Narrowing:
    cell: Cell
    values: int | None  # how many true counts the attacker cannot rule out; None: the window is infeasible
    low: float = math.nan  # the attacker's range for the true count
    high: float = math.nan


def attack(window: list[Cell], targets: list[Cell], *, linked_to: list[Cell] | None = None,
           links: list[Link] = ()) -> list[Narrowing]:
    """How far the attacker holding `window` (and believing `links`) narrows each `<10` cell among `targets`.

    With `linked_to`, only targets sharing unknowns with one of those cells are solved: the
    others are no narrower than when they were released (a later release can only tighten the
    cells it is linked to).
    """
    results = []
    wanted_cells = set(targets)
    linked = set(linked_to) if linked_to is not None else None
    by_population: dict[str, list[Cell]] = {}
    for cell in window:
        by_population.setdefault(cell.population, []).append(cell)
    in_window = set(window)
    for cells in by_population.values():
        wanted = [i for i, cell in enumerate(cells) if cell in wanted_cells and cell.below_threshold]
        if not wanted:
            continue
        mine_links = [link for link in links if link.a.population == cells[0].population
                      and link.a in in_window and link.b in in_window]
        block = _block(cells, mine_links)
        if linked is not None:
            reached = {block.component[i] for i, cell in enumerate(cells) if cell in linked}
            wanted = [i for i in wanted if block.component[i] in reached]
        low = np.array([cell.low for cell in cells] + [-link.slack for link in mine_links], dtype=float)
        high = np.array([cell.high for cell in cells] + [link.slack for link in mine_links], dtype=float)
        for component in np.unique(block.component[wanted]):
            members = np.flatnonzero(block.component == component)
            sub = block.matrix[members]
            polytope = _Polytope(sub[:, sub.any(axis=0)], low[members], high[members])
            position = {int(index): p for p, index in enumerate(members)}
            mine = [index for index in wanted if block.component[index] == component]
            ranges = _ranges(polytope, [position[index] for index in mine])
            for index in mine:
                if ranges is None:
                    results.append(Narrowing(cells[index], None))
                    continue
                row = position[index]
                low_end, high_end = ranges[row]
                bounds = [low_end.value, high_end.value]
                if possible_values(*bounds) in (MIN_POSSIBLE_VALUES, MIN_POSSIBLE_VALUES + 1):
                    # Integers can only narrow it; an end attained at an integer point stays.
                    for side, (sign, end) in enumerate(((1, low_end), (-1, high_end))):
                        if not end.integral:
                            bounds[side] = polytope.integer_end(row, sign)
                    if None in bounds:
                        results.append(Narrowing(cells[index], None))
                        continue
                results.append(Narrowing(cells[index], possible_values(*bounds), *bounds))
    return results
