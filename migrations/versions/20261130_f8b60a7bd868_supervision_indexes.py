"""Indexes for the supervision dashboard and case list: an association's cases by status and dates,
a case's latest sessions, appointments, follow-ups, screenings and decisions, cases by conflict type.

Revision ID: f8b60a7bd868
Revises: cf2b6edc7041
Create Date: 2026-11-30 04:28:22.609298

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f8b60a7bd868'
down_revision = 'cf2b6edc7041'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_case_id'))
        batch_op.create_index('ix_appointment_case_start', ['case_id', 'start_utc'], unique=False)

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_file_association_closed', ['association_id', 'closed_on'], unique=False)
        batch_op.create_index('ix_case_file_association_opened', ['association_id', 'opened_on'], unique=False)
        batch_op.create_index('ix_case_file_association_status', ['association_id', 'status'], unique=False)

    with op.batch_alter_table('case_issue', schema=None) as batch_op:
        batch_op.create_index('ix_case_issue_issue_case', ['issue', 'case_id'], unique=False)

    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.create_index('ix_counselling_session_case_started', ['case_id', 'started_at'], unique=False)

    with op.batch_alter_table('follow_up_action', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_action_case_due', ['case_id', 'due_on'], unique=False)

    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.create_index('ix_screening_participant_created', ['participant_id', 'created_at'], unique=False)

    with op.batch_alter_table('screening_decision', schema=None) as batch_op:
        batch_op.create_index('ix_screening_decision_case_decided', ['case_id', 'decided_at'], unique=False)



def downgrade():
    with op.batch_alter_table('screening_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_screening_decision_case_decided')

    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.drop_index('ix_screening_participant_created')

    with op.batch_alter_table('follow_up_action', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_action_case_due')

    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.drop_index('ix_counselling_session_case_started')

    with op.batch_alter_table('case_issue', schema=None) as batch_op:
        batch_op.drop_index('ix_case_issue_issue_case')

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_file_association_status')
        batch_op.drop_index('ix_case_file_association_opened')
        batch_op.drop_index('ix_case_file_association_closed')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_case_start')
        batch_op.create_index(batch_op.f('ix_appointment_case_id'), ['case_id'], unique=False)

