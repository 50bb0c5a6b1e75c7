"""Case files: cases, parties and children, screening, consent, notes, closures.

Revision ID: 7dd480b424e4
Revises: b9bb57696a31
Create Date: 2026-11-30 01:18:39.744520

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7dd480b424e4'
down_revision = 'b9bb57696a31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.LargeBinary(), nullable=False),
    sa.Column('full_name_latin', sa.LargeBinary(), nullable=True),
    sa.Column('birth_date', sa.LargeBinary(), nullable=True),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('email', sa.LargeBinary(), nullable=True),
    sa.Column('address', sa.LargeBinary(), nullable=True),
    sa.Column('contact_allowed', sa.LargeBinary(), nullable=True),
    sa.Column('safe_contact_instructions', sa.LargeBinary(), nullable=True),
    sa.Column('sex', sa.Enum('male', 'female', 'not_recorded', name='sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('residence_province_code', sa.String(length=6), nullable=True),
    sa.Column('preferred_language', sa.Enum('ar', 'ary', 'zgh', 'fr', name='preferred_language', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('interpreter_needed', sa.Boolean(), nullable=False),
    sa.Column('id_checked', sa.Boolean(), nullable=False),
    sa.Column('identity_bidx', sa.LargeBinary(length=32), nullable=True),
    sa.Column('name_bidx', sa.LargeBinary(length=32), nullable=True),
    sa.Column('phone_bidx', sa.LargeBinary(length=32), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_person_association_id_association')),
    sa.ForeignKeyConstraint(['residence_province_code'], ['province.code'], name=op.f('fk_person_residence_province_code_province')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('public_id', name=op.f('uq_person_public_id'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_identity_bidx'), ['identity_bidx'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name_bidx'), ['name_bidx'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_phone_bidx'), ['phone_bidx'], unique=False)

    op.create_table('case_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('intake', 'assessment', 'in_mediation', 'in_counselling', 'suspended', 'closed', name='case_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('first_contact_on', sa.Date(), nullable=False),
    sa.Column('intake_channel', sa.Enum('walk_in', 'phone', 'referral_letter', 'online', 'outreach', name='intake_channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('referral_source', sa.Enum('self', 'family_member', 'family_court', 'public_prosecutor', 'lawyer', 'association', 'entraide_nationale', 'health', 'school', 'religious_guide', 'local_authority', 'hotline_online', 'other', name='referral_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('court_linked', sa.Boolean(), nullable=False),
    sa.Column('court_stage', sa.Enum('none', 'pre_action', 'pending', 'post_judgment', name='court_stage', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('court_file_no', sa.LargeBinary(), nullable=True),
    sa.Column('court_file_bidx', sa.LargeBinary(length=32), nullable=True),
    sa.Column('request_summary', sa.LargeBinary(), nullable=True),
    sa.Column('immediate_danger', sa.Boolean(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('agreement_full', 'agreement_partial', 'reconciliation', 'no_agreement', 'counselling_completed', 'other_party_declined', 'not_suitable', 'party_withdrew', 'terminated_safety', 'terminated_no_genuine_effort', 'referred_to_justice', 'referred_other_service', 'lost_contact', 'transferred', 'opened_in_error', name='outcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('previous_case_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('stat_key', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_case_file_association_id_association')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_case_file_created_by_id_staff_user')),
    sa.ForeignKeyConstraint(['previous_case_id'], ['case_file.id'], name=op.f('fk_case_file_previous_case_id_case_file')),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_case_file_service_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_file')),
    sa.UniqueConstraint('public_id', name=op.f('uq_case_file_public_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_case_file_reference'))
    )
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_file_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_court_file_bidx'), ['court_file_bidx'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_follow_up_on'), ['follow_up_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_service_point_id'), ['service_point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_file_status'), ['status'], unique=False)

    op.create_table('case_sequence',
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_case_sequence_service_point_id_service_point')),
    sa.PrimaryKeyConstraint('service_point_id', 'year', name=op.f('pk_case_sequence'))
    )
    op.create_table('case_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'co_worker', name='assignment_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_assignment_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_case_assignment_user_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignment'))
    )
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignment_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_case_assignment_case_user', ['case_id', 'user_id'], unique=True)
        batch_op.create_index('uq_case_assignment_one_lead', ['case_id'], unique=True, sqlite_where=sa.text("role = 'lead'"), postgresql_where=sa.text("role = 'lead'"))

    op.create_table('case_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('agreement_full', 'agreement_partial', 'reconciliation', 'no_agreement', 'counselling_completed', 'other_party_declined', 'not_suitable', 'party_withdrew', 'terminated_safety', 'terminated_no_genuine_effort', 'referred_to_justice', 'referred_other_service', 'lost_contact', 'transferred', 'opened_in_error', name='outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('agreement_level', sa.Enum('full', 'partial', 'none', name='agreement_level', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('agreement_points', sa.LargeBinary(), nullable=True),
    sa.Column('referral_destination', sa.Enum('family_court', 'public_prosecutor', 'police', 'legal_aid', 'health', 'listening_centre', 'child_protection_unit', 'family_solidarity_fund', 'entraide_nationale', 'other_association', 'other', name='referral_destination', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopen_reason', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stat_key', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_closure_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff_user.id'], name=op.f('fk_case_closure_closed_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_closure')),
    sa.UniqueConstraint('public_id', name=op.f('uq_case_closure_public_id'))
    )
    with op.batch_alter_table('case_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_closure_case_id'), ['case_id'], unique=False)

    op.create_table('case_issue',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('issue', sa.Enum('marital_discord', 'separation_arrangements', 'custody', 'visitation', 'child_maintenance', 'spousal_entitlements', 'expulsion_marital_home', 'in_law_conflict', 'parent_child_conflict', 'elderly_care', 'inheritance', 'child_upbringing', 'other', name='issue', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_issue_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'issue', name=op.f('pk_case_issue'))
    )
    op.create_table('case_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('intake', 'assessment', 'in_mediation', 'in_counselling', 'suspended', 'closed', name='from_status', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('intake', 'assessment', 'in_mediation', 'in_counselling', 'suspended', 'closed', name='to_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_status_change_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_user.id'], name=op.f('fk_case_status_change_changed_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_status_change'))
    )
    with op.batch_alter_table('case_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_status_change_case_id'), ['case_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('spouse', 'former_spouse', 'father', 'mother', 'child', 'grandparent', 'sibling', 'in_law', 'legal_representative', 'other_relative', name='participant_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('is_requesting_party', sa.Boolean(), nullable=False),
    sa.Column('is_party', sa.Boolean(), nullable=False),
    sa.Column('age_band', sa.Enum('0_3', '4_5', '6_11', '12_14', '15_17', '18_24', '25_34', '35_44', '45_59', '60_plus', 'unknown', name='age_band', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attended_intake', sa.Boolean(), nullable=False),
    sa.Column('lives_with', sa.Enum('mother', 'father', 'both', 'other_relative', 'other', name='child_lives_with', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('in_school', sa.Boolean(), nullable=True),
    sa.Column('takes_part', sa.Boolean(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_participant_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_participant_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('public_id', name=op.f('uq_participant_public_id'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participant_person_id'), ['person_id'], unique=False)

    op.create_table('screening_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.Enum('proceed', 'proceed_with_adaptations', 'counselling_only', 'not_suitable', name='screening_decision', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('adaptations', sa.String(length=200), nullable=False),
    sa.Column('rationale', sa.LargeBinary(), nullable=True),
    sa.Column('decided_by_case_worker', sa.Boolean(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_screening_decision_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_screening_decision_decided_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_decision')),
    sa.UniqueConstraint('public_id', name=op.f('uq_screening_decision_public_id'))
    )
    with op.batch_alter_table('screening_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_decision_case_id'), ['case_id'], unique=False)

    op.create_table('case_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('visibility', sa.Enum('joint', 'private_party', 'staff_only', name='note_visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_case_note_author_id_staff_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_note_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_case_note_participant_id_participant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note')),
    sa.UniqueConstraint('public_id', name=op.f('uq_case_note_public_id'))
    )
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_case_id'), ['case_id'], unique=False)

    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Enum('mediation', 'data_processing', 'sensitive_data', 'child_consultation', 'contact', 'share_for_referral', 'statistics', name='consent_scope', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('given', 'refused', 'withdrawn', name='consent_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('given_by', sa.Enum('self', 'legal_representative', name='consent_giver', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('notice_version', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_consent_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_consent_recorded_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_participant_id'), ['participant_id'], unique=False)

    op.create_table('screening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('screened_by_id', sa.Integer(), nullable=False),
    sa.Column('screened_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('violence', sa.Enum('none', 'past', 'current', name='violence_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mediator_view', sa.Enum('proceed', 'proceed_with_adaptations', 'counselling_only', 'not_suitable', name='screening_decision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('notes', sa.LargeBinary(), nullable=True),
    sa.Column('result', sa.Enum('positive', 'negative', name='screening_result', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_screening_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['screened_by_id'], ['staff_user.id'], name=op.f('fk_screening_screened_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening')),
    sa.UniqueConstraint('public_id', name=op.f('uq_screening_public_id'))
    )
    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_participant_id'), ['participant_id'], unique=False)

    op.create_table('case_note_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('edited_by_id', sa.Integer(), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edited_by_id'], ['staff_user.id'], name=op.f('fk_case_note_version_edited_by_id_staff_user')),
    sa.ForeignKeyConstraint(['note_id'], ['case_note.id'], name=op.f('fk_case_note_version_note_id_case_note'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note_version')),
    sa.UniqueConstraint('note_id', 'number', name='uq_case_note_version_note_number')
    )
    op.create_table('screening_item',
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['screening_id'], ['screening.id'], name=op.f('fk_screening_item_screening_id_screening'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('screening_id', 'code', name=op.f('pk_screening_item'))
    )


def downgrade():
    op.drop_table('screening_item')
    op.drop_table('case_note_version')
    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_participant_id'))

    op.drop_table('screening')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_participant_id'))

    op.drop_table('consent')
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_case_id'))

    op.drop_table('case_note')
    with op.batch_alter_table('screening_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_decision_case_id'))

    op.drop_table('screening_decision')
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_person_id'))
        batch_op.drop_index(batch_op.f('ix_participant_case_id'))

    op.drop_table('participant')
    with op.batch_alter_table('case_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_status_change_case_id'))

    op.drop_table('case_status_change')
    op.drop_table('case_issue')
    with op.batch_alter_table('case_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_closure_case_id'))

    op.drop_table('case_closure')
    with op.batch_alter_table('case_assignment', schema=None) as batch_op:
        batch_op.drop_index('uq_case_assignment_one_lead', sqlite_where=sa.text("role = 'lead'"), postgresql_where=sa.text("role = 'lead'"))
        batch_op.drop_index('uq_case_assignment_case_user')
        batch_op.drop_index(batch_op.f('ix_case_assignment_user_id'))

    op.drop_table('case_assignment')
    op.drop_table('case_sequence')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_file_status'))
        batch_op.drop_index(batch_op.f('ix_case_file_service_point_id'))
        batch_op.drop_index(batch_op.f('ix_case_file_follow_up_on'))
        batch_op.drop_index(batch_op.f('ix_case_file_court_file_bidx'))
        batch_op.drop_index(batch_op.f('ix_case_file_association_id'))

    op.drop_table('case_file')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_phone_bidx'))
        batch_op.drop_index(batch_op.f('ix_person_name_bidx'))
        batch_op.drop_index(batch_op.f('ix_person_identity_bidx'))
        batch_op.drop_index(batch_op.f('ix_person_association_id'))

    op.drop_table('person')
