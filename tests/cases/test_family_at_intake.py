"""The family recorded on the intake page (docs/domain.md, DOM103) and the screening that begins the
assessment and goes on to the next party (DOM104).

Direct database work happens inside `with app.app_context():`; requests are made outside it.
"""

from __future__ import annotations

from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.cases.codes import CaseStatus, ChildLivesWith, ConsentScope, ConsentStatus, ParticipantRole, Sex
from mediation.cases.models import Case, Consent, Participant, Person, StatusChange
from mediation.core import clock
from mediation.extensions import db
from tests.cases.fixtures import CONSENT_ANSWERS
from tests.cases.test_consent_at_registration import assert_summary_links_exist
from tests.cases.test_intake import FORM, declared, point_id  # noqa: F401  (fixture)
from tests.conftest import ANY_HOUR_DEFAULT
from tests.strategies import fuzz, nasty_text

pytestmark = pytest.mark.usefixtures("any_hour")

FATHER = "يوسف العمراني"
OTHER = {"other-full_name": FATHER, "other-contact_allowed": "no",
         **{f"other-{name}": answer for name, answer in CONSENT_ANSWERS.items()},
         "other-consent_mediation": "given"}
CHILDREN = {"children-0-full_name": "آدم العمراني", "children-0-sex": "male", "children-0-birth_date": "2016",
            "children-1-full_name": "مريم العمراني", "children-1-sex": "female",
            "children-1-birth_date": "12/05/2019", "children-1-lives_with": "mother"}


def totals(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Case, Person, Participant, Consent))


def people_of(app, reference: str) -> dict[str, tuple]:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        rows = db.session.scalars(select(Participant).where(Participant.case_id == case.id)).unique()
        return {p.person.full_name: (p.role, p.person.sex, p.person.birth_date, p.lives_with, p.is_party)
                for p in rows}


def opened_reference(app, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        public_id = UUID(response.headers["Location"].rstrip("/").split("/")[-1])
        return db.session.scalar(select(Case.reference).where(Case.public_id == public_id))


@pytest.fixture
def mediator(app, login_as, declared):  # noqa: F811  (the fixture above)
    return login_as("mediator_a1")


def intake(app, declared, **fields):  # noqa: F811
    data = {**FORM, "service_point_id": point_id(app, declared.association_a), **fields}
    return {key: value for key, value in data.items() if value is not None}


def test_the_whole_family_is_recorded_from_the_intake_page(app, mediator, declared):
    response = mediator.post("/cases/new", data=intake(app, declared, sex="", **OTHER, **CHILDREN))
    reference = opened_reference(app, response)
    people = people_of(app, reference)
    # The mother's sex and the father's role and sex come from the request (DOM103).
    assert people == {
        "خديجة العمراني": (ParticipantRole.MOTHER, Sex.FEMALE, "1990", None, True),
        FATHER: (ParticipantRole.FATHER, Sex.MALE, None, None, True),
        "آدم العمراني": (ParticipantRole.CHILD, Sex.MALE, "2016", None, False),
        "مريم العمراني": (ParticipantRole.CHILD, Sex.FEMALE, "2019-05-12", ChildLivesWith.MOTHER, False),
    }
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        father = next(p for p in db.session.scalars(select(Participant).where(Participant.case_id == case.id))
                      .unique() if p.role is ParticipantRole.FATHER)
        consents = {(c.scope, c.status) for c in db.session.scalars(
            select(Consent).where(Consent.participant_id == father.id))}
        assert consents == {(ConsentScope.MEDIATION, ConsentStatus.GIVEN),
                            (ConsentScope.DATA_PROCESSING, ConsentStatus.GIVEN)}
        assert father.person.contact_allowed == "no"


def test_rows_left_empty_record_nobody(app, mediator, declared):
    # A choice without a name is no person: only the name starts a row.
    response = mediator.post("/cases/new", data=intake(app, declared, **{
        "other-contact_allowed": "yes", "other-role": "father", "children-2-sex": "female"}))
    reference = opened_reference(app, response)
    assert list(people_of(app, reference)) == ["خديجة العمراني"]


def test_a_started_row_must_be_completed_and_nothing_is_saved(app, mediator, declared):
    before = totals(app)
    data = intake(app, declared, **{"other-full_name": FATHER, "children-1-full_name": "مريم العمراني"})
    response = mediator.post("/cases/new?lang=en", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    targets = assert_summary_links_exist(page)
    assert targets[:2] == ["other-contact_allowed-0", "other-consent_mediation-0"]
    assert targets[-1] == "children-1-sex"
    assert "The other parent or spouse: May the service contact this person?" in page
    assert "Child 2: Sex: Choose the child&#39;s sex." in page
    assert f'value="{FATHER}"' in page, "the input is kept"
    assert totals(app) == before


def test_a_role_the_request_does_not_imply_is_asked(app, mediator, declared):
    before = totals(app)
    response = mediator.post("/cases/new?lang=en", data=intake(
        app, declared, requesting_role="grandparent", **OTHER))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose their role: the request does not say it." in page
    assert 'id="other-role-error"' in page, "beside the row's field"
    # A grandparent's sex is not implied either: it is asked, and a contradiction is refused.
    assert totals(app) == before
    contradicted = mediator.post("/cases/new?lang=en", data=intake(app, declared, sex="male"))
    assert contradicted.status_code == 422
    assert "The sex does not match the role in the family" in contradicted.get_data(as_text=True)
    unsaid = mediator.post("/cases/new?lang=en", data=intake(app, declared, requesting_role="grandparent", sex=""))
    assert unsaid.status_code == 422 and "Choose the sex." in unsaid.get_data(as_text=True)
    assert totals(app) == before


def test_a_childs_rule_is_shown_on_the_childs_row(app, mediator, declared):
    before = totals(app)
    response = mediator.post("/cases/new?lang=en", data=intake(app, declared, **{
        "children-0-full_name": "آدم العمراني", "children-0-sex": "male", "children-0-birth_date": "1990"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="children-0-birth_date-error"' in page
    assert "A child is under 18 on the day the case was opened" in page
    assert totals(app) == before


def test_a_possible_duplicate_in_a_row_refuses_the_page_and_says_nothing_of_the_match(app, login_as, declared):
    # A child of mediator A2's case, whom mediator A1 may not see.
    child = {"children-0-full_name": "ريم المرابط", "children-0-sex": "female", "children-0-birth_date": "2015-06-01"}
    other = login_as("mediator_a2")
    hidden = opened_reference(app, other.post("/cases/new", data=intake(
        app, declared, full_name="سعاد المرابط", **child)))
    mediator = login_as("mediator_a1")
    before = totals(app)
    # The requesting father has a phone of his own: only the child's row matches.
    father = {"full_name": "حسن المرابط", "requesting_role": "father", "sex": "", "phone": "0655443322"}
    response = mediator.post("/cases/new?lang=en", data=intake(app, declared, **father, **child))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "may already be known to your association. Leave this row empty" in page
    assert 'id="children-0-full_name-error"' in page
    assert hidden not in page and "سعاد" not in page, "nothing of the match is shown"
    assert totals(app) == before
    # The other parent's row has no birth date or phone: a name alone matches nobody (docs/security.md, S24).
    named = mediator.post("/cases/new", data=intake(app, declared, **father,
                                                    **{**OTHER, "other-full_name": "سعاد المرابط"}))
    assert named.status_code == 302


@fuzz(50, instants=len(ANY_HOUR_DEFAULT))
@given(name=nasty_text, sex=st.sampled_from(["", "male", "female", "x"]),
       born=st.sampled_from(["", "2015", "1990", "31/02/2019", "٢٠١٨"]),
       role=st.sampled_from(["", "father", "child", "?"]))
def test_generated_family_rows_never_fail_and_never_half_save(app, mediator, declared, name, sex, born, role):
    before = totals(app)
    response = mediator.post("/cases/new?lang=fr", data=intake(app, declared, **{
        "other-full_name": name, "other-role": role, "other-contact_allowed": "yes",
        **{f"other-{key}": value for key, value in CONSENT_ANSWERS.items()},
        "children-0-full_name": name, "children-0-sex": sex, "children-0-birth_date": born}))
    assert response.status_code in (302, 422)
    after = totals(app)
    if response.status_code == 422:
        assert after == before
    else:
        assert after[0] == before[0] + 1


# The screening that begins the assessment (DOM104)


def _case_with_two_parents(app, mediator, declared) -> tuple[str, dict[str, str]]:
    reference = opened_reference(app, mediator.post("/cases/new", data=intake(app, declared, sex="", **OTHER)))
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        ids = {p.person.full_name: str(p.public_id)
               for p in db.session.scalars(select(Participant).where(Participant.case_id == case.id)).unique()}
        return str(case.public_id), ids


SCREENING = {"violence": "none", "mediator_view": "", "notes": "", **{f"gating_{code}": "no" for code in (
    "immediate_danger", "fear_of_other_party", "coercive_control", "child_protection_concern", "abduction_threat")}}


def _status(app, case_id: str) -> CaseStatus:
    with app.app_context():
        return db.session.scalar(select(Case.status).where(Case.public_id == UUID(case_id)))


def test_the_first_screening_begins_the_assessment_and_goes_on_to_the_next_party(app, mediator, declared):
    case_id, ids = _case_with_two_parents(app, mediator, declared)
    mother, father = ids["خديجة العمراني"], ids[FATHER]
    url = f"/cases/{case_id}/participants/{mother}/screenings/new"
    page = mediator.get(url + "?lang=en").get_data(as_text=True)
    assert f"Save and screen {FATHER}" in page
    today = {"screened_on": _today(app)}
    response = mediator.post(url, data={**SCREENING, **today, "then": "next"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case_id}/participants/{father}/screenings/new")
    assert _status(app, case_id) is CaseStatus.ASSESSMENT
    with app.app_context():
        moves = db.session.execute(select(StatusChange.from_status, StatusChange.to_status).join(Case).where(
            Case.public_id == UUID(case_id)).order_by(StatusChange.id)).all()
        assert moves == [(None, CaseStatus.INTAKE), (CaseStatus.INTAKE, CaseStatus.ASSESSMENT)]
    # The father's page offers no next party: everyone has been screened.
    last = mediator.get(f"/cases/{case_id}/participants/{father}/screenings/new?lang=en").get_data(as_text=True)
    assert "Save and screen" not in last
    # "next" without anyone left goes back to the case page, and the case stays in assessment.
    done = mediator.post(f"/cases/{case_id}/participants/{father}/screenings/new",
                         data={**SCREENING, **today, "then": "next"})
    assert done.headers["Location"].endswith(f"/cases/{case_id}#safety")
    assert _status(app, case_id) is CaseStatus.ASSESSMENT


def test_without_the_data_consent_the_case_stays_at_intake(app, mediator, declared):
    answers = {**CONSENT_ANSWERS, "consent_data_processing": "not_asked"}
    reference = opened_reference(app, mediator.post("/cases/new", data=intake(app, declared, **answers)))
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case_id = str(case.public_id)
        mother = str(db.session.scalar(select(Participant.public_id).where(Participant.case_id == case.id)))
    response = mediator.post(f"/cases/{case_id}/participants/{mother}/screenings/new",
                             data={**SCREENING, "screened_on": _today(app)})
    assert response.status_code == 302
    assert _status(app, case_id) is CaseStatus.INTAKE


def _today(app) -> str:
    with app.test_request_context():
        return clock.today().isoformat()
