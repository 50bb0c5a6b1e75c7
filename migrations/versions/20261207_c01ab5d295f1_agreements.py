"""Versioned agreements of a case: the agreement, its versions with their points and signatures, and the
link from a closure to the concluded version it rests on (docs/domain.md, DOM77-DOM80).

A point's text is encrypted (agreement_point.text); versions are written once and never updated. The case's
issues gain `debts` and `parent_communication` (DOM62: a list only gains members), so the check of
case_issue.issue is rebuilt with them.

Revision ID: c01ab5d295f1
Revises: 22e427a999af
Create Date: 2026-12-07 14:19:19.030028

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c01ab5d295f1'
down_revision = '22e427a999af'
branch_labels = None
depends_on = None


ISSUES_BEFORE = ('marital_discord', 'separation_arrangements', 'custody', 'visitation', 'child_maintenance', 'spousal_entitlements', 'expulsion_marital_home', 'in_law_conflict', 'parent_child_conflict', 'elderly_care', 'inheritance', 'child_upbringing', 'other')
ISSUES = (*ISSUES_BEFORE, 'debts', 'parent_communication')


def _issue_check(issues: tuple[str, ...]) -> str:
    return "issue IN (" + ", ".join(f"'{issue}'" for issue in issues) + ")"


def _rebuild_issue_check(issues: tuple[str, ...]) -> None:
    with op.batch_alter_table('case_issue', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_issue_issue'), type_='check')
        batch_op.create_check_constraint('issue', _issue_check(issues))


def upgrade():
    _rebuild_issue_check(ISSUES)
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('latest_number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_agreement_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('case_id', name=op.f('uq_agreement_case_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_agreement_public_id'))
    )
    op.create_table('agreement_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('nature', sa.Enum('reconciliation', 'separation_arrangements', 'other', name='agreement_nature', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('form', sa.Enum('written_signed', 'written_unsigned', 'verbal', name='agreement_form', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('level', sa.Enum('full', 'partial', 'none', name='agreement_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('submitted_to_court', sa.Boolean(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_version_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_agreement_version_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_agreement_version_created_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_version')),
    sa.UniqueConstraint('agreement_id', 'number', name='uq_agreement_version_number'),
    sa.UniqueConstraint('public_id', name=op.f('uq_agreement_version_public_id'))
    )
    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_version_case_id'), ['case_id'], unique=False)

    op.create_table('agreement_closure',
    sa.Column('closure_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['closure_id'], ['case_closure.id'], name=op.f('fk_agreement_closure_closure_id_case_closure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_version.id'], name=op.f('fk_agreement_closure_version_id_agreement_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('closure_id', name=op.f('pk_agreement_closure'))
    )
    with op.batch_alter_table('agreement_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_closure_version_id'), ['version_id'], unique=False)

    op.create_table('agreement_point',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('issue', sa.Enum(*ISSUES, name='issue', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('agreed', 'partially_agreed', 'not_agreed', name='point_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_version.id'], name=op.f('fk_agreement_point_version_id_agreement_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'issue', name=op.f('pk_agreement_point'))
    )
    op.create_table('agreement_signature',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_agreement_signature_participant_id_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_version.id'], name=op.f('fk_agreement_signature_version_id_agreement_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'participant_id', name=op.f('pk_agreement_signature'))
    )


def downgrade():
    op.drop_table('agreement_signature')
    op.drop_table('agreement_point')
    with op.batch_alter_table('agreement_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_closure_version_id'))

    op.drop_table('agreement_closure')
    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_version_case_id'))

    op.drop_table('agreement_version')
    op.drop_table('agreement')
    _rebuild_issue_check(ISSUES_BEFORE)
