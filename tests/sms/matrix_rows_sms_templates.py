"""Matrix rows of the SMS texts (merged by tests/matrix.py; docs/security.md, S84).

Only an association's supervisors manage its texts: every other role is refused by the permission (403);
the other association's texts, an unknown association, kind or language answer 404. POST rows send an
empty form: the edit re-renders with the field error (422); a reset with nothing to reset goes back to
the list (302).
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect


def supervisors(a: int, b: int) -> dict[str, int]:
    """Supervisor A `a`, supervisor B `b`; every other logged-in persona 403."""
    return expect(403, supervisor_a=a, supervisor_b=b)


def text_url(key: str | None, kind: str = "appointment_reminder", language: str = "ar", suffix: str = ""):
    if key is None:
        return f"/sms-texts/{UNKNOWN_ID}/{kind}/{language}{suffix}"
    return lambda world: f"/sms-texts/{world.association_public_ids[key]}/{kind}/{language}{suffix}"


def _rows(endpoint: str, method: str, ok: int, suffix: str = "") -> list[Row]:
    return [
        Row(endpoint, method, text_url("A", suffix=suffix), supervisors(a=ok, b=404), variant="association_a"),
        Row(endpoint, method, text_url("B", suffix=suffix), supervisors(a=404, b=ok), variant="association_b"),
        Row(endpoint, method, text_url(None, suffix=suffix), supervisors(a=404, b=404), variant="unknown"),
        Row(endpoint, method, text_url("A", kind="case_summary", suffix=suffix), supervisors(a=404, b=404),
            variant="unknown_kind"),
        Row(endpoint, method, text_url("A", language="en", suffix=suffix), supervisors(a=404, b=404),
            variant="unknown_language"),
    ]


ROWS = [
    Row("sms_templates.index", "GET", "/sms-texts", supervisors(a=200, b=200)),
    *_rows("sms_templates.edit", "GET", 200),
    *_rows("sms_templates.edit", "POST", 422),
    *_rows("sms_templates.reset", "POST", 302, suffix="/reset"),
]
