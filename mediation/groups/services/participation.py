"""Writes of a group's participants: enrolment, questionnaire scores and drop-out, attendance, and the erasure
of a participant known only from groups (docs/domain.md, DOM123-DOM125, DOM139). Every function flushes and
audits, never commits; the route commits once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.appointments.codes import AppointmentStatus
from mediation.appointments.services import status as appointment_status
from mediation.cases.codes import AgeBand, Sex
from mediation.cases.identity import PersonData, normalise_phone
from mediation.cases.queries.people import find_visible_person
from mediation.core import clock
from mediation.core.audit import AuditAction
from mediation.core.codes import parse_code
from mediation.core.crypto import blind_index
from mediation.core.errors import Conflict, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text
from mediation.groups import policies, queries
from mediation.groups.models import Attendance, Enrolment, GroupParticipant, GroupSession, ParentingGroup
from mediation.groups.rules import EMAIL_MAX, PARTICIPANT_AGE_BANDS, PARTICIPANT_NAME_MAX, PHONE_MAX, SCORE_MAX
from mediation.groups.services.shared import GroupPermissionDenied, audit_row, lock_group, whole_number
from mediation.outbox.settings import clean_address

STALE_ENROLMENT = _l("Someone else changed this enrolment while you were editing it. Nothing was overwritten: "
                     "check the current version and try again.")


# Enrolment (DOM123, DOM124)


@dataclass(frozen=True)
class ParticipantData:
    full_name: str | None
    sex: str | None
    age_band: str | None
    phone: str | None = None
    email: str | None = None
    birth_date: str | None = None  # "YYYY-MM-DD": only to recognise a person known from a case
    consent_data_processing: bool = False
    consent_contact: bool = False


def _find_or_record_participant(session: Session, data: ParticipantData, actor: StaffUser,
                                association_id: int) -> GroupParticipant:
    name = bounded_text(data.full_name, "full_name", PARTICIPANT_NAME_MAX, required=True)
    sex = parse_code(Sex, data.sex, _l("Choose the sex."), "sex")
    band = parse_code(AgeBand, data.age_band, _l("Choose the age band."), "age_band")
    if band not in PARTICIPANT_AGE_BANDS:
        raise ValidationFailed(_l("A participant is 15 or older."), field="age_band")
    phone = bounded_text(data.phone, "phone", PHONE_MAX)
    if phone is not None and not 8 <= len(normalise_phone(phone)) <= 15:
        raise ValidationFailed(_l("Give a phone number of 8 to 15 digits."), field="phone")
    email = bounded_text(data.email, "email", EMAIL_MAX)
    if email is not None and clean_address(email) is None:
        raise ValidationFailed(_l("Give a valid e-mail address, or leave it empty."), field="email")
    if not data.consent_data_processing:
        raise ValidationFailed(_l("A participant is recorded only with their consent to the processing of "
                                  "their data."), field="consent_data_processing")
    # A person the association knows from a case the actor may see (the identity index, DOM123).
    person = find_visible_person(session, actor, PersonData(full_name=name, sex=sex, birth_date=data.birth_date))
    if person is not None:
        existing = session.scalar(select(GroupParticipant).where(GroupParticipant.person_id == person.id))
        if existing is not None:
            existing.consent_contact = data.consent_contact
            existing.consent_data_processing = True
            return existing
        participant = GroupParticipant(association_id=association_id, person_id=person.id, person=person,
                                       sex=person.sex, age_band=band)
    else:
        name_bidx = blind_index("person_name", association_id, name)
        phone_bidx = blind_index("phone", association_id, normalise_phone(phone)) if phone else None
        if phone_bidx is not None:
            # The same name and phone: the group-only participant of an earlier group (S60).
            existing = session.scalar(select(GroupParticipant).where(
                GroupParticipant.association_id == association_id, GroupParticipant.person_id.is_(None),
                GroupParticipant.name_bidx == name_bidx, GroupParticipant.phone_bidx == phone_bidx))
            if existing is not None:
                existing.consent_contact = data.consent_contact
                existing.consent_data_processing = True
                existing.age_band = band
                existing.email = email or existing.email
                return existing
        participant = GroupParticipant(association_id=association_id, full_name=name, phone=phone, email=email, sex=sex,
                                       age_band=band, name_bidx=name_bidx, phone_bidx=phone_bidx)
    participant.consent_data_processing = True
    participant.consent_contact = data.consent_contact
    participant.consent_on = clock.today()
    participant.created_by_id = actor.id
    session.add(participant)
    session.flush()
    return participant


def enrol(session: Session, group: ParentingGroup, data: ParticipantData, *, actor: StaffUser) -> Enrolment:
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    lock_group(session, group)
    if queries.active_enrolment_count(session, group) >= group.capacity:
        raise ValidationFailed(_l("The group is full."), field="full_name")
    participant = _find_or_record_participant(session, data, actor, group.association_id)
    if session.scalar(select(Enrolment.id).where(Enrolment.group_id == group.id,
                                                 Enrolment.participant_id == participant.id)) is not None:
        raise Conflict(_l("This person is already enrolled in the group."), field="full_name")
    enrolment = Enrolment(group_id=group.id, participant=participant, participant_id=participant.id,
                          enrolled_on=clock.today(), sex=participant.sex, age_band=participant.age_band)
    session.add(enrolment)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(_l("This person is already enrolled in the group."), field="full_name") from None
    audit_row(session, AuditAction.CREATE, "parenting_enrolment", enrolment, group.association_id)
    return enrolment


@dataclass(frozen=True)
class EnrolmentUpdate:
    dropped_out: bool = False
    pre_score: int | None = None
    post_score: int | None = None
    satisfaction: int | None = None


def _optionalwhole_number(value: int | None, field: str, low: int, high: int, message) -> int | None:
    return None if value is None else whole_number(value, field, low, high, message)


def update_enrolment(session: Session, group: ParentingGroup, enrolment: Enrolment, data: EnrolmentUpdate, *,
                     actor: StaffUser, version: int | None) -> Enrolment:
    """Drop-out, pre/post questionnaire scores and satisfaction (DOM124)."""
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    if version is not None and version != enrolment.version_id:
        raise StaleRecord(STALE_ENROLMENT)
    score = _l("Give a score from 0 to 100.")
    enrolment.pre_score = _optionalwhole_number(data.pre_score, "pre_score", 0, SCORE_MAX, score)
    enrolment.post_score = _optionalwhole_number(data.post_score, "post_score", 0, SCORE_MAX, score)
    enrolment.satisfaction = _optionalwhole_number(data.satisfaction, "satisfaction", 1, 5,
                                             _l("Give a satisfaction from 1 to 5."))
    if data.dropped_out and enrolment.dropped_out_on is None:
        enrolment.dropped_out_on = clock.today()
    elif not data.dropped_out:
        enrolment.dropped_out_on = None
    flush_versioned(session, STALE_ENROLMENT)
    audit_row(session, AuditAction.UPDATE, "parenting_enrolment", enrolment, group.association_id)
    return enrolment


# Attendance (DOM125)


def record_attendance(session: Session, group: ParentingGroup, group_session: GroupSession,
                      present: set[uuid.UUID], *, actor: StaffUser, now: datetime | None = None) -> int:
    """Present for the ticked enrolments, absent for every other one on the sheet; the session then counts
    as held with its number present, and its appointment is marked held (DOM125). Returns that number."""
    if not policies.can_run(actor, group):
        raise GroupPermissionDenied()
    now = now or clock.now()
    appointment = group_session.appointment
    if appointment.status not in (AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED,
                                  AppointmentStatus.HELD):
        raise ValidationFailed(_l("This session was cancelled: no attendance can be recorded."), field="present")
    if appointment.start_utc > now:
        raise ValidationFailed(_l("The attendance is recorded once the session has started."), field="present")
    lines = queries.attendance_sheet(session, group, group_session)
    on_sheet = {line.enrolment.public_id: line.enrolment.id for line in lines}
    if not present <= set(on_sheet):
        raise ValidationFailed(_l("Mark only the people enrolled in this group."), field="present")
    existing = {row.enrolment_id: row for row in session.scalars(
        select(Attendance).where(Attendance.session_id == group_session.id))}
    for public_id, enrolment_id in on_sheet.items():
        row = existing.get(enrolment_id)
        if row is None:
            session.add(Attendance(session_id=group_session.id, enrolment_id=enrolment_id,
                                   present=public_id in present))
        else:
            row.present = public_id in present
    group_session.present_count = len(present)
    group_session.attendance_recorded_at = now
    if appointment.status is not AppointmentStatus.HELD:
        appointment_status.mark_held(session, appointment, actor=actor, now=now)
    session.flush()
    audit_row(session, AuditAction.UPDATE, "parenting_group_session", group_session, group.association_id)
    return len(present)


# Erasure of a group-only participant on request (docs/domain.md, DOM139)


def erase_participant(session: Session, participant: GroupParticipant) -> None:
    """Delete a participant known only from groups, as retention does (DOM127): their enrolments stay without
    them, with the sex and age band copied there, so the groups' counts do not change; an enrolment in a group
    still running is marked dropped out today, so the sheet and the reminders no longer expect them. The
    caller checks who may ask for it and audits."""
    if participant.person_id is not None:
        raise ValidationFailed(_l("A person known from a case is handled through their case."), field="person")
    open_groups = select(ParentingGroup.id).where(ParentingGroup.finished_on.is_(None),
                                                  ParentingGroup.cancelled_on.is_(None))
    session.execute(update(Enrolment).where(Enrolment.participant_id == participant.id,
                                            Enrolment.dropped_out_on.is_(None), Enrolment.group_id.in_(open_groups))
                    .values(dropped_out_on=clock.today(), version_id=Enrolment.version_id + 1)
                    .execution_options(synchronize_session=False))
    session.execute(update(Enrolment).where(Enrolment.participant_id == participant.id)
                    .values(participant_id=None, version_id=Enrolment.version_id + 1)
                    .execution_options(synchronize_session=False))
    session.execute(delete(GroupParticipant).where(GroupParticipant.id == participant.id)
                    .execution_options(synchronize_session=False))
    if participant in session:
        session.expunge(participant)
