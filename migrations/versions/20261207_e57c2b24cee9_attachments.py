"""Documents attached to a case and the encrypted chunks of their content (docs/domain.md, DOM106-DOM108;
docs/security.md, S44-S48).

The label is encrypted; the content is kept as sealed chunks under a random storage key, never in clear.

Revision ID: e57c2b24cee9
Revises: c0a1d2e3f4a5
Create Date: 2026-12-07 15:12:50.253538

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e57c2b24cee9'
down_revision = 'c0a1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment_chunk',
    sa.Column('storage_key', sa.String(length=36), nullable=False),
    sa.Column('index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('storage_key', 'index', name=op.f('pk_attachment_chunk'))
    )
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('court_referral_letter', 'court_order', 'signed_agreement', 'signed_consent_form', 'identity_document', 'other', name='attachment_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('visibility', sa.Enum('case_staff', 'psychologists', name='attachment_visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('label', sa.LargeBinary(), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('content_type', sa.Enum('pdf', 'jpeg', 'png', name='attachment_content_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('chunk_count', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=36), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['staff_user.id'], name=op.f('fk_attachment_added_by_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_attachment_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('public_id', name=op.f('uq_attachment_public_id')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachment_storage_key'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_case_date', ['case_id', 'document_date'], unique=False)



def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_case_date')

    op.drop_table('attachment')
    op.drop_table('attachment_chunk')
