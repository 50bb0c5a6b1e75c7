"""The case's supervisor, and the reasons given for opening a case outside one's assignment
(docs/security.md, P4; docs/domain.md, DOM13).

Existing cases of an association with exactly one active supervisor get that supervisor: they go on
opening their cases as before. Elsewhere the column stays empty and each supervisor gives a reason
(or takes the case on) the first time.

Revision ID: 8b5bb93061d4
Revises: 90ea86dfc4ec
Create Date: 2026-12-07 02:51:55.871139

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8b5bb93061d4'
down_revision = '90ea86dfc4ec'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('supervise', 'decision', 'review', 'reassignment', 'family_request', 'other', name='access_reason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_access_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_case_access_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_access')),
    sa.UniqueConstraint('public_id', name=op.f('uq_case_access_public_id'))
    )
    with op.batch_alter_table('case_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_access_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_access_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supervisor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_file_supervisor_id'), ['supervisor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_file_supervisor_id_staff_user'), 'staff_user', ['supervisor_id'], ['id'])

    op.execute(sa.text(
        "UPDATE case_file SET supervisor_id = ("
        " SELECT min(s.id) FROM staff_user s"
        " WHERE s.association_id = case_file.association_id AND s.role = 'supervisor' AND s.active)"
        " WHERE (SELECT count(*) FROM staff_user s"
        " WHERE s.association_id = case_file.association_id AND s.role = 'supervisor' AND s.active) = 1"
    ))



def downgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_file_supervisor_id_staff_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_file_supervisor_id'))
        batch_op.drop_column('supervisor_id')

    with op.batch_alter_table('case_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_access_user_id'))
        batch_op.drop_index(batch_op.f('ix_case_access_case_id'))

    op.drop_table('case_access')
