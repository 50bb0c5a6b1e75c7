"""The administrator's home page shows the restore drills (docs/security.md, S26): when the last one passed,
a failed one with its reason, and a warning while none passed in the last quarter (DRILL_INTERVAL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mediation.backup.drill import DRILL_INTERVAL
from mediation.backup.models import RestoreDrill
from mediation.core import clock
from mediation.extensions import db


@pytest.fixture
def drills(app, world):
    """Add drills (the test's transaction is rolled back afterwards)."""

    def add(days_ago: int, passed: bool = True, failure: str | None = None):
        with app.app_context():
            drill = RestoreDrill(drilled_at=clock.now() - timedelta(days=days_ago), passed=passed, failure=failure,
                                 backup_id="b" * 32, backup_created_at=clock.now() - timedelta(days=days_ago + 1),
                                 revision="abc", duration_ms=1200)
            db.session.add(drill)
            db.session.commit()

    return add


def test_the_admin_home_warns_until_a_drill_passed_this_quarter(app, login_as, drills):
    page = login_as("admin").get("/?lang=en").get_data(as_text=True)
    assert "No restore drill has passed in the last quarter." in page
    drills(DRILL_INTERVAL.days + 5)  # an old one does not count
    assert "No restore drill has passed in the last quarter." in login_as("admin").get("/?lang=en").get_data(
        as_text=True)
    drills(3)
    page = login_as("admin").get("/?lang=en").get_data(as_text=True)
    assert "Last restore drill passed on" in page and "No restore drill has passed" not in page
    drills(1, passed=False, failure="the restored audit chain is broken at event 7")
    page = login_as("admin").get("/?lang=en").get_data(as_text=True)
    assert "The last restore drill, on" in page and "the restored audit chain is broken at event 7" in page
    assert "Last restore drill passed on" in page  # the quarter's passed drill still counts
    for persona in ("supervisor_a", "ministry"):
        assert 'id="restore-drill"' not in login_as(persona).get("/?lang=en").get_data(as_text=True)
