"""Corrections that cannot be differenced, and the gate window by linkage (docs/statistics.md, ST30-ST32). Pure.

A correction is a new version of a period already released. An attacker holding both versions
knows the two populations differ by a few units per cell (a case closed as opened in error, a
late record), so the gate models them as separate populations whose cells differ by at most
`CORRECTION_UNITS` (`Link`s in attack.py). What the earlier versions published is the frame a
correction stays inside (`Baseline`): their geography, their tables, their withheld totals and
tables, and no cell that crosses the threshold between versions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from mediation.statistics.attack import Cell, Link, table_cells
from mediation.statistics.codes import CorrectionReason
from mediation.statistics.disclosure import BELOW_THRESHOLD, THRESHOLD, TOTAL_CODE, WITHHELD, PublishedTable
from mediation.statistics.geography import Groups

CORRECTION_UNITS = 3  # the default of the setting STATISTICS_CORRECTION_UNITS (docs/statistics.md, ST30)
CALENDAR_BEFORE = 4  # docs/statistics.md, ST32: the four releases before the new one in calendar order

# A correction's note in its files: one fixed sentence per reason, in French and Arabic (docs/statistics.md, ST31).
CORRECTION_NOTES = {
    CorrectionReason.DATA_ENTRY_ERROR: "Version corrigée de cette période : erreur de saisie."
                                       " / نسخة مصححة لهذه الفترة: خطأ في الإدخال.",
    CorrectionReason.LATE_RECORDS: "Version corrigée de cette période : enregistrements tardifs."
                                   " / نسخة مصححة لهذه الفترة: تسجيلات متأخرة.",
    CorrectionReason.OPENED_IN_ERROR: "Version corrigée de cette période : dossiers ouverts par erreur."
                                      " / نسخة مصححة لهذه الفترة: ملفات فُتحت عن طريق الخطأ.",
    CorrectionReason.METHOD_CHANGE: "Version corrigée de cette période : changement de méthode."
                                    " / نسخة مصححة لهذه الفترة: تغيير في المنهجية.",
}


@dataclass(frozen=True)
class StoredTable:
    """One table of a stored version as the files show it: (code, value) rows, the total last if any."""

    table_id: str
    rows: tuple[tuple[str, str], ...]
    one_dimensional: bool  # a T4/T5 published in its national fallback form

    @property
    def withheld(self) -> bool:
        return all(value == WITHHELD for code, value in self.rows if code != TOTAL_CODE)

    @property
    def total(self) -> str | None:
        return next((value for code, value in self.rows if code == TOTAL_CODE), None)


@dataclass(frozen=True)
class Baseline:
    """What the earlier versions of a period published (oldest first): a correction's frame."""

    groups: Groups  # the original's geography, reused as it is
    versions: tuple[dict[str, StoredTable], ...]

    @property
    def original(self) -> dict[str, StoredTable]:
        return self.versions[0]

    def tables(self) -> frozenset[str]:
        return frozenset(self.original)

    def national(self) -> frozenset[str]:
        return frozenset(t for t, table in self.original.items() if table.one_dimensional and t in ("T4", "T5"))

    def withheld_tables(self) -> frozenset[str]:
        return frozenset(t for version in self.versions for t, table in version.items() if table.withheld)

    def withheld_totals(self) -> frozenset[str]:
        return frozenset(t for version in self.versions for t, table in version.items() if table.total == WITHHELD)

    def without_total(self) -> frozenset[str]:
        return frozenset(t for t, table in self.original.items() if table.total is None)

    def earlier_values(self, table_id: str, code: str) -> list[str]:
        return [dict(version[table_id].rows).get(code, WITHHELD) for version in self.versions if table_id in version]


def crosses(earlier: Iterable[str], new: str) -> bool:
    """A cell publishing `<10` in one version and a number in another: the difference pins it."""
    return new != WITHHELD and any(value != WITHHELD and (value == BELOW_THRESHOLD) != (new == BELOW_THRESHOLD)
                                   for value in earlier)


@dataclass
class Frame:
    """What a correction must withhold, found by comparing its tables with the earlier versions."""

    cells: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # table id -> codes withheld
    tables: set[str] = field(default_factory=set)

    def compare(self, baseline: Baseline, tables: list[PublishedTable]) -> bool:
        """Add what `tables` must withhold; True if anything was added."""
        grew = False
        for table in tables:
            if table.spec.id in self.tables:
                continue
            if table.total is not None and crosses(baseline.earlier_values(table.spec.id, TOTAL_CODE),
                                                   table.total.value):
                # A withheld total beside published cells would be read as the crossing itself.
                self.tables.add(table.spec.id)
                grew = True
                continue
            held = self.cells.setdefault(table.spec.id, set())
            for row in table.rows:
                earlier = baseline.earlier_values(table.spec.id, "|".join(row.codes))
                if row.codes not in held and (WITHHELD in earlier or crosses(earlier, row.value)):
                    held.add(row.codes)
                    grew = True
        return grew


def crossing_readings(earlier: list[list[tuple[str, str]]], rows: list[tuple[str, str]]) -> dict:
    """What a rule-aware attacker reads into the inner cells a correction withheld.

    The rule is public: an `x` beside published cells of a correction means the cell crossed the
    threshold. If every earlier version published it `<10`, it is now 10 or more; if every one
    published a number, it is now below 10; otherwise (earlier `x`, or versions on both sides)
    it says nothing."""
    if all(value == WITHHELD for code, value in rows if code != TOTAL_CODE):
        return {}
    readings = {}
    for code, value in rows:
        if code == TOTAL_CODE or value != WITHHELD:
            continue
        before = [dict(version).get(code, WITHHELD) for version in earlier]
        if before and all(v == BELOW_THRESHOLD for v in before):
            readings[code] = (THRESHOLD, math.inf)
        elif before and all(v not in (WITHHELD, BELOW_THRESHOLD) for v in before):
            readings[code] = (0, THRESHOLD - 1)
    return readings


def version_links(cells: list[Cell], units: int) -> list[Link]:
    """Every pair of versions of a period, cell by cell: their true counts differ by at most `units`.

    A pair whose published ranges are already further apart than `units` tells the attacker that
    more changed there, so that pair is not linked (the attacker's belief would be refuted)."""
    by_cell: dict[tuple, list[Cell]] = {}
    for cell in cells:
        by_cell.setdefault((cell.population, cell.table_id, cell.code, cell.period), []).append(cell)
    links = []
    for same in by_cell.values():
        for i, a in enumerate(same):
            for b in same[i + 1:]:
                if a.version != b.version and a.low - units <= b.high and b.low - units <= a.high:
                    links.append(Link(a, b, units))
    return links


# --- The gate window by linkage --------------------------------------------------------------------

def calendar_key(period: str) -> tuple[int, int]:
    """Calendar order by the period's end: 2025-Q1 < ... < 2025-Q4 < 2025 < 2026-Q1."""
    year, _, quarter = period.partition("-Q")
    return int(year), int(quarter) if quarter else 5


def linkage_window(period: str, periods: Iterable[str]) -> list[str]:
    """The periods an attacker combines with a new release of `period` (docs/statistics.md, ST32).

    Its own period (every version), the quarters and annual release of its year, and the four
    periods before it in calendar order, whatever order they were built in."""
    known = sorted(set(periods), key=calendar_key)
    year = period.partition("-Q")[0]
    before = [p for p in known if calendar_key(p) < calendar_key(period)][-CALENDAR_BEFORE:]
    same_year = [p for p in known if p.partition("-Q")[0] == year]
    return sorted(set(before) | set(same_year) | ({period} & set(known)), key=calendar_key)



@dataclass(frozen=True)
class StoredRelease:
    """A release of the register as the attacker holds it."""

    release_id: str
    period: str
    version: int
    tables: dict[str, StoredTable]


def window_cells(period: str, stored: Iterable[StoredRelease]) -> tuple[list[str], list[Cell]]:
    """The attacker's cells of the releases linked to a new release of `period` (docs/statistics.md, ST32).

    Every version of every period in the window: the latest version of another period is the one
    its relations hold with (no version tag); every other version is a population of its own,
    linked cell by cell to the others of its period (ST30). Every stored version of `period` is
    earlier than the new release. A correction's withheld cells are read as the rule implies.
    """
    stored = list(stored)
    periods = set(linkage_window(period, (release.period for release in stored)))
    versions: dict[str, list[StoredRelease]] = {}
    for release in sorted(stored, key=lambda r: r.version):
        if release.period in periods:
            versions.setdefault(release.period, []).append(release)
    ids: list[str] = []
    cells: list[Cell] = []
    for release_period in sorted(versions, key=calendar_key):
        earlier: dict[str, list] = {}
        for position, release in enumerate(versions[release_period]):
            latest = release_period != period and position == len(versions[release_period]) - 1
            for table_id, table in release.tables.items():
                rows = list(table.rows)
                cells.extend(table_cells(release.release_id, table_id, release_period, rows,
                                         version=0 if latest else release.version,
                                         readings=crossing_readings(earlier.get(table_id, []), rows)))
                earlier.setdefault(table_id, []).append(rows)
            ids.append(release.release_id)
    return ids, cells
