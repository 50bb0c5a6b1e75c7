"""Post-closure follow-ups: planned at 1, 3 and 6 months when a case closes with an agreement or a
reconciliation, then recorded (docs/domain.md, DOM93-DOM97). The note is encrypted; the rest are codes,
dates and ids.

Revision ID: d79ce7a497f4
Revises: c01ab5d295f1
Create Date: 2026-12-07 14:19:54.823674

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd79ce7a497f4'
down_revision = 'c01ab5d295f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('post_closure_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('closure_id', sa.Integer(), nullable=False),
    sa.Column('months_after', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'done', 'cancelled', name='aftercare_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('contact_mode', sa.Enum('phone', 'met', 'not_reached', name='contact_mode', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('contacted_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.Enum('holding', 'partly_holding', 'not_holding', 'unreachable', name='follow_up_result', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('new_proceedings', sa.Boolean(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('action', sa.Enum('none', 'reopen_requested', 'referral', name='aftercare_action', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_by_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['staff_user.id'], name=op.f('fk_post_closure_follow_up_assigned_to_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_post_closure_follow_up_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closure_id'], ['case_closure.id'], name=op.f('fk_post_closure_follow_up_closure_id_case_closure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contacted_id'], ['participant.id'], name=op.f('fk_post_closure_follow_up_contacted_id_participant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff_user.id'], name=op.f('fk_post_closure_follow_up_done_by_id_staff_user')),
    sa.ForeignKeyConstraint(['seen_by_id'], ['staff_user.id'], name=op.f('fk_post_closure_follow_up_seen_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_closure_follow_up')),
    sa.UniqueConstraint('public_id', name=op.f('uq_post_closure_follow_up_public_id'))
    )
    with op.batch_alter_table('post_closure_follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_post_closure_follow_up_assignee_due', ['assigned_to_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_closure_follow_up_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_closure_follow_up_closure_id'), ['closure_id'], unique=False)


def downgrade():
    with op.batch_alter_table('post_closure_follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_closure_follow_up_closure_id'))
        batch_op.drop_index(batch_op.f('ix_post_closure_follow_up_case_id'))
        batch_op.drop_index('ix_post_closure_follow_up_assignee_due')

    op.drop_table('post_closure_follow_up')
