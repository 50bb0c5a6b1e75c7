"""`flask demo synthetic`: a deterministic, encrypted, bulk-written population.

Small N (30 cases) so that the whole module stays within seconds; the loader runs inside the
test's rolled-back transaction like every other write.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import LargeBinary, func, select, type_coerce

from mediation.accounts.models import StaffUser
from mediation.cases.models import Case, Closure, Person, PersonNameToken
from mediation.core.audit import verify_chain
from mediation.core.crypto import blind_index, decrypt, name_tokens
from mediation.core.models import Base
from mediation.counselling.models import CounsellingSession
from mediation.demo.synthetic.draws import Draws, stat_key
from mediation.demo.synthetic.loader import SYNTHETIC_PASSWORD, SyntheticRefused, load_synthetic
from mediation.extensions import db
from tests.conftest import build_world, login

CASES = 30
TODAY = date(2026, 3, 4)  # a Wednesday: fixed, so that two loads compare day for day
# Every table a page or a release reads; only technical ones (outbox, feeds, tokens...) stay empty.
MAIN_TABLES = (
    "association", "service_point", "room", "staff_user", "case_file", "case_sequence", "case_issue",
    "case_assignment", "case_status_change", "case_closure", "person", "participant", "consent", "screening",
    "screening_item", "screening_decision", "case_note", "case_note_version", "counselling_session",
    "session_staff", "session_attendee", "follow_up_action", "appointment", "appointment_staff",
    "appointment_party", "supervision_review",
    # What follows a case (mediation/demo/synthetic/outcomes.py).
    "agreement", "agreement_version", "agreement_point", "agreement_closure", "post_closure_follow_up", "referral",
    # Positive-parenting groups and family-space activities (mediation/demo/synthetic/groups.py).
    "parenting_programme", "parenting_group", "parenting_group_facilitator", "parenting_group_session",
    "group_participant", "parenting_enrolment", "parenting_attendance", "family_activity",
    "family_activity_facilitator", "family_activity_count",
)
ENCRYPTED = (
    (Person, "full_name"), (Person, "phone"), (Case, "request_summary"), (CounsellingSession, "summary"),
    (Closure, "note"),
)


def snapshot() -> dict:
    """What must be equal for equal seeds: row counts, references, stat keys, public ids, dates."""
    session = db.session
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    return {
        "counts": {name: session.scalar(select(func.count()).select_from(tables[name])) for name in MAIN_TABLES},
        "cases": session.execute(select(Case.reference, Case.stat_key, Case.public_id, Case.opened_on, Case.status)
                                 .order_by(Case.id)).all(),
        "sessions": session.execute(select(CounsellingSession.stat_key, CounsellingSession.started_at,
                                           CounsellingSession.type).order_by(CounsellingSession.id)).all(),
        "closures": session.scalars(select(Closure.stat_key).order_by(Closure.id)).all(),
        "names": session.scalars(select(Person.full_name).order_by(Person.id)).all(),
    }


def load(seed: int = 5) -> dict:
    load_synthetic(db.session, CASES, seed, today=TODAY)
    db.session.flush()
    return snapshot()


def test_the_same_seed_gives_the_same_population_and_another_seed_another(app):
    with app.app_context():
        first = load(5)
        db.session.rollback()
        second = load(5)
        db.session.rollback()
        other = load(6)
    assert first == second
    assert first["counts"]["case_file"] == CASES
    assert other["cases"] != first["cases"]
    assert [row.stat_key for row in other["cases"]] != [row.stat_key for row in first["cases"]]


def test_every_main_table_is_filled_and_the_audit_chain_still_verifies(app):
    with app.app_context():
        counts = load()["counts"]
        assert verify_chain(db.session).ok
    assert {name: count for name, count in counts.items() if count == 0} == {}
    assert counts["counselling_session"] > 3 * CASES  # a timeline, not a token session per case


def test_stat_keys_come_from_the_seed_and_spread_over_the_whole_range():
    keys = [stat_key(9, "case", index) for index in range(4000)]
    assert keys == [stat_key(9, "case", index) for index in range(4000)]
    assert set(keys) == set(range(256))
    assert keys != [stat_key(10, "case", index) for index in range(4000)]
    draws = Draws(9, "x")
    values = [draws.below(10) for _ in range(20000)]
    assert set(values) == set(range(10)) and all(1700 < values.count(v) < 2300 for v in range(10))


@pytest.mark.parametrize(("model", "column"), ENCRYPTED, ids=[f"{m.__tablename__}.{c}" for m, c in ENCRYPTED])
def test_identifying_fields_are_really_encrypted(app, model, column):
    with app.app_context():
        load()
        attribute = getattr(model, column)
        context = f"{model.__tablename__}.{column}"
        rows = db.session.execute(select(model.id, attribute, type_coerce(attribute, LargeBinary).label("raw"))
                                  .where(attribute.is_not(None)).order_by(model.id).limit(20)).all()
        assert rows
        for _, plain, raw in rows:
            raw = bytes(raw)
            assert plain and plain.encode() not in raw
            assert decrypt(raw, context) == plain


def test_blind_indexes_find_synthetic_people_as_the_search_does(app):
    with app.app_context():
        load()
        person = db.session.scalars(select(Person).order_by(Person.id)).first()
        assert person.name_bidx == blind_index("person_name", person.association_id, person.full_name)
        # Every word of both spellings is in the token index, as the intake service would write it.
        tokens = set(db.session.scalars(select(PersonNameToken.token).where(PersonNameToken.person_id == person.id)))
        assert tokens == name_tokens(person.association_id, person.full_name, person.full_name_latin)
        assert len(tokens) >= 4  # a first and a family name in each script


def test_a_database_in_use_is_refused_and_left_as_it_was(app):
    # Its own accounts, inside this test's transaction: the module-wide `world` would stay for the
    # module's later tests, which load into an empty database.
    build_world(app)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(StaffUser))
        with pytest.raises(SyntheticRefused):
            load_synthetic(db.session, CASES, 1)
        assert db.session.scalar(select(func.count()).select_from(StaffUser)) == before
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_command_is_refused_in_production_and_writes_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = app.test_cli_runner().invoke(args=["demo", "synthetic", "--cases", "5"])
    assert result.exit_code == 1
    assert "refused" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_command_loads_a_population_its_staff_can_log_into(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "synthetic", "--cases", str(CASES), "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert SYNTHETIC_PASSWORD in result.output
    with app.app_context():
        reference = db.session.scalar(
            select(Case.reference).join(Case.assignments).join(StaffUser)
            .where(StaffUser.username == "a001.staff01").order_by(Case.opened_on.desc()).limit(1))
    assert login(client, "a001.staff01", SYNTHETIC_PASSWORD).status_code == 302
    page = client.get("/cases/?lang=en")
    assert page.status_code == 200
    assert reference in page.get_data(as_text=True)
    # Refused the second time: the database is no longer empty.
    again = app.test_cli_runner().invoke(args=["demo", "synthetic", "--cases", "5"])
    assert again.exit_code == 1 and "not empty" in again.output


def test_a_case_list_of_several_pages_renders(app, client):
    """Found by the benchmark: `{% set _ = ... %}` in the pagination shadowed gettext (a 500 past 25 cases)."""
    with app.app_context():
        load_synthetic(db.session, 80, 4, today=TODAY)
        db.session.commit()
        visible = db.session.scalar(select(func.count()).select_from(Case).where(Case.association_id == 1))
    assert visible > 25
    assert login(client, "a001.supervisor1", SYNTHETIC_PASSWORD).status_code == 302
    first = client.get("/cases/?lang=en")
    assert first.status_code == 200
    assert "Page 1 of" in first.get_data(as_text=True)
    assert client.get("/cases/?lang=en&page=2").status_code == 200


def test_the_population_keeps_the_rules_of_the_session_log_and_the_diary(app):
    """Each session's type may be held by its author's profession; nobody is booked twice at once."""
    from mediation.appointments.models import Appointment, AppointmentStaff
    from mediation.counselling.rules import TYPES_BY_PROFESSION

    with app.app_context():
        load()
        pairs = db.session.execute(select(CounsellingSession.type, StaffUser.profession)
                                   .join(StaffUser, StaffUser.id == CounsellingSession.author_id)).all()
        assert pairs and all(kind in TYPES_BY_PROFESSION[profession] for kind, profession in pairs)
        double = db.session.execute(
            select(AppointmentStaff.user_id, Appointment.start_utc, func.count())
            .join(Appointment, Appointment.id == AppointmentStaff.appointment_id)
            .group_by(AppointmentStaff.user_id, Appointment.start_utc).having(func.count() > 1)).all()
        assert double == []


def test_the_plan_spreads_associations_and_regions_as_described():
    """docs/statistics.md, ST50 at the benchmark's 20,000 cases: 3 to 12 associations a region, sizes over
    two orders of magnitude, a thin region, the reference association first with 1,500 cases."""
    from mediation.demo.synthetic.spread import THIN_REGION, association_plan

    regions = [f"MA-{i:02d}" for i in range(1, 13)]
    plan = association_plan(20_000, Draws(1, "plan"), regions)
    assert sum(share.cases for share in plan) == 20_000 and plan[0].cases == 1500
    per_region = {region: [s.cases for s in plan if s.region == region] for region in regions}
    assert all(3 <= len(sizes) <= 12 for sizes in per_region.values()), per_region
    sizes = [share.cases for share in plan]
    assert max(sizes) >= 50 * min(sizes)
    assert sum(per_region[THIN_REGION]) < 100  # a few cases a quarter over four years
    assert association_plan(20_000, Draws(1, "plan"), regions) == plan


def test_groups_enrol_mostly_people_without_a_case(app):
    from mediation.groups.models import Activity, ActivityCount, Attendance, Enrolment, GroupParticipant

    with app.app_context():
        load_synthetic(db.session, 80, 3, today=TODAY)
        db.session.flush()
        count = lambda query: db.session.scalar(select(func.count()).select_from(query))  # noqa: E731
        without_case = count(select(GroupParticipant).where(GroupParticipant.person_id.is_(None)).subquery())
        with_case = count(select(GroupParticipant).where(GroupParticipant.person_id.is_not(None)).subquery())
        assert without_case > 2 * with_case > 0
        assert count(select(Enrolment).subquery()) >= without_case + with_case
        assert count(select(Attendance).where(Attendance.present.is_(True)).subquery()) > 0
        assert count(select(Activity).subquery()) > 0 and count(select(ActivityCount).subquery()) > 0
