"""Matrix rows of the case list, search, intake and case page (merged by tests/matrix.py)."""

from tests.matrix import UNKNOWN_ID, Row, expect

STAFF_ONLY = dict(admin=403, ministry=403)


def case_rows(endpoint: str, method: str, suffix: str, ok: int = 200, data=None) -> list[Row]:
    """One row per object variant: own case, a colleague's, another association's, unknown."""
    url = lambda key: (lambda world: f"/cases/{getattr(world.cases, key)}{suffix}")  # noqa: E731
    return [
        Row(endpoint, method, url("own"), expect(404, mediator_a1=ok, supervisor_a=ok, **STAFF_ONLY),
            data=data or {}, variant="own"),
        Row(endpoint, method, url("colleague"), expect(404, mediator_a2=ok, supervisor_a=ok, **STAFF_ONLY),
            data=data or {}, variant="colleague"),
        Row(endpoint, method, url("other"), expect(404, mediator_b1=ok, supervisor_b=ok, **STAFF_ONLY),
            data=data or {}, variant="other_association"),
        Row(endpoint, method, f"/cases/{UNKNOWN_ID}{suffix}", expect(404, **STAFF_ONLY),
            data=data or {}, variant="unknown"),
    ]


ROWS = [
    Row("cases.index", "GET", "/cases/", expect(200, **STAFF_ONLY)),
    Row("cases.search", "POST", "/cases/search", expect(200, **STAFF_ONLY)),
    Row("cases.new", "GET", "/cases/new", expect(200, **STAFF_ONLY)),
    Row("cases.new", "POST", "/cases/new", expect(422, **STAFF_ONLY)),  # empty form: field errors
    *case_rows("cases.detail", "GET", ""),
]
