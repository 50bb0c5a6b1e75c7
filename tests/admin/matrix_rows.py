"""Matrix rows of the admin feature (merged by tests/matrix.py).

Object routes list one row per variant: association A's object, association
B's, and an unknown id (and, for staff, a supervisor's and an admin's account).
Supervisor A reaches A's staff members and service points (200), gets 404 for
B's objects and for unknown ids, and 403 for what only an admin may do. POST
rows send an empty form: it re-renders with field errors (422), or, for the
action buttons, the action runs and redirects to the account page (302) - in
a transaction rolled back after each case.
"""

from tests.matrix import UNKNOWN_ID, Row, expect

ADMIN_ONLY = expect(403, admin=200)
MANAGERS = expect(403, admin=200, supervisor_a=200, supervisor_b=200)
# An empty form is refused input: the form again, with its errors (422).
ADMIN_ONLY_REFUSED = expect(403, admin=422)
MANAGERS_REFUSED = expect(403, admin=422, supervisor_a=422, supervisor_b=422)


def association(key: str | None, suffix: str = ""):
    if key is None:
        return f"/admin/associations/{UNKNOWN_ID}{suffix}"
    return lambda world: f"/admin/associations/{world.association_public_ids[key]}{suffix}"


def service_point(key: str | None, suffix: str = ""):
    if key is None:
        return f"/admin/service-points/{UNKNOWN_ID}{suffix}"
    return lambda world: f"/admin/service-points/{world.service_point_ids[key]}{suffix}"


def account(persona: str | None, suffix: str = ""):
    if persona is None:
        return f"/admin/staff/{UNKNOWN_ID}{suffix}"
    return lambda world: f"/admin/staff/{world.user_ids[persona]}{suffix}"


def scoped(own: int, *, a: int, b: int, admin: int | None = None) -> dict[str, int]:
    """Admin `admin` (default `own`); supervisor A `a`, supervisor B `b`; everyone else 403."""
    return expect(403, admin=own if admin is None else admin, supervisor_a=a, supervisor_b=b)


def object_rows(endpoint: str, method: str, url, variants: dict[str, dict[str, int]], data=None) -> list[Row]:
    return [Row(endpoint, method, url(variant_key), expected, data=data or {}, variant=name)
            for name, (variant_key, expected) in variants.items()]


# Associations: administrators only.
ASSOCIATION_ROWS = [
    Row("admin.associations", "GET", "/admin/associations", ADMIN_ONLY),
    Row("admin.association_new", "GET", "/admin/associations/new", ADMIN_ONLY),
    Row("admin.association_new", "POST", "/admin/associations/new", ADMIN_ONLY_REFUSED),
]
for endpoint, method, suffix in (
    ("admin.association_detail", "GET", ""),
    ("admin.association_edit", "GET", "/edit"),
    ("admin.association_edit", "POST", "/edit"),
):
    ASSOCIATION_ROWS += [
        Row(endpoint, method, association("A", suffix), ADMIN_ONLY if method == "GET" else ADMIN_ONLY_REFUSED,
            variant="association_a"),
        Row(endpoint, method, association("B", suffix), ADMIN_ONLY if method == "GET" else ADMIN_ONLY_REFUSED,
            variant="association_b"),
        Row(endpoint, method, association(None, suffix), expect(403, admin=404), variant="unknown"),
    ]

# Service points: administrators for any association, supervisors for their own.
SERVICE_POINT_ROWS = [
    Row("admin.service_points", "GET", "/admin/service-points", MANAGERS),
    Row("admin.service_points", "GET",
        lambda world: f"/admin/service-points?association={world.association_public_ids['B']}",
        MANAGERS, variant="filtered"),
    Row("admin.service_point_new", "GET", "/admin/service-points/new", MANAGERS),
    Row("admin.service_point_new", "POST", "/admin/service-points/new", MANAGERS_REFUSED),
]
for method, ok in (("GET", 200), ("POST", 422)):
    SERVICE_POINT_ROWS += [
        Row("admin.service_point_edit", method, service_point("A", "/edit"), scoped(ok, a=ok, b=404),
            variant="association_a"),
        Row("admin.service_point_edit", method, service_point("B", "/edit"), scoped(ok, a=404, b=ok),
            variant="association_b"),
        Row("admin.service_point_edit", method, service_point(None, "/edit"), scoped(404, a=404, b=404),
            variant="unknown"),
    ]

# Staff accounts: administrators any account; supervisors their association's staff members.
STAFF_ROWS = [
    Row("admin.staff", "GET", "/admin/staff", MANAGERS),
    Row("admin.staff", "GET",
        lambda world: f"/admin/staff?association={world.association_public_ids['A']}&role=mediator&active=1",
        MANAGERS, variant="filtered"),
    Row("admin.staff_new", "GET", "/admin/staff/new", MANAGERS),
    Row("admin.staff_new", "POST", "/admin/staff/new", MANAGERS_REFUSED),
]


def staff_variants(ok: int, *, supervisor_denied: int = 403) -> dict[str, tuple]:
    """Targets: A's staff member, B's staff member, supervisor A's own account, an admin, unknown."""
    return {
        "staff_a": ("mediator_a1", scoped(ok, a=ok, b=404)),
        "staff_b": ("mediator_b1", scoped(ok, a=404, b=ok)),
        "supervisor_a": ("supervisor_a", scoped(ok, a=supervisor_denied, b=404)),
        "admin_account": ("admin", scoped(ok, a=404, b=404)),
        "unknown": (None, scoped(404, a=404, b=404)),
    }


STAFF_ROWS += object_rows("admin.staff_detail", "GET", account, {
    **staff_variants(200),
    "supervisor_a": ("supervisor_a", scoped(200, a=200, b=404)),  # seeing is allowed, managing is not
})
STAFF_ROWS += object_rows("admin.staff_edit", "GET", lambda key: account(key, "/edit"), staff_variants(200))
STAFF_ROWS += object_rows("admin.staff_edit", "POST", lambda key: account(key, "/edit"), staff_variants(422))
# Actions run and redirect to the account page (an admin deactivating themselves is refused
# with a message, and redirected too).
for endpoint, suffix in (
    ("admin.staff_deactivate", "/deactivate"),
    ("admin.staff_reactivate", "/reactivate"),
    ("admin.staff_end_sessions", "/end-sessions"),
):
    STAFF_ROWS += object_rows(endpoint, "POST", lambda key, suffix=suffix: account(key, suffix), staff_variants(302))
# The reset code is shown in the response itself: no redirect.
STAFF_ROWS += object_rows("admin.staff_password_reset", "POST", lambda key: account(key, "/password-reset"),
                          staff_variants(200))
# Second-factor reset: administrators only, whatever the target.
STAFF_ROWS += object_rows("admin.staff_second_factor_reset", "POST", lambda key: account(key, "/second-factor-reset"), {
    "staff_a": ("mediator_a1", ADMIN_ONLY | {"admin": 302}),
    "staff_b": ("mediator_b1", ADMIN_ONLY | {"admin": 302}),
    "unknown": (None, expect(403, admin=404)),
})

ROWS = ASSOCIATION_ROWS + SERVICE_POINT_ROWS + STAFF_ROWS
