"""A statistics correction states its reason as a fixed code, never free text (docs/statistics.md, ST31).

The free-text note could say how many cases changed, which lets an attacker holding both
versions of a period pin a `<10` cell. Stored notes are dropped with the column: the frozen
files of the releases built before keep theirs, and no code can be inferred from free text.

Revision ID: c0a1d2e3f4a5
Revises: 22e427a999af
Create Date: 2026-12-07 15:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f4a5'
down_revision = '22e427a999af'
branch_labels = None
depends_on = None

REASONS = ('data_entry_error', 'late_records', 'opened_in_error', 'method_change')


def upgrade():
    with op.batch_alter_table('statistics_release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction_reason', sa.Enum(*REASONS, name='correction_reason',
                                                                   native_enum=False, create_constraint=True,
                                                                   length=32), nullable=True))
        batch_op.drop_column('note')


def downgrade():
    # Recreated so that the note goes back to its place among the columns.
    with op.batch_alter_table('statistics_release', schema=None, recreate='always') as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True), insert_after='corrects_release_id')
        batch_op.drop_constraint(op.f('ck_statistics_release_correction_reason'), type_='check')
        batch_op.drop_column('correction_reason')
