"""Retention and data-subject requests: when a case and a person were anonymised,
and the register of requests under Law 09-08 (access, rectification, opposition).

Existing rows get NULL anonymised_at: nothing was anonymised before this revision.

Revision ID: 4aed9db3abdd
Revises: c84a57f6bbf5
Create Date: 2026-11-30 06:37:33.289934

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4aed9db3abdd'
down_revision = 'c84a57f6bbf5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_subject_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('access', 'rectification', 'opposition', name='subject_request_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('granted', 'partly_granted', 'refused', 'withdrawn', name='subject_request_outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('request_note', sa.LargeBinary(), nullable=True),
    sa.Column('answer_note', sa.LargeBinary(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_data_subject_request_association_id_association')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['staff_user.id'], name=op.f('fk_data_subject_request_handled_by_id_staff_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_data_subject_request_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_data_subject_request_recorded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_subject_request')),
    sa.UniqueConstraint('public_id', name=op.f('uq_data_subject_request_public_id'))
    )
    with op.batch_alter_table('data_subject_request', schema=None) as batch_op:
        batch_op.create_index('ix_data_subject_request_association_received', ['association_id', 'received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_subject_request_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('data_subject_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_subject_request_person_id'))
        batch_op.drop_index('ix_data_subject_request_association_received')

    op.drop_table('data_subject_request')
