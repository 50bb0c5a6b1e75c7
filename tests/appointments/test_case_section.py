"""The case page's appointments section loads what it shows, and no more (bench/RESULTS.md
slow spot 1): a fixed number of statements whatever the number of appointments, and of the invited
persons' encrypted columns only the names of those with a no-show or cancellation are decrypted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.routes.booking import appointments_section
from mediation.appointments.services.booking import book
from mediation.core import crypto
from mediation.extensions import db
from tests.appointments.fixtures import case_of, data, next_monday, requesting_party, staff
from tests.english import login_as  # noqa: F401  (fixture: log in, then English)


def _add_appointments(app, case_id: str, count: int, *, missed: int = 0) -> None:
    """`count` video appointments of mediator A1 on the case, each inviting the requesting party."""
    with app.app_context():
        actor, case = staff("mediator.a1"), case_of(case_id)
        party = requesting_party(case).public_id
        monday = next_monday(21)
        for index in range(count):
            hour = 8 + index // 5
            appointment = book(db.session, data(monday + timedelta(days=index % 5), f"{hour:02d}:00",
                                                f"{hour:02d}:30", [actor.public_id], mode="video",
                                                participants=[party]), actor=actor, case=case)
            if index < missed:
                # Set directly: the section counts statuses and never looks at whether the time has passed.
                appointment.status = AppointmentStatus.MISSED
        db.session.commit()


def _statements(app, call) -> tuple[int, object]:
    with app.app_context():
        bound = db.engine
    engine = getattr(bound, "engine", bound)
    seen = []
    listener = lambda *args, **kwargs: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen), result


def test_the_case_page_costs_the_same_with_one_or_nine_appointments(app, world, cases, login_as):
    client = login_as("mediator_a1")
    url = f"/cases/{cases.own}"
    _add_appointments(app, cases.own, 1, missed=1)
    few, page = _statements(app, lambda: client.get(url))
    assert page.status_code == 200
    _add_appointments(app, cases.own, 8, missed=3)
    many, page = _statements(app, lambda: client.get(url))
    assert page.status_code == 200
    assert few == many
    html = page.get_data(as_text=True)
    assert html.count('href="/appointments/') >= 9 and "No-shows: 4" in html


def test_the_section_decrypts_the_names_it_shows_and_nothing_else(app, world, cases, monkeypatch):
    _add_appointments(app, cases.own, 4, missed=2)
    with app.test_request_context():
        user, case = staff("mediator.a1"), case_of(cases.own)
        name = requesting_party(case).person.full_name
        decrypted: list[str] = []
        original = crypto.decrypt

        def counting(blob: bytes, context: str) -> str:
            decrypted.append(context)
            return original(blob, context)

        db.session.expire_all()  # nothing from before is reused from the identity map...
        assert case.id and user.role  # ...but the case and the user, loaded by the page before the section
        # The module function, looked up at each call: the column types' result processors are cached.
        monkeypatch.setattr(crypto, "decrypt", counting)
        section = appointments_section(case, user)
        assert len(section["appointments_upcoming"]) == 4
        assert [(row.name, row.missed) for row in section["appointment_party_counts"]] == [(name, 2)]
    # Before: every invited person's phone, e-mail, address... and the case's summary once per appointment.
    assert decrypted and set(decrypted) == {"person.full_name"}
