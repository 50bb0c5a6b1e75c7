"""The shared form layer (mediation/core/forms.py) against input no browser sends from our pages:
files and JSON values where text is expected, choices the list does not offer (S16).

Each form class of the product is checked directly, so a new form is covered without a new test;
the routes named in the probe are then checked end to end: a clear message, the input kept,
nothing saved, never a 500.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from uuid import UUID

import pytest
from sqlalchemy import func, select
from wtforms import FileField
from wtforms.fields.choices import SelectChoice, SelectFieldBase

from mediation.cases.models import Case, Participant, Person
from mediation.core.audit import AuditEvent
from mediation.core.forms import NOT_TEXT, UNKNOWN_CHOICE, BaseForm
from mediation.extensions import db
from tests.admin.support import translated
from tests.cases.fixtures import CONSENT_ANSWERS
from tests.counselling.test_log import family  # noqa: F401  (fixture: the own case with a father and a child)

SPACES = "   "


def form_classes() -> list[type[BaseForm]]:
    """Every form of the product (the application has imported them all)."""
    found, pending = [], [BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass.__module__.startswith("mediation."):
                found.append(subclass)
            pending.append(subclass)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def field_names(app, form_class) -> list[str]:
    with app.test_request_context("/"):
        return [field.name for field in form_class(formdata=None)]


def offer_choices(form) -> None:
    """Choices that a route fills from the data: one known option, so that only the input is judged."""
    for field in form:
        if isinstance(field, SelectFieldBase) and not list(field.iter_choices()):
            field.choices = [SelectChoice("7", "Known")]


def submitted(app, form_class, data, **request_options) -> BaseForm:
    with app.test_request_context("/?lang=en", method="POST", data=data, **request_options):
        form = form_class()
        offer_choices(form)
        form.validate()
        # Messages rendered while the request's language is known.
        form.messages = {field.name: [str(error) for error in field.errors] for field in form}
        return form


def test_the_product_has_forms_to_check(app):
    classes = form_classes()
    assert len(classes) >= 40
    assert {"LoginForm", "IntakeForm", "PartyForm", "StaffCreateForm", "ProfileForm"} <= {c.__name__ for c in classes}


# Files and JSON values where text is expected


def test_every_form_refuses_a_file_in_any_field(app):
    wrong = []
    for form_class in form_classes():
        names = field_names(app, form_class)
        data = {name: (io.BytesIO(b"=cmd|' /C calc'!A0\x00"), "name.txt") for name in names}
        form = submitted(app, form_class, data, content_type="multipart/form-data")
        wrong += [(form_class.__name__, field.name, form.messages[field.name]) for field in form
                  if not isinstance(field, FileField) and form.messages[field.name] != [str(NOT_TEXT)]]
    assert wrong == []


def test_every_form_refuses_json_values_that_are_not_text(app):
    values = [1, None, True, {"a": 1}, [2], 2.5]
    wrong = []
    for form_class in form_classes():
        names = field_names(app, form_class)
        body = json.dumps({name: values[index % len(values)] for index, name in enumerate(names)})
        form = submitted(app, form_class, body, content_type="application/json")
        # A file field takes no typed value at all: a JSON body never carries a file (its own test above).
        wrong += [(form_class.__name__, field.name, form.messages[field.name]) for field in form
                  if not isinstance(field, FileField) and form.messages[field.name] != [str(NOT_TEXT)]]
    assert wrong == []


@pytest.mark.parametrize("body", ["[1, 2]", "[[1, 2, 3]]", "7", '"text"', "null"])
def test_a_json_body_that_is_not_an_object_is_an_empty_form(app, body):
    from mediation.auth.forms import LoginForm

    form = submitted(app, LoginForm, body, content_type="application/json")
    assert form.messages["username"] == ["Enter your user name."]


@pytest.mark.parametrize("language, expected", [
    ("en", "This field accepts typed text only, not a file."),
    ("fr", "Ce champ n&#39;accepte que du texte saisi, pas un fichier."),
    ("ar", "هذا الحقل لا يقبل إلا نصًا مكتوبًا، لا ملفًا."),
])
def test_the_login_page_refuses_a_file_before_authentication(app, client, world, language, expected):
    response = client.post(f"/login?lang={language}", content_type="multipart/form-data",
                           data={"username": (io.BytesIO(b"mediator.a1"), "user.txt"), "password": "p"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert translated(app, language, "This field accepts typed text only, not a file.") == expected
    assert re.search(r'id="username-error"[^>]*>\s*' + re.escape(expected), body)
    assert client.get("/").status_code == 302, "nobody is logged in"


def test_a_text_value_beside_the_file_is_not_taken_for_it(client, world):
    from tests.conftest import PASSWORD

    data = {"username": ["mediator.a1", (io.BytesIO(b"x"), "x.txt")], "password": PASSWORD}
    response = client.post("/login?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "This field accepts typed text only, not a file." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


# Choices the list does not offer


def choice_fields(app, form_class) -> list[str]:
    with app.test_request_context("/"):
        form = form_class(formdata=None)
        return [field.name for field in form
                if isinstance(field, SelectFieldBase) and getattr(field, "validate_choice", True)]


def all_choice_fields(app):
    return [(cls, name) for cls in form_classes() for name in choice_fields(app, cls)]


@pytest.mark.parametrize("value", [SPACES, "\u00a0", "not-a-code", "7x", "07 7"])
def test_every_choice_field_refuses_a_value_it_does_not_offer(app, value):
    fields = all_choice_fields(app)
    assert len(fields) >= 40
    # WTForms' own messages (translated by its catalogues), or ours when a number was expected.
    allowed = {"Not a valid choice.", f"'{value}' is not a valid choice for this field.", str(UNKNOWN_CHOICE)}
    wrong = []
    for form_class, name in fields:
        messages = submitted(app, form_class, {name: value}).messages[name]
        if len(messages) != 1 or messages[0] not in allowed:
            wrong.append((form_class.__name__, name, messages))
    assert wrong == []


@pytest.mark.parametrize("language, message", [("fr", "N&#39;est pas un choix valide."), ("ar", "اختيار غير صحيح.")])
def test_the_choice_message_reads_in_the_users_language(app, login_as, cases, language, message):
    client = login_as("mediator_a1")
    response = client.post(f"/cases/{cases.own}/parties/new?lang={language}",
                           data={**ADULT, "preferred_language": SPACES})
    assert response.status_code in (200, 422)
    assert re.search(r'id="preferred_language-error"[^>]*>\s*' + re.escape(message), response.get_data(as_text=True))


def test_an_empty_optional_choice_still_means_not_given(app):
    from mediation.cases.forms.intake import IntakeForm

    form = submitted(app, IntakeForm, {"preferred_language": ""})
    assert form.messages["preferred_language"] == []
    assert submitted(app, IntakeForm, {"preferred_language": "fr"}).messages["preferred_language"] == []


# The routes of the probe, end to end


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def counts(app) -> tuple[int, ...]:
    return tuple(count(app, model) for model in (Case, Person, Participant, AuditEvent))


class _FormValues(HTMLParser):
    """The values a browser would send back from the page's main form, as shown."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def shown_values(page: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(page.split('method="post"', 1)[1] if 'method="post"' in page else page)
    return dict(parser.values)


INTAKE = {
    "first_contact_on": "2026-11-20", "intake_channel": "walk_in", "referral_source": "family_court",
    "issues": ["custody"], "court_stage": "pre_action", "immediate_danger": "no",
    "full_name": "خديجة العمراني", "requesting_role": "mother", "sex": "female", "birth_date": "1990",
    "contact_allowed": "yes", **CONSENT_ANSWERS,
}
ADULT = {
    "full_name": "أحمد بنعلي", "role": "father", "sex": "male", "birth_date": "1990-03-01",
    "contact_allowed": "yes", "is_party": "y", **CONSENT_ANSWERS,
}
PREFERRED_LANGUAGE_REFUSED = "Not a valid choice."


def refused_with_input_kept(app, response, before, kept: str) -> None:
    assert response.status_code in (200, 422), response.status_code
    body = response.get_data(as_text=True)
    assert re.search(r'id="preferred_language-error"[^>]*>\s*' + re.escape(PREFERRED_LANGUAGE_REFUSED), body)
    assert kept in body, "the input is kept"
    assert counts(app) == before, "nothing saved"


@pytest.mark.parametrize("value", [SPACES, "xx"])
def test_opening_a_case_refuses_a_language_of_spaces(app, login_as, world, cases, value):
    from tests.cases.fixtures import service_point_of

    with app.app_context():
        point = service_point_of(world.association_a).id
    client = login_as("mediator_a1")
    before = counts(app)
    response = client.post("/cases/new?lang=en", data={**INTAKE, "service_point_id": str(point),
                                                       "preferred_language": value})
    refused_with_input_kept(app, response, before, "خديجة العمراني")


@pytest.mark.parametrize("value", [SPACES, "xx"])
def test_adding_a_party_refuses_a_language_of_spaces(app, login_as, cases, value):
    client = login_as("mediator_a1")
    before = counts(app)
    response = client.post(f"/cases/{cases.own}/parties/new?lang=en", data={**ADULT, "preferred_language": value})
    refused_with_input_kept(app, response, before, "أحمد بنعلي")


def participant_state(app, public_id: str) -> tuple:
    with app.app_context():
        participant = db.session.scalar(select(Participant).where(Participant.public_id == UUID(public_id)))
        return participant.version_id, participant.person.version_id, participant.person.full_name


@pytest.mark.parametrize("value", [SPACES, "xx"])
def test_editing_a_participant_refuses_a_language_of_spaces(app, login_as, cases, value):
    client = login_as("mediator_a1")
    url = f"/cases/{cases.own}/participants/{cases.participants['own']}/edit?lang=en"
    page = client.get(url)
    assert page.status_code == 200
    values = shown_values(page.get_data(as_text=True))
    assert "full_name" in values and "preferred_language" in values
    before, state = counts(app), participant_state(app, cases.participants["own"])
    response = client.post(url, data={**values, "full_name": "نادية الإدريسي", "preferred_language": value})
    refused_with_input_kept(app, response, before, "نادية الإدريسي")
    assert participant_state(app, cases.participants["own"]) == state


def test_a_file_in_a_row_of_a_nested_form_refuses_the_whole_form(app, login_as, family):  # noqa: F811
    """A session's follow-up actions are rows of a nested form: a file there is refused, nothing saved."""
    from mediation.counselling.models import CounsellingSession
    from tests.counselling.test_log import form as session_form
    from tests.counselling.test_log import session_url

    client = login_as("mediator_a1")
    before = count(app, CounsellingSession)
    data = session_form(family, **{"follow_ups-0-description": (io.BytesIO(b"Call"), "call.txt"),
                                   "follow_ups-0-due_on": "2026-12-05"})
    response = client.post(session_url(family, "/new?lang=en"), data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 422)
    assert "This field accepts typed text only, not a file." in response.get_data(as_text=True)
    assert count(app, CounsellingSession) == before
