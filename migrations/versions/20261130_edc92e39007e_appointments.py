"""Appointments: rooms, appointments with their staff and invited parties, private calendar
feeds, the e-mail outbox; the appointment a counselling session was held for.

Revision ID: edc92e39007e
Revises: 7c120512968a
Create Date: 2026-11-30 03:17:54.489032

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'edc92e39007e'
down_revision = '7c120512968a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.LargeBinary(), nullable=False),
    sa.Column('subject', sa.LargeBinary(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_message_status_known')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_outbox_message_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_message_dedupe_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_status'), ['status'], unique=False)

    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_calendar_feed_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('public_id', name=op.f('uq_calendar_feed_public_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_user_id'), ['user_id'], unique=False)

    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_room_association_id_association')),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_room_service_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    sa.UniqueConstraint('public_id', name=op.f('uq_room_public_id')),
    sa.UniqueConstraint('service_point_id', 'name', name='uq_room_service_point_name')
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_service_point_id'), ['service_point_id'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('intake_label', sa.LargeBinary(), nullable=True),
    sa.Column('session_type', sa.Enum('individual', 'joint_mediation', 'shuttle_mediation', 'counselling_psychological', 'counselling_social', 'counselling_legal', 'positive_parenting', 'child_consultation', 'follow_up', name='session_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mode', sa.Enum('in_person', 'phone', 'video', name='session_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('video_link', sa.LargeBinary(), nullable=True),
    sa.Column('start_local', sa.String(length=16), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('start_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_utc', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_min', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'confirmed', 'cancelled_by_party', 'cancelled_by_service', 'held', 'missed', name='appointment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.LargeBinary(), nullable=True),
    sa.Column('cancelled_by_participant_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(mode = 'in_person') OR (room_id IS NULL)", name=op.f('ck_appointment_room_only_in_person')),
    sa.CheckConstraint('(case_id IS NULL) OR (intake_label IS NULL)', name=op.f('ck_appointment_label_only_without_case')),
    sa.CheckConstraint('duration_min BETWEEN 5 AND 480', name=op.f('ck_appointment_duration_range')),
    sa.CheckConstraint('end_utc > start_utc', name=op.f('ck_appointment_ends_after_start')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_appointment_association_id_association')),
    sa.ForeignKeyConstraint(['cancelled_by_participant_id'], ['participant.id'], name=op.f('fk_appointment_cancelled_by_participant_id_participant')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_appointment_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_appointment_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_appointment_room_id_room')),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_appointment_service_point_id_service_point')),
    sa.ForeignKeyConstraint(['status_changed_by_id'], ['staff_user.id'], name=op.f('fk_appointment_status_changed_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment')),
    sa.UniqueConstraint('public_id', name=op.f('uq_appointment_public_id'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_association_start', ['association_id', 'start_utc'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_appointment_room_start', ['room_id', 'start_utc'], unique=False)

    op.create_table('appointment_party',
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_appointment_party_appointment_id_appointment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_appointment_party_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('appointment_id', 'participant_id', name=op.f('pk_appointment_party'))
    )
    with op.batch_alter_table('appointment_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_party_participant_id'), ['participant_id'], unique=False)

    op.create_table('appointment_staff',
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_appointment_staff_appointment_id_appointment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_appointment_staff_user_id_staff_user')),
    sa.PrimaryKeyConstraint('appointment_id', 'user_id', name=op.f('pk_appointment_staff'))
    )
    with op.batch_alter_table('appointment_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_staff_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_counselling_session_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_counselling_session_appointment_id_appointment'), 'appointment', ['appointment_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('counselling_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_counselling_session_appointment_id_appointment'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_counselling_session_appointment_id'))
        batch_op.drop_column('appointment_id')

    with op.batch_alter_table('appointment_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_staff_user_id'))

    op.drop_table('appointment_staff')
    with op.batch_alter_table('appointment_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_party_participant_id'))

    op.drop_table('appointment_party')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_room_start')
        batch_op.drop_index(batch_op.f('ix_appointment_case_id'))
        batch_op.drop_index('ix_appointment_association_start')

    op.drop_table('appointment')
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_service_point_id'))
        batch_op.drop_index(batch_op.f('ix_room_association_id'))

    op.drop_table('room')
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_user_id'))

    op.drop_table('calendar_feed')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_association_id'))

    op.drop_table('outbox_message')
