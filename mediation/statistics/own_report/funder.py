"""The funder export: what an association sends to the ministry under its partnership agreement
(docs/statistics.md, ST44).

Unlike the internal report (exact counts, ST2), it applies the published method of the ministry's
releases to the association's own units: the release population (ST3) and periods (ST4), the
catalogue's classifications and tables T2, T3 and T6 (ST5, ST6), counts 0-9 as `<10` and the
rest rounded to base 5 with the units' keys (ST11), totals and percentages as in a release
(ST12). The same set of units therefore gets the same value as anywhere else (ST10), and
the export cannot be subtracted from the regional tables to recover another association's
figures. No association rule applies: it is one association's disclosure of its own figures.
Only published strings leave this module.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mediation.statistics import aggregate
from mediation.statistics.catalogue import TABLES
from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import PublishedTable, publish_table

# Cases registered by issue group, closures by outcome group, sessions by type: every line has
# at least 5 cells, so a total may close it (ST7).
FUNDER_TABLES = ("T2", "T3", "T6")
_TABULATE = {
    "T2": aggregate.cases_by_issue_group,
    "T3": aggregate.closures_by_outcome_group,
    "T6": aggregate.sessions_by_type,
}


def funder_tables(session: Session, association_id: int, year: int, quarter: int) -> list[PublishedTable]:
    """The association's quarter under the published method: one GROUP BY per table, nothing decrypted."""
    bounds = aggregate.period_bounds(year, quarter)
    period = f"{year}-Q{quarter}"
    tables = []
    for table_id in FUNDER_TABLES:
        cells = _TABULATE[table_id](session, bounds, association_id=association_id)
        total = CellStats()
        for stats in cells.values():
            total.merge(stats)
        tables.append(publish_table(TABLES[table_id], period, cells, total, with_pct=True))
    return tables
