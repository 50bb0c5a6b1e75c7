"""A correction's reason and what its page says (docs/statistics.md, ST31), through the service and the route."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.statistics.codes import CorrectionReason
from mediation.statistics.models import StatisticsRelease
from mediation.statistics.release import ReleaseRefused, build_release
from tests.statistics.microdata import CaseSpec, insert_cases
from tests.statistics.test_release_pages import NOW, build_releases
from tests.strategies import fuzz

CODES = [reason.value for reason in CorrectionReason]


@pytest.fixture(scope="module")
def _module_releases(app, _module_world):
    """Every test of this module starts from the same releases: built once, in the module's transaction, and
    each test runs in a savepoint of it (tests/conftest.py, `db`), so what one builds the next never meets."""
    return build_releases(app)


@pytest.fixture
def releases(_module_releases, world):
    """2025Q2 (no cases) and 2025Q3 published; a correction 2025Q3-r2 ready, not published."""
    return _module_releases


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(StatisticsRelease))


@pytest.mark.parametrize("reason", ["", "one case closed as opened in error", "Late records", "late_records ",
                                    "LATE_RECORDS", "opened_in_error\n", "1"])
def test_the_service_refuses_anything_but_a_code(app, releases, reason):
    with app.app_context():
        before = _count()
        with pytest.raises(ReleaseRefused):
            build_release(db.session, "2025Q3", now=NOW, correction_of="2025Q3", reason=reason)
        db.session.rollback()
        assert _count() == before


@fuzz(25)
@given(reason=st.one_of(st.text(max_size=40), st.sampled_from(CODES)))
def test_correction_reason_accepts_only_the_fixed_codes(app, login_as, releases, reason):
    client = login_as("admin")
    with app.app_context():
        before = _count()
    response = client.post("/statistics/releases/build?lang=en",
                           data={"release_id": "2025Q3", "correction_of": "2025Q3", "reason": reason})
    with app.app_context():
        built = db.session.scalars(select(StatisticsRelease).order_by(StatisticsRelease.id.desc())).first()
        if reason in CODES:
            assert response.status_code == 302 and _count() == before + 1
            assert built.correction_reason == reason
        else:
            assert response.status_code == 422 and _count() == before, reason
            assert "A correction needs its reason, chosen from the list." in html.unescape(
                response.get_data(as_text=True))


@pytest.mark.parametrize("lang, erratum, correction, reason", [
    ("en", "Erratum to 2025Q3:", "Correction of 2025Q3-r2:", "Late records"),
    ("fr", "Erratum à 2025Q3 :", "Correction de 2025Q3-r2 :", "Enregistrements tardifs"),
    ("ar", "استدراك على الإصدار 2025Q3:", "تصحيح للإصدار 2025Q3-r2:", "تسجيلات متأخرة"),
])
def test_the_release_page_says_correction_or_erratum(app, login_as, releases, lang, erratum, correction,
                                                     reason):
    client = login_as("admin")
    # 2025Q3-r2 was built from unchanged data: every published value is the same, an erratum.
    page = html.unescape(client.get(f"/statistics/releases/2025Q3-r2?lang={lang}").get_data(as_text=True))
    assert erratum in page and correction.replace("-r2", "") not in page
    with app.app_context():
        insert_cases([CaseSpec("RBT-01", i, issues=("marital_discord",)) for i in range(40)])  # late records
        build_release(db.session, "2025Q3", now=NOW, correction_of="2025Q3-r2", reason="late_records")
        db.session.commit()
    page = html.unescape(client.get(f"/statistics/releases/2025Q3-r3?lang={lang}").get_data(as_text=True))
    assert correction in page and reason in page
    assert "Erratum" not in page and "استدراك" not in page
    assert "late_records" not in page  # the label, never the code
