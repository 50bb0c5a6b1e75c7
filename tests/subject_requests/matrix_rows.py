"""Matrix rows of the data-subject request register (merged by tests/matrix.py).

SUBJECT_REQUEST_MANAGE is the supervisors' (everyone else 403 before any lookup); a supervisor
reaches the people and requests of their own association, anything else is a 404. The objects
(a person and a request in each association) are built once per test world. POST rows send an
empty form: it re-renders with the services' messages (422).
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect
from tests.subject_requests.fixtures import OWNER, objects, participant_objects


def table(key: str | None, ok: int) -> dict[str, int]:
    result = expect(403, supervisor_a=404, supervisor_b=404)
    if key is not None:
        result[OWNER[key]] = ok
    return result


def person_url(key: str | None):
    if key is None:
        return f"/subject-requests/people/{UNKNOWN_ID}/new"
    return lambda world: f"/subject-requests/people/{objects(world)[key][0]}/new"


def request_url(key: str | None, suffix: str):
    if key is None:
        return f"/subject-requests/{UNKNOWN_ID}{suffix}"
    return lambda world: f"/subject-requests/{objects(world)[key][1]}{suffix}"


def person_rows(method: str, ok: int) -> list[Row]:
    return [Row("subject_requests.new", method, person_url(key), table(key, ok), variant=key or "unknown")
            for key in ("A", "B", None)]


def request_rows(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    return [Row(endpoint, method, request_url(key, suffix), table(key, ok), variant=key or "unknown")
            for key in ("A", "B", None)]


def participant_url(key: str | None):
    if key is None:
        return f"/subject-requests/group-participants/{UNKNOWN_ID}/new"
    return lambda world: f"/subject-requests/group-participants/{participant_objects(world)[key][0]}/new"


def participant_request_url(key: str, suffix: str):
    return lambda world: f"/subject-requests/{participant_objects(world)[key][1]}{suffix}"


def participant_rows(method: str, ok: int) -> list[Row]:
    return [Row("subject_requests.new_for_participant", method, participant_url(key), table(key, ok),
                variant=key or "unknown") for key in ("A", "B", None)]


def participant_request_rows(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    """The requests of participants known only from groups (DOM137, DOM138)."""
    return [Row(endpoint, method, participant_request_url(key, suffix), table(key, ok),
                variant=f"participant_{key}") for key in ("A", "B")]


ROWS = [
    Row("subject_requests.index", "GET", "/subject-requests/", expect(403, supervisor_a=200, supervisor_b=200)),
    *person_rows("GET", 200),
    *person_rows("POST", 422),
    *request_rows("subject_requests.detail", "GET", "", 200),
    *request_rows("subject_requests.answer", "POST", "/answer", 422),
    *request_rows("subject_requests.export_page", "GET", "/export", 200),
    *request_rows("subject_requests.export_json", "GET", "/export.json", 200),
    # Participants known only from groups: the search (POST carries the name), their requests, the erasure.
    Row("subject_requests.find_participant", "GET", "/subject-requests/group-participants",
        expect(403, supervisor_a=200, supervisor_b=200)),
    Row("subject_requests.find_participant", "POST", "/subject-requests/group-participants",
        expect(403, supervisor_a=422, supervisor_b=422)),
    *participant_rows("GET", 200),
    *participant_rows("POST", 422),
    *participant_request_rows("subject_requests.detail", "GET", "", 200),
    *participant_request_rows("subject_requests.export_page", "GET", "/export", 200),
    *participant_request_rows("subject_requests.export_json", "GET", "/export.json", 200),
    # The erasure without its confirmation ticked is refused (422) to the owner.
    *request_rows("subject_requests.erase", "POST", "/erase", 422),
    *participant_request_rows("subject_requests.erase", "POST", "/erase", 422),
]
