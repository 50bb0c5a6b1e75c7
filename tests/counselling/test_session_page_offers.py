"""The session pages offer only what the user may do: no button that leads to a 403, and no
visibility that the session's type does not allow (docs/domain.md, DOM36, DOM37)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from mediation.accounts.models import Association
from mediation.cases.codes import ConsentScope, ConsentStatus, NoteVisibility
from mediation.cases.models.safety import ConsentGiver
from mediation.cases.services import safety
from mediation.extensions import db
from tests.counselling.test_log import (  # noqa: F401  (family is a fixture)
    Family,
    _case,
    _participant,
    _user,
    family,
    log,
    session_url,
    staff_public_id,
)


def psychological_session(app, login_as, family: Family) -> str:
    """Psychologist A2 logs a psychological session with the mother: the path of its page."""
    with app.app_context():
        case = _case(family.case_id)
        db.session.get(Association, case.association_id).cndp_authorisation_no = "A-2025-1"
        safety.record_consent(db.session, case, _participant(family.mother),
                              safety.ConsentData(ConsentScope.SENSITIVE_DATA, ConsentStatus.GIVEN,
                                                 date(2026, 11, 3), ConsentGiver.SELF), actor=_user("mediator.a2"))
        db.session.commit()
    response = log(login_as, family, "mediator_a2", type="counselling_psychological",
                   staff_ids=[staff_public_id(app, "mediator.a2")], summary="SECRET-PSY")
    assert response.status_code == 302, response.get_data(as_text=True)
    return urlsplit(response.headers["Location"]).path


class Links(HTMLParser):
    """The paths of the links and form actions of a page's content (the header and footer are shared)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.links: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.inside = True
        if not self.inside:
            return
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(urlsplit(attrs["href"]).path)
        if tag == "form" and attrs.get("action", "").startswith("/"):
            self.posts.append(urlsplit(attrs["action"]).path)

    def handle_endtag(self, tag):
        if tag == "main":
            self.inside = False


def links_of(page: str) -> Links:
    parser = Links()
    parser.feed(page)
    return parser


def visibility_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="visibility"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select, "the form has no visibility list"
    return re.findall(r'<option[^>]*value="([^"]*)"', select.group(1))


def test_the_supervisor_is_not_offered_a_correction_they_may_not_open(app, login_as, family):
    url = psychological_session(app, login_as, family)
    edit = f"{url}/edit"
    client = login_as("supervisor_a")
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "Restricted" in page and "SECRET-PSY" not in page
    assert edit not in links_of(page).links and "Correct the session" not in page
    assert client.get(edit).status_code == 403  # the page the button led to
    # Every link left on the page opens for them: none leads to a refusal.
    for link in links_of(page).links:
        assert client.get(link).status_code != 403, link
    # Voiding shows no note: a supervisor may still void the session (DOM37).
    assert f"{url}/void" in links_of(page).posts
    # The author is offered the correction, and it opens.
    author = login_as("mediator_a2")
    assert edit in links_of(author.get(url).get_data(as_text=True)).links
    assert author.get(edit).status_code == 200


def test_the_lead_mediator_sees_neither_button_on_a_colleagues_psychological_session(app, login_as, family):
    url = psychological_session(app, login_as, family)
    client = login_as("mediator_a1")  # the lead: no reader of the notes, not their session
    page = links_of(client.get(url).get_data(as_text=True))
    assert f"{url}/edit" not in page.links and f"{url}/void" not in page.posts
    assert client.get(f"{url}/edit").status_code == 403


def test_a_psychological_session_offers_staff_only_alone(app, login_as, family):
    url = psychological_session(app, login_as, family)
    client = login_as("mediator_a2")
    assert visibility_options(client.get(f"{url}/edit?lang=en").get_data(as_text=True)) == [
        NoteVisibility.STAFF_ONLY.value]
    # Before a type is chosen, or for another type, every visibility is offered.
    every = ["", *(visibility.value for visibility in NoteVisibility)]
    assert visibility_options(client.get(session_url(family, "/new")).get_data(as_text=True)) == every
    # A refused psychological session (the father has not consented) comes back with staff only.
    refused = log(login_as, family, "mediator_a2", type="counselling_psychological",
                  staff_ids=[staff_public_id(app, "mediator.a2")], attendee_ids=[family.father],
                  visibility="joint")
    assert refused.status_code == 422
    assert visibility_options(refused.get_data(as_text=True)) == [NoteVisibility.STAFF_ONLY.value]
    refused = log(login_as, family, "mediator_a1", attendee_ids=[family.mother, family.father])
    assert refused.status_code == 422 and visibility_options(refused.get_data(as_text=True)) == every
