"""An association's own retention period for closed cases (docs/domain.md, DOM57 `retention_months`; docs/security.md,
S26): the job, the supervisors' "due" page and the administrator's form follow it; associations without
one follow RETENTION_CLOSED_CASE_MONTHS (60 months in the tests)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.accounts.models import Association
from mediation.extensions import db
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)
from tests.retention.fixtures import TODAY, anonymised_at, closed_case
from tests.retention.test_retention_run import run
from tests.strategies import fuzz


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        yield db.session


def set_period(session, association_id: int, months: int | None) -> None:
    session.get(Association, association_id).retention_months = months
    session.commit()


def test_the_job_follows_each_associations_period(app, ctx, world):
    set_period(ctx, world.association_a, 24)
    a_expired, a_kept = closed_case("a-25", 25), closed_case("a-23", 23)
    b_kept, b_expired = closed_case("b-25", 25, association="b"), closed_case("b-61", 61, association="b")
    ctx.commit()
    result = run(app)
    assert result.exit_code == 0, result.output
    assert anonymised_at(a_expired) is not None and anonymised_at(a_kept) is None
    assert anonymised_at(b_expired) is not None and anonymised_at(b_kept) is None  # B: the platform's 60


def test_a_longer_own_period_keeps_cases_the_platform_would_anonymise(app, ctx, world):
    set_period(ctx, world.association_a, 120)
    kept = closed_case("a-61", 61)
    ctx.commit()
    assert run(app).exit_code == 0
    assert anonymised_at(kept) is None


def test_the_due_page_uses_the_associations_period(app, world, login_as, frozen_clock):
    frozen_clock.set(datetime.combine(TODAY, time(10), tzinfo=UTC))
    with app.app_context():  # not held during the request (tests/conftest.py)
        set_period(db.session, world.association_a, 24)
        due = closed_case("due-24", 24)
        db.session.commit()
    page = login_as("supervisor_a").get("/retention/due?lang=en").get_data(as_text=True)
    assert due.reference in page
    assert "anonymised 24 months after their closure" in page and "your association's own" in page


def test_the_admin_sets_shows_and_clears_the_period(app, world, login_as):
    client = login_as("admin")
    url = f"/admin/associations/{world.association_public_ids['A']}"
    form = client.get(url + "/edit?lang=en").get_data(as_text=True)
    assert "Leave empty to use the platform's period (60 months)." in form
    data = _form_data(app, world)
    assert client.post(url + "/edit", data={**data, "retention_months": "36"}).status_code == 302
    with app.app_context():
        assert db.session.get(Association, world.association_a).retention_months == 36
    assert "36 months after closure (the association's own period)" in client.get(url + "?lang=en").get_data(
        as_text=True)
    assert client.post(url + "/edit", data={**data, "retention_months": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Association, world.association_a).retention_months is None


@pytest.mark.parametrize("value, message", [
    ("6", "Enter between 12 and 1200 months."),
    ("1201", "Enter between 12 and 1200 months."),
    ("-24", "Enter a whole number of months, or leave the field empty."),
    ("٣٦", "Enter a whole number of months, or leave the field empty."),  # Arabic-Indic digits
    ("2 ans", "Enter a whole number of months, or leave the field empty."),
])
def test_a_bad_period_is_refused_with_the_input_kept(app, world, login_as, value, message):
    client = login_as("admin")
    url = f"/admin/associations/{world.association_public_ids['A']}/edit?lang=en"
    response = client.post(url, data={**_form_data(app, world), "retention_months": value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and f'value="{value}"' in page
    with app.app_context():
        assert db.session.get(Association, world.association_a).retention_months is None


@fuzz(40)
@given(value=st.text(max_size=8))
def test_any_typed_period_is_saved_or_refused_never_a_500(app, world, login_as, value):
    url = f"/admin/associations/{world.association_public_ids['A']}/edit"
    response = login_as("admin").post(url, data={**_form_data(app, world), "retention_months": value})
    assert response.status_code in (200, 302, 422)
    if response.status_code != 302:  # refused: by the form (control characters...) or by the rule
        assert 'aria-invalid="true"' in response.get_data(as_text=True)


def _form_data(app, world) -> dict:
    with app.app_context():
        association = db.session.get(Association, world.association_a)
        return {"name_ar": association.name_ar, "name_fr": association.name_fr,
                "region_code": association.region_code, "province_code": association.province_code or "",
                "active": "y"}
