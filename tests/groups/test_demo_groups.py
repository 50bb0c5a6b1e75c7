"""The demo shows groups in every state, participants mostly without a case, and activities
(docs/domain.md, DOM120-DOM130)."""

from __future__ import annotations

from sqlalchemy import func, select

from mediation.extensions import db
from mediation.groups import queries
from mediation.groups.codes import EnrolmentStatus, GroupStatus
from mediation.groups.models import Activity, GroupParticipant, ParentingGroup


def test_the_demo_has_groups_in_every_state_and_activities(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "parenting groups" in result.output and " 0 parenting groups" not in result.output
    with app.test_request_context():
        groups = db.session.scalars(select(ParentingGroup)).unique().all()
        statuses = set()
        for group in groups:
            held = sum(1 for row in queries.sessions_of(db.session, group) if row.attendance_recorded_at)
            statuses.add(queries.group_status(group, held))
        assert statuses == set(GroupStatus)
        enrolment_statuses = {row.status for group in groups for row in queries.enrolment_rows(db.session, group)}
        assert enrolment_statuses == set(EnrolmentStatus)
        linked = db.session.scalar(select(func.count()).select_from(GroupParticipant)
                                   .where(GroupParticipant.person_id.is_not(None)))
        alone = db.session.scalar(select(func.count()).select_from(GroupParticipant)
                                  .where(GroupParticipant.person_id.is_(None)))
        assert 0 < linked < alone
        assert db.session.scalar(select(func.count()).select_from(Activity)) > 0
    again = runner.invoke(args=["demo", "load"])
    assert "0 parenting groups, 0 activities" in again.output
