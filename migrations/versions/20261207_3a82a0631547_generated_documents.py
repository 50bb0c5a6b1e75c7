"""The record of the documents produced for the parties and the court (docs/domain.md, DOM150-DOM156).

A row says what was produced, for whom, from which template version and source; it holds no text.

Revision ID: 3a82a0631547
Revises: 15898db66387
Create Date: 2026-12-07 17:13:21.477551

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3a82a0631547'
down_revision = '15898db66387'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('generated_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('agreement', 'convocation', 'attestation', 'closure_letter', name='document_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('language', sa.Enum('ar', 'fr', name='document_language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('agreement_version_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('closure_id', sa.Integer(), nullable=True),
    sa.Column('bring', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_version_id'], ['agreement_version.id'], name=op.f('fk_generated_document_agreement_version_id_agreement_version'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_generated_document_appointment_id_appointment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_generated_document_attachment_id_attachment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_generated_document_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closure_id'], ['case_closure.id'], name=op.f('fk_generated_document_closure_id_case_closure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_generated_document_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_generated_document_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_generated_document')),
    sa.UniqueConstraint('case_id', 'number', name='uq_generated_document_number'),
    sa.UniqueConstraint('public_id', name=op.f('uq_generated_document_public_id'))
    )
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_generated_document_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('generated_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_generated_document_case_id'))

    op.drop_table('generated_document')
