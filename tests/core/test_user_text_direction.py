"""Text people typed keeps its own direction in a page of another language: an Arabic name, note,
summary, reason or label in the French or English interface sits in an element with dir="auto" (or a
<bdi>, whose direction is auto by default), so that it is laid out right to left inside a left-to-right
page, and its neighbours are not reordered around it."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from mediation.accounts.models import Association, StaffUser
from mediation.appointments.models import Room
from mediation.appointments.services import status as appointment_status
from mediation.cases.codes import NoteVisibility
from mediation.cases.models import Case, Note
from mediation.cases.services.notes import NewNote, add_note
from mediation.counselling.models import CounsellingSession
from mediation.extensions import db
from tests.appointments.fixtures import book, data, next_monday, requesting_party
from tests.conftest import login

ARABIC = re.compile(r"[\u0600-\u06ff]")
# Arabic names for the staff of the world (their user names stay Latin).
NAMES = {"mediator.a1": "نادية الإدريسي", "mediator.a2": "يوسف العمراني", "supervisor.a": "سعاد بناني"}
NOTE = "الأم تطلب تنظيم الزيارة يوم السبت"
SUMMARY = "ملخص الجلسة مع الأم"
LABEL = "لقاء أول مع السيدة ح."
REASON = "طلبت الأم تأجيل الموعد"
ROOM = "قاعة الاستماع"
# An association's and a service point's French names may carry their Arabic names.
ASSOCIATION = "Association Al Amal (جمعية الأمل)"
SERVICE_POINT = "Espace Rabat (فضاء الرباط)"
# Elements whose text is not laid out by the page's direction rules, or is not shown as text.
SKIPPED = {"title", "script", "style", "option", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Directions(HTMLParser):
    """Every text with Arabic letters, with the element that sets its direction (None: the page's)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.unmarked: list[str] = []
        self.marked: list[tuple[str, str, dict]] = []  # (text, tag, attributes) of the isolating element

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, text):
        if not ARABIC.search(text) or any(tag in SKIPPED for tag, _attrs in self.stack):
            return
        for tag, attrs in reversed(self.stack):
            if tag == "bdi" or attrs.get("dir") in ("auto", "rtl") or (attrs.get("lang") or "").startswith("ar"):
                self.marked.append((text.strip(), tag, attrs))
                return
            if attrs.get("dir") == "ltr":
                break
        self.unmarked.append(text.strip())


def directions(page: str) -> Directions:
    parser = Directions()
    parser.feed(page)
    return parser


def carrier(page: str, text: str) -> tuple[str, dict]:
    """The element that sets the direction of `text` on the page."""
    found = [(tag, attrs) for shown, tag, attrs in directions(page).marked if text in shown]
    assert found, f"{text!r} is not on the page, or not isolated"
    return found[0]


@pytest.fixture
def arabic_world(app, world, cases):
    """The world with Arabic staff names, a note, a session, an intake meeting and a room in Arabic."""
    with app.app_context():
        for username, name in NAMES.items():
            db.session.scalar(select(StaffUser).where(StaffUser.username == username)).display_name = name
        case = db.session.scalar(select(Case).where(Case.public_id == uuid.UUID(cases.own)))
        db.session.get(Association, case.association_id).name_fr = ASSOCIATION
        case.service_point.name_fr = SERVICE_POINT
        a1 = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        note = add_note(db.session, case, NewNote(NoteVisibility.STAFF_ONLY, NOTE), actor=a1)
        room = Room(service_point_id=case.service_point_id, association_id=case.association_id, name=ROOM)
        db.session.add(room)
        db.session.flush()
        monday = next_monday()
        booked = book(db.session, data(monday, "10:00", "11:00", [a1.public_id], room=room.public_id,
                                       participants=[requesting_party(case).public_id]), actor=a1, case=case)
        intake = book(db.session, data(monday + timedelta(days=1), "09:00", "09:45", [a1.public_id], mode="phone",
                                       label=LABEL), actor=a1)
        appointment_status.cancel(db.session, intake, by_party=True, reason=REASON, actor=a1)
        db.session.commit()
        ids = {"case": cases.own, "note": str(note.public_id), "appointment": str(booked.public_id),
               "intake": str(intake.public_id), "monday": monday.isoformat(), "room": str(room.public_id)}
    return ids


def log_session(client, ids, party: str, language: str) -> str:
    response = client.post(f"/cases/{ids['case']}/sessions/new?lang={language}", data={
        "type": "individual", "mode": "in_person", "day": "2026-11-20", "start": "10:00", "duration_min": "60",
        "attendee_ids": [party], "summary": SUMMARY, "next_steps": "", "visibility": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_arabic_text_typed_by_people_is_isolated_in_a_left_to_right_page(app, client, world, cases, arabic_world,
                                                                         language):
    ids = arabic_world
    login(client, "mediator.a1")
    session_page = log_session(client, ids, cases.participants["own"], language)
    with app.app_context():
        session_id = db.session.scalar(select(CounsellingSession.public_id))
        note_id = db.session.scalar(select(Note.public_id))
    pages = {
        "case": f"/cases/{ids['case']}",
        "session": session_page,
        "note history": f"/cases/{ids['case']}/notes/{note_id}/history",
        "appointment": f"/appointments/{ids['appointment']}",
        "intake": f"/appointments/{ids['intake']}",
        "calendar": f"/appointments/?date={ids['monday']}&view=week&cancelled=1",
        "my work": "/my-work?from=2026-11-01&to=2026-11-30",
        "home": "/",
        "profile": "/profile",
    }
    shown = {}
    for name, url in pages.items():
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={language}")
        assert response.status_code == 200, (name, response.status_code)
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}" dir="ltr">' in page
        found = directions(page)
        assert not found.unmarked, f"{name}: Arabic text without dir=\"auto\": {found.unmarked}"
        shown[name] = page
    assert str(session_id) in session_page
    # What the walk-through found, one by one: the element that carries each text says dir="auto".
    for page, text in (("case", NAMES["mediator.a1"]), ("case", NOTE), ("session", SUMMARY),
                       ("session", NAMES["mediator.a1"]), ("intake", LABEL), ("intake", REASON),
                       ("appointment", ROOM), ("profile", "جمعية الأمل"), ("case", "فضاء الرباط"),
                       ("case", "فاطمة الزهراء بناني")):
        tag, attrs = carrier(shown[page], text)
        assert tag == "bdi" or attrs.get("dir") == "auto", (page, text, tag, attrs)


def test_supervisor_and_admin_pages_isolate_names_too(app, client, world, cases, arabic_world):
    login(client, "supervisor.a")
    for url in ("/supervision/", f"/supervision/?staff={world.user_ids['mediator_a1']}", "/supervision/cases",
                f"/appointments/association?date={arabic_world['monday']}", f"/cases/{cases.own}",
                f"/appointments/rooms/{arabic_world['room']}/edit"):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=fr")
        assert response.status_code == 200, url
        assert not directions(response.get_data(as_text=True)).unmarked, url
    client.post("/logout")
    login(client, "admin.test")
    for url in ("/admin/staff", "/admin/associations", f"/admin/associations/{world.association_public_ids['A']}",
                "/admin/service-points", "/audit/"):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert response.status_code == 200, url
        assert not directions(response.get_data(as_text=True)).unmarked, url


def test_form_fields_take_the_direction_of_what_is_typed(client, cases):
    login(client, "mediator.a1")
    page = client.get(f"/cases/{cases.own}/notes/new?lang=fr").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*dir="auto"[^>]*name="body"', page)
