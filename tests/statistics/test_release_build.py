"""Building and publishing a release from the admin interface, on a database that holds no release yet
(docs/statistics.md, ST1, ST20, ST21).

Beside tests/statistics/test_release_pages.py, whose tests share releases built once per module: these need a
database without them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from mediation.extensions import db
from mediation.statistics.models import StatisticsRelease
from mediation.statistics.release import build_release
from tests.statistics.microdata import insert_cases, standard_world
from tests.statistics.test_release_pages import _admin, _cells, _events, _stored_json
from tests.strategies import fuzz


def test_trends_without_releases(login_as, world):
    page = login_as("ministry").get("/statistics/trends?lang=en").get_data(as_text=True)
    assert "No quarterly release has been published yet." in page


def test_admin_builds_and_publishes_a_release(app, login_as, world):
    with app.app_context():
        insert_cases(standard_world())
        db.session.commit()
    client = login_as("admin")
    response = client.post("/statistics/releases/build", data={"release_id": "2025q3"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/statistics/releases/2025Q3")
    with app.app_context():
        release = db.session.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == "2025Q3"))
        admin_id = _admin().id
        assert release.status == "ready" and release.generated_by_id == admin_id
    assert any(e.entity_id == "2025Q3" for e in _events(app, "create"))
    # The ministry does not see it before publication.
    assert login_as("ministry").get("/statistics/releases/2025Q3").status_code == 404
    client = login_as("admin")
    response = client.post("/statistics/releases/2025Q3/publish")
    assert response.status_code == 302
    with app.app_context():
        release = db.session.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == "2025Q3"))
        assert release.status == "published" and release.published_by_id == admin_id
    published = [e for e in _events(app, "status_change") if e.entity == "statistics_release"]
    assert [e.entity_id for e in published] == ["2025Q3"] and published[0].actor_id == admin_id
    # Publishing twice is refused, in the user's language.
    response = client.post("/statistics/releases/2025Q3/publish?lang=en")
    assert response.status_code == 422 and "This release is already published." in response.get_data(as_text=True)
    assert client.post("/statistics/releases/2031Q1/publish").status_code == 404
    assert login_as("ministry").get("/statistics/releases/2025Q3").status_code == 200


@fuzz(40)
@given(release_id=st.one_of(st.text(max_size=24), st.from_regex(r"\A[0-9]{4}(Q[0-9])?(-r[0-9])?\Z"),
                            st.sampled_from(["0000", "9999Q4", "٢٠٢٥Q3", "2025Q3\x00", " 2025Q3 ", "1999"])))
def test_build_form_never_fails_with_a_500(app, login_as, world, release_id):
    client = login_as("admin")
    response = client.post("/statistics/releases/build", data={"release_id": release_id})
    assert response.status_code in (302, 422), release_id
    with app.app_context():  # only well-formed ASCII ids ever reach the register
        ids = db.session.scalars(select(StatisticsRelease.release_id)).all()
        assert all(re.fullmatch(r"2[0-9]{3}(Q[1-4])?", i) for i in ids), ids


def test_annual_release_has_tables_without_bar_charts(app, login_as, world):
    with app.app_context():
        insert_cases(standard_world())
        build_release(db.session, "2025", now=datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
        db.session.commit()
    client = login_as("admin")
    page = client.get("/statistics/releases/2025?lang=fr").get_data(as_text=True)
    data = _stored_json(app, "2025", "T4")
    columns = data["columns"]
    assert [row[:2] for row in _cells(page, "caption-T4")] == [
        [row[columns.index("label_fr")], str(row[columns.index("value")])]
        for row in data["rows"]]
    assert "chart-bars" not in page  # two-dimensional tables are not charted
    assert client.get("/statistics/releases/2025/all.xlsx").status_code == 200
    # An annual release is not a quarter: the trends ignore it (and it is not published anyway).
    assert "No quarterly release has been published yet." in client.get("/statistics/trends?lang=en").get_data(
        as_text=True)
