"""Each staff member chooses how their day-before agenda reaches them (e-mail, SMS or not at all) and
the mobile number for it, encrypted like other identifying data (docs/domain.md, DOM164; docs/security.md,
S88). Existing accounts keep the e-mail agenda (server default).

Revision ID: 7d3f1e2a9b64
Revises: f8329914029e
Create Date: 2026-12-07 21:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d3f1e2a9b64'
down_revision = 'f8329914029e'
branch_labels = None
depends_on = None

CHECK = "agenda_channel IN ('email', 'sms', 'none')"


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_channel', sa.String(length=32), server_default='email',
                                      nullable=False))
        batch_op.add_column(sa.Column('mobile', sa.LargeBinary(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_staff_user_agenda_channel'), CHECK)


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_staff_user_agenda_channel'), type_='check')
        batch_op.drop_column('mobile')
        batch_op.drop_column('agenda_channel')
