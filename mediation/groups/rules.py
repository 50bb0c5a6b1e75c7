"""The rules of the groups that forms, services and queries share (docs/domain.md, DOM121, DOM124)."""

from __future__ import annotations

from collections.abc import Collection

from flask import current_app, has_app_context

from mediation.cases.codes import AgeBand, Sex
from mediation.groups.codes import EnrolmentStatus

NAME_MAX = 120
FRAMEWORK_MAX = 200
PARTICIPANT_NAME_MAX = 200
PHONE_MAX = 40
EMAIL_MAX = 254
MAX_PLANNED_SESSIONS = 52
MAX_CAPACITY = 60
SCORE_MAX = 100
DEFAULT_COMPLETION_PERCENT = 75
# Who may take part in a parenting group: parents and grandparents, so adults and older adolescents.
PARTICIPANT_AGE_BANDS = (AgeBand.B15_17, AgeBand.B18_24, AgeBand.B25_34, AgeBand.B35_44, AgeBand.B45_59,
                         AgeBand.B60_PLUS, AgeBand.UNKNOWN)
# An activity's attendance is counted by sex and by every age band, children included (DOM130).
ACTIVITY_SEXES = (Sex.FEMALE, Sex.MALE)
MAX_COUNT = 10_000
# Sessions 1 and 2: whoever came to one of them took part (docs/domain.md, DOM124).
TAKE_UP_SESSIONS = frozenset({1, 2})


def completion_percent() -> int:
    """The setting GROUP_COMPLETION_PERCENT (docs/domain.md, DOM124): 75 by default."""
    if has_app_context():
        return int(current_app.config.get("GROUP_COMPLETION_PERCENT", DEFAULT_COMPLETION_PERCENT))
    return DEFAULT_COMPLETION_PERCENT


def took_part(attended_numbers: Collection[int]) -> bool:
    """Came to session 1 or 2 of the cycle (docs/domain.md, DOM124)."""
    return bool(TAKE_UP_SESSIONS.intersection(attended_numbers))


def completed(attended: int, planned: int, percent: int) -> bool:
    """Attended at least `percent` % of the planned sessions, in whole numbers so that 9 of 12 is exactly
    75 % (docs/domain.md, DOM124)."""
    return planned > 0 and attended * 100 >= percent * planned


def enrolment_status(attended_numbers: Collection[int], planned: int, *, dropped_out: bool,
                     percent: int) -> EnrolmentStatus:
    """Completed wins over a drop-out recorded later; then dropped out; then took part; else enrolled
    (docs/domain.md, DOM124)."""
    if completed(len(set(attended_numbers)), planned, percent):
        return EnrolmentStatus.COMPLETED
    if dropped_out:
        return EnrolmentStatus.DROPPED_OUT
    if took_part(attended_numbers):
        return EnrolmentStatus.TOOK_PART
    return EnrolmentStatus.ENROLLED
