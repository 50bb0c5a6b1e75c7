"""iCalendar feeds and .ics downloads (docs/security.md, S20, S23, S25).

Time-zone facts used below (the pinned zone data, tzdata 2026.6):
Africa/Casablanca is UTC+0 during Ramadan 2026 (15 Feb - 22 Mar) and UTC+1
outside it, until 2026-09-20.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import logging
import quopri
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from mediation.appointments.models import Appointment, CalendarFeed
from mediation.appointments.services import feeds
from mediation.appointments.services.booking import book
from mediation.appointments.services.status import cancel
from mediation.core import clock
from mediation.core.audit import AuditEvent
from mediation.core.logging import JsonFormatter
from mediation.extensions import db
from tests.admin.support import translated
from tests.appointments.fixtures import (
    appointment_by_public_id,
    case_of,
    data,
    requesting_party,
    staff,
)
from tests.appointments.matrix_rows_feeds import feed_token
from tests.cases.fixtures import open_as, person

FEED_PATH = re.compile(r"/appointments/feed/([A-Za-z0-9_-]+)\.ics")
MARKER = "CANARY-feed-7c1e9a4b2d30"
MARKER_AR = "كناري-7c1e9a4b2d30"
PAST_BOOKING = datetime(2026, 1, 1, tzinfo=UTC)
BUSY_STATUSES = {"CONFIRMED"}


# Helpers (call them outside any app context)


def uid(public_id: str) -> str:
    return f"{public_id}@mediation"


def parse(body: bytes) -> dict[str, object]:
    """The VEVENTs of an iCalendar body, by UID."""
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def set_locale(app, username: str, locale: str | None) -> None:
    with app.app_context():
        staff(username).locale = locale
        db.session.commit()


def enable_by_http(client) -> tuple[str, str]:
    """Enable (or regenerate) the logged-in user's feed; returns (token, page text)."""
    response = client.post("/appointments/feed")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    tokens = set(FEED_PATH.findall(page))
    assert len(tokens) == 1, "the new address is shown exactly once in the response"
    return tokens.pop(), page


def fetch(client, token: str):
    return client.get(f"/appointments/feed/{token}.ics")


def book_at(app, username: str, case_key: str | None, cases, day: date, start: str, end: str, *, room=None,
            mode="in_person", now=PAST_BOOKING, **extra) -> str:
    with app.app_context():
        actor = staff(username)
        case = case_of(getattr(cases, case_key)) if case_key else None
        appointment = book(db.session, dataclasses.replace(
            data(day, start, end, [actor.public_id], room=room, mode=mode), **extra), actor=actor, case=case, now=now)
        db.session.commit()
        return str(appointment.public_id)


# Tokens: shape, storage, regeneration, revocation

WARNING = ("Anyone who has this address can see when you have appointments and of which type. Never share it. "
           "If a device is lost or the address may have been seen by someone else, revoke it at once.")
DETAILED_WARNING = ("Anyone who has this address can see your agenda: case references, session types and places. "
                    "Never share it. If a device is lost or the address may have been seen by someone else, revoke "
                    "it at once.")


def show_details(app, world, shown: bool = True) -> None:
    """The association setting that adds the case reference and the place to calendar events (P2)."""
    from mediation.accounts.models import Association

    with app.app_context():
        db.session.get(Association, world.association_a).calendar_shows_details = shown
        db.session.commit()


def test_enabling_shows_the_address_once_and_stores_only_a_keyed_hash(app, appointments, login_as):
    client = login_as("mediator_a1")
    token, page = enable_by_http(client)
    assert len(base64.urlsafe_b64decode(token + "=")) == 32  # 256 bits (S20, S25)
    assert f"http://localhost/appointments/feed/{token}.ics" in page
    assert translated(app, "ar", WARNING) in page  # the user's language (Arabic by default)
    # The address is not kept anywhere it could be shown again.
    later = client.get("/appointments/feed").get_data(as_text=True)
    assert token not in later and 'data-feed="active"' in later
    with app.app_context():
        rows = db.session.scalars(select(CalendarFeed)).all()
        assert len(rows) == 1
        pepper = app.config["FEED_PEPPER"]
        assert rows[0].token_hash == hmac.new(pepper, token.encode(), hashlib.sha256).digest()
        # Keyed: the plain SHA-256 of the token, which anyone could compute, is not what is stored.
        assert rows[0].token_hash != hashlib.sha256(token.encode()).digest()
        # The raw token is in no column of any table, audit trail included.
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        assert token.encode() not in bytes(value), table.name
                    elif isinstance(value, str):
                        assert token not in value, table.name


def test_regenerating_invalidates_the_old_address(app, appointments, login_as):
    client = login_as("mediator_a1")
    old, _ = enable_by_http(client)
    assert fetch(client, old).status_code == 200
    new, _ = enable_by_http(client)
    assert new != old
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    with app.app_context():
        rows = db.session.scalars(select(CalendarFeed)).all()
        assert len(rows) == 2 and sum(row.revoked_at is None for row in rows) == 1


def test_a_revoked_address_gives_404(app, appointments, login_as):
    client = login_as("mediator_a1")
    token, _ = enable_by_http(client)
    response = client.post("/appointments/feed/revoke")
    assert response.status_code == 302 and response.headers["Location"].endswith("/appointments/feed")
    assert fetch(client, token).status_code == 404
    client.post("/logout")
    assert fetch(client, token).status_code == 404
    page = login_as("mediator_a1").get("/appointments/feed").get_data(as_text=True)
    assert 'data-feed="none"' in page


def test_unknown_malformed_and_deactivated_addresses_give_404(app, appointments, client):
    token = feed_token(app, "mediator.a1")
    assert fetch(client, token).status_code == 200
    for wrong in ("A" * 43, token[:-1], token + "A", "..%2F..%2Fetc"):
        assert fetch(client, wrong).status_code == 404
    with app.app_context():
        staff("mediator.a1").active = False
        db.session.commit()
    assert fetch(client, token).status_code == 404


def test_ending_a_users_feeds_for_a_security_event_stops_the_address(app, appointments, client):
    """The hook for S8 events (password change, deactivation, ...), not for logout."""
    token = feed_token(app, "mediator.a1")
    with app.app_context():
        assert feeds.revoke_feeds_of(db.session, staff("mediator.a1")) == 1
        db.session.commit()
    assert fetch(client, token).status_code == 404


def test_security_events_revoke_the_feed_and_logout_keeps_it(app, appointments, client, world):
    """docs/security.md, S8: the feed token is revoked with every S8 event, here an administrator ending sessions."""
    from mediation.auth.services import end_sessions_of, log_out

    token = feed_token(app, "mediator.a1")
    with app.app_context():
        log_out(db.session, staff("mediator.a1"))
        db.session.commit()
    assert fetch(client, token).status_code == 200
    with app.app_context():
        end_sessions_of(db.session, staff("mediator.a1"), actor=staff("admin.test"))
        db.session.commit()
    assert fetch(client, token).status_code == 404


def test_one_users_feed_is_not_anothers(app, appointments, client):
    mine, theirs = feed_token(app, "mediator.a1"), feed_token(app, "mediator.a2")
    assert uid(appointments.appointments["colleague"]) not in parse(fetch(client, mine).data)
    assert set(parse(fetch(client, theirs).data)) == {uid(appointments.appointments["colleague"])}
    # A supervisor sees every appointment of the association, but the feed carries only those they hold.
    assert parse(fetch(client, feed_token(app, "supervisor.a")).data) == {}


# Serving the feed


def test_the_feed_is_a_no_store_calendar_audited_under_its_owners_name(app, appointments, client):
    token = feed_token(app, "mediator.a1")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    logger = logging.getLogger("mediation")
    logger.addHandler(handler)
    try:
        response = fetch(client, token)
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers or "session" not in response.headers["Set-Cookie"]
    with app.app_context():
        user = staff("mediator.a1")
        feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
        assert feed.last_used_at is not None
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity, event.entity_id) == ("export", "calendar_feed", str(feed.public_id))
        assert (event.actor_id, event.actor_role, event.association_id) == (user.id, "mediator", user.association_id)
        for stored in db.session.scalars(select(AuditEvent)):
            assert token.encode() not in stored.body
    # The request was logged, by its endpoint, without the path that carries the token.
    lines = [JsonFormatter().format(record) for record in records]
    assert any('"endpoint": "appointments.feed"' in line for line in lines)
    assert not any(token in line for line in lines)


def test_by_default_an_event_says_only_its_type_and_time_with_a_link(app, appointments, cases, client):
    """Phone calendars copy events to providers abroad (Law 09-08): no reference, no place (P2)."""
    set_locale(app, "mediator.a1", "en")
    body = fetch(client, feed_token(app, "mediator.a1")).data
    events = parse(body)
    own, intake = uid(appointments.appointments["own"]), uid(appointments.appointments["intake"])
    # A colleague's and another association's appointments are not mine.
    assert set(events) == {own, intake}
    assert str(events[own]["SUMMARY"]) == "Individual meeting (information, screening)"
    assert str(events[intake]["SUMMARY"]) == "Intake meeting"
    assert cases.references["own"].encode() not in body and b"Espace A" not in body and b"Salle 1" not in body
    for public_id, event in ((appointments.appointments["own"], events[own]),
                             (appointments.appointments["intake"], events[intake])):
        assert "LOCATION" not in event
        assert str(event["URL"]) == f"http://localhost/appointments/{public_id}"
        assert str(event["DESCRIPTION"]) == f"Open the appointment in the application: http://localhost/appointments/{public_id}"
    # The link opens nothing without a login.
    assert client.get(f"/appointments/{appointments.appointments['own']}").status_code == 302


def test_an_association_may_add_the_reference_and_the_place(app, appointments, cases, client, world, login_as):
    show_details(app, world)
    set_locale(app, "mediator.a1", "en")
    events = parse(fetch(client, feed_token(app, "mediator.a1")).data)
    own, intake = uid(appointments.appointments["own"]), uid(appointments.appointments["intake"])
    assert set(events) == {own, intake}
    assert str(events[own]["SUMMARY"]) == f"{cases.references['own']} · Individual meeting (information, screening)"
    assert str(events[own]["LOCATION"]) == "Salle 1, Espace A"
    assert str(events[own]["STATUS"]) == "CONFIRMED" and str(events[own]["CLASS"]) == "PRIVATE"
    # An intake meeting has no case: a neutral title, never its label ("Première visite, Mme H.").
    assert str(events[intake]["SUMMARY"]) == "Intake meeting"
    assert str(events[intake]["LOCATION"]) == "By phone"
    # The settings page says what the calendar shows.
    assert DETAILED_WARNING in login_as("mediator_a1").get("/appointments/feed?lang=en").get_data(as_text=True)
    for event in events.values():
        assert "ATTENDEE" not in event and "ORGANIZER" not in event
        assert event.decoded("DTSTART").tzinfo is not None and event.decoded("DTSTART").utcoffset() == timedelta(0)
    calendar = Calendar.from_ical(fetch(client, feed_token(app, "mediator.a1")).data)
    assert str(calendar["X-WR-CALNAME"]) == "Work appointments"


def test_labels_follow_the_staff_members_language(app, appointments, cases, client, world):
    show_details(app, world)
    own = uid(appointments.appointments["own"])
    intake = uid(appointments.appointments["intake"])
    set_locale(app, "mediator.a1", None)  # no saved choice: Arabic
    events = parse(fetch(client, feed_token(app, "mediator.a1")).data)
    assert "جلسة فردية" in str(events[own]["SUMMARY"]) and "فضاء أ" in str(events[own]["LOCATION"])
    assert str(events[intake]["LOCATION"]) == "بالهاتف"
    set_locale(app, "mediator.a1", "fr")
    events = parse(fetch(client, feed_token(app, "mediator.a1")).data)
    assert "Entretien individuel" in str(events[own]["SUMMARY"]) and "Espace A" in str(events[own]["LOCATION"])
    assert str(events[intake]["LOCATION"]) == "Téléphone"


def test_the_feed_window_and_cancelled_appointments(app, appointments, cases, client, login_as):
    a1_room = uuid.UUID(appointments.rooms["A1"])
    today = clock.today()
    too_old = book_at(app, "mediator.a1", "own", cases, today - timedelta(days=40), "10:00", "11:00", room=a1_room)
    recent = book_at(app, "mediator.a1", "own", cases, today - timedelta(days=20), "10:00", "11:00", room=a1_room)
    far = book_at(app, "mediator.a1", "own", cases, today + timedelta(days=200), "10:00", "11:00", room=a1_room)
    cancelled = book_at(app, "mediator.a1", "own", cases, appointments.monday + timedelta(days=2), "10:00", "11:00",
                        room=a1_room)
    with app.app_context():
        cancel(db.session, appointment_by_public_id(cancelled), by_party=False, reason="Salle indisponible",
               actor=staff("mediator.a1"))
        db.session.commit()
    events = parse(fetch(client, feed_token(app, "mediator.a1")).data)
    assert uid(recent) in events
    # Cancelled ones drop out (a subscribed calendar then removes them); so do those out of the window.
    assert not {uid(too_old), uid(far), uid(cancelled)} & set(events)
    assert {str(event["STATUS"]) for event in events.values()} <= BUSY_STATUSES
    # The download of a cancelled appointment says so, rather than looking like a meeting to attend.
    download = login_as("mediator_a1").get(f"/appointments/{cancelled}/appointment.ics")
    assert str(parse(download.data)[uid(cancelled)]["STATUS"]) == "CANCELLED"


# Time zones (docs/domain.md, DOM41)


def test_ten_oclock_local_in_and_outside_ramadan(app, appointments, cases, client, login_as, frozen_clock):
    """10:00 in Casablanca is 10:00Z during Ramadan 2026 (UTC+0) and 09:00Z in May (UTC+1)."""
    room = uuid.UUID(appointments.rooms["A1"])
    ramadan = book_at(app, "mediator.a1", "own", cases, date(2026, 3, 1), "10:00", "11:00", room=room)
    may = book_at(app, "mediator.a1", "own", cases, date(2026, 5, 10), "10:00", "11:00", room=room)
    expected = {
        ramadan: (datetime(2026, 3, 1, 10, 0, tzinfo=UTC), "20260301T100000Z", "20260301T110000Z"),
        may: (datetime(2026, 5, 10, 9, 0, tzinfo=UTC), "20260510T090000Z", "20260510T100000Z"),
    }
    with app.app_context():
        for public_id, (instant, _start, _end) in expected.items():
            stored = db.session.scalar(select(Appointment).where(Appointment.public_id == uuid.UUID(public_id)))
            assert stored.start_utc == instant and stored.start_utc.utcoffset() == timedelta(0)
            assert stored.start_local[11:] == "10:00" and stored.time_zone == "Africa/Casablanca"
    # The feed as it was read on 20 February 2026, when both were in its window.
    frozen_clock.set(datetime(2026, 2, 20, 8, 0, tzinfo=UTC))
    token = feed_token(app, "mediator.a1")
    body = fetch(client, token).data
    unfolded = re.sub(r"\r\n[ \t]", "", body.decode())
    events = parse(body)
    for public_id, (instant, start, end) in expected.items():
        [block] = [part for part in unfolded.split("BEGIN:VEVENT")[1:] if f"UID:{uid(public_id)}\r\n" in part]
        assert f"DTSTART:{start}\r\n" in block and f"DTEND:{end}\r\n" in block
        assert events[uid(public_id)].decoded("DTSTART") == instant
    # The single download says the same.
    signed_in = login_as("mediator_a1")
    for public_id, (instant, start, _end) in expected.items():
        response = signed_in.get(f"/appointments/{public_id}/appointment.ics")
        assert f"DTSTART:{start}\r\n" in response.get_data(as_text=True)
        assert parse(response.data)[uid(public_id)].decoded("DTSTART") == instant


# Nothing identifying, however it might be encoded (docs/security.md, V2)


def _encodings(marker: str) -> list[str]:
    raw = marker.encode()
    found = [marker, marker.lower(), quopri.encodestring(raw).decode().rstrip("=\n")]
    for offset in range(3):
        # The middle of the base64 text does not depend on the bytes around the marker.
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        found.append(encoded[4:-4])
    return found


def _assert_no_marker(body: bytes) -> None:
    text = body.decode("utf-8")
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    unescaped = re.sub(r"\\([,;\\nN])", lambda match: "\n" if match.group(1) in "nN" else match.group(1), unfolded)
    values = [str(value) for component in Calendar.from_ical(body).walk()
              for _name, value in component.property_items(recursive=False)]
    haystacks = [text, unfolded, unescaped, *values]
    for marker in (MARKER, MARKER_AR):
        for needle in _encodings(marker):
            assert not any(needle in haystack for haystack in haystacks), needle


@pytest.mark.parametrize("details", [False, True], ids=["default", "with-details"])
def test_no_name_note_label_link_or_reason_reaches_a_feed_or_a_download(app, appointments, client, login_as, world,
                                                                        details):
    """Markers in every identifying field an appointment touches; none may come out, in any language."""
    show_details(app, world, details)
    wednesday, thursday = appointments.monday + timedelta(days=2), appointments.monday + timedelta(days=3)
    room = uuid.UUID(appointments.rooms["A1"])
    with app.app_context():
        actor = staff("mediator.a1")
        actor.display_name = f"Mediator {MARKER}"
        case = open_as("mediator.a1", requesting_party=person(f"فاطمة {MARKER_AR}", full_name_latin=f"Fatima {MARKER}",
                                                              address=f"Derb {MARKER}"))
        party, holder, reference = requesting_party(case).public_id, [actor.public_id], case.reference
        in_person = book(db.session, data(wednesday, "10:00", "11:00", holder, room=room, participants=[party]),
                         actor=actor, case=case)
        video = book(db.session, dataclasses.replace(
            data(wednesday, "12:00", "13:00", holder, mode="video", participants=[party]),
            video_link=f"https://visio.example.org/{MARKER}"), actor=actor, case=case)
        intake = book(db.session, data(thursday, "09:00", "10:00", holder, mode="phone",
                                       label=f"Visite {MARKER} {MARKER_AR}"), actor=actor)
        cancelled = book(db.session, data(thursday, "11:00", "12:00", holder, room=room, participants=[party]),
                         actor=actor, case=case)
        cancel(db.session, cancelled, by_party=True, participant_id=party, reason=f"{MARKER} {MARKER_AR}",
               actor=actor)
        db.session.commit()
        ids = [str(item.public_id) for item in (in_person, video, intake, cancelled)]
    for locale in ("en", "ar", "fr"):
        set_locale(app, "mediator.a1", locale)
        body = fetch(client, feed_token(app, "mediator.a1")).data
        _assert_no_marker(body)
        # Positive control: the appointments are there, with what they may show.
        events = parse(body)
        assert {uid(public_id) for public_id in ids[:3]} <= set(events)
        assert (reference in str(events[uid(ids[0])]["SUMMARY"])) is details
        assert (reference.encode() in body) is details
    signed_in = login_as("mediator_a1")
    for public_id in ids:
        response = signed_in.get(f"/appointments/{public_id}/appointment.ics")
        assert response.status_code == 200
        _assert_no_marker(response.data)
        assert uid(public_id) in parse(response.data)


# The single download


def test_downloading_one_appointment(app, appointments, cases, login_as):
    own = appointments.appointments["own"]
    client = login_as("mediator_a1")
    response = client.get(f"/appointments/{own}/appointment.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="appointment-\d{4}-\d{2}-\d{2}\.ics"', disposition)
    assert set(parse(response.data)) == {uid(own)}
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity, event.entity_id) == ("export", "appointment", own)
        assert event.actor_id == staff("mediator.a1").id


def test_a_download_outside_my_scope_is_404_like_an_unknown_one(app, appointments, login_as):
    client = login_as("mediator_a2")  # neither holds nor is assigned to mediator A1's case
    outside = client.get(f"/appointments/{appointments.appointments['own']}/appointment.ics")
    unknown = client.get(f"/appointments/{uuid.uuid4()}/appointment.ics")
    assert outside.status_code == unknown.status_code == 404
    assert b"BEGIN:VCALENDAR" not in outside.data
    other = login_as("supervisor_a").get(f"/appointments/{appointments.appointments['other']}/appointment.ics")
    assert other.status_code == 404


# Rate limit


@pytest.fixture
def isolated_limiter():
    """Flask-Limiter keeps its state on the one extension object: put it back afterwards
    (as in tests/auth/test_throttling.py)."""
    from mediation.extensions import limiter

    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


@pytest.mark.no_db_transaction
def test_one_address_is_read_at_most_60_times_an_hour(fresh_app, isolated_limiter):
    application = fresh_app(demo=True, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    first, second = feed_token(application, "mediator.a1"), feed_token(application, "supervisor.a")
    client = application.test_client()
    assert {fetch(client, first).status_code for _ in range(60)} == {200}
    limited = fetch(client, first)
    assert limited.status_code == 429 and first not in limited.headers.get("Location", "")
    # Another address from the same place is not affected.
    assert fetch(client, second).status_code == 200


def test_staff_without_appointments_cannot_have_a_feed(login_as):
    for persona in ("admin", "ministry"):
        client = login_as(persona)
        assert client.get("/appointments/feed").status_code == 403
        assert client.post("/appointments/feed").status_code == 403

