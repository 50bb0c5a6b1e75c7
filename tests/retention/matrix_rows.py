"""Matrix rows of the retention page (merged by tests/matrix.py): supervisors only, their own association."""

from __future__ import annotations

from tests.matrix import Row, expect

ROWS = [Row("retention.due", "GET", "/retention/due", expect(403, supervisor_a=200, supervisor_b=200))]
