"""Each invited party's own arrival and departure, when a decision staggers them (docs/domain.md, DOM68).

Existing rows keep none: an appointment booked before this revision is changed through the form,
which then asks for the times if the case's decision staggers the parties.

Revision ID: 8b72857a7a23
Revises: 4f86f62e65e1
Create Date: 2026-12-07 11:23:08.852197

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8b72857a7a23'
down_revision = "4f86f62e65e1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment_party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrives_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('leaves_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_appointment_party_arrival_with_departure'),
                                         '(arrives_at IS NULL) = (leaves_at IS NULL)')
        batch_op.create_check_constraint(op.f('ck_appointment_party_leaves_after_arriving'),
                                         'leaves_at > arrives_at')


def downgrade():
    with op.batch_alter_table('appointment_party', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_appointment_party_leaves_after_arriving'), type_='check')
        batch_op.drop_constraint(op.f('ck_appointment_party_arrival_with_departure'), type_='check')
        batch_op.drop_column('leaves_at')
        batch_op.drop_column('arrives_at')
