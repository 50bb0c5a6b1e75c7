"""Matrix rows of the notices page: staff only (docs/domain.md, DOM72); each sees their own notices."""

from __future__ import annotations

from tests.cases.matrix_support import STAFF_ONLY
from tests.matrix import Row, expect

ROWS = [
    Row("main.notices", "GET", "/notices", expect(200, **STAFF_ONLY)),
]
