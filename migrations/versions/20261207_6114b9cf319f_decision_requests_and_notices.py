"""Requests for a supervisor's decision and notices to staff inside the application
(docs/domain.md, DOM71-DOM73).

Both tables start empty: no earlier event is turned into a notice.

Revision ID: 6114b9cf319f
Revises: 8b72857a7a23
Create Date: 2026-12-07 11:27:09.489640

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6114b9cf319f'
down_revision = "8b72857a7a23"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('decision', 'reassigned', 'review_action', 'co_worker', name='notice_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_notice_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_notice_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_notice_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('decision_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('gate_checks', sa.String(length=200), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_decision_request_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['screening_decision.id'], name=op.f('fk_decision_request_decision_id_screening_decision'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id'], name=op.f('fk_decision_request_requested_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_request')),
    sa.UniqueConstraint('public_id', name=op.f('uq_decision_request_public_id'))
    )
    with op.batch_alter_table('decision_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_request_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('decision_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_request_case_id'))

    op.drop_table('decision_request')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_user_read')
        batch_op.drop_index(batch_op.f('ix_notice_case_id'))

    op.drop_table('notice')
