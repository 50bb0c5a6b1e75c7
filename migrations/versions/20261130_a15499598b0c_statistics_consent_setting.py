"""Association setting: anonymous statistics count a case only with the parties' consent.

Existing associations get false: every case is counted, as before this revision.

Revision ID: a15499598b0c
Revises: 4aed9db3abdd
Create Date: 2026-11-30 10:06:08.664474

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a15499598b0c'
down_revision = '4aed9db3abdd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statistics_need_consent', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_column('statistics_need_consent')
