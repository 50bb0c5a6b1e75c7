"""The level of an agreement, derived from its points (docs/domain.md, DOM78)."""

from __future__ import annotations

from collections.abc import Iterable

from mediation.cases.codes import AgreementLevel, PointStatus


def derive_level(statuses: Iterable[PointStatus]) -> AgreementLevel:
    """Full when every point is agreed, none when no point is agreed or partly agreed, partial otherwise.

    An agreement has at least one point (the service refuses one without): the two first rules would both
    hold for an empty list.
    """
    found = list(statuses)
    if not found:
        raise ValueError("an agreement has at least one point")
    if all(status is PointStatus.AGREED for status in found):
        return AgreementLevel.FULL
    if all(status is PointStatus.NOT_AGREED for status in found):
        return AgreementLevel.NONE
    return AgreementLevel.PARTIAL
