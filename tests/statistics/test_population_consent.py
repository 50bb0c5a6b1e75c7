"""The release population follows each association's statistics-consent setting (docs/statistics.md, ST3,
docs/domain.md, DOM33): where the association's CNDP declaration makes anonymous statistics depend on consent,
a case counts only with at least one party's `statistics` consent given and none refused or withdrawn
(each party's latest row: consent is append-only). The own-association report is not a release: it
counts every real case of the association."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from mediation.accounts.models import Association, ServicePoint
from mediation.extensions import db
from mediation.statistics import aggregate
from mediation.statistics.own_report import association_report
from mediation.statistics.release import build_release
from tests.statistics.microdata import CaseSpec, add_association, insert_cases

NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)
# Each case's consent history per party, and whether it counts where consent is needed.
HISTORIES = {
    "no party asked": ((), False),
    "given": ((("given",),), True),
    "refused": ((("refused",),), False),
    "given then withdrawn": ((("given", "withdrawn"),), False),
    "refused then given": ((("refused", "given"),), True),
    "one given, the other never asked": ((("given",), ()), True),
    "one given, the other refused": ((("given",), ("refused",)), False),
    "both given, a third withdrew": ((("given",), ("given",), ("given", "withdrawn")), False),
}


def _q3():
    return aggregate.period_bounds(2025, 3)


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        yield db.session


def _insert(stat_key_start: int, point: str) -> None:
    insert_cases([CaseSpec(point, stat_key_start + index, statistics_consent=history)
                  for index, (history, _counted) in enumerate(HISTORIES.values())])


def _require_consent(session, point: str, required: bool = True) -> Association:
    association = session.scalar(select(Association).join(ServicePoint, ServicePoint.association_id == Association.id)
                                 .where(ServicePoint.code == point))
    association.statistics_need_consent = required
    session.flush()
    return association


def _count(session, region: str) -> int:
    cells = aggregate.cases_by_region(session, _q3())
    return cells[(region,)].count if (region,) in cells else 0


def test_every_case_counts_where_the_association_needs_no_consent(ctx):
    add_association("MA-06", "X-1")
    _insert(0, "X-1")
    assert _count(ctx, "MA-06") == len(HISTORIES)


def test_where_consent_is_needed_only_consenting_cases_count(ctx):
    add_association("MA-06", "X-1")
    add_association("MA-07", "Y-1")
    _insert(0, "X-1")
    _insert(100, "Y-1")
    _require_consent(ctx, "X-1")
    expected = sum(counted for _history, counted in HISTORIES.values())
    assert 0 < expected < len(HISTORIES)  # both outcomes in play
    assert _count(ctx, "MA-06") == expected
    # The keys summed are those of the counted cases: the rounding follows the population.
    keys = {index for index, (_h, counted) in enumerate(HISTORIES.values()) if counted}
    assert aggregate.cases_by_region(ctx, _q3())[("MA-06",)].key_sum == sum(keys)
    assert _count(ctx, "MA-07") == len(HISTORIES)  # the other association's setting is its own


def test_each_history_alone(ctx):
    """One case per association, so each consent history is checked on its own."""
    for index, (name, (history, counted)) in enumerate(HISTORIES.items()):
        point = f"Z-{index}"
        add_association("MA-03", point)
        insert_cases([CaseSpec(point, index, statistics_consent=history)])
        _require_consent(ctx, point)
        association_id = ctx.scalar(select(ServicePoint.association_id).where(ServicePoint.code == point))
        cells = aggregate.cases_by_region(ctx, _q3())
        contributed = association_id in cells[("MA-03",)].by_association if ("MA-03",) in cells else False
        assert contributed is counted, name


def test_sessions_and_closures_follow_their_case(ctx):
    add_association("MA-06", "X-1")
    insert_cases([
        CaseSpec("X-1", 1, statistics_consent=(("given",),), sessions=(("individual", False),),
                 closures=((3, "agreement_full"),)),
        CaseSpec("X-1", 2, statistics_consent=(("refused",),), sessions=(("individual", False),),
                 closures=((3, "agreement_full"),)),
    ])
    _require_consent(ctx, "X-1")
    assert sum(cell.count for cell in aggregate.sessions_by_type(ctx, _q3()).values()) == 1
    assert sum(cell.count for cell in aggregate.closures_by_outcome_group(ctx, _q3()).values()) == 1


def test_a_published_release_keeps_its_population_when_the_setting_changes(ctx):
    add_association("MA-06", "X-1")
    _insert(0, "X-1")
    release = build_release(ctx, "2025Q3", now=NOW)
    stored = {(f.table_id, f.format): f.content for f in release.files}
    _require_consent(ctx, "X-1")
    ctx.expire_all()
    again = ctx.get(type(release), release.id)
    assert {(f.table_id, f.format): f.content for f in again.files} == stored


def test_the_own_association_report_counts_every_real_case(ctx):
    add_association("MA-06", "X-1")
    _insert(0, "X-1")
    association = _require_consent(ctx, "X-1")
    report = association_report(ctx, association.id, 2025, 3)
    figures = {figure.code: figure.value for figure in report.figures}
    assert figures["open_caseload"] == len(HISTORIES)
