"""Statistics releases: the frozen register of ministry releases and the stored bytes of their files.

Revision ID: c84a57f6bbf5
Revises: f8b60a7bd868
Create Date: 2026-11-30 04:48:48.617907

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c84a57f6bbf5'
down_revision = 'f8b60a7bd868'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statistics_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.Enum('quarterly', 'annual', name='release_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('ready', 'published', name='release_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('corrects_release_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('catalogue_version', sa.String(length=8), nullable=False),
    sa.Column('geography', sa.Text(), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['corrects_release_id'], ['statistics_release.id'], name=op.f('fk_statistics_release_corrects_release_id_statistics_release')),
    sa.ForeignKeyConstraint(['generated_by_id'], ['staff_user.id'], name=op.f('fk_statistics_release_generated_by_id_staff_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['staff_user.id'], name=op.f('fk_statistics_release_published_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_release')),
    sa.UniqueConstraint('release_id', name=op.f('uq_statistics_release_release_id'))
    )
    with op.batch_alter_table('statistics_release', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statistics_release_period'), ['period'], unique=False)

    op.create_table('statistics_release_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.String(length=8), nullable=False),
    sa.Column('format', sa.Enum('csv', 'json', 'xlsx', name='file_format', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['statistics_release.id'], name=op.f('fk_statistics_release_file_release_id_statistics_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_release_file')),
    sa.UniqueConstraint('release_id', 'table_id', 'format', name=op.f('uq_statistics_release_file_release_id'))
    )


def downgrade():
    op.drop_table('statistics_release_file')
    with op.batch_alter_table('statistics_release', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statistics_release_period'))

    op.drop_table('statistics_release')
