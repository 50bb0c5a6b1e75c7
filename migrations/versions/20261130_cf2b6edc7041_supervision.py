"""Supervision: reviews of cases, the history of lead changes, the review-due date of a case.

Revision ID: cf2b6edc7041
Revises: edc92e39007e
Create Date: 2026-11-30 03:57:07.522967

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'cf2b6edc7041'
down_revision = 'edc92e39007e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_lead_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=True),
    sa.Column('to_user_id', sa.Integer(), nullable=False),
    sa.Column('kept_as_co_worker', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_lead_change_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_user.id'], name=op.f('fk_case_lead_change_changed_by_id_staff_user')),
    sa.ForeignKeyConstraint(['from_user_id'], ['staff_user.id'], name=op.f('fk_case_lead_change_from_user_id_staff_user')),
    sa.ForeignKeyConstraint(['to_user_id'], ['staff_user.id'], name=op.f('fk_case_lead_change_to_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_lead_change')),
    sa.UniqueConstraint('public_id', name=op.f('uq_case_lead_change_public_id'))
    )
    with op.batch_alter_table('case_lead_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_lead_change_case_id'), ['case_id'], unique=False)

    op.create_table('supervision_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('trigger', sa.Enum('periodic', 'positive_screen', 'follow_up_alert', 'mediator_request', 'reopen', name='supervision_trigger', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decision', sa.Enum('continue', 'change_approach', 'reassign', 'close', 'safeguarding', 'refer', name='supervision_decision', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('next_review_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_supervision_review_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['staff_user.id'], name=op.f('fk_supervision_review_supervisor_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_review')),
    sa.UniqueConstraint('public_id', name=op.f('uq_supervision_review_public_id'))
    )
    with op.batch_alter_table('supervision_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_review_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_review_supervisor_id'), ['supervisor_id'], unique=False)

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_file_review_due_on'), ['review_due_on'], unique=False)



def downgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_file_review_due_on'))
        batch_op.drop_column('review_due_on')

    with op.batch_alter_table('supervision_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_review_supervisor_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_review_case_id'))

    op.drop_table('supervision_review')
    with op.batch_alter_table('case_lead_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_lead_change_case_id'))

    op.drop_table('case_lead_change')
