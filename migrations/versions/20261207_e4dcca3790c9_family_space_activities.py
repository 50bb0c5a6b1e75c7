"""Family-space activities and their attendance counted by sex and age band, no names (docs/domain.md,
DOM130).

Revision ID: e4dcca3790c9
Revises: b886ec4ef532
Create Date: 2026-12-07 17:23:32.837958

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e4dcca3790c9'
down_revision = 'b886ec4ef532'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('family_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('theme', sa.Enum('awareness_talk', 'intergenerational_day', 'social_protection_info', 'other', name='activity_theme', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_family_activity_association_id_association')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_family_activity_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_family_activity_service_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_activity')),
    sa.UniqueConstraint('public_id', name=op.f('uq_family_activity_public_id'))
    )
    with op.batch_alter_table('family_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_activity_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_activity_service_point_id'), ['service_point_id'], unique=False)

    op.create_table('family_activity_count',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('sex', sa.Enum('male', 'female', 'not_recorded', name='sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('age_band', sa.Enum('0_3', '4_5', '6_11', '12_14', '15_17', '18_24', '25_34', '35_44', '45_59', '60_plus', 'unknown', name='age_band', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint('count BETWEEN 1 AND 10000', name=op.f('ck_family_activity_count_count_range')),
    sa.ForeignKeyConstraint(['activity_id'], ['family_activity.id'], name=op.f('fk_family_activity_count_activity_id_family_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'sex', 'age_band', name=op.f('pk_family_activity_count'))
    )
    op.create_table('family_activity_facilitator',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['family_activity.id'], name=op.f('fk_family_activity_facilitator_activity_id_family_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_family_activity_facilitator_user_id_staff_user')),
    sa.PrimaryKeyConstraint('activity_id', 'user_id', name=op.f('pk_family_activity_facilitator'))
    )
    with op.batch_alter_table('family_activity_facilitator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_activity_facilitator_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('family_activity_facilitator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_activity_facilitator_user_id'))

    op.drop_table('family_activity_facilitator')
    op.drop_table('family_activity_count')
    with op.batch_alter_table('family_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_activity_service_point_id'))
        batch_op.drop_index(batch_op.f('ix_family_activity_association_id'))

    op.drop_table('family_activity')
