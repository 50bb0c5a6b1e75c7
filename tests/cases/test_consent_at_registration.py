"""Consents asked on the page that registers a party, at intake and when a party is added (docs/domain.md,
DOM76); typed dates (DOM75); the error summary of those pages (docs/architecture.md, A5).

Direct database work happens inside `with app.app_context():`; requests are made outside it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from uuid import UUID

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.accounts.models import Association
from mediation.cases.models import Case, Consent, Participant, Person
from mediation.cases.rules import PARTY_SCOPES
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.core.forms import parse_typed_day
from mediation.extensions import db
from tests.cases.fixtures import CONSENT_ANSWERS, declare_cndp
from tests.cases.test_intake import FORM as INTAKE
from tests.cases.test_intake import point_id
from tests.cases.test_parties import ADULT, a1, own  # noqa: F401  (fixtures)
from tests.conftest import ANY_HOUR_DEFAULT
from tests.strategies import fuzz, nasty_text

pytestmark = pytest.mark.usefixtures("any_hour")

MIXED = {**CONSENT_ANSWERS, "consent_mediation": "given", "consent_data_processing": "given",
         "consent_contact": "refused", "consent_statistics": "not_asked", "consent_share_for_referral": "refused"}


def consents_of(app, participant_public_id: str) -> list[tuple[str, str, str, date]]:
    with app.app_context():
        participant = db.session.scalar(select(Participant).where(Participant.public_id == UUID(participant_public_id)))
        rows = db.session.scalars(select(Consent).where(Consent.participant_id == participant.id)
                                  .order_by(Consent.id))
        return [(row.scope.value, row.status.value, row.given_by.value, row.on_date) for row in rows]


def newest_participant(app, case_public_id: str) -> str:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_public_id)))
        return str(db.session.scalars(select(Participant.public_id).where(Participant.case_id == case.id)
                                      .order_by(Participant.id.desc())).first())


def totals(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Person, Participant, Consent, AuditEvent, Case))


def authorise_health_data(app, association_id: int, authorised: bool) -> None:
    with app.app_context():
        association = db.session.get(Association, association_id)
        association.cndp_authorisation_no = "A-GC-77/2025" if authorised else None
        association.cndp_authorisation_on = date(2025, 6, 2) if authorised else None
        db.session.commit()


class Ids(HTMLParser):
    """Every id of a page, and the fragment of every link of its error summary."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._depth = 0  # >0 inside the summary

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "div" and "data-error-summary" in attributes:
            self._depth = 1
        elif self._depth and tag == "div":
            self._depth += 1
        if self._depth and tag == "a":
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if self._depth and tag == "div":
            self._depth -= 1


def summary_of(page: str) -> Ids:
    parser = Ids()
    parser.feed(page)
    return parser


def assert_summary_links_exist(page: str) -> list[str]:
    """The page has one error summary, first in <main> after the title, whose links name existing ids."""
    assert page.count("data-error-summary") == 1
    main = page[page.index("<main"):]
    assert main.index("data-error-summary") < main.index("<form"), "the summary comes before the form"
    parsed = summary_of(page)
    assert parsed.links, "the summary links to the fields"
    targets = [link.removeprefix("#") for link in parsed.links]
    assert all(link.startswith("#") for link in parsed.links)
    assert set(targets) <= parsed.ids, set(targets) - parsed.ids
    return targets


# Adding a party: the consents on the same page


def test_the_party_page_asks_each_consent_with_nothing_chosen(app, a1, own):
    page = a1.get(f"/cases/{own}/parties/new?lang=en").get_data(as_text=True)
    for scope in ("mediation", "data_processing", "contact", "statistics", "share_for_referral"):
        for answer in ("given", "refused", "not_asked"):
            assert re.search(rf'<input[^>]*name="consent_{scope}"[^>]*value="{answer}"', page), (scope, answer)
    assert not re.search(r'<input[^>]*name="consent_[^"]*"[^>]*checked', page), "nothing pre-chosen"
    assert "Not asked yet" in page and "Consent refused" in page
    arabic = a1.get(f"/cases/{own}/parties/new?lang=ar").get_data(as_text=True)
    assert "لم تُطلب بعد" in arabic and "الموافقة (القانون 09-08)" in arabic


def test_a_party_and_their_consents_are_saved_in_one_post(app, a1, own):
    before = totals(app)
    response = a1.post(f"/cases/{own}/parties/new?lang=en", data={**ADULT, **MIXED})
    assert response.status_code == 302
    party = newest_participant(app, own)
    today = clock_today(app)
    # Given and refused answers are rows, in the order of the page; "not asked" records nothing.
    assert consents_of(app, party) == [
        ("mediation", "given", "self", today), ("data_processing", "given", "self", today),
        ("contact", "refused", "self", today), ("share_for_referral", "refused", "self", today)]
    after = totals(app)
    assert (after[1] - before[1], after[2] - before[2]) == (1, 4)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > 0)
                                    .order_by(AuditEvent.seq.desc()).limit(5)).all()
        assert [(e.action, e.entity_id) for e in reversed(events)] == [
            ("create", party)] + [("consent_change", party)] * 4
    # One scope changes later, alone, on the consent page (docs/domain.md, DOM32).
    changed = a1.post(f"/cases/{own}/participants/{party}/consents/new", data={
        "scope": "statistics", "status": "given", "on_date": today.isoformat(), "given_by": "self"})
    assert changed.status_code == 302
    assert consents_of(app, party)[-1][:2] == ("statistics", "given")
    assert len(consents_of(app, party)) == 5


def clock_today(app) -> date:
    with app.test_request_context():
        return clock.today()


def test_sensitive_data_is_asked_only_where_psychological_sessions_may_be_held(app, world, a1, own):
    authorise_health_data(app, world.association_a, False)
    page = a1.get(f"/cases/{own}/parties/new").get_data(as_text=True)
    assert 'name="consent_sensitive_data"' not in page
    refused = a1.post(f"/cases/{own}/parties/new?lang=en",
                      data={**ADULT, **CONSENT_ANSWERS, "consent_sensitive_data": "given"})
    assert refused.status_code == 302, "a question the page does not ask is not read"
    assert all(scope != "sensitive_data" for scope, *_ in consents_of(app, newest_participant(app, own)))

    authorise_health_data(app, world.association_a, True)
    page = a1.get(f"/cases/{own}/parties/new").get_data(as_text=True)
    assert 'name="consent_sensitive_data"' in page
    data = {**ADULT, "full_name": "Karim Alaoui", "birth_date": "1980", **CONSENT_ANSWERS}
    missing = a1.post(f"/cases/{own}/parties/new?lang=en", data={
        key: value for key, value in data.items() if key != "consent_sensitive_data"})
    assert missing.status_code == 422
    assert "Answer for this consent: given, refused or not asked." in missing.get_data(as_text=True)
    assert a1.post(f"/cases/{own}/parties/new", data={**data, "consent_sensitive_data": "given"}).status_code == 302
    assert ("sensitive_data", "given") in [row[:2] for row in consents_of(app, newest_participant(app, own))]


def test_every_error_shows_at_once_and_nothing_is_saved(app, a1, own):
    before = totals(app)
    data = {**ADULT, "full_name": "", "birth_date": "31/02/1990", "contact_allowed": "", "email": "a@b",
            **MIXED, "consent_contact": "", "consent_statistics": "withdrawn"}
    response = a1.post(f"/cases/{own}/parties/new?lang=en", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    targets = assert_summary_links_exist(page)
    # In the order of the page: identity, contact, then the consents.
    assert targets == ["full_name", "birth_date", "email", "contact_allowed-0", "consent_contact-0",
                       "consent_statistics-0"]
    assert "There is a problem" in page
    assert "This date does not exist: check the day and the month." in page
    assert 'value="31/02/1990"' in page, "the date is kept as typed"
    assert re.search(r'name="consent_mediation"[^>]*value="given"[^>]*checked|'
                     r'checked[^>]*name="consent_mediation"[^>]*value="given"', page), "answers are kept"
    assert totals(app) == before, "nothing half-saved"


def test_a_refusal_by_the_service_saves_neither_the_party_nor_a_consent(app, a1, own):
    """The age rule refuses after the form is valid: the consents answered are not saved either."""
    before = totals(app)
    response = a1.post(f"/cases/{own}/parties/new?lang=en", data={**ADULT, **MIXED, "birth_date": "2015"})
    assert response.status_code == 422
    assert "A party is an adult" in response.get_data(as_text=True)
    assert totals(app) == before


# Intake: the requesting party's consents


@pytest.fixture
def declared(app, world):
    with app.app_context():
        declare_cndp(world.association_a)
        db.session.commit()
    return world


def test_intake_records_the_requesting_partys_consents(app, login_as, declared):
    client = login_as("mediator_a1")
    point = point_id(app, declared.association_a)
    form = client.get("/cases/new?lang=en").get_data(as_text=True)
    assert 'name="data_processing_consent"' not in form, "the single check box is gone"
    assert not re.search(r'<input[^>]*name="consent_[^"]*"[^>]*checked', form)
    today = clock_today(app)
    assert f'value="{today:%d/%m/%Y}"' in form, "the first contact is shown as day/month/year"
    response = client.post("/cases/new", data={**INTAKE, **MIXED, "service_point_id": point,
                                                "first_contact_on": f"{today:%d/%m/%Y}",
                                                "birth_date": "02/04/1988"})
    assert response.status_code == 302
    case_id = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.public_id == UUID(case_id)))
        assert case.first_contact_on == today
        party = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
        assert party.person.birth_date == "1988-04-02", "stored as before: YYYY-MM-DD"
        party_id = str(party.public_id)
    assert [row[:2] for row in consents_of(app, party_id)] == [
        ("mediation", "given"), ("data_processing", "given"), ("contact", "refused"), ("share_for_referral", "refused")]


def test_the_intake_form_shows_every_error_at_once(app, login_as, declared):
    client = login_as("mediator_a1")
    point = point_id(app, declared.association_a)
    before = totals(app)
    data = {key: value for key, value in {**INTAKE, "service_point_id": point}.items()
            if not key.startswith("consent_") and key not in ("immediate_danger", "issues")}
    data.update(first_contact_on="2099-01-01", birth_date="1.13.1990", full_name="خديجة العمراني")
    response = client.post("/cases/new?lang=ar", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    targets = assert_summary_links_exist(page)
    consent_targets = [f"consent_{scope.value}-0" for scope in PARTY_SCOPES if f"consent_{scope.value}" in page]
    assert targets == ["first_contact_on", "issues-0", "immediate_danger-0", "birth_date", *consent_targets]
    assert "توجد مشكلة" in page
    assert 'value="خديجة العمراني"' in page and 'value="1.13.1990"' in page, "the input is kept"
    assert totals(app) == before


# Typed dates (docs/domain.md, DOM75)


@pytest.mark.parametrize("typed, expected", [
    ("25/03/1985", date(1985, 3, 25)),
    ("5/3/1985", date(1985, 3, 5)),
    ("25.03.1985", date(1985, 3, 25)),  # as printed on the national identity card
    ("25-03-1985", date(1985, 3, 25)),
    (" 25 / 03 / 1985 ", date(1985, 3, 25)),
    ("٢٥/٠٣/١٩٨٥", date(1985, 3, 25)),  # Arabic-Indic digits
    ("1985-03-25", date(1985, 3, 25)),
    ("29/02/2024", date(2024, 2, 29)),
])
def test_accepted_day_formats(typed, expected):
    assert parse_typed_day(typed) == expected
    assert parse_typed_day(typed, year_alone=True) == expected


@pytest.mark.parametrize("typed, message", [
    ("1985", "Enter the date as day/month/year, for example 25/03/2024."),
    ("25/03/85", "Write the year with its four digits, for example 1985 rather than 85."),
    ("29/02/2023", "This date does not exist: check the day and the month."),
    ("1985-02-30", "This date does not exist: check the day and the month."),
    ("25/03-1985", "Enter the date as day/month/year, for example 25/03/2024."),  # separators differ
    ("1985/03/25", "Enter the date as day/month/year, for example 25/03/2024."),
    ("March 1985", "Enter the date as day/month/year, for example 25/03/2024."),
])
def test_refused_day_formats(app, typed, message):
    with app.test_request_context("/?lang=en"), pytest.raises(ValueError) as refused:
        parse_typed_day(typed)
    assert str(refused.value.args[0]) == message


def test_a_year_alone_is_a_birth_date_only(app):
    assert parse_typed_day("1985", year_alone=True) == 1985
    with app.test_request_context("/?lang=en"), pytest.raises(ValueError) as refused:
        parse_typed_day("85", year_alone=True)
    assert str(refused.value.args[0]) == ("Enter the birth date as day/month/year (for example 25/03/1985), "
                                          "or the year alone (1985).")


@pytest.mark.parametrize("typed, stored", [
    ("02/04/1988", "1988-04-02"), ("1988-04-02", "1988-04-02"), ("1988", "1988"), ("2.4.1988", "1988-04-02"),
])
def test_a_birth_date_is_stored_as_before(app, a1, own, typed, stored):
    # ADULT's phone is a person of a colleague's case: the warning's answer is a record of its own (DOM74).
    data = {**ADULT, **CONSENT_ANSWERS, "full_name": "Karim Alaoui", "birth_date": typed, "match_choice": "new"}
    assert a1.post(f"/cases/{own}/parties/new", data=data).status_code == 302
    with app.app_context():
        participant = db.session.scalar(select(Participant).where(
            Participant.public_id == UUID(newest_participant(app, own))))
        assert participant.person.birth_date == stored
    edit = a1.get(f"/cases/{own}/participants/{newest_participant(app, own)}/edit").get_data(as_text=True)
    shown = stored if len(stored) == 4 else f"{stored[8:10]}/{stored[5:7]}/{stored[:4]}"
    assert f'value="{shown}"' in edit, "shown back as day/month/year"


def test_the_date_hint_speaks_the_users_language(a1, own):
    assert "Day/month/year as on the identity card" in a1.get(f"/cases/{own}/parties/new?lang=en").get_data(
        as_text=True)
    assert "Jour/mois/année comme sur la carte nationale d'identité" in a1.get(
        f"/cases/{own}/parties/new?lang=fr").get_data(as_text=True).replace("&#39;", "'")
    assert "اليوم/الشهر/السنة كما في البطاقة الوطنية للتعريف" in a1.get(
        f"/cases/{own}/parties/new?lang=ar").get_data(as_text=True)


def _date_texts():
    days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    formats = st.sampled_from(["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%-d/%-m/%Y", "%d-%m-%Y", "%Y", "%d/%m/%y"])
    return st.one_of(
        st.builds(lambda day, fmt: day.strftime(fmt), days, formats),
        st.text(alphabet="0123456789/.- ٠١٢٣٤٥٦٧٨٩", max_size=14),
        nasty_text,
    )


@fuzz(50, instants=len(ANY_HOUR_DEFAULT))
@given(typed=_date_texts(), first_contact=_date_texts())
@example(typed="00/00/0000", first_contact="31/12/9999")
@example(typed="0000", first_contact="0001-01-01")
@example(typed="99/99/9999", first_contact="")
def test_generated_dates_never_fail(app, a1, own, typed, first_contact):
    """Any typed birth date on the party page, any first contact on the intake page: saved or refused with
    a message, never a 500, nothing half-saved."""
    before = totals(app)
    data = {**ADULT, **CONSENT_ANSWERS, "full_name": "Generated Party", "birth_date": typed}
    response = a1.post(f"/cases/{own}/parties/new?lang=en", data=data)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert totals(app) == before
        assert "There is a problem" in response.get_data(as_text=True)
    else:
        with app.app_context():  # the next example adds the same person again
            db.session.execute(Participant.__table__.update()
                               .where(Participant.public_id == UUID(newest_participant(app, own)))
                               .values(active=False))
            db.session.commit()
    intake = a1.post("/cases/new?lang=en", data={**INTAKE, "first_contact_on": first_contact,
                                                  "service_point_id": "0"})
    assert intake.status_code == 422, "the unknown service point keeps it from saving"
    page = intake.get_data(as_text=True)
    assert_summary_links_exist(page)


def test_the_consent_page_has_the_summary_too(app, a1, own):
    party = newest_participant(app, own)
    response = a1.post(f"/cases/{own}/participants/{party}/consents/new?lang=en", data={
        "scope": "", "status": "", "on_date": (clock_today(app) + timedelta(days=2)).isoformat()})
    assert response.status_code == 422
    assert assert_summary_links_exist(response.get_data(as_text=True)) == ["scope", "status-0", "given_by-0"]


@pytest.mark.parametrize("url, data", [
    ("/admin/associations/new?lang=ar", {"name_fr": "", "name_ar": "", "region_code": "", "province_code": ""}),
    ("/admin/service-points/new?lang=ar", {"code": "??", "name_fr": ""}),
    ("/admin/staff/new?lang=ar", {"username": "", "display_name": "", "role": "nope"}),
])
def test_the_administration_forms_share_the_summary(login_as, world, url, data):
    """Every form page shows the same summary (docs/architecture.md, A5), the administration's too."""
    response = login_as("admin").post(url, data=data)
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert "توجد مشكلة" in page
    assert assert_summary_links_exist(page)
