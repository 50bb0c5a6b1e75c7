"""A person's details reach only the staff of a case they take part in (docs/security.md, P1).

The reproduction: mediator A1 may not see mediator A2's case (404), then registers someone with the
name and birth date (or the phone) of that case's party, at intake or as a party of their own case.
Before the fix, A1's case then showed the other case's phone, address and safe-contact instructions,
and A1's edit changed them there too. Now A1 is told only that such a person may be known to the
association (docs/security.md, P5), the new participation gets a record of its own holding only what
A1 typed, and the other case is unchanged. The warning itself: tests/cases/test_duplicates.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from mediation.cases.models import Person
from mediation.core.errors import DomainError
from mediation.extensions import db
from tests.cases.fixtures import CONSENT_ANSWERS
from tests.cases.test_intake import point_id
from tests.cases.test_parties import client_as, edit_url, newest, people, versions
from tests.documents.helpers import pdf_text

# The colleague's party: what must never reach mediator A1.
SECRET = {
    "full_name": "سميرة الفاسي",
    "full_name_latin": "Samira El Fassi",
    "role": "mother",
    "sex": "female",
    "birth_date": "1985-07-14",
    "phone": "0677889900",
    "email": "CANARY-email-p1@example.ma",
    "address": "CANARY-address-p1 درب السر",
    "contact_allowed": "yes",
    "safe_contact_instructions": "CANARY-safe-contact-p1 لا تتصلوا مساءً",
    "preferred_language": "ary",
    "is_party": "y",
    **CONSENT_ANSWERS,
}
MARKERS = ("0677889900", "67 78 89 900", SECRET["email"], "CANARY-address-p1", "CANARY-safe-contact-p1")
INTAKE = {"first_contact_on": "2026-11-02", "intake_channel": "walk_in", "referral_source": "self",
          "issues": ["custody"], "court_stage": "none", "immediate_danger": "no", "requesting_role": "mother",
          **CONSENT_ANSWERS}


def offered(page: str) -> list[str]:
    """The answers the duplicate warning offers (tests/cases/test_duplicates.py)."""
    return re.findall(r'name="match_choice"[^>]*value="([^"]+)"', page)


def person_row(app, person_id: int) -> dict:
    with app.app_context():
        person = db.session.get(Person, person_id)
        return {name: getattr(person, name) for name in
                ("full_name", "birth_date", "phone", "email", "address", "safe_contact_instructions",
                 "contact_allowed", "version_id")}


@pytest.fixture
def secret_party(app, world, cases):
    """Mediator A2 adds SECRET to their own case; mediator A1 may not see that case."""
    a2 = client_as(app, world, "mediator_a2")
    assert a2.post(f"/cases/{cases.colleague}/parties/new", data=SECRET).status_code == 302
    party = newest(app, cases.colleague)
    assert party["phone"] == SECRET["phone"]
    return party


def assert_nothing_of_the_secret(page: str, typed: dict | None = None) -> None:
    """No marker of the hidden case on the page, but what the user typed themselves."""
    own = " ".join(str(value) for value in (typed or {}).values())
    leaked = [marker for marker in MARKERS if marker in page and marker not in own]
    assert leaked == [], f"the other case's details reached the page: {leaked}"


def readable_text(response) -> str:
    """What a person could read in a response: a PDF through pdftotext (a produced document's text is
    compressed in the file) as well as its bytes (an uploaded file may be a PDF only in name to pdftotext),
    anything else as text. Without poppler-utils the bytes are all there is; tests/documents, which skip
    then, are the produced PDFs' own proof."""
    raw = response.get_data().decode("utf-8", errors="replace")
    if response.mimetype == "application/pdf" and shutil.which("pdftotext"):
        try:
            return pdf_text(response.get_data()) + raw
        except subprocess.CalledProcessError:
            return raw
    return raw

@pytest.mark.parametrize("lookalike", [
    pytest.param({"phone": "", "email": "", "address": "", "safe_contact_instructions": ""}, id="name-and-birth-date"),
    pytest.param({"full_name": "سميرة ف.", "full_name_latin": "", "birth_date": "", "email": "", "address": "",
                  "safe_contact_instructions": "", "phone": SECRET["phone"]}, id="phone"),
])
def test_adding_a_party_never_borrows_another_cases_person(app, world, cases, secret_party, lookalike):
    a1 = client_as(app, world, "mediator_a1")
    assert a1.get(f"/cases/{cases.colleague}").status_code == 404
    before = person_row(app, secret_party["person_id"])
    warning = a1.post(f"/cases/{cases.own}/parties/new?lang=en", data={**SECRET, **lookalike})
    assert warning.status_code == 422
    assert_nothing_of_the_secret(warning.get_data(as_text=True), typed=lookalike)
    response = a1.post(f"/cases/{cases.own}/parties/new?lang=en", data={**SECRET, **lookalike, "match_choice": "new"})
    assert response.status_code == 302
    mine = newest(app, cases.own)
    assert mine["person_id"] != secret_party["person_id"], "a record of its own"
    case_page = a1.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)
    assert "already registered" not in case_page, "nothing says the person is known elsewhere"
    edit_page = a1.get(edit_url(cases.own, mine["id"]) + "?lang=en").get_data(as_text=True)
    for page in (case_page, edit_page):
        assert_nothing_of_the_secret(page, typed=lookalike)
    # A1 edits the phone of their party: the colleague's case keeps its own.
    form = {**SECRET, **lookalike, "phone": "0611000000", **versions(edit_page)}
    assert a1.post(edit_url(cases.own, mine["id"]), data=form).status_code == 302
    assert newest(app, cases.own)["phone"] == "0611000000"
    assert person_row(app, secret_party["person_id"]) == before


def test_intake_never_borrows_another_cases_person(app, world, cases, secret_party):
    a1 = client_as(app, world, "mediator_a1")
    before = person_row(app, secret_party["person_id"])
    form = {**INTAKE, "full_name": SECRET["full_name"], "birth_date": SECRET["birth_date"], "sex": "female",
            "contact_allowed": "yes", "service_point_id": point_id(app, world.association_a)}
    warning = a1.post("/cases/new?lang=en", data=form)
    assert warning.status_code == 422
    assert_nothing_of_the_secret(warning.get_data(as_text=True))
    response = a1.post("/cases/new?lang=en", data={**form, "match_choice": "new"})
    assert response.status_code == 302, response.get_data(as_text=True)
    new_case = response.headers["Location"].rstrip("/").split("/")[-1].split("?")[0]
    [requesting] = people(app, new_case)
    assert requesting["person_id"] != secret_party["person_id"]
    assert requesting["phone"] is None
    page = a1.get(f"/cases/{new_case}?lang=en").get_data(as_text=True)
    assert_nothing_of_the_secret(page)
    edit_page = a1.get(edit_url(new_case, requesting["id"]) + "?lang=en").get_data(as_text=True)
    assert_nothing_of_the_secret(edit_page)
    assert person_row(app, secret_party["person_id"]) == before


def test_an_edit_towards_a_hidden_identity_reveals_nothing_and_merges_nothing(app, world, cases, secret_party):
    """Renaming one's own party to the hidden person's name and birth date is neither refused (a refusal
    would confirm that the person is a client) nor linked."""
    a1 = client_as(app, world, "mediator_a1")
    own_party = newest(app, cases.own)
    page = a1.get(edit_url(cases.own, own_party["id"])).get_data(as_text=True)
    form = {**SECRET, "phone": "", "email": "", "address": "", "safe_contact_instructions": "", "role": "mother",
            "is_requesting_party": "y", **versions(page)}
    response = a1.post(edit_url(cases.own, own_party["id"]) + "?lang=en", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert newest(app, cases.own)["person_id"] == own_party["person_id"] != secret_party["person_id"]
    assert_nothing_of_the_secret(a1.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True))


def test_a_person_the_user_may_see_is_reused(app, world, cases, secret_party):
    """The supervisor sees every case of the association: shown the match, they link to the one record."""
    supervisor = client_as(app, world, "supervisor_a")
    warning = supervisor.post(f"/cases/{cases.own}/parties/new?lang=en", data={**SECRET, "phone": ""})
    assert warning.status_code == 422
    [secret_id, _new] = offered(warning.get_data(as_text=True))
    response = supervisor.post(f"/cases/{cases.own}/parties/new?lang=en",
                               data={**SECRET, "phone": "", "match_choice": secret_id})
    assert response.status_code == 302
    assert newest(app, cases.own)["person_id"] == secret_party["person_id"]
    assert "already registered" in supervisor.get(response.headers["Location"].split("#")[0] + "?lang=en") \
        .get_data(as_text=True)
    # Now mediator A1 works a case in which the person takes part: the details are theirs to read.
    a1 = client_as(app, world, "mediator_a1")
    assert SECRET["phone"] in a1.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True) or \
        "67 78 89 900" in a1.get(f"/cases/{cases.own}?lang=en").get_data(as_text=True)


def test_a_co_worker_on_both_cases_links_the_person(app, world, cases, secret_party):
    """Mediator A1, added as a co-worker of the colleague's case, may see its party: A1's match is reused."""
    from mediation.cases.services.intake import add_co_worker
    from tests.cases.matrix_rows_notes import actor, case_by_public_id

    with app.app_context():
        add_co_worker(db.session, case_by_public_id(cases.colleague), actor("mediator.a1").id,
                      actor=actor("mediator.a2"))
        db.session.commit()
    a1 = client_as(app, world, "mediator_a1")
    [secret_id, _new] = offered(a1.post(f"/cases/{cases.own}/parties/new", data={**SECRET, "phone": ""})
                                .get_data(as_text=True))
    assert a1.post(f"/cases/{cases.own}/parties/new",
                   data={**SECRET, "phone": "", "match_choice": secret_id}).status_code == 302
    assert newest(app, cases.own)["person_id"] == secret_party["person_id"]


def test_no_page_shows_a_mediator_the_people_of_a_case_they_may_not_see(app, world, cases, secret_party, db):
    """A crawl of every GET route of the authorisation matrix, as mediator A1 after registering the same
    name and birth date on their own case: no marker of the hidden party anywhere. The positive control:
    the same crawl as mediator A2, who leads that case, finds them."""
    from tests.matrix import MATRIX
    from tests.test_authz_matrix import resolve

    a1 = client_as(app, world, "mediator_a1")
    assert a1.post(f"/cases/{cases.own}/parties/new", data={
        **SECRET, "phone": "", "email": "", "address": "", "safe_contact_instructions": "",
        "match_choice": "new"}).status_code == 302
    urls = set()
    for row in MATRIX:
        if row.method == "GET" and not row.public:
            # Here the rows share one transaction: one whose objects another row made impossible (a case
            # already closed another way) is left to the matrix, which builds each row on its own.
            try:
                urls.add(resolve(row, world))
            except DomainError:
                continue
    urls = sorted(urls)
    assert len(urls) > 50

    def crawl(client) -> dict[str, list[str]]:
        found = {}
        for url in urls:
            response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
            body = readable_text(response)
            hits = [marker for marker in MARKERS if marker in body]
            if hits:
                found[url] = hits
        return found

    assert crawl(a1) == {}
    assert crawl(client_as(app, world, "mediator_a2")), "the crawl reaches the pages that show a party"
