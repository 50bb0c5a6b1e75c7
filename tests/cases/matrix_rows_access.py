"""Matrix rows of the reason a supervisor gives to open a case outside their assignment (P4)."""

from tests.cases.matrix_support import STAFF_ONLY
from tests.matrix import UNKNOWN_ID, Row, expect


def _rows(method: str, ok: int) -> list[Row]:
    """Only a supervisor gives a reason: the case's mediator sees the case, and gets 403 here."""
    url = lambda key: (lambda world: f"/cases/{getattr(world.cases, key)}/access")  # noqa: E731
    endpoint = "cases.access_reason"
    return [
        Row(endpoint, method, url("own"), expect(404, mediator_a1=403, supervisor_a=ok, **STAFF_ONLY), variant="own"),
        Row(endpoint, method, url("colleague"), expect(404, mediator_a2=403, supervisor_a=ok, **STAFF_ONLY),
            variant="colleague"),
        Row(endpoint, method, url("other"), expect(404, mediator_b1=403, supervisor_b=ok, **STAFF_ONLY),
            variant="other_association"),
        Row(endpoint, method, f"/cases/{UNKNOWN_ID}/access", expect(404, **STAFF_ONLY), variant="unknown"),
    ]


ROWS = [*_rows("GET", 200), *_rows("POST", 422)]  # an empty form: a field error
