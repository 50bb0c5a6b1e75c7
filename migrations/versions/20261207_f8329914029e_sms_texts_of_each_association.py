"""The SMS texts of each association, per kind of message and language (docs/domain.md, DOM146).

A text holds placeholders and neutral words, no person's data: stored in clear. Without a row, the
built-in text is sent.

Revision ID: f8329914029e
Revises: ccb753410ab5
Create Date: 2026-12-07 20:52:40.346058

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f8329914029e'
down_revision = 'ccb753410ab5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('appointment_reminder', 'convocation', 'group_reminder', name='sms_template_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('language', sa.Enum('ar', 'fr', 'ary_latn', 'ary_arab', name='sms_template_language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_sms_template_association_id_association')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'], name=op.f('fk_sms_template_updated_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_template')),
    sa.UniqueConstraint('association_id', 'kind', 'language', name='uq_sms_template'),
    sa.UniqueConstraint('public_id', name=op.f('uq_sms_template_public_id'))
    )
    with op.batch_alter_table('sms_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_template_association_id'), ['association_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sms_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_template_association_id'))

    op.drop_table('sms_template')
