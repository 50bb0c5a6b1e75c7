"""Possible duplicates waiting for a supervisor: a new participation whose person may already be known
under a record the registering user could not see (docs/domain.md, DOM74; docs/security.md, P5).

Ids only: what the two records hold stays in `person`.

Revision ID: 7efafd0f3c56
Revises: 6114b9cf319f
Create Date: 2026-12-07 11:27:49.570146

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7efafd0f3c56'
down_revision = "6114b9cf319f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duplicate_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('candidate_person_id', sa.Integer(), nullable=False),
    sa.Column('flagged_by_id', sa.Integer(), nullable=False),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('linked', sa.Boolean(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_duplicate_flag_association_id_association')),
    sa.ForeignKeyConstraint(['candidate_person_id'], ['person.id'], name=op.f('fk_duplicate_flag_candidate_person_id_person')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_duplicate_flag_decided_by_id_staff_user')),
    sa.ForeignKeyConstraint(['flagged_by_id'], ['staff_user.id'], name=op.f('fk_duplicate_flag_flagged_by_id_staff_user')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_duplicate_flag_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_flag')),
    sa.UniqueConstraint('public_id', name=op.f('uq_duplicate_flag_public_id'))
    )
    with op.batch_alter_table('duplicate_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_flag_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_flag_candidate_person_id'), ['candidate_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_flag_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('duplicate_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_flag_participant_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_flag_candidate_person_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_flag_association_id'))

    op.drop_table('duplicate_flag')
