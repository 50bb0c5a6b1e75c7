"""Session log: counselling sessions, staff and attendees, corrections, follow-up actions;
the CNDP authorisation for sensitive data on associations.

Revision ID: 7c120512968a
Revises: 7dd480b424e4
Create Date: 2026-11-30 02:16:11.249196

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c120512968a'
down_revision = '7dd480b424e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counselling_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('individual', 'joint_mediation', 'shuttle_mediation', 'counselling_psychological', 'counselling_social', 'counselling_legal', 'positive_parenting', 'child_consultation', 'follow_up', name='session_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mode', sa.Enum('in_person', 'phone', 'video', name='session_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_min', sa.Integer(), nullable=False),
    sa.Column('parties_kept_apart', sa.Boolean(), nullable=False),
    sa.Column('interpreter_used', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.LargeBinary(), nullable=True),
    sa.Column('next_steps', sa.LargeBinary(), nullable=True),
    sa.Column('visibility', sa.Enum('joint', 'private_party', 'staff_only', name='note_visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.LargeBinary(), nullable=True),
    sa.Column('stat_key', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_counselling_session_author_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_counselling_session_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff_user.id'], name=op.f('fk_counselling_session_voided_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counselling_session')),
    sa.UniqueConstraint('public_id', name=op.f('uq_counselling_session_public_id'))
    )
    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counselling_session_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_session_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counselling_session_started_at'), ['started_at'], unique=False)

    op.create_table('follow_up_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.LargeBinary(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['staff_user.id'], name=op.f('fk_follow_up_action_assigned_to_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_follow_up_action_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff_user.id'], name=op.f('fk_follow_up_action_done_by_id_staff_user')),
    sa.ForeignKeyConstraint(['session_id'], ['counselling_session.id'], name=op.f('fk_follow_up_action_session_id_counselling_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_action')),
    sa.UniqueConstraint('public_id', name=op.f('uq_follow_up_action_public_id'))
    )
    with op.batch_alter_table('follow_up_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_action_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_action_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_action_due_on'), ['due_on'], unique=False)

    op.create_table('session_attendee',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_session_attendee_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['counselling_session.id'], name=op.f('fk_session_attendee_session_id_counselling_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'participant_id', name=op.f('pk_session_attendee'))
    )
    op.create_table('session_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('previous', sa.LargeBinary(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_user.id'], name=op.f('fk_session_revision_changed_by_id_staff_user')),
    sa.ForeignKeyConstraint(['session_id'], ['counselling_session.id'], name=op.f('fk_session_revision_session_id_counselling_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_revision')),
    sa.UniqueConstraint('session_id', 'number', name='uq_session_revision_session_number')
    )
    with op.batch_alter_table('session_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_revision_session_id'), ['session_id'], unique=False)

    op.create_table('session_staff',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['counselling_session.id'], name=op.f('fk_session_staff_session_id_counselling_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_session_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_session_staff'))
    )
    with op.batch_alter_table('session_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_staff_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cndp_authorisation_no', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('cndp_authorisation_on', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_column('cndp_authorisation_on')
        batch_op.drop_column('cndp_authorisation_no')

    with op.batch_alter_table('session_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_staff_user_id'))

    op.drop_table('session_staff')
    with op.batch_alter_table('session_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_revision_session_id'))

    op.drop_table('session_revision')
    op.drop_table('session_attendee')
    with op.batch_alter_table('follow_up_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_action_due_on'))
        batch_op.drop_index(batch_op.f('ix_follow_up_action_case_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_action_assigned_to_id'))

    op.drop_table('follow_up_action')
    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counselling_session_started_at'))
        batch_op.drop_index(batch_op.f('ix_counselling_session_case_id'))
        batch_op.drop_index(batch_op.f('ix_counselling_session_author_id'))

    op.drop_table('counselling_session')
