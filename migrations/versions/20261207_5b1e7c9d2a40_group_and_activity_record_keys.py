"""Record keys on parenting-group enrolments and family-space activities, for the ministry's tables T9 and T10
(docs/statistics.md, ST9, ST35, ST38).

Each existing row gets a key drawn as the application draws them (`secrets.randbelow(256)`), once; from then
on the key never changes (the models refuse it).

Revision ID: 5b1e7c9d2a40
Revises: 7d3f1e2a9b64
Create Date: 2026-12-07 21:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b1e7c9d2a40'
down_revision = '7d3f1e2a9b64'
branch_labels = None
depends_on = None

TABLES = ('parenting_enrolment', 'family_activity')


def upgrade():
    connection = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('stat_key', sa.Integer(), nullable=True))
        rows = sa.table(table, sa.column('id', sa.Integer()), sa.column('stat_key', sa.Integer()))
        for (row_id,) in connection.execute(sa.select(rows.c.id)).all():
            connection.execute(rows.update().where(rows.c.id == row_id).values(stat_key=secrets.randbelow(256)))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('stat_key', existing_type=sa.Integer(), nullable=False)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('stat_key')
