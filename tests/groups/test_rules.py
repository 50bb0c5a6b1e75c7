"""The enrolment status rules at their boundaries (docs/domain.md, DOM124)."""

from __future__ import annotations

from mediation.groups.codes import EnrolmentStatus
from mediation.groups.rules import completed, enrolment_status, took_part


def test_completion_at_74_and_75_per_cent():
    assert not completed(74, 100, 75)
    assert completed(75, 100, 75)
    # Twelve sessions: 9 is exactly 75 %, 8 is 66.7 %.
    assert completed(9, 12, 75)
    assert not completed(8, 12, 75)
    # 74 % of 50 sessions is 37; 75 % is 37.5, so 38 is the first that completes.
    assert not completed(37, 50, 75)
    assert completed(38, 50, 75)


def test_took_part_is_session_one_or_two():
    assert took_part({1})
    assert took_part({2, 7})
    assert not took_part({3, 4, 5})
    assert not took_part(set())


def test_status_order():
    assert enrolment_status(set(range(1, 10)), 12, dropped_out=True, percent=75) is EnrolmentStatus.COMPLETED
    assert enrolment_status({1, 2}, 12, dropped_out=True, percent=75) is EnrolmentStatus.DROPPED_OUT
    assert enrolment_status({2}, 12, dropped_out=False, percent=75) is EnrolmentStatus.TOOK_PART
    assert enrolment_status({3}, 12, dropped_out=False, percent=75) is EnrolmentStatus.ENROLLED
    # Completed without sessions 1 and 2 (10 of 12): the rule is exactly the share of planned sessions.
    assert enrolment_status(set(range(3, 13)), 12, dropped_out=False, percent=75) is EnrolmentStatus.COMPLETED
