"""Editing the positive-parenting groups, and data-subject requests of participants known only from groups
(docs/domain.md, DOM134-DOM139).

A programme gets a version column (its edits are compared, S31; every existing row starts at 1); a group may
be cancelled before it started (`cancelled_on`, never together with `finished_on`); a data-subject request
names either a person of the identity vault or a group-only participant (SET NULL once that participant is
erased), never both.

Revision ID: 5d1c0a7e2b94
Revises: 5b1e7c9d2a40
Create Date: 2026-12-07 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d1c0a7e2b94'
down_revision = '5b1e7c9d2a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('parenting_programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
    programmes = sa.table('parenting_programme', sa.column('version_id', sa.Integer()))
    op.get_bind().execute(programmes.update().values(version_id=1))
    with op.batch_alter_table('parenting_programme', schema=None) as batch_op:
        batch_op.alter_column('version_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('parenting_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_parenting_group_finished_or_cancelled'),
                                         'finished_on IS NULL OR cancelled_on IS NULL')

    with op.batch_alter_table('data_subject_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_participant_id', sa.Integer(), nullable=True))
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_data_subject_request_group_participant_id'), ['group_participant_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_data_subject_request_group_participant_id_group_participant'),
                                    'group_participant', ['group_participant_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_data_subject_request_one_subject'),
                                         'person_id IS NULL OR group_participant_id IS NULL')


def downgrade():
    # Requests of group-only participants have no person: they cannot survive the older schema.
    requests = sa.table('data_subject_request', sa.column('person_id', sa.Integer()))
    op.get_bind().execute(requests.delete().where(requests.c.person_id.is_(None)))
    with op.batch_alter_table('data_subject_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_data_subject_request_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_data_subject_request_group_participant_id_group_participant'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_data_subject_request_group_participant_id'))
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('group_participant_id')

    with op.batch_alter_table('parenting_group', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_parenting_group_finished_or_cancelled'), type_='check')
        batch_op.drop_column('cancelled_on')

    with op.batch_alter_table('parenting_programme', schema=None) as batch_op:
        batch_op.drop_column('version_id')
