"""Foundation: regions, provinces, associations, staff accounts, audit trail.

Revision ID: fdb0c759e231
Revises:
Create Date: 2026-11-30 00:39:55.574251

Seeds the 12 regions and 75 provinces and prefectures of Decree 2-15-40
(docs/domain.md, DOM67; the parent region comes from the decree, not from the
iso-codes package, which misplaces Nouaceur and Chtouka-Aït Baha), creates
the audit chain's genesis head and makes the audit table append-only with
triggers on both backends (docs/security.md, S29).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'fdb0c759e231'
down_revision = None
branch_labels = None
depends_on = None

REGIONS = [
    ("MA-01", "Tanger-Tétouan-Al Hoceïma", "جهة طنجة تطوان الحسيمة"),
    ("MA-02", "L'Oriental", "جهة الشرق"),
    ("MA-03", "Fès-Meknès", "جهة فاس مكناس"),
    ("MA-04", "Rabat-Salé-Kénitra", "جهة الرباط سلا القنيطرة"),
    ("MA-05", "Béni Mellal-Khénifra", "جهة بني ملال خنيفرة"),
    ("MA-06", "Casablanca-Settat", "جهة الدار البيضاء سطات"),
    ("MA-07", "Marrakech-Safi", "جهة مراكش آسفي"),
    ("MA-08", "Drâa-Tafilalet", "جهة درعة تافيلالت"),
    ("MA-09", "Souss-Massa", "جهة سوس ماسة"),
    ("MA-10", "Guelmim-Oued Noun", "جهة كلميم واد نون"),
    ("MA-11", "Laâyoune-Sakia El Hamra", "جهة العيون الساقية الحمراء"),
    ("MA-12", "Dakhla-Oued Ed-Dahab", "جهة الداخلة وادي الذهب"),
]

# code, kind, French name, Arabic name, region (Decree 2-15-40).
PROVINCES = [
    ('MA-CHE', 'province', 'Chefchaouen', 'شفشاون', 'MA-01'),
    ('MA-FAH', 'province', 'Fahs-Anjra', 'الفحص-أنجرة', 'MA-01'),
    ('MA-HOC', 'province', 'Al Hoceïma', 'الحسيمة', 'MA-01'),
    ('MA-LAR', 'province', 'Larache', 'العرائش', 'MA-01'),
    ('MA-MDF', 'prefecture', "M'diq-Fnideq", 'المضيق-الفنيدق', 'MA-01'),
    ('MA-OUZ', 'province', 'Ouezzane', 'وزان', 'MA-01'),
    ('MA-TET', 'province', 'Tétouan', 'تطوان', 'MA-01'),
    ('MA-TNG', 'prefecture', 'Tanger-Assilah', 'طنجة-أصيلة', 'MA-01'),
    ('MA-BER', 'province', 'Berkane', 'بركان', 'MA-02'),
    ('MA-DRI', 'province', 'Driouch', 'الدريوش', 'MA-02'),
    ('MA-FIG', 'province', 'Figuig', 'فجيج', 'MA-02'),
    ('MA-GUF', 'province', 'Guercif', 'جرسيف', 'MA-02'),
    ('MA-JRA', 'province', 'Jerada', 'جرادة', 'MA-02'),
    ('MA-NAD', 'province', 'Nador', 'الناظور', 'MA-02'),
    ('MA-OUJ', 'prefecture', 'Oujda-Angad', 'وجدة-أنجاد', 'MA-02'),
    ('MA-TAI', 'province', 'Taourirt', 'تاوريرت', 'MA-02'),
    ('MA-BOM', 'province', 'Boulemane', 'بولمان', 'MA-03'),
    ('MA-FES', 'prefecture', 'Fès', 'فاس', 'MA-03'),
    ('MA-HAJ', 'province', 'El Hajeb', 'الحاجب', 'MA-03'),
    ('MA-IFR', 'province', 'Ifrane', 'إفران', 'MA-03'),
    ('MA-MEK', 'prefecture', 'Meknès', 'مكناس', 'MA-03'),
    ('MA-MOU', 'province', 'Moulay Yacoub', 'مولاي يعقوب', 'MA-03'),
    ('MA-SEF', 'province', 'Sefrou', 'صفرو', 'MA-03'),
    ('MA-TAO', 'province', 'Taounate', 'تاونات', 'MA-03'),
    ('MA-TAZ', 'province', 'Taza', 'تازة', 'MA-03'),
    ('MA-KEN', 'province', 'Kénitra', 'القنيطرة', 'MA-04'),
    ('MA-KHE', 'province', 'Khémisset', 'الخميسات', 'MA-04'),
    ('MA-RAB', 'prefecture', 'Rabat', 'الرباط', 'MA-04'),
    ('MA-SAL', 'prefecture', 'Salé', 'سلا', 'MA-04'),
    ('MA-SIK', 'province', 'Sidi Kacem', 'سيدي قاسم', 'MA-04'),
    ('MA-SIL', 'province', 'Sidi Slimane', 'سيدي سليمان', 'MA-04'),
    ('MA-SKH', 'prefecture', 'Skhirate-Témara', 'الصخيرات-تمارة', 'MA-04'),
    ('MA-AZI', 'province', 'Azilal', 'أزيلال', 'MA-05'),
    ('MA-BEM', 'province', 'Béni Mellal', 'بني ملال', 'MA-05'),
    ('MA-FQH', 'province', 'Fquih Ben Salah', 'الفقيه بن صالح', 'MA-05'),
    ('MA-KHN', 'province', 'Khénifra', 'خنيفرة', 'MA-05'),
    ('MA-KHO', 'province', 'Khouribga', 'خريبكة', 'MA-05'),
    ('MA-BES', 'province', 'Benslimane', 'بنسليمان', 'MA-06'),
    ('MA-BRR', 'province', 'Berrechid', 'برشيد', 'MA-06'),
    ('MA-CAS', 'prefecture', 'Casablanca', 'الدار البيضاء', 'MA-06'),
    ('MA-JDI', 'province', 'El Jadida', 'الجديدة', 'MA-06'),
    ('MA-MED', 'province', 'Médiouna', 'مديونة', 'MA-06'),
    ('MA-MOH', 'prefecture', 'Mohammedia', 'المحمدية', 'MA-06'),
    ('MA-NOU', 'province', 'Nouaceur', 'النواصر', 'MA-06'),
    ('MA-SET', 'province', 'Settat', 'سطات', 'MA-06'),
    ('MA-SIB', 'province', 'Sidi Bennour', 'سيدي بنور', 'MA-06'),
    ('MA-CHI', 'province', 'Chichaoua', 'شيشاوة', 'MA-07'),
    ('MA-ESI', 'province', 'Essaouira', 'الصويرة', 'MA-07'),
    ('MA-HAO', 'province', 'Al Haouz', 'الحوز', 'MA-07'),
    ('MA-KES', 'province', 'El Kelaâ des Sraghna', 'قلعة السراغنة', 'MA-07'),
    ('MA-MAR', 'prefecture', 'Marrakech', 'مراكش', 'MA-07'),
    ('MA-REH', 'province', 'Rehamna', 'الرحامنة', 'MA-07'),
    ('MA-SAF', 'province', 'Safi', 'آسفي', 'MA-07'),
    ('MA-YUS', 'province', 'Youssoufia', 'اليوسفية', 'MA-07'),
    ('MA-ERR', 'province', 'Errachidia', 'الرشيدية', 'MA-08'),
    ('MA-MID', 'province', 'Midelt', 'ميدلت', 'MA-08'),
    ('MA-OUA', 'province', 'Ouarzazate', 'ورزازات', 'MA-08'),
    ('MA-TIN', 'province', 'Tinghir', 'تنغير', 'MA-08'),
    ('MA-ZAG', 'province', 'Zagora', 'زاكورة', 'MA-08'),
    ('MA-AGD', 'prefecture', 'Agadir Ida-Outanane', 'أكادير إداوتنان', 'MA-09'),
    ('MA-CHT', 'province', 'Chtouka-Aït Baha', 'اشتوكة-آيت باها', 'MA-09'),
    ('MA-INE', 'prefecture', 'Inezgane-Aït Melloul', 'إنزكان-آيت ملول', 'MA-09'),
    ('MA-TAR', 'province', 'Taroudant', 'تارودانت', 'MA-09'),
    ('MA-TAT', 'province', 'Tata', 'طاطا', 'MA-09'),
    ('MA-TIZ', 'province', 'Tiznit', 'تيزنيت', 'MA-09'),
    ('MA-ASZ', 'province', 'Assa-Zag', 'آسا-الزاك', 'MA-10'),
    ('MA-GUE', 'province', 'Guelmim', 'كلميم', 'MA-10'),
    ('MA-SIF', 'province', 'Sidi Ifni', 'سيدي إفني', 'MA-10'),
    ('MA-TNT', 'province', 'Tan-Tan', 'طانطان', 'MA-10'),
    ('MA-BOD', 'province', 'Boujdour', 'بوجدور', 'MA-11'),
    ('MA-ESM', 'province', 'Es-Semara', 'السمارة', 'MA-11'),
    ('MA-LAA', 'province', 'Laâyoune', 'العيون', 'MA-11'),
    ('MA-TAF', 'province', 'Tarfaya', 'طرفاية', 'MA-11'),
    ('MA-AOU', 'province', 'Aousserd', 'أوسرد', 'MA-12'),
    ('MA-OUD', 'province', 'Oued Ed-Dahab', 'وادي الذهب', 'MA-12'),
]

SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
]
POSTGRESQL_TRIGGERS = [
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]


def upgrade():
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=16), nullable=True),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=True),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('request_id', sa.String(length=32), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name_fr', sa.String(length=80), nullable=False),
    sa.Column('name_ar', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    op.create_table('province',
    sa.Column('code', sa.String(length=6), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name_fr', sa.String(length=80), nullable=False),
    sa.Column('name_ar', sa.String(length=80), nullable=False),
    sa.Column('region_code', sa.String(length=5), nullable=False),
    sa.CheckConstraint("kind IN ('province', 'prefecture')", name=op.f('ck_province_kind')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_province_region_code_region')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_province'))
    )
    op.create_table('association',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_ar', sa.String(length=200), nullable=False),
    sa.Column('name_fr', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=5), nullable=False),
    sa.Column('province_code', sa.String(length=6), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_association_province_code_province')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_association_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association')),
    sa.UniqueConstraint('public_id', name=op.f('uq_association_public_id'))
    )
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'ministry', 'supervisor', 'mediator', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('profession', sa.Enum('mediator', 'psychologist', 'social_worker', 'legal_counsellor', name='profession', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(role = 'mediator') = (profession IS NOT NULL)", name=op.f('ck_staff_user_profession_matches_role')),
    sa.CheckConstraint("(role IN ('supervisor', 'mediator')) = (association_id IS NOT NULL)", name=op.f('ck_staff_user_association_matches_role')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_staff_user_association_id_association')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('public_id', name=op.f('uq_staff_user_public_id')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_user_username'))
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_association_id'), ['association_id'], unique=False)

    region = sa.table("region", sa.column("code"), sa.column("name_fr"), sa.column("name_ar"))
    op.bulk_insert(region, [dict(zip(("code", "name_fr", "name_ar"), row)) for row in REGIONS])
    province = sa.table("province", *(sa.column(name) for name in ("code", "kind", "name_fr", "name_ar", "region_code")))
    op.bulk_insert(province, [dict(zip(("code", "kind", "name_fr", "name_ar", "region_code"), row)) for row in PROVINCES])
    audit_head = sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash", sa.LargeBinary))
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": bytes(32)}])

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER audit_event_no_change ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_association_id'))

    op.drop_table('staff_user')
    op.drop_table('association')
    op.drop_table('province')
    op.drop_table('region')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_association_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
