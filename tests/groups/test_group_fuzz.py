"""Generated input on the group forms: a saved change or a refusal with messages, never a 500, nothing
half-saved, no markup echoed (docs/domain.md, DOM120-DOM125)."""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.groups.models import (
    Activity,
    Attendance,
    Enrolment,
    GroupParticipant,
    GroupSession,
    ParentingGroup,
    Programme,
)
from tests.groups.support import add_past_sessions, enrol_directly, make_group
from tests.strategies import SCRIPT, examples, extra_fields, fuzz, nasty_strings, sometimes_from

# Modest counts: CI time is shared.
FEW = settings(fuzz(30), max_examples=examples(30))
nasty = nasty_strings(250, short_size=40, repeated="ن", repeats=(110, 600))
sometimes = sometimes_from(nasty)
numbers = st.one_of(st.integers(-5, 80).map(str), st.sampled_from(["", "1e3", "٣", "9" * 30]), nasty)
days = st.one_of(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(date.isoformat),
                 st.sampled_from(["", "2026-02-30", "\x00"]), st.text(max_size=12))


def counts(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Programme, ParentingGroup, GroupSession, GroupParticipant, Enrolment, Attendance))


def _checked(response, before, after, *, saved_codes=(302,)) -> None:
    assert response.status_code in (*saved_codes, 409, 422), response.status_code
    body = response.get_data(as_text=True)
    assert SCRIPT not in body
    if response.status_code in (409, 422):
        assert after == before, "nothing saved"
        assert 'class="error' in body or 'role="alert"' in body, "the refusal says why"


@FEW
@given(name=nasty, planned=numbers, target=sometimes("parents_young_children", "couples"), framework=nasty,
       extra=extra_fields)
def test_generated_programmes(app, login_as, world, name, planned, target, framework, extra):
    client = login_as("supervisor_a")
    before = counts(app)
    response = client.post("/groups/programmes?lang=ar", data={**extra, "name": name, "planned_sessions": planned,
                                                                 "target": target, "framework": framework})
    _checked(response, before, counts(app))


@FEW
@given(full_name=nasty, birth=days, sex=sometimes("female", "male"), band=sometimes("25_34", "0_3", "unknown"),
       phone=st.one_of(nasty, st.just("0612345678")), consent=st.sampled_from(["", "y", "x"]),
       extra=extra_fields)
def test_generated_enrolments(app, login_as, world, full_name, birth, sex, band, phone, consent, extra):
    if not hasattr(world, "fuzz_group"):
        world.fuzz_group = make_group(app, world.association_a, name="Fuzz")
    client = login_as("mediator_a1")
    before = counts(app)
    response = client.post(f"/groups/{world.fuzz_group}/enrol?lang=fr", data={
        **extra, "full_name": full_name, "birth_date": birth, "sex": sex, "age_band": band, "phone": phone,
        "consent_data_processing": consent, "consent_contact": consent})
    _checked(response, before, counts(app))


@FEW
@given(day=days, start=sometimes("10:00", "25:00"), end=sometimes("12:00", "09:00"), extra=extra_fields)
def test_generated_sessions(app, login_as, world, day, start, end, extra):
    if not hasattr(world, "fuzz_session_group"):
        world.fuzz_session_group = make_group(app, world.association_a, name="Fuzz sessions")
    client = login_as("mediator_a1")
    before = counts(app)
    response = client.post(f"/groups/{world.fuzz_session_group}/sessions",
                           data={**extra, "day": day, "start": start, "end": end})
    _checked(response, before, counts(app))


@FEW
@given(present=st.lists(st.one_of(nasty, st.just("own")), max_size=4), pre=numbers, post=numbers,
       satisfaction=st.one_of(numbers, st.just("3")), dropped=st.sampled_from(["", "y"]), extra=extra_fields)
def test_generated_attendance_and_enrolment(app, login_as, world, present, pre, post, satisfaction, dropped, extra):
    if not hasattr(world, "fuzz_sheet"):
        group = make_group(app, world.association_a, name="Fuzz sheet")
        world.fuzz_sheet = (group, add_past_sessions(app, group, 1)[0], enrol_directly(app, group, 2)[0])
    group, session, enrolment = world.fuzz_sheet
    client = login_as("mediator_a1")
    response = client.post(f"/groups/{group}/sessions/{session}/attendance", data={
        **extra, "present": [enrolment if value == "own" else value for value in present]})
    assert response.status_code in (302, 422), response.status_code
    before = counts(app)
    response = client.post(f"/groups/{group}/enrolments/{enrolment}", data={
        **extra, "pre_score": pre, "post_score": post, "satisfaction": satisfaction, "dropped_out": dropped})
    _checked(response, before, counts(app))


@FEW
@given(held_on=days, theme=sometimes("awareness_talk", "other"), title=nasty,
       count=st.one_of(numbers, st.just("4")), band=sometimes("25_34", "60_plus"), extra=extra_fields)
def test_generated_activities(app, login_as, world, held_on, theme, title, count, band, extra):
    client = login_as("mediator_a1")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Activity))
    response = client.post("/groups/activities/new?lang=ar", data={
        **extra, "held_on": held_on, "theme": theme, "title": title, "service_point_id": world.service_point_ids["A"],
        "facilitator_ids": [world.user_ids["mediator_a1"]], f"count_female_{band}": count})
    assert response.status_code in (302, 422), response.status_code
    assert SCRIPT not in response.get_data(as_text=True)
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(Activity))
    assert after == before + (1 if response.status_code == 302 else 0)


def _group_state(app, group_id: str) -> tuple:
    from tests.groups.support import group_of

    with app.app_context():
        group = group_of(group_id)
        return (group.version_id, group.capacity, group.planned_sessions, group.start_on, group.room_id,
                tuple(sorted(group.facilitator_ids)), group.cancelled_on)


@FEW
@given(room=st.one_of(nasty, st.just("own")), start_on=days, planned=numbers, language=sometimes("ar", "fr", "xx"),
       capacity=numbers, facilitators=st.lists(st.one_of(nasty, st.just("a1")), max_size=3),
       version=st.one_of(numbers, st.just("current")), reason=nasty, extra=extra_fields)
def test_generated_group_edits_and_cancellations(app, login_as, world, room, start_on, planned, language, capacity,
                                                 facilitators, version, reason, extra):
    """DOM135, DOM136: a saved edit, a 409 or a 422 with its message; never a 500, nothing half-saved."""
    from tests.groups.support import group_of

    if not hasattr(world, "fuzz_edit_group"):
        group_id = make_group(app, world.association_a, name="Fuzz edit")
        add_past_sessions(app, group_id, 2)
        enrol_directly(app, group_id, 3)
        world.fuzz_edit_group = group_id
    group_id = world.fuzz_edit_group
    with app.app_context():
        group = group_of(group_id)
        own_room, current = str(group.room.public_id), str(group.version_id)
    client = login_as("supervisor_a")
    before, state = counts(app), _group_state(app, group_id)
    response = client.post(f"/groups/{group_id}/edit", data={
        **extra, "room_id": own_room if room == "own" else room, "start_on": start_on, "planned_sessions": planned,
        "language": language, "capacity": capacity,
        "facilitator_ids": [world.user_ids["mediator_a1"] if value == "a1" else value for value in facilitators],
        "version": current if version == "current" else version})
    _checked(response, before, counts(app))
    if response.status_code != 302:
        assert _group_state(app, group_id) == state
    if response.status_code == 302:
        after = _group_state(app, group_id)
        assert after[1] >= 3 and after[2] >= 2  # never below the enrolled, never below the sessions booked
    state = _group_state(app, group_id)
    response = client.post(f"/groups/{group_id}/cancel", data={**extra, "reason": reason, "version": "0"})
    assert response.status_code in (409, 422), response.status_code  # a stale version, or an empty reason
    assert _group_state(app, group_id) == state


@FEW
@given(name=nasty, planned=numbers, target=sometimes("parents_young_children", "couples"), framework=nasty,
       version=st.one_of(numbers, st.just("current")), extra=extra_fields)
def test_generated_programme_edits(app, login_as, world, name, planned, target, framework, version, extra):
    from tests.groups.support import group_of

    if not hasattr(world, "fuzz_programme"):
        group_id = make_group(app, world.association_a, name="Fuzz programme")
        with app.app_context():
            world.fuzz_programme = str(group_of(group_id).programme.public_id)
    with app.app_context():
        programme = db.session.scalar(select(Programme).where(Programme.public_id == uuid.UUID(world.fuzz_programme)))
        current, state = programme.version_id, (programme.name, programme.planned_sessions, programme.framework)
    before = counts(app)
    response = login_as("supervisor_a").post(f"/groups/programmes/{world.fuzz_programme}/edit?lang=fr", data={
        **extra, "name": name, "planned_sessions": planned, "target": target, "framework": framework,
        "version": str(current) if version == "current" else version})
    _checked(response, before, counts(app))
    if response.status_code != 302:
        with app.app_context():
            programme = db.session.scalar(select(Programme).where(
                Programme.public_id == uuid.UUID(world.fuzz_programme)))
            assert (programme.name, programme.planned_sessions, programme.framework) == state
