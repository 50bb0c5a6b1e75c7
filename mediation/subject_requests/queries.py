"""Everything the association holds about one person, for a right-of-access answer (docs/domain.md, DOM61, DOM39).

Included: identity and contact data, the cases the person takes part in (reference, status, role,
dates, issues), their consents, the sessions they attended, the appointments they were invited to,
joint notes of their cases and the private notes they themselves confided, where they were referred and
what was shared about them (not the staff's reason, nor a referral under a safeguarding exception), the
documents attached to their cases (listed by kind, date and format: their content and the staff's label are
given on request, by the data protection officer; psychological documents are staff-only records), and
their requests.
Excluded, and said so in the export: notes confided by OTHER parties (docs/domain.md, DOM39, DOM61: they must not
reach anything given to another party) and staff-only records (screening, professional assessments,
supervision, psychological notes), on which the data protection officer decides case by case.
A session's summary is given only when it is joint, or private and the person was its only attendee.
A bounded number of queries whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.appointments.models import Appointment, AppointmentParty
from mediation.attachments.codes import AttachmentVisibility
from mediation.attachments.models import Attachment
from mediation.cases.codes import ConsentScope, ConsentStatus, NoteVisibility
from mediation.cases.contact import profile_of
from mediation.cases.identity import normalise_phone
from mediation.cases.models import Case, Consent, ConsentGiver, Note, Participant, Person
from mediation.core.crypto import blind_index
from mediation.core.i18n import SUPPORTED
from mediation.counselling.models import CounsellingSession, SessionAttendee
from mediation.groups.models import Enrolment, GroupParticipant, ParentingGroup
from mediation.groups.queries import PersonEnrolment, enrolments_of_participant, enrolments_of_person
from mediation.referrals.models import Referral
from mediation.subject_requests.models import DataSubjectRequest
from mediation.subject_requests.policies import visible_group_participants

FRENCH = "fr"


def export_language(person: Person, requested: str | None) -> str:
    """The language asked for, else the person's: French for French speakers, Arabic otherwise
    (Darija and Amazigh speakers read the Arabic text, as for reminders)."""
    if requested in SUPPORTED:
        return requested
    preferred = person.preferred_language
    return FRENCH if preferred is not None and preferred.value == FRENCH else "ar"


@dataclass(frozen=True)
class CaseEntry:
    reference: str
    status: object
    role: object
    is_requesting_party: bool
    opened_on: date
    closed_on: date | None
    issues: list
    anonymised: bool


@dataclass(frozen=True)
class ConsentEntry:
    reference: str
    scope: ConsentScope
    status: ConsentStatus
    on_date: date
    given_by: ConsentGiver
    notice_version: str


@dataclass(frozen=True)
class SessionEntry:
    reference: str
    type: object
    mode: object
    started_at: datetime
    duration_min: int
    summary: str | None
    next_steps: str | None


@dataclass(frozen=True)
class NoteEntry:
    reference: str
    written_at: datetime
    visibility: object
    body: str


@dataclass(frozen=True)
class AppointmentEntry:
    reference: str
    start_utc: datetime
    session_type: object
    mode: object
    status: object


@dataclass(frozen=True)
class ReferralEntry:
    reference: str
    made_on: date
    destination: object
    organisation_name: str
    data_shared: list
    status: object
    feedback_on: date | None


@dataclass(frozen=True)
class AttachmentEntry:
    reference: str
    kind: object
    document_date: date
    content_type: object


@dataclass
class PersonExport:
    person: Person
    cases: list[CaseEntry] = field(default_factory=list)
    consents: list[ConsentEntry] = field(default_factory=list)
    sessions: list[SessionEntry] = field(default_factory=list)
    notes: list[NoteEntry] = field(default_factory=list)
    appointments: list[AppointmentEntry] = field(default_factory=list)
    referrals: list[ReferralEntry] = field(default_factory=list)
    attachments: list[AttachmentEntry] = field(default_factory=list)
    groups: list[PersonEnrolment] = field(default_factory=list)
    requests: list[DataSubjectRequest] = field(default_factory=list)


def person_export(session: Session, person: Person) -> PersonExport:
    """What the association holds about `person` that may be given to them."""
    export = PersonExport(person)
    parts = session.execute(
        select(Participant, Case).join(Case, Case.id == Participant.case_id)
        .where(Participant.person_id == person.id, Case.association_id == person.association_id)
        .order_by(Case.opened_on, Case.id)).all()
    own_participants = {participant.id for participant, _case in parts}
    references = {case.id: case.reference for _participant, case in parts}
    export.cases = [CaseEntry(case.reference, case.status, participant.role, participant.is_requesting_party,
                              case.opened_on, case.closed_on, case.issues, case.anonymised_at is not None)
                    for participant, case in parts]
    # The parenting groups they took part in as a person known from a case (docs/domain.md, DOM123).
    export.groups = enrolments_of_person(session, person.id)
    if not parts:
        export.requests = _requests(session, person)
        return export
    reference_of_participant = {participant.id: case.reference for participant, case in parts}

    consents = session.scalars(select(Consent).where(Consent.participant_id.in_(own_participants))
                               .order_by(Consent.on_date, Consent.id))
    export.consents = [ConsentEntry(reference_of_participant[c.participant_id], c.scope, c.status, c.on_date,
                                    c.given_by, c.notice_version) for c in consents]

    export.sessions = _sessions(session, own_participants, references)
    export.notes = _notes(session, own_participants, references)

    appointments = session.scalars(
        select(Appointment).join(AppointmentParty, AppointmentParty.appointment_id == Appointment.id)
        .where(AppointmentParty.participant_id.in_(own_participants)).order_by(Appointment.start_utc)).unique()
    export.appointments = [AppointmentEntry("" if a.case_id is None else references.get(a.case_id, ""),
                                            a.start_utc, a.session_type, a.mode, a.status) for a in appointments]
    export.referrals = _referrals(session, own_participants, references)
    export.attachments = _attachments(session, references)
    export.requests = _requests(session, person)
    return export


def _attachments(session: Session, references: dict[int, str]) -> list[AttachmentEntry]:
    """The documents of the person's cases, without content or label (docs/domain.md, DOM108); psychological
    documents are staff-only records, left out as psychological notes are."""
    rows = session.execute(
        select(Attachment.case_id, Attachment.kind, Attachment.document_date, Attachment.content_type)
        .where(Attachment.case_id.in_(list(references)), Attachment.visibility == AttachmentVisibility.CASE_STAFF)
        .order_by(Attachment.case_id, Attachment.document_date, Attachment.id)).all()
    return [AttachmentEntry(references[case_id], kind, day, content_type) for case_id, kind, day, content_type in rows]


def _referrals(session: Session, own_participants: set[int], references: dict[int, str]) -> list[ReferralEntry]:
    """Where the person was referred and what was shared about them (docs/domain.md, DOM87), without the staff's
    reason; a referral under a safeguarding exception is left out, as staff-only records are (docs/security.md,
    P7): the data protection officer decides case by case."""
    rows = session.scalars(select(Referral).where(Referral.participant_id.in_(own_participants),
                                                  Referral.exception_id.is_(None))
                           .order_by(Referral.made_on, Referral.id)).unique()
    return [ReferralEntry(references[row.case_id], row.made_on, row.destination, row.organisation_name,
                          row.data_shared, row.status, row.feedback_on) for row in rows]


def _sessions(session: Session, own_participants: set[int], references: dict[int, str]) -> list[SessionEntry]:
    attended = select(SessionAttendee.session_id).where(SessionAttendee.participant_id.in_(own_participants))
    rows = session.scalars(select(CounsellingSession).where(CounsellingSession.id.in_(attended),
                                                            CounsellingSession.voided_at.is_(None))
                           .order_by(CounsellingSession.started_at)).unique().all()
    entries = []
    for row in rows:
        present = {attendee.participant_id for attendee in row.attendees}
        shareable = row.visibility is NoteVisibility.JOINT or (
            row.visibility is NoteVisibility.PRIVATE_PARTY and present <= own_participants)
        entries.append(SessionEntry(references[row.case_id], row.type, row.mode, row.started_at, row.duration_min,
                                    row.summary if shareable else None, row.next_steps if shareable else None))
    return entries


def _notes(session: Session, own_participants: set[int], references: dict[int, str]) -> list[NoteEntry]:
    """Joint notes of the person's cases and the private notes they confided; never another party's or staff's."""
    shareable = (Note.visibility == NoteVisibility.JOINT) | (
        (Note.visibility == NoteVisibility.PRIVATE_PARTY) & Note.participant_id.in_(own_participants))
    notes = session.scalars(select(Note).where(Note.case_id.in_(list(references)), shareable)
                            .order_by(Note.created_at, Note.id)).unique()
    return [NoteEntry(references[note.case_id], note.created_at, note.visibility, note.current.body)
            for note in notes if note.versions]


def _requests(session: Session, person: Person) -> list[DataSubjectRequest]:
    return list(session.scalars(select(DataSubjectRequest).where(DataSubjectRequest.person_id == person.id)
                                .order_by(DataSubjectRequest.received_on, DataSubjectRequest.id)))


def as_json(export: PersonExport, *, generated_on: date, labels: dict) -> dict:
    """The export as plain JSON values: codes stay codes (stable keys), labels are in the export's language."""

    def code(value):
        return None if value is None else {"code": value.value, "label": str(value.label)}

    person = export.person
    return {
        "generated_on": generated_on.isoformat(),
        "notice": labels["notice"],
        "excluded": labels["excluded"],
        "identity": {
            "anonymised": person.anonymised_at is not None,
            "full_name": person.full_name, "full_name_latin": person.full_name_latin,
            "birth_date": person.birth_date, "sex": code(person.sex), "phone": person.phone, "email": person.email,
            "address": person.address, "contact_allowed": person.contact_allowed,
            "safe_contact_instructions": person.safe_contact_instructions,
            "contact_profile": _contact_profile(person),
            "preferred_language": code(person.preferred_language), "interpreter_needed": person.interpreter_needed,
            "residence_province_code": person.residence_province_code, "id_checked": person.id_checked,
        },
        "cases": [{"reference": c.reference, "status": code(c.status), "role": code(c.role),
                   "requesting_party": c.is_requesting_party, "opened_on": c.opened_on.isoformat(),
                   "closed_on": c.closed_on.isoformat() if c.closed_on else None,
                   "issues": [code(issue) for issue in c.issues], "anonymised": c.anonymised} for c in export.cases],
        "consents": [{"case": c.reference, "scope": code(c.scope), "status": code(c.status),
                      "date": c.on_date.isoformat(), "given_by": c.given_by.value,
                      "notice_version": c.notice_version} for c in export.consents],
        "sessions": [{"case": s.reference, "type": code(s.type), "mode": code(s.mode),
                      "started_at": s.started_at.isoformat(), "duration_min": s.duration_min,
                      "summary": s.summary, "next_steps": s.next_steps} for s in export.sessions],
        "notes": [{"case": n.reference, "written_at": n.written_at.isoformat(), "visibility": code(n.visibility),
                   "text": n.body} for n in export.notes],
        "appointments": [{"case": a.reference, "start": a.start_utc.isoformat(), "type": code(a.session_type),
                          "mode": code(a.mode), "status": code(a.status)} for a in export.appointments],
        "referrals": [{"case": r.reference, "made_on": r.made_on.isoformat(), "destination": code(r.destination),
                       "organisation": r.organisation_name, "data_shared": [code(item) for item in r.data_shared],
                       "status": code(r.status), "answer_on": r.feedback_on.isoformat() if r.feedback_on else None}
                      for r in export.referrals],
        "documents": [{"case": a.reference, "kind": code(a.kind), "date": a.document_date.isoformat(),
                       "format": code(a.content_type)} for a in export.attachments],
        "parenting_groups": _groups_json(export.groups, code),
        "requests": _requests_json(export.requests, code),
    }


def _contact_profile(person) -> dict | None:
    """The recorded contact profile (docs/domain.md, DOM141), or None when none was recorded."""
    profile = profile_of(person)
    if not profile.recorded:
        return None
    return {"channels": list(profile.channels), "sms_number": profile.sms_number,
            "name_service": profile.name_service}


# Participants known only from parenting groups (docs/domain.md, DOM137, DOM138)


@dataclass(frozen=True)
class ParticipantMatch:
    participant: GroupParticipant
    groups: list[str]


def find_group_participants(session: Session, user, full_name: str, phone: str | None) -> list[ParticipantMatch]:
    """The group-only participants of the supervisor's association with this name (and this phone, when given),
    found through the blind indexes they were recorded with (docs/security.md, S24, S60): the name is never
    searched in clear nor sent in a URL. Each with the names of its groups, to tell two namesakes apart."""
    association_id = getattr(user, "association_id", None)
    if association_id is None or not full_name.strip():
        return []
    query = visible_group_participants(user).where(
        GroupParticipant.name_bidx == blind_index("person_name", association_id, full_name))
    digits = normalise_phone(phone) if phone else ""
    if digits:
        query = query.where(GroupParticipant.phone_bidx == blind_index("phone", association_id, digits))
    participants = list(session.scalars(query.order_by(GroupParticipant.created_at, GroupParticipant.id).limit(20)))
    names: dict[int, list[str]] = {}
    if participants:
        for participant_id, name in session.execute(
                select(Enrolment.participant_id, ParentingGroup.name)
                .join(ParentingGroup, ParentingGroup.id == Enrolment.group_id)
                .where(Enrolment.participant_id.in_([row.id for row in participants]))
                .order_by(ParentingGroup.start_on)):
            if participant_id is not None:
                names.setdefault(participant_id, []).append(name)
    return [ParticipantMatch(row, names.get(row.id, [])) for row in participants]


def participant_export_language(groups: list[PersonEnrolment], requested: str | None) -> str:
    """The language asked for, else French when their latest group was held in French, Arabic otherwise."""
    if requested in SUPPORTED:
        return requested
    latest = groups[-1].language if groups else None
    return FRENCH if latest is not None and latest.value == FRENCH else "ar"


@dataclass
class ParticipantExport:
    """What the association holds about a participant known only from groups (DOM138)."""

    participant: GroupParticipant
    groups: list[PersonEnrolment] = field(default_factory=list)
    requests: list[DataSubjectRequest] = field(default_factory=list)


def participant_export(session: Session, participant: GroupParticipant) -> ParticipantExport:
    return ParticipantExport(participant, enrolments_of_participant(session, participant.id), list(session.scalars(
        select(DataSubjectRequest).where(DataSubjectRequest.group_participant_id == participant.id)
        .order_by(DataSubjectRequest.received_on, DataSubjectRequest.id))))


def participant_as_json(export: ParticipantExport, *, generated_on: date, labels: dict) -> dict:
    def code(value):
        return None if value is None else {"code": value.value, "label": str(value.label)}

    participant = export.participant
    return {
        "generated_on": generated_on.isoformat(),
        "notice": labels["notice"],
        "identity": {"full_name": participant.full_name, "phone": participant.phone, "email": participant.email,
                     "sex": code(participant.sex), "age_band": code(participant.age_band),
                     "consent_data_processing": participant.consent_data_processing,
                     "consent_contact": participant.consent_contact,
                     "consent_on": participant.consent_on.isoformat()},
        "parenting_groups": _groups_json(export.groups, code),
        "requests": _requests_json(export.requests, code),
    }


def _groups_json(groups: list[PersonEnrolment], code) -> list[dict]:
    return [{"group": g.group_name, "programme": g.programme_name, "starts_on": g.start_on.isoformat(),
             "enrolled_on": g.enrolled_on.isoformat(), "sessions_attended": g.attended,
             "sessions_planned": g.planned, "status": code(g.status)} for g in groups]


def _requests_json(requests: list[DataSubjectRequest], code) -> list[dict]:
    return [{"type": code(r.type), "received_on": r.received_on.isoformat(),
             "answered_on": r.answered_on.isoformat() if r.answered_on else None,
             "outcome": code(r.outcome)} for r in requests]
