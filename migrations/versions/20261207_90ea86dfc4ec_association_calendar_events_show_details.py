"""Association setting: calendar events show the case reference and the place (docs/security.md, P2).

Existing associations get false: their staff's calendar feeds and .ics files say only the type
and the time of each appointment from now on.

Revision ID: 90ea86dfc4ec
Revises: a3dd3839f01c
Create Date: 2026-12-07 02:45:54.564969

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '90ea86dfc4ec'
down_revision = 'a3dd3839f01c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_shows_details', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_column('calendar_shows_details')
