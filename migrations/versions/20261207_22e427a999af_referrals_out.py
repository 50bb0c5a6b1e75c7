"""Referrals out, the data each one shared, safeguarding exceptions and the closure a referral explains
(docs/domain.md, DOM85-DOM88; docs/security.md, S40, S41).

Free text (the organisation's name, the reasons) is encrypted; the link to a closure is a table of its own.

Revision ID: 22e427a999af
Revises: 7efafd0f3c56
Create Date: 2026-12-07 14:19:45.972379

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '22e427a999af'
down_revision = '7efafd0f3c56'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('safeguarding_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('ground', sa.Enum('child_at_risk', 'adult_at_risk', name='safeguarding_ground', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='exception_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.LargeBinary(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_safeguarding_exception_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_safeguarding_exception_decided_by_id_staff_user')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_safeguarding_exception_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['staff_user.id'], name=op.f('fk_safeguarding_exception_requested_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_exception')),
    sa.UniqueConstraint('public_id', name=op.f('uq_safeguarding_exception_public_id'))
    )
    with op.batch_alter_table('safeguarding_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_exception_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_exception_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_exception_status'), ['status'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('destination', sa.Enum('family_court', 'public_prosecutor', 'police', 'legal_aid', 'health', 'listening_centre', 'child_protection_unit', 'family_solidarity_fund', 'entraide_nationale', 'other_association', 'other', name='referral_destination', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organisation_name', sa.LargeBinary(), nullable=False),
    sa.Column('urgency', sa.Enum('urgent', 'routine', name='referral_urgency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('exception_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('made', 'accepted', 'declined', 'no_answer', name='referral_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('feedback_on', sa.Date(), nullable=True),
    sa.Column('made_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_referral_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], name=op.f('fk_referral_consent_id_consent'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['exception_id'], ['safeguarding_exception.id'], name=op.f('fk_referral_exception_id_safeguarding_exception'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['made_by_id'], ['staff_user.id'], name=op.f('fk_referral_made_by_id_staff_user')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_referral_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral')),
    sa.UniqueConstraint('exception_id', name=op.f('uq_referral_exception_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_referral_public_id'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index('ix_referral_case_made', ['case_id', 'made_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_participant_id'), ['participant_id'], unique=False)

    op.create_table('referral_closure',
    sa.Column('closure_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['closure_id'], ['case_closure.id'], name=op.f('fk_referral_closure_closure_id_case_closure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_closure_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('closure_id', name=op.f('pk_referral_closure'))
    )
    with op.batch_alter_table('referral_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_closure_referral_id'), ['referral_id'], unique=False)

    op.create_table('referral_shared_data',
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('identity', 'contact_details', 'case_summary', 'screening_outcome', name='shared_data', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_shared_data_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('referral_id', 'category', name=op.f('pk_referral_shared_data'))
    )


def downgrade():
    op.drop_table('referral_shared_data')
    with op.batch_alter_table('referral_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_closure_referral_id'))

    op.drop_table('referral_closure')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_participant_id'))
        batch_op.drop_index('ix_referral_case_made')

    op.drop_table('referral')
    with op.batch_alter_table('safeguarding_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_exception_status'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_exception_participant_id'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_exception_case_id'))

    op.drop_table('safeguarding_exception')
