"""The shapes of the own-association report: figures, counted sections and rate tables.

Only codes, labels and counts live here: nothing that could name a person or a case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from mediation.statistics.own_report.quarters import Quarter


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator as a percentage with one decimal; None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PlaceName:
    """A service point's name, read in the reader's language when shown."""

    code: str
    name_ar: str
    name_fr: str

    def __str__(self) -> str:
        from mediation.core.i18n import current_language

        return f"{self.code} · {self.name_ar if current_language() == 'ar' else self.name_fr}"


@dataclass(frozen=True)
class JoinedLabel:
    """Two labels of a crossed row (sex and age band), joined when shown."""

    parts: tuple

    def __str__(self) -> str:
        return " · ".join(str(part) for part in self.parts)


@dataclass
class Row:
    code: str
    label: object  # lazy string or PlaceName: translated when rendered
    count: int
    hours: Decimal | None = None


@dataclass
class Section:
    code: str  # also the XLSX sheet name: short, ASCII
    title: object
    rows: list[Row]
    hours: bool = False  # the section has an hours column
    # False when one thing may fall in several rows (e.g. a decision listing two adaptations):
    # then a total would count it twice, so none is shown.
    totalled: bool = True

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def total_hours(self) -> Decimal | None:
        return sum((row.hours for row in self.rows), Decimal("0.0")) if self.hours else None


@dataclass
class Figure:
    code: str
    label: object
    value: int | Decimal | None  # None: not available (no data in the quarter)
    unit: str = "count"  # "count", "percent" or "days"
    # A percentage shows what it was computed from.
    numerator: int | None = None
    denominator: int | None = None
    # False: the system does not record what this indicator needs; said so, never guessed.
    recorded: bool = True


def rate_figure(code: str, label, numerator: int, denominator: int) -> Figure:
    return Figure(code, label, percent(numerator, denominator), "percent", numerator, denominator)


def not_recorded(code: str, label) -> Figure:
    return Figure(code, label, None, recorded=False)


@dataclass
class RateRow:
    code: str
    label: object
    base: int  # the denominator of every rate of the row
    counts: dict[str, int]

    def percent(self, column: str) -> Decimal | None:
        return percent(self.counts.get(column, 0), self.base)


@dataclass
class RateTable:
    """Rows with a denominator and several counts out of it, each shown with its percentage."""

    code: str  # also the XLSX sheet name
    title: object
    base_label: object
    columns: list[tuple[str, object]]  # (code, label) of each counted column
    rows: list[RateRow]

    @property
    def total(self) -> RateRow:
        from flask_babel import lazy_gettext as _l

        counts = {code: sum(row.counts.get(code, 0) for row in self.rows) for code, _label in self.columns}
        return RateRow("total", _l("Total"), sum(row.base for row in self.rows), counts)


@dataclass
class Report:
    association_id: int
    quarter: Quarter
    figures: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    rate_tables: list[RateTable] = field(default_factory=list)
