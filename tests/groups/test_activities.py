"""Family-space activities: attendance counted by sex and age band only (docs/domain.md, DOM130)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mediation.core import clock
from mediation.extensions import db
from mediation.groups.models import Activity


def _form(world, **changes) -> dict:
    data = {"held_on": (clock.today() - timedelta(days=1)).isoformat(), "theme": "intergenerational_day",
            "title": "Les écrans en famille", "service_point_id": world.service_point_ids["A"],
            "facilitator_ids": [world.user_ids["mediator_a1"]],
            "count_female_25_34": "7", "count_male_60_plus": "3", "count_female_6_11": "5"}
    return {**data, **changes}


def test_an_activity_is_recorded_with_counts_and_listed(app, world, login_as):
    client = login_as("mediator_a1")
    page = client.get("/groups/activities/new").get_data(as_text=True)
    assert 'name="count_female_25_34"' in page
    response = client.post("/groups/activities/new", data=_form(world))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        activity = db.session.scalar(select(Activity))
        assert activity.total == 15
        assert {(row.sex.value, row.age_band.value, row.count) for row in activity.counts} == {
            ("female", "25_34", 7), ("male", "60_plus", 3), ("female", "6_11", 5)}
    assert "Les écrans en famille" in client.get("/groups/activities").get_data(as_text=True)
    # Mediator A2 did not run it, association B cannot see it; the supervisor sees it.
    assert "Les écrans en famille" not in login_as("mediator_a2").get("/groups/activities").get_data(as_text=True)
    assert "Les écrans en famille" not in login_as("supervisor_b").get("/groups/activities").get_data(as_text=True)
    assert "Les écrans en famille" in login_as("supervisor_a").get("/groups/activities").get_data(as_text=True)


def test_an_activity_without_anyone_present_or_in_the_future_is_refused(app, world, login_as):
    client = login_as("mediator_a1")
    base = _form(world)
    empty = {key: value for key, value in base.items() if not key.startswith("count_")}
    assert client.post("/groups/activities/new", data=empty).status_code == 422
    future = {**base, "held_on": (clock.today() + timedelta(days=3)).isoformat()}
    assert client.post("/groups/activities/new", data=future).status_code == 422
    negative = {**base, "count_female_25_34": "-2"}
    assert client.post("/groups/activities/new", data=negative).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Activity)) is None
