"""Positive-parenting programmes, groups, their sessions, participants, enrolments and attendance
(docs/domain.md, DOM120-DOM128; docs/security.md, S60-S62).

A group session holds an appointment (the occupancy of its room and facilitators); a group-only
participant's name and phone are encrypted and live outside the person table.

Revision ID: b886ec4ef532
Revises: 1a748b9d78cd
Create Date: 2026-12-07 17:10:40.026406

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b886ec4ef532'
down_revision = '1a748b9d78cd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parenting_programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('planned_sessions', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('parents_young_children', 'parents_adolescents', 'couples', 'grandparents', name='programme_target', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('framework', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('planned_sessions BETWEEN 1 AND 52', name=op.f('ck_parenting_programme_planned_range')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_parenting_programme_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parenting_programme')),
    sa.UniqueConstraint('association_id', 'name', name='uq_parenting_programme_association_name'),
    sa.UniqueConstraint('public_id', name=op.f('uq_parenting_programme_public_id'))
    )
    with op.batch_alter_table('parenting_programme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parenting_programme_association_id'), ['association_id'], unique=False)

    op.create_table('group_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.LargeBinary(), nullable=True),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('email', sa.LargeBinary(), nullable=True),
    sa.Column('sex', sa.Enum('male', 'female', 'not_recorded', name='sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('age_band', sa.Enum('0_3', '4_5', '6_11', '12_14', '15_17', '18_24', '25_34', '35_44', '45_59', '60_plus', 'unknown', name='age_band', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name_bidx', sa.LargeBinary(length=32), nullable=True),
    sa.Column('phone_bidx', sa.LargeBinary(length=32), nullable=True),
    sa.Column('consent_data_processing', sa.Boolean(), nullable=False),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(person_id IS NULL) <> (full_name IS NULL)', name=op.f('ck_group_participant_person_or_name')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_group_participant_association_id_association')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_group_participant_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_group_participant_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_participant')),
    sa.UniqueConstraint('public_id', name=op.f('uq_group_participant_public_id'))
    )
    with op.batch_alter_table('group_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_participant_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_participant_name_bidx'), ['name_bidx'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_participant_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_participant_phone_bidx'), ['phone_bidx'], unique=False)

    op.create_table('parenting_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('planned_sessions', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.Enum('ar', 'ary', 'zgh', 'fr', name='preferred_language', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('finished_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity BETWEEN 1 AND 60', name=op.f('ck_parenting_group_capacity_range')),
    sa.CheckConstraint('planned_sessions BETWEEN 1 AND 52', name=op.f('ck_parenting_group_planned_range')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_parenting_group_association_id_association')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_parenting_group_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['programme_id'], ['parenting_programme.id'], name=op.f('fk_parenting_group_programme_id_parenting_programme')),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_parenting_group_room_id_room')),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_parenting_group_service_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parenting_group')),
    sa.UniqueConstraint('public_id', name=op.f('uq_parenting_group_public_id'))
    )
    with op.batch_alter_table('parenting_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parenting_group_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parenting_group_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parenting_group_service_point_id'), ['service_point_id'], unique=False)

    op.create_table('parenting_enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('sex', sa.Enum('male', 'female', 'not_recorded', name='sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('age_band', sa.Enum('0_3', '4_5', '6_11', '12_14', '15_17', '18_24', '25_34', '35_44', '45_59', '60_plus', 'unknown', name='age_band', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('dropped_out_on', sa.Date(), nullable=True),
    sa.Column('pre_score', sa.Integer(), nullable=True),
    sa.Column('post_score', sa.Integer(), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('post_score BETWEEN 0 AND 100', name=op.f('ck_parenting_enrolment_post_score_range')),
    sa.CheckConstraint('pre_score BETWEEN 0 AND 100', name=op.f('ck_parenting_enrolment_pre_score_range')),
    sa.CheckConstraint('satisfaction BETWEEN 1 AND 5', name=op.f('ck_parenting_enrolment_satisfaction_range')),
    sa.ForeignKeyConstraint(['group_id'], ['parenting_group.id'], name=op.f('fk_parenting_enrolment_group_id_parenting_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['group_participant.id'], name=op.f('fk_parenting_enrolment_participant_id_group_participant'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parenting_enrolment')),
    sa.UniqueConstraint('group_id', 'participant_id', name='uq_parenting_enrolment_group_participant'),
    sa.UniqueConstraint('public_id', name=op.f('uq_parenting_enrolment_public_id'))
    )
    with op.batch_alter_table('parenting_enrolment', schema=None) as batch_op:
        batch_op.create_index('ix_parenting_enrolment_group', ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parenting_enrolment_participant_id'), ['participant_id'], unique=False)

    op.create_table('parenting_group_facilitator',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['parenting_group.id'], name=op.f('fk_parenting_group_facilitator_group_id_parenting_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_parenting_group_facilitator_user_id_staff_user')),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_parenting_group_facilitator'))
    )
    with op.batch_alter_table('parenting_group_facilitator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parenting_group_facilitator_user_id'), ['user_id'], unique=False)

    op.create_table('parenting_group_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('attendance_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('present_count', sa.Integer(), nullable=True),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('number BETWEEN 1 AND 52', name=op.f('ck_parenting_group_session_number_range')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_parenting_group_session_appointment_id_appointment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['parenting_group.id'], name=op.f('fk_parenting_group_session_group_id_parenting_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parenting_group_session')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_parenting_group_session_appointment_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_parenting_group_session_public_id'))
    )
    with op.batch_alter_table('parenting_group_session', schema=None) as batch_op:
        batch_op.create_index('ix_parenting_group_session_group_number', ['group_id', 'number'], unique=False)

    op.create_table('parenting_attendance',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['parenting_enrolment.id'], name=op.f('fk_parenting_attendance_enrolment_id_parenting_enrolment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['parenting_group_session.id'], name=op.f('fk_parenting_attendance_session_id_parenting_group_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'enrolment_id', name=op.f('pk_parenting_attendance'))
    )
    with op.batch_alter_table('parenting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parenting_attendance_enrolment_id'), ['enrolment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('parenting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parenting_attendance_enrolment_id'))

    op.drop_table('parenting_attendance')
    with op.batch_alter_table('parenting_group_session', schema=None) as batch_op:
        batch_op.drop_index('ix_parenting_group_session_group_number')

    op.drop_table('parenting_group_session')
    with op.batch_alter_table('parenting_group_facilitator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parenting_group_facilitator_user_id'))

    op.drop_table('parenting_group_facilitator')
    with op.batch_alter_table('parenting_enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parenting_enrolment_participant_id'))
        batch_op.drop_index('ix_parenting_enrolment_group')

    op.drop_table('parenting_enrolment')
    with op.batch_alter_table('parenting_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parenting_group_service_point_id'))
        batch_op.drop_index(batch_op.f('ix_parenting_group_programme_id'))
        batch_op.drop_index(batch_op.f('ix_parenting_group_association_id'))

    op.drop_table('parenting_group')
    with op.batch_alter_table('group_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_participant_phone_bidx'))
        batch_op.drop_index(batch_op.f('ix_group_participant_person_id'))
        batch_op.drop_index(batch_op.f('ix_group_participant_name_bidx'))
        batch_op.drop_index(batch_op.f('ix_group_participant_association_id'))

    op.drop_table('group_participant')
    with op.batch_alter_table('parenting_programme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parenting_programme_association_id'))

    op.drop_table('parenting_programme')
