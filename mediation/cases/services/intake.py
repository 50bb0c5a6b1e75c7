"""Opening a case: reference allocation, intake, the requesting party, assignment.

Every function flushes and never commits; the route commits once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.cases.codes import (
    CaseStatus,
    ConsentScope,
    ConsentStatus,
    CourtStage,
    IntakeChannel,
    Issue,
    NoticeKind,
    ParticipantRole,
    PreferredLanguage,
    ReferralSource,
    Sex,
    age_band,
    is_child,
)
from mediation.cases.identity import PersonData, person_indexes
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseIssue,
    CaseSequence,
    Participant,
    Person,
    PersonNameToken,
    StatusChange,
)
from mediation.cases.queries.people import find_visible_person
from mediation.cases.queries.staff import supervisor_for_new_case
from mediation.cases.rules import OLDEST_PLAUSIBLE_AGE
from mediation.cases.services import safety
from mediation.cases.services.notices import notify
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.crypto import blind_index, name_tokens
from mediation.core.errors import DomainError, ValidationFailed

if TYPE_CHECKING:
    from mediation.cases.services.duplicates import Answer


class MissingCndpDeclaration(DomainError):
    message = _l("Your association's CNDP declaration is not recorded: no case can be opened before it is.")


# Reference numbers


def allocate_reference(session: Session, service_point: ServicePoint, year: int) -> str:
    """The next reference of a service point for a year; concurrent callers get distinct numbers.

    The row update holds a lock (PostgreSQL) or the write lock (SQLite's BEGIN
    IMMEDIATE) until commit, so two cases can never take the same number, and
    a number is never handed out twice, even if its case is later deleted.
    """
    table = cast(Table, CaseSequence.__table__)  # typed as any FromClause; a mapped class's is a Table
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(table)
        .values(service_point_id=service_point.id, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["service_point_id", "year"])
    )
    number = session.execute(
        update(table)
        .where(table.c.service_point_id == service_point.id, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    ).scalar_one()
    return f"{service_point.code}-{year:04d}-{number:05d}"


# People


PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{6,20}$")


def parse_birth(value: str | None, on: date) -> date | int | None:
    """A birth date or year, refused if in the future or implausibly old."""
    if not value:
        return None
    try:
        born: date | int = date.fromisoformat(value) if len(value) == 10 else int(value)
    except ValueError:
        raise ValidationFailed(_l("Enter a birth date (YYYY-MM-DD) or a birth year (YYYY)."),
                               field="birth_date") from None
    year = born.year if isinstance(born, date) else born
    if (isinstance(born, date) and born > on) or year > on.year:
        raise ValidationFailed(_l("The birth date cannot be in the future."), field="birth_date")
    if on.year - year > OLDEST_PLAUSIBLE_AGE:
        raise ValidationFailed(_l("This birth date is not plausible."), field="birth_date")
    return born


def set_name_tokens(person: Person) -> None:
    """Make the person's token rows those of their names, Arabic and Latin (docs/security.md, S37).

    Called wherever a name is written; rows of words still in the name are kept, so an edit
    that changes one word rewrites one row. An anonymised person keeps none.
    """
    wanted = set() if person.anonymised_at is not None else name_tokens(
        person.association_id, person.full_name, person.full_name_latin)
    current = list(person.name_tokens)
    kept = [row for row in current if row.token in wanted]
    added = [PersonNameToken(token=token, association_id=person.association_id)
             for token in sorted(wanted - {row.token for row in kept})]
    if added or len(kept) != len(current):
        person.name_tokens = kept + added


def create_person(session: Session, association_id: int, data: PersonData) -> Person:
    if data.phone and not PHONE_PATTERN.fullmatch(data.phone):
        raise ValidationFailed(_l("Enter a telephone number: digits, spaces and + ( ) - only."), field="phone")
    if data.sex is None:  # callers resolve a sex the role implies first (rules.implied_sex)
        raise ValidationFailed(_l("Choose the sex."), field="sex")
    person = Person(
        association_id=association_id,
        full_name=data.full_name,
        full_name_latin=data.full_name_latin or None,
        birth_date=data.birth_date or None,
        phone=data.phone or None,
        email=data.email or None,
        address=data.address or None,
        contact_allowed="yes" if data.contact_allowed else "no",
        safe_contact_instructions=data.safe_contact_instructions or None,
        sex=Sex(data.sex),
        preferred_language=PreferredLanguage(data.preferred_language) if data.preferred_language else None,
        interpreter_needed=data.interpreter_needed,
        residence_province_code=data.residence_province_code or None,
        id_checked=data.id_checked,
        **person_indexes(association_id, data),
    )
    set_name_tokens(person)
    session.add(person)
    return person


# Opening a case


@dataclass(frozen=True)
class NewCase:
    service_point_id: int
    first_contact_on: date
    intake_channel: IntakeChannel
    referral_source: ReferralSource
    issues: tuple[Issue, ...]
    court_stage: CourtStage
    immediate_danger: bool
    requesting_party: PersonData
    requesting_role: ParticipantRole
    # The requesting party's answers, asked on the intake form (docs/domain.md, DOM76); a scope left out
    # was not asked.
    consents: Mapping[ConsentScope, ConsentStatus] = field(default_factory=dict)
    court_file_no: str | None = None
    request_summary: str | None = None
    lead_mediator_id: int | None = None  # a supervisor opening a case names its lead
    co_worker_ids: tuple[int, ...] = field(default_factory=tuple)


def _check_new_case(session: Session, data: NewCase, actor: StaffUser, today: date) -> ServicePoint:
    association = session.get(Association, actor.association_id)
    if association is None or not association.cndp_declaration_no:
        raise MissingCndpDeclaration()
    service_point = session.get(ServicePoint, data.service_point_id)
    if service_point is None or service_point.association_id != actor.association_id or not service_point.active:
        raise ValidationFailed(_l("Choose one of your association's service points."), field="service_point_id")
    if not data.issues:
        raise ValidationFailed(_l("Choose at least one issue."), field="issues")
    if data.first_contact_on > today:
        raise ValidationFailed(_l("The first contact cannot be in the future."), field="first_contact_on")
    if data.requesting_role is ParticipantRole.CHILD:
        raise ValidationFailed(_l("The requesting party is an adult."), field="requesting_role")
    court_linked = CourtStage(data.court_stage) is not CourtStage.NONE
    if data.court_file_no and not court_linked:
        raise ValidationFailed(_l("A court file number needs a court stage."), field="court_file_no")
    return service_point


def _lead_for(session: Session, data: NewCase, actor: StaffUser) -> StaffUser:
    if actor.role == Role.MEDIATOR:
        return actor
    lead = session.get(StaffUser, data.lead_mediator_id) if data.lead_mediator_id else None
    if lead is None or lead.role != Role.MEDIATOR or lead.association_id != actor.association_id or not lead.active:
        raise ValidationFailed(_l("Choose the staff member who will lead this case."), field="lead_mediator_id")
    return lead


def open_case(session: Session, data: NewCase, *, actor: StaffUser, answer: Answer | None = None) -> Case:
    """Open a case at intake with its requesting party; the CNDP declaration must exist.

    `answer` is the user's reply to the duplicate warning (docs/domain.md, DOM74), None for a script.
    """
    today = clock.today()
    service_point = _check_new_case(session, data, actor, today)
    lead = _lead_for(session, data, actor)
    born = parse_birth(data.requesting_party.birth_date, today)
    band = age_band(born, today)
    if is_child(band):
        raise ValidationFailed(_l("The requesting party is an adult."), field="birth_date")
    court_linked = CourtStage(data.court_stage) is not CourtStage.NONE
    association_id = service_point.association_id  # the actor's: _check_new_case() refuses any other
    known, hidden = _known_person(session, actor, association_id, data.requesting_party, answer)
    case = Case(
        reference=allocate_reference(session, service_point, today.year),
        association_id=association_id,
        service_point_id=service_point.id,
        status=CaseStatus.INTAKE,
        opened_on=today,
        first_contact_on=data.first_contact_on,
        intake_channel=IntakeChannel(data.intake_channel),
        referral_source=ReferralSource(data.referral_source),
        court_linked=court_linked,
        court_stage=CourtStage(data.court_stage),
        court_file_no=data.court_file_no or None,
        court_file_bidx=(blind_index("court_file", association_id, data.court_file_no)
                         if data.court_file_no else None),
        request_summary=data.request_summary or None,
        immediate_danger=data.immediate_danger,
        created_by_id=actor.id,
        supervisor_id=supervisor_for_new_case(session, association_id, actor),
        issue_rows=[CaseIssue(issue=Issue(issue)) for issue in dict.fromkeys(data.issues)],
    )
    session.add(case)
    case.assignments.append(CaseAssignment(user_id=lead.id, role=AssignmentRole.LEAD))
    for co_worker_id in data.co_worker_ids:
        if co_worker_id != lead.id:
            add_co_worker(session, case, co_worker_id, actor=actor, audit=False)
    person = known or create_person(session, association_id, data.requesting_party)
    session.flush()
    # Co-workers named at intake are told in the application, as those added later (docs/domain.md, DOM72).
    notify(session, case, NoticeKind.CO_WORKER,
           [a.user_id for a in case.assignments if a.role is AssignmentRole.CO_WORKER], actor=actor)
    participant = Participant(
        case_id=case.id,
        person_id=person.id,
        role=ParticipantRole(data.requesting_role),
        is_requesting_party=True,
        is_party=True,
        age_band=band,
        attended_intake=True,
    )
    session.add(participant)
    session.add(StatusChange(case_id=case.id, from_status=None, to_status=CaseStatus.INTAKE, changed_by_id=actor.id))
    session.flush()
    record(session, AuditAction.CREATE, entity="case", entity_id=case.public_id, association_id=case.association_id)
    safety.record_answers(session, case, participant, data.consents, actor=actor)
    if hidden:
        from mediation.cases.services import duplicates  # it builds on this module's indexes

        duplicates.flag(session, participant, hidden, actor=actor, association_id=association_id)
    return case


def _known_person(session: Session, actor: StaffUser, association_id: int, data: PersonData,
                  answer: Answer | None) -> tuple[Person | None, tuple[int, ...]]:
    """The existing record the requesting party is, if any, and the matches to flag (docs/domain.md, DOM74).

    With an answer (the intake page), any match is put to the user before anything is written; without
    one (a script), only the identity the actor may see is reused, silently (DOM20).
    """
    if answer is None:
        return find_visible_person(session, actor, data), ()
    from mediation.cases.services import duplicates  # it builds on this module's indexes

    known, hidden = duplicates.resolve(session, actor, association_id, data, answer)
    if known is not None:
        duplicates.complete_record(known, data)
    return known, hidden


def add_co_worker(session: Session, case: Case, user_id: int, *, actor: StaffUser, audit: bool = True) -> None:
    """A co-worker is a staff member of the same association (any profession)."""
    user = session.get(StaffUser, user_id)
    if user is None or user.role != Role.MEDIATOR or user.association_id != case.association_id or not user.active:
        raise ValidationFailed(_l("Choose a staff member of your association."), field="co_worker_ids")
    if any(a.user_id == user_id for a in case.assignments):
        return
    case.assignments.append(CaseAssignment(user_id=user_id, role=AssignmentRole.CO_WORKER))
    if audit:
        session.flush()
        record(session, AuditAction.UPDATE, entity="case", entity_id=case.public_id,
               association_id=case.association_id)


