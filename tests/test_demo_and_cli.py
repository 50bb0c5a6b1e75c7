"""`flask demo load` (associations, accounts, case files) and `flask users create-admin`.

The CLI runs against the session app inside the test's rolled-back
transaction: its commits only release savepoints.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.accounts.services import create_association
from mediation.accounts.staff import NewStaffUser, create_staff_user
from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.services.plan import PLANNED_AFTER
from mediation.cases.codes import CHILD_BANDS, CaseStatus, ConsentScope, NoteVisibility, ScreeningDecision, SessionType
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Closure,
    Consent,
    Note,
    Participant,
    Person,
    Screening,
    ScreeningDecisionRecord,
    ScreeningResult,
    StatusChange,
)
from mediation.core import clock
from mediation.core.audit import AuditEvent, verify_chain
from mediation.core.authz import Profession, Role
from mediation.counselling.models import (
    CounsellingSession,
    FollowUpAction,
    SessionAttendee,
    SessionRevision,
    SessionStaff,
)
from mediation.counselling.rules import TYPES_BY_PROFESSION
from mediation.demo.case_specs import DEMO_CASES
from mediation.demo.data import ACCOUNTS, ASSOCIATIONS, CNDP_AUTHORISATIONS, DEMO_PASSWORD
from mediation.demo.statistics import CASES_PER_QUARTER, QUARTERS
from mediation.extensions import db
from mediation.statistics.models import StatisticsRelease
from tests.conftest import dispose, login

ADMIN_PASSWORD = "a-long-enough-passphrase"  # 24 characters

EXPECTED_ACCOUNTS = {
    # username: (role, association key, profession)
    "admin": (Role.ADMIN, None, None),
    "ministry": (Role.MINISTRY, None, None),
    "supervisor.a": (Role.SUPERVISOR, "A", None),
    "mediator.a1": (Role.MEDIATOR, "A", Profession.MEDIATOR),
    "mediator.a2": (Role.MEDIATOR, "A", Profession.PSYCHOLOGIST),
    "supervisor.b": (Role.SUPERVISOR, "B", None),
    "mediator.b1": (Role.MEDIATOR, "B", Profession.SOCIAL_WORKER),
    "mediator.b2": (Role.MEDIATOR, "B", Profession.LEGAL_COUNSELLOR),
    "supervisor.c": (Role.SUPERVISOR, "C", None),
}


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=list(args))

    return invoke


def counts(app) -> dict[str, int]:
    with app.app_context():
        session = db.session
        return {
            "users": session.scalar(select(func.count()).select_from(StaffUser)),
            "associations": session.scalar(select(func.count()).select_from(Association)),
            "audit": session.scalar(select(func.count()).select_from(AuditEvent)),
        }


def staff(app) -> dict[str, tuple]:
    """username -> (role, association French name, profession)."""
    with app.app_context():
        return {
            user.username: (user.role, user.association.name_fr if user.association else None, user.profession)
            for user in db.session.scalars(select(StaffUser))
        }


def create_admin(cli, username: str, password: str = ADMIN_PASSWORD, display_name: str = "Second Admin"):
    return cli("users", "create-admin", "--username", username, "--display-name", display_name,
               "--password", password)


# -- demo load ---------------------------------------------------------------------


def test_demo_accounts_match_the_expected_personas():
    assert {username: (role, key, profession) for username, _, role, key, profession in ACCOUNTS} \
        == EXPECTED_ACCOUNTS


def test_demo_load_creates_two_associations_and_every_account(app, cli):
    assert counts(app)["users"] == 0
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert f"{len(EXPECTED_ACCOUNTS)} new accounts" in result.output

    with app.app_context():
        associations = {
            key: db.session.scalar(select(Association).where(Association.name_fr == data.name_fr))
            for key, data in ASSOCIATIONS.items()
        }
        assert associations["A"].region_code == "MA-04"
        assert associations["B"].region_code == "MA-09"
        assert associations["C"].region_code == "MA-03"
        assert associations["A"].province_code == "MA-RAB"
        assert associations["B"].province_code == "MA-AGD"
        # A third association: a published national table needs three (docs/statistics.md, ST13, ST45).
        assert db.session.scalar(select(func.count()).select_from(Association)) == 3
        assert verify_chain(db.session).ok

    names = {key: data.name_fr for key, data in ASSOCIATIONS.items()}
    assert staff(app) == {
        username: (role, names.get(key), profession)
        for username, (role, key, profession) in EXPECTED_ACCOUNTS.items()
    }


def test_demo_load_twice_creates_nothing_new(app, cli):
    assert cli("demo", "load").exit_code == 0
    before = counts(app)
    assert before["users"] == len(EXPECTED_ACCOUNTS) and before["associations"] == 3

    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "0 new accounts" in result.output
    assert counts(app) == before  # not even an audit event


def test_demo_load_completes_a_partial_demo(app, cli):
    assert cli("demo", "load").exit_code == 0
    before = counts(app)
    # A partly loaded demo (say, an interrupted run) is completed, not duplicated.
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.b1"))
        user.username = "renamed.b1"
        db.session.commit()
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "1 new accounts" in result.output
    after = counts(app)
    assert after["users"] == before["users"] + 1
    assert after["associations"] == before["associations"]


def test_demo_load_if_empty_on_an_empty_database_loads(app, cli):
    result = cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert counts(app)["users"] == len(EXPECTED_ACCOUNTS)


def test_demo_load_if_empty_leaves_a_real_database_alone(app, cli):
    assert create_admin(cli, "root.admin").exit_code == 0
    before = counts(app)

    result = cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert counts(app) == before
    assert set(staff(app)) == {"root.admin"}
    # Not a demo database: no demo password or demo account list is shown.
    assert DEMO_PASSWORD not in result.output
    assert "mediator.a1" not in result.output


def test_demo_password_is_not_shown_for_a_real_account_with_a_demo_name(app, cli):
    # A real administrator who happens to be called "admin" has their own password.
    assert create_admin(cli, "admin").exit_code == 0
    result = cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD not in result.output


def test_demo_load_prints_the_password_and_the_accounts(app, cli):
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for username in EXPECTED_ACCOUNTS:
        assert f"  {username}\n" in result.output

    again = cli("demo", "load", "--if-empty")  # a demo database: still reminded
    assert again.exit_code == 0, again.output
    assert DEMO_PASSWORD in again.output
    assert "  mediator.b1\n" in again.output


def test_every_demo_account_logs_in_with_the_demo_password(app, cli, client):
    assert cli("demo", "load").exit_code == 0
    assert login(client, "mediator.a1", "not-the-demo-password-at-all").status_code == 401
    for username in EXPECTED_ACCOUNTS:
        response = login(client, username, DEMO_PASSWORD)
        assert response.status_code == 302, username
        assert response.headers["Location"] == "/"
        assert client.get("/").status_code == 200, username
        assert client.post("/logout").status_code == 302


@pytest.mark.no_db_transaction
def test_demo_load_is_refused_in_production(fresh_app):
    app = fresh_app(ENV_NAME="production", TESTING=False)
    try:
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code != 0
        assert DEMO_PASSWORD not in result.output
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0
            assert db.session.scalar(select(func.count()).select_from(Association)) == 0
            assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
            assert db.session.scalar(select(func.count()).select_from(Case)) == 0
            assert db.session.scalar(select(func.count()).select_from(ServicePoint)) == 0
    finally:
        dispose(app)


# -- demo case files ------------------------------------------------------------------

DEMO_STAFF = {"mediator.a1": "A", "mediator.a2": "A", "mediator.b1": "B"}
DEMO_SERVICE_POINTS = {"A": "RBT-01", "B": "AGD-01", "C": "FES-01"}
# The statistical history (mediation/demo/statistics.py): closed, anonymised cases of two past quarters.
HISTORY_CASES = QUARTERS * sum(CASES_PER_QUARTER.values())
# The demo's live cases (the history's are anonymised, their sessions kept for the statistics only).
LIVE_CASES = select(Case.id).where(Case.anonymised_at.is_(None))
FICTITIOUS_FAMILY_NAMES = {"Exemple", "Fictif", "Essai", "Modèle", "Imaginaire", "Fiction", "Exercice",
                           "Échantillon", "Symbolique", "Démo", "Supposé", "Test"}
ARABIC = re.compile(r"[\u0600-\u06FF]")


def case_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Case, Person, Participant, Consent, Screening, ScreeningDecisionRecord, Note,
                          StatusChange, Closure, ServicePoint, AuditEvent, CounsellingSession, SessionStaff,
                          SessionAttendee, SessionRevision, FollowUpAction)
        }


def cases_led_by(username: str) -> list[Case]:
    return list(db.session.scalars(
        select(Case).join(CaseAssignment, CaseAssignment.case_id == Case.id)
        .join(StaffUser, StaffUser.id == CaseAssignment.user_id)
        .where(StaffUser.username == username, CaseAssignment.role == AssignmentRole.LEAD)
        .order_by(Case.id)
    ))


def participants_of(case: Case) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(Participant.case_id == case.id)))


def given(participant: Participant, scope: ConsentScope) -> bool:
    return db.session.scalar(select(func.count()).select_from(Consent).where(
        Consent.participant_id == participant.id, Consent.scope == scope)) > 0


def test_demo_load_declares_cndp_and_adds_one_service_point_per_association(app, cli):
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "3 new service points" in result.output
    with app.app_context():
        for key, data in ASSOCIATIONS.items():
            association = db.session.scalar(select(Association).where(Association.name_fr == data.name_fr))
            assert association.cndp_declaration_no and association.cndp_declaration_on
            assert (association.cndp_authorisation_no, association.cndp_authorisation_on) == CNDP_AUTHORISATIONS[key]
            (point,) = db.session.scalars(select(ServicePoint).where(ServicePoint.association_id == association.id))
            assert point.code == DEMO_SERVICE_POINTS[key] and point.active
            assert point.kind == ("mediation_centre" if key == "C" else "jisr_al_usra")
        assert "Rabat" in db.session.scalar(select(ServicePoint.name_fr).where(ServicePoint.code == "RBT-01"))
        assert "Agadir" in db.session.scalar(select(ServicePoint.name_fr).where(ServicePoint.code == "AGD-01"))


def test_demo_load_opens_cases_at_every_stage_for_every_demo_staff_member(app, cli):
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert f"{len(DEMO_CASES)} new cases" in result.output
    with app.app_context():
        statuses = set()
        for username, key in DEMO_STAFF.items():
            led = cases_led_by(username)
            assert len(led) >= 3, username
            assert len({case.status for case in led}) >= 3, username  # statuses vary per staff member
            assert all(case.reference.startswith(DEMO_SERVICE_POINTS[key] + "-") for case in led)
            statuses |= {case.status for case in led}
        assert statuses == {CaseStatus.INTAKE, CaseStatus.ASSESSMENT, CaseStatus.IN_MEDIATION,
                            CaseStatus.IN_COUNSELLING, CaseStatus.CLOSED}
        assert db.session.scalar(select(func.count()).select_from(Case)) == len(DEMO_CASES) + HISTORY_CASES
        assert verify_chain(db.session).ok


def test_demo_cases_are_complete_and_consistent_with_the_workflow(app, cli):
    assert cli("demo", "load").exit_code == 0
    with app.app_context():
        cases = db.session.scalars(select(Case).where(Case.anonymised_at.is_(None)).order_by(Case.id)).all()
        children = 0
        for case in cases:
            participants = participants_of(case)
            (requesting,) = [p for p in participants if p.is_requesting_party]
            assert given(requesting, ConsentScope.DATA_PROCESSING)
            history = db.session.scalars(select(StatusChange.to_status).where(StatusChange.case_id == case.id)
                                         .order_by(StatusChange.id)).all()
            assert history[0] is CaseStatus.INTAKE and history[-1] is case.status
            for participant in participants:
                assert ARABIC.search(participant.person.full_name), "Arabic-script name"
                assert participant.person.full_name_latin and not ARABIC.search(participant.person.full_name_latin)
                if participant.is_child:
                    children += 1
                    assert participant.age_band in CHILD_BANDS and not participant.is_party
            if case.status is CaseStatus.IN_MEDIATION:
                # docs/domain.md, DOM15 guard: parties screened, mediation consent, positive screens decided on.
                parties = [p for p in participants if p.is_party]
                assert len(parties) >= 2
                for party in parties:
                    assert given(party, ConsentScope.MEDIATION)
                    screenings = db.session.scalars(select(Screening).where(Screening.participant_id == party.id))
                    results = [screening.result for screening in screenings]
                    assert results
                    if ScreeningResult.POSITIVE in results:
                        decisions = db.session.scalars(select(ScreeningDecisionRecord)
                                                       .where(ScreeningDecisionRecord.case_id == case.id)).all()
                        assert [d.decision for d in decisions] == [ScreeningDecision.PROCEED_WITH_ADAPTATIONS]
                        assert decisions[0].decided_by.role == Role.SUPERVISOR
                        assert decisions[0].adaptation_codes and decisions[0].rationale
            if case.status is CaseStatus.CLOSED:
                (closure,) = db.session.scalars(select(Closure).where(Closure.case_id == case.id))
                assert closure.outcome == case.outcome and case.closed_on == closure.closed_on
                # An agreement or a reconciliation comes with its post-closure plan (docs/domain.md, DOM93).
                months = db.session.scalars(select(PostClosureFollowUp.months_after)
                                            .where(PostClosureFollowUp.closure_id == closure.id)
                                            .order_by(PostClosureFollowUp.due_on)).all()
                assert months == ([1, 3, 6] if closure.outcome in PLANNED_AFTER else [])
        assert children >= 5
        positives = db.session.scalars(select(Screening).where(Screening.result == ScreeningResult.POSITIVE)).all()
        assert len(positives) == 1 and positives[0].notes
        assert db.session.scalar(select(func.count()).select_from(Screening)) >= 2
        assert db.session.scalar(select(func.count()).select_from(Note)) >= len(DEMO_STAFF)
        assert {note.versions[0].body for note in db.session.scalars(select(Note))}


def test_demo_names_and_contacts_are_clearly_fictitious(app, cli):
    assert cli("demo", "load").exit_code == 0
    with app.app_context():
        people = db.session.scalars(select(Person)).all()
        assert people
        for person in people:
            assert person.full_name_latin.split(" ", 1)[1] in FICTITIOUS_FAMILY_NAMES, person.full_name_latin
            assert person.phone is None or person.phone.startswith("0600 000 ")
            assert person.email is None or person.email.endswith("@example.org")


def test_demo_load_twice_creates_no_new_case(app, cli):
    assert cli("demo", "load").exit_code == 0
    before = case_counts(app)
    assert before["Case"] == len(DEMO_CASES) + HISTORY_CASES
    assert before["CounsellingSession"] and before["FollowUpAction"]
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "0 new accounts, 0 new service points, 0 new cases" in result.output
    assert case_counts(app) == before


def test_demo_load_completes_an_older_demo_without_cases(app, cli):
    # A demo database from before case files: associations without CNDP declaration, accounts only.
    with app.app_context():
        associations = {key: create_association(db.session, data, actor=None) for key, data in ASSOCIATIONS.items()}
        for username, display_name, role, key, profession in ACCOUNTS:
            create_staff_user(db.session, NewStaffUser(
                username=username, display_name=display_name, role=role, password=DEMO_PASSWORD,
                association_id=associations[key].id if key else None, profession=profession), actor=None)
        db.session.commit()
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert f"0 new accounts, 3 new service points, {len(DEMO_CASES)} new cases" in result.output
    with app.app_context():
        assert all(association.cndp_declaration_no and association.cndp_authorisation_no
                   for association in db.session.scalars(select(Association)))
        assert db.session.scalar(select(func.count()).select_from(CounsellingSession)) > 0
        assert verify_chain(db.session).ok


def test_a_staff_member_who_already_leads_a_case_gets_no_demo_case(app, cli):
    assert cli("demo", "load").exit_code == 0
    with app.app_context():
        for case in cases_led_by("mediator.b1"):
            db.session.delete(case)
        db.session.commit()
    # mediator.b1 leads nothing any more: the next run gives back their demo cases, and only theirs.
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    expected = sum(spec.lead == "mediator.b1" for spec in DEMO_CASES)
    assert f"{expected} new cases" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == len(DEMO_CASES) + HISTORY_CASES


def test_demo_sessions_cover_every_type_held_by_a_fitting_assigned_profession(app, cli):
    assert cli("demo", "load").exit_code == 0
    with app.app_context():
        sessions = db.session.scalars(select(CounsellingSession).where(CounsellingSession.case_id.in_(LIVE_CASES))
                                      .order_by(CounsellingSession.id)).all()
        assert {counselling.type for counselling in sessions} == set(SessionType)
        for counselling in sessions:
            case = db.session.get(Case, counselling.case_id)
            assigned = {assignment.user_id for assignment in case.assignments}
            holders = [row.user for row in counselling.staff]
            assert holders and {user.id for user in holders} <= assigned, counselling.type
            assert counselling.author_id in {user.id for user in holders}
            assert any(counselling.type in TYPES_BY_PROFESSION[user.profession] for user in holders), \
                (counselling.type, [user.username for user in holders])
            present = [db.session.get(Participant, row.participant_id) for row in counselling.attendees]
            assert present and all(participant.case_id == case.id for participant in present)
            parties = [participant for participant in present if participant.is_party]
            if counselling.type is SessionType.INDIVIDUAL:
                assert len(parties) == 1
            if counselling.type in (SessionType.JOINT_MEDIATION, SessionType.SHUTTLE_MEDIATION):
                assert len(parties) >= 2
                assert counselling.parties_kept_apart is (counselling.type is SessionType.SHUTTLE_MEDIATION)
            if counselling.type is SessionType.CHILD_CONSULTATION:
                (child,) = present
                assert child.is_child and given(child, ConsentScope.CHILD_CONSULTATION)
            if counselling.type is SessionType.COUNSELLING_PSYCHOLOGICAL:
                assert counselling.visibility is NoteVisibility.STAFF_ONLY
                assert Profession.PSYCHOLOGIST in {user.profession for user in holders}
                assert all(given(participant, ConsentScope.SENSITIVE_DATA) for participant in present)
            assert counselling.summary and ("(démo)" in counselling.summary or "تجريبية" in counselling.summary)
            local = clock.local_datetime(counselling.started_at)
            assert case.first_contact_on <= local.date() < clock.today()
            assert 1 <= counselling.duration_min <= 480
        voided = [counselling for counselling in sessions if counselling.is_void]
        assert voided and all(counselling.void_reason and counselling.voided_by_id for counselling in voided)
        assert any(counselling.interpreter_used for counselling in sessions)

        today = clock.today()
        actions = db.session.scalars(select(FollowUpAction)).all()
        overdue = [action for action in actions if action.done_on is None and action.due_on < today]
        done = [action for action in actions if action.done_on is not None]
        upcoming = [action for action in actions if action.done_on is None and action.due_on >= today]
        assert len(overdue) >= 2 and done and upcoming
        for action in actions:
            case = db.session.get(Case, action.case_id)
            assert action.assigned_to_id in {assignment.user_id for assignment in case.assignments}
            assert action.description
        assert verify_chain(db.session).ok


def test_demo_sessions_are_deterministic_and_not_repeated(app, cli):
    assert cli("demo", "load").exit_code == 0

    def shape():
        with app.app_context():
            return sorted(
                (counselling.type.value, counselling.started_at.isoformat(), counselling.duration_min,
                 counselling.summary, counselling.is_void)
                for counselling in db.session.scalars(select(CounsellingSession)
                                                      .where(CounsellingSession.case_id.in_(LIVE_CASES)))
            )

    first = shape()
    assert len(first) == sum(len(spec.sessions) for spec in DEMO_CASES)
    assert "0 new cases" in cli("demo", "load").output
    assert shape() == first


# -- users create-admin --------------------------------------------------------------


def test_create_admin_creates_an_audited_admin(app, cli):
    before = counts(app)
    result = create_admin(cli, "admin.two")
    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output

    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "admin.two"))
        assert user is not None
        assert user.role is Role.ADMIN
        assert user.association_id is None and user.profession is None
        assert user.display_name == "Second Admin"
        assert user.active
        assert user.password_hash.startswith("$argon2id$")
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "staff_user",
                                     AuditEvent.entity_id == str(user.public_id))
        ).all()
        assert [(event.action, event.outcome, event.actor_role) for event in events] == [
            ("create", "success", "cli")
        ]
        assert verify_chain(db.session).ok
    assert counts(app) == {**before, "users": before["users"] + 1, "audit": before["audit"] + 1}


def test_created_admin_can_log_in(app, cli, client):
    assert create_admin(cli, "admin.two").exit_code == 0
    assert login(client, "admin.two", ADMIN_PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["x" * 14, "fourteen-chars", "\u00e9" * 14])
def test_create_admin_refuses_a_short_password(app, cli, password):
    assert len(password) == 14
    before = counts(app)
    result = create_admin(cli, "admin.short", password=password)
    assert result.exit_code != 0
    assert "refused" in result.output
    assert password not in result.output
    assert counts(app) == before


def test_create_admin_accepts_exactly_fifteen_characters(app, cli):
    result = create_admin(cli, "admin.fifteen", password="fifteen-chars-x")
    assert result.exit_code == 0, result.output
    assert "admin.fifteen" in staff(app)


@pytest.mark.parametrize("first, second", [("admin.two", "Admin.Two"), ("Admin.Two", "admin.two"),
                                           ("admin.two", "ADMIN.TWO")])
def test_create_admin_refuses_a_duplicate_user_name_whatever_the_case(app, cli, first, second):
    assert create_admin(cli, first).exit_code == 0
    before = counts(app)
    result = create_admin(cli, second, password="another-long-passphrase")
    assert result.exit_code != 0
    assert "refused" in result.output
    assert counts(app) == before
    assert set(staff(app)) == {"admin.two"}


def test_demo_load_publishes_two_quarterly_releases_the_ministry_can_read(app, cli, client):
    """docs/statistics.md, ST45: the ministry's first visit to the demo shows tables and trends."""
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "2 statistics releases built" in result.output
    with app.app_context():
        releases = db.session.scalars(select(StatisticsRelease).order_by(StatisticsRelease.period)).all()
        assert [(r.kind, r.status) for r in releases] == [("quarterly", "published")] * 2
        for release in releases:
            numbers = []
            for stored in release.files:
                if stored.format == "json":
                    data = json.loads(stored.content)
                    value = data["columns"].index("value")
                    numbers += [row[value] for row in data["rows"] if isinstance(row[value], int)]
            assert numbers and min(numbers) >= 10  # cells above the threshold, and never 1-9
    assert "0 statistics releases built" in cli("demo", "load").output  # idempotent
    assert login(client, "ministry", DEMO_PASSWORD).status_code == 302
    for lang in ("ar", "fr"):
        page = client.get(f"/statistics/trends?lang={lang}").get_data(as_text=True)
        # The page opens on a table that the releases publish with numbers (docs/statistics.md, ST43).
        assert re.search(r'class="number"><span dir="ltr">[1-9][0-9]*</span>', page), lang
        assert "chart-lines" in page
        release_page = client.get(f"/statistics/releases/{releases[-1].release_id}?lang={lang}").get_data(as_text=True)
        visible = re.sub(r"<[^>]+>", " ", release_page)
        for code in ("marital_discord", "counselling_psychological", "joint_mediation"):
            assert code not in visible and code not in re.sub(r"<[^>]+>", " ", page)


def test_demo_shows_agreements_follow_ups_and_referrals_in_every_state(app, cli):
    """A newcomer sees agreements of every level, post-closure follow-ups done and due (one that did not hold, in
    the supervisor's queue), and referrals in every status (docs/domain.md, DOM78,
    DOM86, DOM93-DOM95)."""
    from mediation.agreements.models import AgreementVersion
    from mediation.cases.codes import AgreementLevel
    from mediation.referrals.codes import ReferralStatus
    from mediation.referrals.models import Referral

    assert cli("demo", "load").exit_code == 0
    with app.app_context():
        levels = set(db.session.scalars(select(AgreementVersion.level)))
        assert levels == set(AgreementLevel)
        follow_ups = db.session.scalars(select(PostClosureFollowUp)).all()
        today = clock.today()
        done = [f for f in follow_ups if f.status.value == "done"]
        due = [f for f in follow_ups if f.status.value == "planned" and f.due_on <= today]
        assert len(done) == 2 and due
        assert any(f.alert for f in done) and all(f.done_on <= today for f in done)
        assert set(db.session.scalars(select(Referral.status))) == set(ReferralStatus)
