"""A case with everything a document could leak, and the sources each kind is produced from (call outside any
app context)."""

from __future__ import annotations

import subprocess
import uuid
from datetime import timedelta

from sqlalchemy import select

from mediation.appointments.codes import AppointmentStatus, SessionMode
from mediation.appointments.models import Appointment, AppointmentParty
from mediation.cases.codes import NoteVisibility, SessionType
from mediation.cases.models import Case, Participant
from mediation.core import clock
from mediation.counselling.models import CounsellingSession, SessionAttendee
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor, case_by_public_id, write_note

# What must never reach a document (docs/domain.md, DOM151): screening answers, private notes, the other
# party's address, the supervisor's rationale.
SCREENING_MARKER = "MARKERSCREENING"
PRIVATE_MARKER = "MARKERPRIVATE"
ADDRESS_MARKER = "MARKERADDRESS"
RATIONALE_MARKER = "MARKERRATIONALE"
MARKERS = (SCREENING_MARKER, PRIVATE_MARKER, ADDRESS_MARKER, RATIONALE_MARKER)


def participant_id(app, public_id: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Participant.id).where(Participant.public_id == uuid.UUID(public_id)))


def set_person(app, participant: str, **values) -> None:
    with app.app_context():
        row = db.session.scalar(select(Participant).where(Participant.public_id == uuid.UUID(participant)))
        for name, value in values.items():
            setattr(row.person, name, value)
        db.session.commit()


def private_note(app, case_id: str, participant: str) -> None:
    write_note(app, case_id, "mediator.a1", body=f"{PRIVATE_MARKER} سر", visibility=NoteVisibility.PRIVATE_PARTY,
               participant_id=uuid.UUID(participant))


def held_session(app, case_id: str, participants: list[str], days_ago: int = 3) -> None:
    """A held session the parties attended, recorded directly (its summary carries a marker)."""
    with app.app_context():
        case = case_by_public_id(case_id)
        lead = actor("mediator.a1")
        session = CounsellingSession(case_id=case.id, type=SessionType.JOINT_MEDIATION, mode=SessionMode.IN_PERSON,
                                     started_at=clock.now() - timedelta(days=days_ago), duration_min=60,
                                     summary=f"{PRIVATE_MARKER} summary", visibility=NoteVisibility.STAFF_ONLY,
                                     author_id=lead.id)
        session.attendees = [SessionAttendee(participant_id=participant_id(app, p)) for p in participants]
        db.session.add(session)
        db.session.commit()


def coming_appointment(app, case_id: str, participant: str, *, days: int = 5,
                       status: AppointmentStatus = AppointmentStatus.SCHEDULED) -> str:
    with app.app_context():
        case: Case = case_by_public_id(case_id)
        start = (clock.now() + timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
        local = clock.local_datetime(start)
        appointment = Appointment(
            association_id=case.association_id, service_point_id=case.service_point_id, case_id=case.id,
            session_type=SessionType.JOINT_MEDIATION, mode=SessionMode.IN_PERSON,
            start_local=local.strftime("%Y-%m-%dT%H:%M"), time_zone="Africa/Casablanca", start_utc=start,
            end_utc=start + timedelta(hours=1), duration_min=60, status=status,
            created_by_id=actor("mediator.a1").id,
            parties=[AppointmentParty(participant_id=participant_id(app, participant))])
        db.session.add(appointment)
        db.session.commit()
        return str(appointment.public_id)


def pdf_text(content: bytes) -> str:
    """The text of a PDF as pdftotext (poppler-utils) reads it."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode("utf-8")
