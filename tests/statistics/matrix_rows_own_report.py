"""Matrix rows of the own-association report (merged by tests/matrix.py): supervisors only."""

from __future__ import annotations

from tests.matrix import Row, expect

SUPERVISORS = dict(supervisor_a=200, supervisor_b=200)

ROWS = [
    Row("statistics.own_report", "GET", "/statistics/own-report", expect(403, **SUPERVISORS)),
    Row("statistics.own_report", "GET", "/statistics/own-report?quarter=2026Q1", expect(403, **SUPERVISORS),
        variant="quarter"),
    Row("statistics.own_report_xlsx", "GET", "/statistics/own-report.xlsx", expect(403, **SUPERVISORS)),
    Row("statistics.funder_export", "GET", "/statistics/own-report/funder", expect(403, **SUPERVISORS)),
    Row("statistics.funder_export", "GET", "/statistics/own-report/funder?quarter=2026Q1",
        expect(403, **SUPERVISORS), variant="quarter"),
    Row("statistics.funder_export_xlsx", "GET", "/statistics/own-report/funder.xlsx", expect(403, **SUPERVISORS)),
]
