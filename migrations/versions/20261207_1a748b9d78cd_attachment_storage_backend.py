"""Each attachment names the backend that keeps its sealed chunks: the database or an S3-compatible object
store (docs/domain.md, DOM165; docs/security.md, S78). Every attachment added before is in the database.

Revision ID: 1a748b9d78cd
Revises: e57c2b24cee9
Create Date: 2026-12-07 17:11:18.846213

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '1a748b9d78cd'
down_revision = 'e57c2b24cee9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storage', sa.Enum('database', 'object_store', name='attachment_storage', native_enum=False, create_constraint=True, length=32), server_default='database', nullable=False))


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachment_attachment_storage'), type_='check')
        batch_op.drop_column('storage')
