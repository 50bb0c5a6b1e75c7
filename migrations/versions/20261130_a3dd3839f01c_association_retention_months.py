"""An association's own retention period for closed cases (docs/domain.md, DOM57; docs/security.md, S26).

Existing associations get NULL: they keep following RETENTION_CLOSED_CASE_MONTHS, as before.

Revision ID: a3dd3839f01c
Revises: b77a57d065d7
Create Date: 2026-11-30 10:53:52.410543

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3dd3839f01c'
down_revision = 'b77a57d065d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_column('retention_months')

