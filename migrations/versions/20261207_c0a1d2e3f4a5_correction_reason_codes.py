"""A statistics correction states its reason as a fixed code, never free text (docs/statistics.md, ST31).

The free-text note could say how many cases changed, which lets an attacker holding both
versions of a period pin a `<10` cell. Stored notes are erased and the column becomes the code: the frozen
files of the releases built before keep theirs, and no code can be inferred from free text.

Revision ID: c0a1d2e3f4a5
Revises: d79ce7a497f4
Create Date: 2026-12-07 15:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c0a1d2e3f4a5'
down_revision = 'd79ce7a497f4'
branch_labels = None
depends_on = None

REASONS = ('data_entry_error', 'late_records', 'opened_in_error', 'method_change')
CHECK = "correction_reason IN ('data_entry_error', 'late_records', 'opened_in_error', 'method_change')"


def upgrade():
    # The column takes the note's place (renamed, so that it keeps its position on every database);
    # the free text goes first, since no code can be read into it.
    op.execute("UPDATE statistics_release SET note = NULL")
    with op.batch_alter_table('statistics_release', schema=None) as batch_op:
        batch_op.alter_column('note', new_column_name='correction_reason', existing_type=sa.Text(),
                              type_=sa.String(length=32), existing_nullable=True)
        batch_op.create_check_constraint(op.f('ck_statistics_release_correction_reason'), CHECK)


def downgrade():
    with op.batch_alter_table('statistics_release', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_statistics_release_correction_reason'), type_='check')
        batch_op.alter_column('correction_reason', new_column_name='note', existing_type=sa.String(length=32),
                              type_=sa.Text(), existing_nullable=True)
