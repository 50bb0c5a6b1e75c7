"""The audit-trail viewer: scope in SQL, filters, bounded queries, hostile input (docs/security.md, S27)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, func, select

from mediation.accounts.models import StaffUser
from mediation.audit.forms import ACTION_LABELS, OUTCOME_LABELS
from mediation.audit.policies import visible_events
from mediation.core.audit import AuditAction, AuditEvent, AuditHead, AuditOutcome, record
from mediation.extensions import db as _db
from tests.strategies import fuzz, nasty_strings

SEQ_CELL = re.compile(r'<td class="number seq">(\d+)</td>')


def seqs_in(response) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {int(seq) for seq in SEQ_CELL.findall(response.get_data(as_text=True))}


def staff_ids(app) -> dict[str, int]:
    """username -> database id."""
    with app.app_context():
        return dict(_db.session.execute(select(StaffUser.username, StaffUser.id)).all())


def add_events(app, specs) -> list[int]:
    """Record one event per spec (a dict of record() keywords); returns their seqs."""
    with app.app_context():
        seqs = []
        for spec in specs:
            spec = dict(spec)
            action = spec.pop("action", AuditAction.VIEW)
            spec.setdefault("entity", "case")
            spec.setdefault("entity_id", "00000000-0000-4000-8000-00000000000a")
            spec.setdefault("actor_role", "mediator")
            seqs.append(record(_db.session, action, **spec).seq)
        _db.session.commit()
        return seqs


def seqs_where(app, *criteria) -> set[int]:
    with app.app_context():
        return set(_db.session.scalars(select(AuditEvent.seq).where(*criteria)))


def event_count(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def two_associations(app, world):
    """Three events in association A, two in B, one outside any association."""
    ids = staff_ids(app)
    a = add_events(app, [
        {"actor_id": ids["mediator.a1"], "association_id": world.association_a},
        {"actor_id": ids["mediator.a2"], "association_id": world.association_a,
         "action": AuditAction.LOGIN_FAILED, "outcome": AuditOutcome.FAILURE},
        {"actor_id": ids["supervisor.a"], "association_id": world.association_a, "actor_role": "supervisor"},
    ])
    b = add_events(app, [
        {"actor_id": ids["mediator.b1"], "association_id": world.association_b},
        {"actor_id": ids["mediator.b1"], "association_id": world.association_b, "action": AuditAction.UPDATE},
    ])
    none = add_events(app, [{"actor_id": None, "actor_role": None, "action": AuditAction.LOGIN_FAILED,
                             "outcome": AuditOutcome.FAILURE, "entity": None, "entity_id": None}])
    return {"A": set(a), "B": set(b), "none": set(none)}


# -- scope -----------------------------------------------------------------------


def test_visible_events_is_the_allowed_set_for_every_account(app, world, two_associations):
    with app.app_context():
        events = dict(_db.session.execute(select(AuditEvent.seq, AuditEvent.association_id)).all())
        for user in _db.session.scalars(select(StaffUser)):
            visible = set(_db.session.scalars(visible_events(user).with_only_columns(AuditEvent.seq)))
            if user.role == "admin":
                expected = set(events)
            elif user.role == "supervisor":
                expected = {seq for seq, association in events.items() if association == user.association_id}
            else:
                expected = set()
            assert visible == expected, user.username
    assert two_associations["A"] and two_associations["B"]


def compiled(stmt) -> str:
    return str(stmt.compile(compile_kwargs={"literal_binds": True}))


def test_the_scope_is_a_where_clause_not_a_filter_after_loading(app, world):
    with app.app_context():
        supervisor = _db.session.scalar(select(StaffUser).where(StaffUser.username == "supervisor.a"))
        assert f"WHERE audit_event.association_id = {world.association_a}" in compiled(visible_events(supervisor))
        mediator = _db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        assert compiled(visible_events(mediator)).endswith("WHERE false")


def test_a_supervisor_without_association_sees_nothing():
    class Detached:
        role = "supervisor"
        association_id = None

    assert compiled(visible_events(Detached())).endswith("WHERE false")  # never "IS NULL"


def test_admin_sees_the_events_of_both_associations(app, login_as, two_associations):
    client = login_as("admin")
    before = event_count(app)
    shown = seqs_in(client.get("/audit/"))
    assert two_associations["A"] | two_associations["B"] | two_associations["none"] <= shown
    assert shown == seqs_where(app, AuditEvent.seq > 0)  # fewer than one page: everything
    assert event_count(app) == before, "reading the trail is not itself recorded"


@pytest.mark.parametrize("persona, own, other", [("supervisor_a", "A", "B"), ("supervisor_b", "B", "A")])
def test_a_supervisor_sees_only_their_association(app, world, login_as, two_associations, persona, own, other):
    association = {"A": world.association_a, "B": world.association_b}[own]
    shown = seqs_in(login_as(persona).get("/audit/"))
    assert shown == seqs_where(app, AuditEvent.association_id == association)
    assert two_associations[own] <= shown
    assert not shown & (two_associations[other] | two_associations["none"])


def test_filters_never_widen_the_scope(app, login_as, two_associations):
    client = login_as("supervisor_a")
    assert seqs_in(client.get("/audit/?action=update")) == set()  # B's update stays hidden
    page = client.get("/audit/?actor=mediator.b1&lang=en")
    assert seqs_in(page) == set()


def test_admin_sees_the_chain_head_and_a_supervisor_does_not(app, login_as, two_associations):
    client = login_as("admin")
    with app.app_context():
        head = _db.session.scalar(select(AuditHead.seq))
        assert head == _db.session.scalar(select(func.max(AuditEvent.seq)))
    # Shown even when the filters are invalid and nothing is listed.
    for query in ("?lang=en", "?lang=en&action=nope"):
        assert f"Chain head: event no. {head}<" in client.get("/audit/" + query).get_data(as_text=True)
    client.post("/logout")
    supervisor_page = login_as("supervisor_a").get("/audit/?lang=en").get_data(as_text=True)
    assert "Chain head" not in supervisor_page


# -- what a row shows --------------------------------------------------------------


def test_rows_show_names_labels_and_codes_but_names_only_within_scope(app, world, login_as, two_associations):
    ids = staff_ids(app)
    # An admin acting in association A: the supervisor sees the event, not the admin's name.
    add_events(app, [{"actor_id": ids["admin.test"], "actor_role": "admin", "association_id": world.association_a,
                      "action": AuditAction.CREATE, "entity": "staff_user"}])
    with app.app_context():
        display_name = _db.session.scalar(select(StaffUser.display_name).where(StaffUser.id == ids["mediator.a1"]))
    page = login_as("supervisor_a").get("/audit/?lang=en").get_data(as_text=True)
    assert f"<span dir=\"auto\">{display_name}</span> <span dir=\"ltr\">(mediator.a1)</span>" in page
    assert "Failed login" in page and "Failed</td>" in page and "Viewed" in page
    assert "Staff member" in page and "Platform administrator" in page  # role labels
    assert "Not visible to you" in page
    assert "admin.test" not in page.lower()
    assert "<code>staff_user</code>" in page and "<code>00000000-0000-4000-8000-00000000000a</code>" in page
    french = login_as("supervisor_a").get("/audit/?lang=fr").get_data(as_text=True)
    assert 'lang="fr"' in french


def test_every_action_and_outcome_has_a_label():
    assert set(ACTION_LABELS) == set(AuditAction)
    assert set(OUTCOME_LABELS) == set(AuditOutcome)


# -- filters -----------------------------------------------------------------------


def test_filter_by_actor_user_name(app, login_as, two_associations):
    ids = staff_ids(app)
    client = login_as("supervisor_a")
    shown = seqs_in(client.get("/audit/", query_string={"actor": " Mediator.A1 "}))
    assert shown and shown == seqs_where(app, AuditEvent.actor_id == ids["mediator.a1"])


@pytest.mark.parametrize("name", ["mediator.b1", "nobody.here", "%", "mediator.a%", "_ediator.a1"])
def test_an_actor_outside_scope_or_unknown_gives_no_results_and_one_message(login_as, two_associations, name):
    response = login_as("supervisor_a").get("/audit/", query_string={"actor": name, "lang": "en"})
    body = response.get_data(as_text=True)
    assert seqs_in(response) == set()
    assert "No account with this user name is visible to you." in body
    assert f'value="{name}"' in body  # the input is kept


def test_filter_by_action_and_outcome(app, login_as, two_associations):
    client = login_as("admin")
    failed_logins = seqs_where(app, AuditEvent.action == "login_failed")
    assert seqs_in(client.get("/audit/?action=login_failed")) == failed_logins
    assert two_associations["none"] <= failed_logins
    assert seqs_in(client.get("/audit/?outcome=failure")) == seqs_where(app, AuditEvent.outcome == "failure")
    assert seqs_in(client.get("/audit/?action=update&outcome=success")) == two_associations["B"] - \
        seqs_where(app, AuditEvent.action != "update")


def test_the_action_list_is_translated(login_as, world):
    page = login_as("admin").get("/audit/?lang=en").get_data(as_text=True)
    assert '<option value="login_failed">Failed login</option>' in page


def test_filter_by_date_range_in_casablanca_days(app, world, login_as, frozen_clock):
    a = world.association_a
    moments = {
        "may4_2359": datetime(2026, 5, 4, 22, 59, tzinfo=UTC),  # Casablanca is UTC+1 in May
        "may5_0030": datetime(2026, 5, 4, 23, 30, tzinfo=UTC),
        "may5_2330": datetime(2026, 5, 5, 22, 30, tzinfo=UTC),
        "may6_0030": datetime(2026, 5, 5, 23, 30, tzinfo=UTC),
        "ramadan_mar5_2330": datetime(2026, 3, 5, 23, 30, tzinfo=UTC),  # UTC+0 during Ramadan
    }
    seq = {}
    for name, moment in moments.items():
        frozen_clock.set(moment)
        seq[name] = add_events(app, [{"association_id": a, "actor_id": None}])[0]
    frozen_clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    created = set(seq.values())
    client = login_as("supervisor_a")

    def shown(**query) -> set[int]:
        return seqs_in(client.get("/audit/", query_string=query)) & created

    assert shown(date_from="2026-05-05", date_to="2026-05-05") == {seq["may5_0030"], seq["may5_2330"]}
    assert shown(date_from="2026-05-05") == {seq["may5_0030"], seq["may5_2330"], seq["may6_0030"]}
    assert shown(date_to="2026-05-04") == {seq["may4_2359"], seq["ramadan_mar5_2330"]}
    assert shown(date_from="2026-03-05", date_to="2026-03-05") == {seq["ramadan_mar5_2330"]}
    assert shown(date_from="2026-03-06", date_to="2026-05-04") == {seq["may4_2359"]}


@pytest.mark.parametrize("query, field, message", [
    ({"date_from": "2026-13-45"}, "date_from", "Enter a date as year-month-day, for example 2026-05-31."),
    ({"date_to": "05/05/2026"}, "date_to", "Enter a date as year-month-day, for example 2026-05-31."),
    ({"date_to": "٢٠٢٦-٠٥-٠٥"}, "date_to", "Enter a date as year-month-day, for example 2026-05-31."),
    ({"date_from": "0001-01-01"}, "date_from", "Enter a date between the years 2000 and 2999."),
    ({"date_to": "9999-12-31"}, "date_to", "Enter a date between the years 2000 and 2999."),
    ({"date_from": "2026-05-06", "date_to": "2026-05-05"}, "date_to", "The end date is before the start date."),
    ({"action": "drop_table"}, "action", "Choose an action from the list."),
    ({"outcome": "maybe"}, "outcome", "Choose an outcome from the list."),
    ({"actor": "x" * 10_000}, "actor", "Use at most 200 characters."),
    ({"actor": "mediator\x00.a1"}, "actor", "Remove the invisible control characters from this field."),
    ({"date_from": "2026-05-05\x00"}, "date_from", "Remove the invisible control characters from this field."),
])
def test_invalid_filters_show_a_field_error_keep_the_input_and_list_nothing(
    login_as, two_associations, query, field, message
):
    response = login_as("admin").get("/audit/", query_string={**query, "lang": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert seqs_in(response) == set()
    assert "Please correct the highlighted fields." in body
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', body, re.S)
    assert error and message in error.group(1)
    typed = query[field]
    if field in ("actor", "date_from", "date_to") and "\x00" not in typed:
        assert f'value="{typed}"' in body  # kept as typed


def test_pagination_is_newest_first_fifty_a_page_and_keeps_the_filters(app, world, login_as):
    seqs = add_events(app, [{"association_id": world.association_a, "actor_id": None,
                             "action": AuditAction.UPDATE} for _ in range(60)])
    client = login_as("supervisor_a")
    first = client.get("/audit/?action=update&lang=en")
    body = first.get_data(as_text=True)
    shown = [int(seq) for seq in SEQ_CELL.findall(body)]
    assert shown == sorted(seqs, reverse=True)[:50]
    next_link = re.search(r'<a href="([^"]+)" rel="next">', body).group(1).replace("&amp;", "&")
    assert "action=update" in next_link and "page=2" in next_link
    rest = [int(seq) for seq in SEQ_CELL.findall(client.get(next_link).get_data(as_text=True))]
    assert rest == sorted(seqs, reverse=True)[50:]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1e3", "２"])
def test_a_page_out_of_range_is_never_an_error(login_as, two_associations, page):
    response = login_as("admin").get("/audit/", query_string={"page": page})
    assert response.status_code == 200


def test_the_trail_is_read_only(login_as, two_associations):
    client = login_as("admin")
    assert client.post("/audit/").status_code == 405


# -- bounded queries ---------------------------------------------------------------


def statements_for(client, engine, url: str) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_the_page_issues_the_same_number_of_queries_for_10_and_100_events(app, world, login_as, db):
    ids = list(staff_ids(app).values())

    def events(n: int, actors: list[int]):
        return [{"actor_id": actors[i % len(actors)], "association_id": world.association_a} for i in range(n)]

    client = login_as("admin")
    add_events(app, events(10, ids[:2]))
    with_10 = statements_for(client, db.engine, "/audit/")
    # More rows and more distinct actors on the page: a query per row or per actor would show.
    add_events(app, events(90, ids))
    with_100 = statements_for(client, db.engine, "/audit/")
    assert with_10 == with_100
    assert with_100 <= 10
    client.post("/logout")
    supervisor = login_as("supervisor_a")
    assert statements_for(supervisor, db.engine, "/audit/?actor=mediator.a1") <= 10


# -- generated input ---------------------------------------------------------------

nasty_text = nasty_strings(repeats=(0, 10_000))
day_text = st.one_of(st.dates().map(lambda d: d.isoformat()), nasty_text)


@fuzz(50)
@given(
    persona=st.sampled_from(["admin", "supervisor_a"]),
    params=st.fixed_dictionaries({}, optional={
        "actor": st.one_of(st.sampled_from(["mediator.a1", "MEDIATOR.B1", "admin.test"]), nasty_text),
        "action": st.one_of(st.sampled_from([str(a) for a in AuditAction]), nasty_text),
        "outcome": st.one_of(st.sampled_from([str(o) for o in AuditOutcome]), nasty_text),
        "date_from": day_text,
        "date_to": day_text,
        "page": st.one_of(st.integers(min_value=-5, max_value=10**12).map(str), nasty_text),
        "lang": st.sampled_from(["ar", "fr", "en", "xx"]),
    }),
)
def test_generated_filters_never_fail(login_as, persona, params):
    client = login_as(persona)
    try:
        response = client.get("/audit/", query_string=params)
    finally:
        client.post("/logout")
    assert response.status_code == 200, response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert 'name="actor"' in body
