"""An association's own quarterly activity report (docs/statistics.md, ST2).

The supervisor reads the indicators a funded project reports to the ministry for their own
association and one quarter. Every figure is an EXACT count, unlike the ministry's releases: this is
the association's own data, read by its own supervisor, and a rounded figure would not match the
files it keeps. The report still holds
no identifier (no name, phone, case reference or public id): only codes, labels and counts. It never
enters a ministry release.

quarters: the asked quarter; shapes: figures, sections, rate tables; activity, outcomes, lasting (agreements,
follow-ups, referrals), safety: the grouped queries; build: the report in its order.
"""

from mediation.statistics.own_report.build import association_report
from mediation.statistics.own_report.quarters import Quarter, last_finished_quarter, parse_quarter, recent_quarters
from mediation.statistics.own_report.shapes import Figure, RateTable, Report, Row, Section, percent

__all__ = ["Figure", "Quarter", "RateTable", "Report", "Row", "Section", "association_report",
           "last_finished_quarter", "parse_quarter", "percent", "recent_quarters"]
