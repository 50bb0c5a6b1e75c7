"""The plan of post-closure follow-ups: made when a case closes with an agreement or a reconciliation, at the
months of the setting, assigned to the lead; cancelled when the case is reopened (docs/domain.md, DOM93, DOM96).
The clock is set through mediation.core.clock only (the frozen_clock fixture)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from mediation.aftercare.codes import AftercareStatus
from mediation.aftercare.services.plan import add_months
from mediation.cases.codes import Outcome
from mediation.cases.queries.closure import closures_of
from mediation.cases.services import closure as closure_service
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.aftercare.support import close_with, follow_ups, planned, record_now
from tests.cases.matrix_rows_notes import actor, case_by_public_id

# A closure on 31 January: the shorter months end on their last day.
END_OF_JANUARY = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("outcome", [Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_PARTIAL, Outcome.RECONCILIATION])
def test_closing_with_an_agreement_or_a_reconciliation_plans_1_3_and_6_months(app, cases, frozen_clock, outcome):
    frozen_clock.set(END_OF_JANUARY)
    close_with(app, cases.own, outcome)
    rows = follow_ups(app, cases.own)
    assert [row.months_after for row in rows] == [1, 3, 6]
    assert [row.due_on for row in rows] == [date(2027, 2, 28), date(2027, 4, 30), date(2027, 7, 31)]
    assert {row.status for row in rows} == {AftercareStatus.PLANNED}
    with app.app_context():
        assert {row.assigned_to_id for row in rows} == {actor("mediator.a1").id}  # the case's lead
        closure = closures_of(db.session, case_by_public_id(cases.own))[0]
        assert {row.closure_id for row in rows} == {closure.id}
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "post_closure_follow_up")).all()
        # Ids only: the follow-up's public id, never a name or a note.
        assert sorted(event.entity_id for event in events) == sorted(str(row.public_id) for row in rows)
        assert {event.action for event in events} == {"create"}


@pytest.mark.parametrize("outcome", [Outcome.LOST_CONTACT, Outcome.NO_AGREEMENT, Outcome.PARTY_WITHDREW])
def test_other_outcomes_plan_nothing(app, cases, outcome):
    close_with(app, cases.own, outcome)
    assert follow_ups(app, cases.own) == []


def test_the_months_come_from_the_setting(app, cases, frozen_clock, monkeypatch):
    frozen_clock.set(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "POST_CLOSURE_FOLLOW_UP_MONTHS", (2, 12))
    close_with(app, cases.own, Outcome.RECONCILIATION)
    assert [(row.months_after, row.due_on) for row in follow_ups(app, cases.own)] == [
        (2, date(2027, 5, 10)), (12, date(2028, 3, 10))]


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2027, 10, 15), 3, date(2028, 1, 15)),
    (date(2027, 12, 1), 24, date(2029, 12, 1)),
])
def test_months_are_added_on_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


def test_reopening_cancels_the_planned_follow_ups_and_keeps_the_recorded_one(app, cases, frozen_clock):
    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    first = planned(app, cases.own)
    record_now(app, cases.own, first, "mediator.a1")
    with app.app_context():
        closure_service.reopen_case(db.session, case_by_public_id(cases.own), "La famille revient",
                                    actor=actor("supervisor.a"))
        db.session.commit()
    statuses = {str(row.public_id): row.status for row in follow_ups(app, cases.own)}
    assert statuses.pop(first) is AftercareStatus.DONE
    assert set(statuses.values()) == {AftercareStatus.CANCELLED} and len(statuses) == 2
    assert all(row.cancelled_at is not None for row in follow_ups(app, cases.own)
               if row.status is AftercareStatus.CANCELLED)
    # Closing again plans a new series, for the new closure.
    close_with(app, cases.own, Outcome.RECONCILIATION)
    assert [row.status for row in follow_ups(app, cases.own)].count(AftercareStatus.PLANNED) == 3



def test_the_case_page_costs_the_same_with_six_follow_ups_as_with_three(app, login_as, cases):
    from tests.statements import statements_of_get

    def measured() -> tuple[int, int]:
        client = login_as("mediator_a1")
        client.get(f"/cases/{cases.own}")  # warm
        statements, response = statements_of_get(app, client, f"/cases/{cases.own}")
        return statements, response.get_data(as_text=True).count("data-aftercare-status=")

    close_with(app, cases.own, Outcome.AGREEMENT_FULL)
    three, shown = measured()
    assert shown == 3
    with app.app_context():
        closure_service.reopen_case(db.session, case_by_public_id(cases.own), "Nouvelle demande",
                                    actor=actor("supervisor.a"))
        db.session.commit()
    close_with(app, cases.own, Outcome.RECONCILIATION)
    six, shown = measured()
    assert shown == 6 and six == three
