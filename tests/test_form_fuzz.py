"""Generated input against every form: never a 500, input kept, nothing saved (S16)."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.accounts.models import StaffUser
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from tests.strategies import extra_fields, fuzz, nasty_strings

FUZZ = fuzz(100)

# Full Unicode with right-to-left marks, controls, NUL, Arabic, Tifinagh and emoji.
nasty_text = nasty_strings(repeats=(0, 10_000))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@FUZZ
@given(username=nasty_text, password=nasty_text, extra=extra_fields)
def test_login_form_never_fails(app, client, world, username, password, extra):
    users_before = count(app, StaffUser)
    response = client.post("/login", data={**extra, "username": username, "password": password})
    assert response.status_code in (200, 302, 401, 413), response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    if response.status_code in (200, 401):
        assert 'name="username"' in body
        kept = username.strip()
        printable = all(char.isprintable() for char in kept)
        if kept and printable and not set(kept) & set("<>&\"'") and len(kept) <= 200:
            assert kept in body, "the typed user name is kept in the form"
    assert count(app, StaffUser) == users_before
    if response.status_code == 302:
        client.post("/logout")


@FUZZ
@given(lang=nasty_text, target=nasty_text)
def test_language_form_never_fails(app, client, lang, target):
    response = client.post("/language", data={"lang": lang, "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")


@FUZZ
@given(page=st.text(max_size=30), lang=st.text(max_size=30))
def test_list_parameters_never_fail(login_as, page, lang):
    client = login_as("admin")
    for url in ("/admin/staff", "/admin/associations", "/"):
        response = client.get(url, query_string={"page": page, "lang": lang})
        assert response.status_code == 200


# File names a script may send: ordinary, Arabic, a path, markup, empty.
file_names = st.sampled_from(["notes.txt", "ملف.pdf", "../../etc/passwd", "<script>.html", "", "a" * 300])
FILE_REFUSED = "This field accepts typed text only, not a file."


def with_files(data: dict, names, file_name: str) -> dict:
    """The same submission as multipart, the named fields sent as files holding their text."""
    return {name: (io.BytesIO(str(data.get(name, "")).encode()), file_name) if name in names else value
            for name, value in {**dict.fromkeys(names, ""), **data}.items()}


@FUZZ
@given(username=nasty_text, password=nasty_text, file_name=file_names,
       files=st.sets(st.sampled_from(["username", "password", "next", "extra"]), min_size=1))
def test_login_form_never_fails_with_files(app, client, world, username, password, file_name, files):
    """A text field sent as a file (multipart), before any authentication: refused, never a 500 (S16)."""
    users_before = count(app, StaffUser)
    data = with_files({"username": username, "password": password}, files, file_name)
    response = client.post("/login?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 401, 413), response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "<script>.html" not in body
    if files & {"username", "password"}:  # refused as input, before any password check
        assert response.status_code == 200 and FILE_REFUSED in body
    assert client.get("/").status_code == 302, "nobody is logged in"
    assert count(app, StaffUser) == users_before


def test_repeated_keys_do_not_confuse_the_login(client, world):
    from werkzeug.datastructures import MultiDict

    from tests.conftest import PASSWORD

    data = MultiDict([("username", "nobody"), ("username", "mediator.a1"), ("password", PASSWORD)])
    response = client.post("/login", data=data)
    assert response.status_code == 401  # the first value counts: no account named nobody


def test_failed_logins_write_only_their_audit_event(app, client, world):
    events_before = count(app, AuditEvent)
    client.post("/login", data={"username": "nobody.here", "password": "p"})
    assert count(app, AuditEvent) == events_before + 1


def test_control_characters_get_a_translated_field_error(client, world):
    response = client.post("/login?lang=fr", data={"username": "mediator\x00.a1", "password": "p"})
    assert response.status_code == 200
    assert "Supprimez les caractères de contrôle invisibles de ce champ." in response.get_data(as_text=True)
