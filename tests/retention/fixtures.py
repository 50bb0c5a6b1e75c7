"""Closed cases with a canary in every encrypted column, closed a chosen number of months before TODAY."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import LargeBinary, select, type_coerce

from mediation.accounts.models import StaffUser
from mediation.appointments.models import Appointment, AppointmentParty
from mediation.attachments.models import AttachmentChunk
from mediation.cases.codes import CaseStatus, Outcome, Sex
from mediation.cases.models import Case, Participant
from mediation.core.crypto import Encrypted
from mediation.extensions import db
from mediation.outbox.models import OutboxMessage
from mediation.retention.policy import add_months
from tests.cases.encrypted_rows import fill_every_encrypted_column
from tests.cases.fixtures import declare_cndp, person, service_point_of

TODAY = date(2031, 6, 16)  # the day the retention job runs in these tests
# Columns the case's anonymisation does not own: staff accounts, and the pending test
# message of encrypted_rows.py, which belongs to no appointment (the outbox purge handles sent ones).
NOT_CASE_DATA = ("staff_user.", "outbox_message.", "group_participant.")


@dataclass
class CanaryCase:
    id: int
    public_id: str
    reference: str
    person_id: int
    markers: dict[str, str]  # "table.column" -> marker


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def closed_case(label: str, months_ago: int, *, name: str | None = None, association: str = "a") -> CanaryCase:
    """A case of association A (or B) closed `months_ago` months before TODAY, every encrypted field a marker."""
    lead, supervisor = staff(f"mediator.{association}1"), staff(f"supervisor.{association}")
    declare_cndp(lead.association_id)
    point = service_point_of(lead.association_id)
    suffix = secrets.token_hex(6)
    party = person(name or f"Person {label} {suffix}", birth_date="1985-03-04", sex=Sex.MALE)
    case, written = fill_every_encrypted_column(
        db.session, point.id, lead, supervisor, lambda field: f"CANARY-{label}-{field}-{suffix}",
        requesting_party=party)
    requesting = db.session.scalar(select(Participant).where(Participant.case_id == case.id))
    appointment = db.session.scalar(select(Appointment).where(Appointment.case_id == case.id))
    appointment.parties.append(AppointmentParty(participant_id=requesting.id))
    # The party's reminder for that appointment: its address and text are the party's.
    reminder = OutboxMessage(association_id=case.association_id, kind="party_reminder",
                             dedupe_key=f"party:{appointment.public_id}:{requesting.public_id}:x",
                             recipient=f"CANARY-{label}-reminder-{suffix}@example.org",
                             subject="Rappel", body=f"CANARY-{label}-reminder-body-{suffix}", language="fr",
                             status="sent", created_at=datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC))
    db.session.add(reminder)
    written["outbox reminder"] = reminder.recipient
    case.status = CaseStatus.CLOSED
    case.closed_on = add_months(TODAY, -months_ago)
    case.outcome = Outcome.AGREEMENT_PARTIAL
    db.session.flush()
    return CanaryCase(case.id, str(case.public_id), case.reference, requesting.person_id, written)


def decrypted_texts() -> set[str]:
    """Every value of every encrypted attribute of every row, read back through the ORM."""
    values: set[str] = set()
    db.session.expire_all()
    for mapper in db.Model.registry.mappers:
        names = [prop.key for prop in mapper.column_attrs
                 if any(isinstance(column.type, Encrypted) for column in prop.columns)]
        if names:
            for row in db.session.scalars(select(mapper.class_)).unique():
                values.update(getattr(row, name) for name in names if getattr(row, name))
    return values


def stored_ciphertexts() -> set[bytes]:
    """Every encrypted column's stored bytes, and every sealed attachment chunk, not decrypted."""
    blobs: set[bytes] = {bytes(b) for b in db.session.scalars(select(AttachmentChunk.data))}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                raw = type_coerce(column, LargeBinary)
                blobs.update(bytes(b) for b in db.session.scalars(select(raw).where(column.is_not(None))))
    return blobs


def case_markers(case: CanaryCase, *, purged_anyway: bool = True) -> dict[str, str]:
    """The markers the case's anonymisation must remove. With purged_anyway=False, without the label of the
    intake appointment encrypted_rows.py adds (no case: the intake purge clears it, whatever the case)."""
    return {field: value for field, value in case.markers.items() if not field.startswith(NOT_CASE_DATA)
            and (purged_anyway or field != "appointment.intake_label")}


def anonymised_at(case: CanaryCase):
    db.session.expire_all()
    return db.session.get(Case, case.id).anonymised_at
