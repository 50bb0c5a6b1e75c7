"""SMS beside e-mail in the outbox, the parts the gateway accepted with their receipts, and each
person's contact profile (docs/domain.md, DOM140-DOM141; docs/security.md, S65-S66).

Existing messages are e-mails (server default); the profile is encrypted like the rest of the person.

Revision ID: 15898db66387
Revises: e4dcca3790c9
Create Date: 2026-12-07 17:11:16.949026

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '15898db66387'
down_revision = 'e4dcca3790c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_sms_part',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('gateway_id', sa.String(length=65), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('receipt', sa.String(length=16), nullable=True),
    sa.Column('receipt_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_outbox_sms_part_message_id_outbox_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', 'part', name=op.f('pk_outbox_sms_part'))
    )
    with op.batch_alter_table('outbox_sms_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_sms_part_gateway_id'), ['gateway_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('about', sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_about'), ['about'], unique=False)
        batch_op.create_check_constraint(op.f('ck_outbox_message_channel_known'), "channel IN ('email', 'sms')")

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_profile', sa.LargeBinary(), nullable=True))



def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('contact_profile')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_channel_known'), type_='check')
        batch_op.drop_index(batch_op.f('ix_outbox_message_about'))
        batch_op.drop_column('about')
        batch_op.drop_column('parts_sent')
        batch_op.drop_column('channel')

    with op.batch_alter_table('outbox_sms_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_sms_part_gateway_id'))

    op.drop_table('outbox_sms_part')
