"""Disclosure control for the ministry's tables: threshold, keyed rounding, association rule.

docs/statistics.md, ST9-ST12 (cell values) and ST13 (association rule). Pure functions with
no database and no Flask, so the properties D1, D2 and D7 can be tested
exhaustively. A PublishedTable holds published strings only: true counts,
cell keys and per-association contributions never leave this module.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from mediation.statistics.catalogue import TableSpec
from mediation.statistics.cells import KEY_MODULUS, CellStats

THRESHOLD = 10
ROUNDING_BASE = 5
ASSOCIATION_MIN = 3
ASSOCIATION_TOP2_MAX = 0.90
TOTAL_MIN_LINE = 5

# Written into every file's metadata (docs/statistics.md, ST17). The share is a string: the JSON files
# hold no floats, and "0.90" is the exact published parameter.
PARAMETERS = {
    "threshold": THRESHOLD,
    "rounding_base": ROUNDING_BASE,
    "key_modulus": KEY_MODULUS,
    "association_min": ASSOCIATION_MIN,
    "association_top2_max": "0.90",
    "total_min_line": TOTAL_MIN_LINE,
}
# Exact arithmetic for the dominance test: a float 0.9 would misjudge 9/10 at the boundary.
_TOP2_MAX = Fraction(PARAMETERS["association_top2_max"])
assert float(_TOP2_MAX) == ASSOCIATION_TOP2_MAX

BELOW_THRESHOLD = "<10"
WITHHELD = "x"
NOT_AVAILABLE = ".."
MARKERS = (BELOW_THRESHOLD, WITHHELD, NOT_AVAILABLE)

# The total row of a 1-D table. Fixed strings, like the catalogue's labels.
TOTAL_CODE = "total"
TOTAL_LABEL_FR = "Total"
TOTAL_LABEL_AR = "المجموع"

# Table-level notes added by publish_table (fixed strings, copied into the metadata).
NOTE_TABLE_WITHHELD = ("Tableau retenu pour cette période (contrôle de divulgation) : toutes les valeurs sont « x »."
                       " / جدول محجوب لهذه الفترة (مراقبة الإفصاح): كل القيم « x ».")
NOTE_TOTAL_WITHHELD = ("Total retenu (contrôle de divulgation) : sa valeur est « x »."
                       " / مجموع محجوب (مراقبة الإفصاح): قيمته « x ».")
NOTE_CELLS_WITHHELD = ("Correction : les valeurs qui franchissent le seuil de 10 entre deux versions sont retenues"
                       " (« x »). / تصحيح: حُجبت القيم التي تتجاوز عتبة 10 بين نسختين (« x »).")


class DisclosureError(ValueError):
    """Publishing would break a rule of docs/statistics.md; the build must stop, not publish."""


def publish(n: int, cell_key: int) -> str:
    """The published value of a cell with true count n and key cell_key (docs/statistics.md, ST11)."""
    if n < 0 or not 0 <= cell_key < KEY_MODULUS:
        raise ValueError("count must be >= 0 and cell key in 0..255")
    if n < THRESHOLD:
        return BELOW_THRESHOLD  # 0-9 alike: true zeros cannot be told apart
    r = n % ROUNDING_BASE
    if r == 0:
        return str(n)
    up = cell_key * ROUNDING_BASE < r * KEY_MODULUS  # P(up) = ceil(256 r / 5) / 256, about r/5
    return str(n - r + ROUNDING_BASE if up else n - r)


def _number(value: str) -> int | None:
    # Published counts are plain decimal strings; anything else is a marker.
    return int(value) if value.isascii() and value.isdigit() else None


def percentage(value: str, total: str) -> str:
    """round(100 * value / total), half up, from published values only (docs/statistics.md, ST12); ".." otherwise."""
    a, b = _number(value), _number(total)
    if a is None or b is None or b == 0:
        return NOT_AVAILABLE
    # Integer arithmetic: floor(100a/b + 1/2) is "half up" with no float rounding surprises.
    return str((200 * a + b) // (2 * b))


def passes_association_rule(stats: CellStats) -> bool:
    """NK(2, 90 %) on associations (docs/statistics.md, ST13): >= 3 contributors and the top two <= 90 % of the cell."""
    if stats.count < THRESHOLD:
        return True  # published as "<10" anyway
    contributions = sorted((c for c in stats.by_association.values() if c > 0), reverse=True)
    if len(contributions) < ASSOCIATION_MIN:
        return False
    return Fraction(sum(contributions[:2]), stats.count) <= _TOP2_MAX


@dataclass(frozen=True)
class PublishedRow:
    codes: tuple[str, ...]
    labels_fr: tuple[str, ...]
    labels_ar: tuple[str, ...]
    value: str  # "<10", "x" or a multiple of 5 >= 10
    pct: str | None  # integer string or "..", None when the table has no pct column


@dataclass(frozen=True)
class PublishedTable:
    spec: TableSpec
    period: str  # "YYYY-Qn" or "YYYY"
    rows: list[PublishedRow]  # the full grid, in the code lists' order
    total: PublishedRow | None
    notes: tuple[str, ...]

    @property
    def has_pct(self) -> bool:
        return bool(self.rows) and self.rows[0].pct is not None


def total_allowed(spec: TableSpec) -> bool:
    """A total only closes lines of >= 5 inner cells, and 2-D tables carry no margins (docs/statistics.md, ST7).

    A 2-D table's grand total is refused as well: the catalogue has none, and
    with no margins published it would only add a relation for a linear attack.
    """
    return spec.total and len(spec.dimensions) == 1 and len(spec.dimensions[0].codes) >= TOTAL_MIN_LINE


def publish_table(
    spec: TableSpec,
    period: str,
    cells: dict[tuple[str, ...], CellStats],
    total: CellStats | None,
    *,
    with_pct: bool = False,
    withheld: bool = False,
    withhold_total: bool = False,
    withheld_cells: frozenset[tuple[str, ...]] = frozenset(),
) -> PublishedTable:
    """Publish a table on its full grid (docs/statistics.md, ST10-ST12).

    Missing cells are true zeros and come out as "<10", so a missing row never
    signals zero. `withheld` is the gate's second remedy (every cell "x"),
    `withhold_total` its first (the total "x"); `withheld_cells` are the cells a correction
    withholds (docs/statistics.md, ST30). Raises DisclosureError if a
    cell of a regional table fails the association rule: the geography must
    be merged (docs/statistics.md, ST14) before publishing, never after. (The rule on a national
    table's whole population is the caller's check: it needs no table.)
    """
    grid = list(itertools.product(*(dimension.codes for dimension in spec.dimensions)))
    unknown = set(cells) - set(grid)
    if unknown:
        # A unit outside the code lists would silently vanish from the table.
        raise DisclosureError(f"{spec.id}: {len(unknown)} cell(s) outside the code lists")
    if spec.regional and not withheld:
        failing = sum(1 for stats in cells.values() if not passes_association_rule(stats))
        if failing:
            raise DisclosureError(f"{spec.id}: {failing} cell(s) fail the association rule")

    def value_of(stats: CellStats | None) -> str:
        stats = stats or CellStats()
        return WITHHELD if withheld else publish(stats.count, stats.cell_key)

    notes = []
    total_row = None
    if total_allowed(spec) and total is not None:
        total_value = WITHHELD if withhold_total else value_of(total)
        if withhold_total and not withheld:
            notes.append(NOTE_TOTAL_WITHHELD)
        total_row = PublishedRow((TOTAL_CODE,), (TOTAL_LABEL_FR,), (TOTAL_LABEL_AR,), total_value, None)
    if withheld:
        notes.append(NOTE_TABLE_WITHHELD)
    elif withheld_cells:
        notes.append(NOTE_CELLS_WITHHELD)

    pct = with_pct and total_row is not None  # only 1-D tables ever get a total row
    rows = []
    for codes in grid:
        value = WITHHELD if codes in withheld_cells else value_of(cells.get(codes))
        rows.append(PublishedRow(
            codes=codes,
            labels_fr=tuple(dim.labels_fr[code] for dim, code in zip(spec.dimensions, codes, strict=True)),
            labels_ar=tuple(dim.labels_ar[code] for dim, code in zip(spec.dimensions, codes, strict=True)),
            value=value,
            pct=percentage(value, total_row.value) if pct else None,
        ))
    if pct:
        total_row = PublishedRow(total_row.codes, total_row.labels_fr, total_row.labels_ar,
                                 total_row.value, percentage(total_row.value, total_row.value))
    return PublishedTable(spec, period, rows, total_row, tuple(notes))
