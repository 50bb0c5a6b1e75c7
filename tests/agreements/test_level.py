"""The level of an agreement is derived from its points, for every combination (docs/domain.md, DOM78)."""

from __future__ import annotations

import itertools

import pytest

from mediation.agreements.rules import derive_level
from mediation.cases.codes import AgreementLevel, PointStatus


def expected(statuses: tuple[PointStatus, ...]) -> AgreementLevel:
    """DOM78 read literally: full if every point is agreed, none if no point is agreed or partly agreed."""
    if all(status is PointStatus.AGREED for status in statuses):
        return AgreementLevel.FULL
    if not any(status in (PointStatus.AGREED, PointStatus.PARTIALLY_AGREED) for status in statuses):
        return AgreementLevel.NONE
    return AgreementLevel.PARTIAL


# Every combination of statuses for one to five points: a case has at most a handful of issues, and five
# points already hold every mix of the three statuses (363 combinations).
COMBINATIONS = [combination for size in range(1, 6) for combination in itertools.product(PointStatus, repeat=size)]


def test_every_combination_of_point_statuses_gives_the_domain_level():
    assert len(COMBINATIONS) == 3 + 9 + 27 + 81 + 243
    for combination in COMBINATIONS:
        assert derive_level(combination) is expected(combination), combination
    # Each level is reached, so the check above could fail for each of them.
    assert {derive_level(combination) for combination in COMBINATIONS} == set(AgreementLevel)


@pytest.mark.parametrize("statuses, level", [
    ((PointStatus.AGREED,), AgreementLevel.FULL),
    ((PointStatus.PARTIALLY_AGREED,), AgreementLevel.PARTIAL),
    ((PointStatus.PARTIALLY_AGREED, PointStatus.PARTIALLY_AGREED), AgreementLevel.PARTIAL),
    ((PointStatus.NOT_AGREED, PointStatus.PARTIALLY_AGREED), AgreementLevel.PARTIAL),
    ((PointStatus.NOT_AGREED,), AgreementLevel.NONE),
    ((PointStatus.AGREED, PointStatus.NOT_AGREED), AgreementLevel.PARTIAL),
])
def test_named_cases(statuses, level):
    assert derive_level(statuses) is level


def test_an_agreement_without_points_has_no_level():
    with pytest.raises(ValueError):
        derive_level([])
