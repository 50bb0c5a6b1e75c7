"""Matrix rows of the positive-parenting groups (merged by tests/matrix.py; docs/security.md, S61).

Variants: association A's group run by mediator A1 ("own"), association B's group ("other"), an unknown id.
Mediator A2 of association A does not run the group: 404. Supervisors plan (programmes, new groups); staff
get 403 there from the login gate; admin and ministry never reach a group. POST rows send an empty form
(422) or a button (302). ROWS is built on first access.
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect


def _stored(world) -> dict:
    from tests.groups.support import add_past_sessions, enrol_directly, make_group

    stored = getattr(world, "groups_matrix", None)
    if stored is None:
        own = make_group(world.app, world.association_a, facilitator="mediator.a1", name="Matrix A")
        other = make_group(world.app, world.association_b, facilitator="mediator.b1", name="Matrix B")
        stored = {"own": own, "other": other,
                  "own_session": add_past_sessions(world.app, own, 1)[0],
                  "other_session": add_past_sessions(world.app, other, 1)[0],
                  "own_enrolment": enrol_directly(world.app, own, 1)[0],
                  "other_enrolment": enrol_directly(world.app, other, 1)[0],
                  "own_programme": _programme_of(world, own), "other_programme": _programme_of(world, other)}
        world.groups_matrix = stored
    return stored


def _programme_of(world, group_id: str) -> str:
    from tests.groups.support import group_of

    with world.app.app_context():
        return str(group_of(group_id).programme.public_id)


def _programme_url(key: str | None, suffix: str):
    def url(world) -> str:
        programme = UNKNOWN_ID if key is None else _stored(world)[f"{key}_programme"]
        return f"/groups/programmes/{programme}{suffix}"

    return url


def _programme_rows(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    """Programmes are the supervisors' (staff 403 by permission); another association's is a 404 (DOM134)."""
    return [Row(endpoint, method, _programme_url("own", suffix), expect(403, supervisor_a=ok, supervisor_b=404),
                variant="own"),
            Row(endpoint, method, _programme_url("other", suffix), expect(403, supervisor_a=404, supervisor_b=ok),
                variant="other"),
            Row(endpoint, method, _programme_url(None, suffix), expect(403, supervisor_a=404, supervisor_b=404),
                variant="unknown")]


def _edit_variants(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    """Editing and cancelling a group: its association's supervisor; its facilitator sees it but may not (403);
    anyone else does not see it (404) (DOM135, DOM136)."""
    own = {**OWN, "supervisor_a": ok, "mediator_a1": 403}
    other = {**OTHER, "supervisor_b": ok, "mediator_b1": 403}
    return [Row(endpoint, method, _url("own", suffix), own, variant="own"),
            Row(endpoint, method, _url("other", suffix), other, variant="other"),
            Row(endpoint, method, _url(None, suffix), UNKNOWN, variant="unknown")]


def _url(key: str | None, suffix: str = "", child: str | None = None):
    def url(world) -> str:
        stored = _stored(world)
        group = UNKNOWN_ID if key is None else stored[key]
        inner = "" if child is None else (stored[f"{key}_{child}"] if key else UNKNOWN_ID)
        return f"/groups/{group}{suffix.format(inner)}"

    return url


NO_GROUP = dict(admin=403, ministry=403)
OWN = expect(404, **NO_GROUP, supervisor_a=200, mediator_a1=200)
OTHER = expect(404, **NO_GROUP, supervisor_b=200, mediator_b1=200)
UNKNOWN = expect(404, **NO_GROUP)


def _variants(endpoint: str, method: str, suffix: str, ok: int, child: str | None = None) -> list[Row]:
    own = {persona: (ok if status == 200 else status) for persona, status in OWN.items()}
    other = {persona: (ok if status == 200 else status) for persona, status in OTHER.items()}
    return [Row(endpoint, method, _url("own", suffix, child), own, variant="own"),
            Row(endpoint, method, _url("other", suffix, child), other, variant="other"),
            Row(endpoint, method, _url(None, suffix, child), UNKNOWN, variant="unknown")]


PLAN = expect(403, supervisor_a=200, supervisor_b=200)

ROWS = [
    Row("groups.index", "GET", "/groups/", expect(200, **NO_GROUP)),
    # Activities: every association staff member records and lists (their own, or all for a supervisor).
    Row("groups.activities", "GET", "/groups/activities", expect(200, **NO_GROUP)),
    Row("groups.new_activity", "GET", "/groups/activities/new", expect(200, **NO_GROUP)),
    Row("groups.new_activity", "POST", "/groups/activities/new", expect(422, **NO_GROUP)),
    Row("groups.programmes", "GET", "/groups/programmes", PLAN),
    Row("groups.programmes", "POST", "/groups/programmes", {**PLAN, "supervisor_a": 422, "supervisor_b": 422}),
    Row("groups.new", "GET", "/groups/new", PLAN),
    Row("groups.new", "POST", "/groups/new", {**PLAN, "supervisor_a": 422, "supervisor_b": 422}),
    *_programme_rows("groups.edit_programme", "GET", "/edit", 200),
    *_programme_rows("groups.edit_programme", "POST", "/edit", 422),
    *_programme_rows("groups.programme_active", "POST", "/active", 302),
    *_edit_variants("groups.edit", "GET", "/edit", 200),
    *_edit_variants("groups.edit", "POST", "/edit", 422),
    *_edit_variants("groups.cancel", "POST", "/cancel", 422),
    *_variants("groups.detail", "GET", "", 200),
    *_variants("groups.finish", "POST", "/finish", 302),
    *_variants("groups.book_session", "POST", "/sessions", 422),
    *_variants("groups.enrol", "GET", "/enrol", 200),
    *_variants("groups.enrol", "POST", "/enrol", 422),
    *_variants("groups.enrolment", "GET", "/enrolments/{}", 200, "enrolment"),
    *_variants("groups.enrolment", "POST", "/enrolments/{}", 302, "enrolment"),
    *_variants("groups.cancel_session", "POST", "/sessions/{}/cancel", 302, "session"),
    *_variants("groups.attendance", "GET", "/sessions/{}/attendance", 200, "session"),
    *_variants("groups.attendance", "POST", "/sessions/{}/attendance", 302, "session"),
]
