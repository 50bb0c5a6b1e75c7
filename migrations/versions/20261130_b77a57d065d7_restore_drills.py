"""The register of restore drills (docs/security.md, S26: a restore drill runs each quarter, and its record
proves it): when, which backup, what the restored copy held, and a failed drill's refusal message.

Revision ID: b77a57d065d7
Revises: a15499598b0c
Create Date: 2026-11-30 10:50:25.328848

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b77a57d065d7'
down_revision = 'a15499598b0c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('restore_drill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drilled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('backup_id', sa.String(length=64), nullable=True),
    sa.Column('backup_created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.String(length=32), nullable=True),
    sa.Column('table_count', sa.Integer(), nullable=True),
    sa.Column('row_count', sa.Integer(), nullable=True),
    sa.Column('audit_event_count', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('failure', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restore_drill'))
    )
    with op.batch_alter_table('restore_drill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restore_drill_drilled_at'), ['drilled_at'], unique=False)


def downgrade():
    with op.batch_alter_table('restore_drill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restore_drill_drilled_at'))

    op.drop_table('restore_drill')
