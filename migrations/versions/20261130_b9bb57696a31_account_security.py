"""Account security: second factor, login throttling, reset tokens, recovery codes, service points.

Revision ID: b9bb57696a31
Revises: fdb0c759e231
Create Date: 2026-11-30 00:46:27.519378

TOTP secrets are stored encrypted (LargeBinary ciphertexts, docs/security.md, S1, S22);
totp_last_step defaults to 0 for existing accounts so their first code is accepted.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b9bb57696a31'
down_revision = 'fdb0c759e231'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_name_key'), ['name_key'], unique=False)

    op.create_table('service_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.Enum('jisr_al_usra', 'mediation_centre', 'listening_centre', 'other', name='service_point_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=5), nullable=False),
    sa.Column('province_code', sa.String(length=6), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_service_point_association_id_association')),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_service_point_province_code_province')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_service_point_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_point')),
    sa.UniqueConstraint('code', name=op.f('uq_service_point_code')),
    sa.UniqueConstraint('public_id', name=op.f('uq_service_point_public_id'))
    )
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_point_association_id'), ['association_id'], unique=False)

    op.create_table('password_reset_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['staff_user.id'], name=op.f('fk_password_reset_token_issued_by_id_staff_user')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_password_reset_token_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_token_hash'))
    )
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_token_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_recovery_code_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('cndp_declaration_no', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('cndp_declaration_on', sa.Date(), nullable=True))

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('totp_pending_secret', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_pending_secret')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('email')

    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_column('cndp_declaration_on')
        batch_op.drop_column('cndp_declaration_no')
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
        batch_op.drop_column('address')

    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_token_user_id'))

    op.drop_table('password_reset_token')
    with op.batch_alter_table('service_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_point_association_id'))

    op.drop_table('service_point')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_name_key'))
        batch_op.drop_index(batch_op.f('ix_login_failure_at'))

    op.drop_table('login_failure')
