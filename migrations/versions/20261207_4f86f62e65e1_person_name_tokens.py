"""The name-token index of the case search: one keyed HMAC per word of a person's names
(docs/security.md, S37).

The table starts empty: filling it needs the names, which only the application can decrypt (a
migration runs without the field and blind-index keys). After this upgrade, run
`flask --app wsgi cases reindex-names` once (README, "Deploy", step 3). Until then the search
still finds a person by the whole name as written at intake, as before.

Revision ID: 4f86f62e65e1
Revises: 8b5bb93061d4
Create Date: 2026-12-07 11:25:57.089003

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4f86f62e65e1'
down_revision = '8b5bb93061d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'person_name_token',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.LargeBinary(length=32), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['association_id'], ['association.id'],
                                name=op.f('fk_person_name_token_association_id_association')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_name_token_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id', 'token', name=op.f('pk_person_name_token')),
    )
    with op.batch_alter_table('person_name_token', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_token_association_id_token', ['association_id', 'token'], unique=False)


def downgrade():
    with op.batch_alter_table('person_name_token', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_token_association_id_token')
    op.drop_table('person_name_token')
