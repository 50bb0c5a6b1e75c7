"""Demo case files: a few cases per demo staff member, at every stage of the workflow.

Every name, telephone number, address and court file number here is invented;
family names are words such as "Exemple", "Fictif" or "Essai" (المثالي،
الافتراضي، التجريبي) so that nobody mistakes them for real people. Dates are
counted back from today, so the data stay plausible whenever they are loaded;
nothing is random.

Cases are opened through the intake service; the later stages (parties,
screening, decisions, consent, notes, sessions and their follow-up actions,
status changes, closure) are written through the models, the way their
services would record them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.cases.codes import (
    AgreementLevel,
    CaseStatus,
    ConsentScope,
    ConsentStatus,
    NoteVisibility,
    Outcome,
    ParticipantRole,
    ScreeningDecision,
    SessionType,
    ViolenceLevel,
    age_band,
)
from mediation.cases.identity import PersonData
from mediation.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    Closure,
    Consent,
    ConsentGiver,
    Note,
    NoteVersion,
    Participant,
    Screening,
    ScreeningDecisionRecord,
    ScreeningItem,
    ScreeningResult,
    StatusChange,
)
from mediation.cases.rules import NOTICE_VERSION
from mediation.cases.services.intake import (
    NewCase,
    add_co_worker,
    create_person,
    open_case,
    parse_birth,
)
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Profession, Role
from mediation.counselling.models import CounsellingSession, FollowUpAction, SessionAttendee, SessionStaff
from mediation.counselling.rules import DEFAULT_VISIBILITY, TYPES_BY_PROFESSION
from mediation.demo.agreements import add_demo_agreement
from mediation.demo.case_specs import (
    ASSESSMENT,
    CHILD,
    CLOSED,
    COUNSELLING,
    DECISION_ADAPTATIONS,
    DECISION_RATIONALE,
    DEMO_CASES,
    MEDIATION,
    OTHER,
    POSITIVE_SCREEN_ITEMS,
    REQUESTING,
    DemoCase,
    DemoPerson,
    DemoSession,
)


def born(age: int, today: date, month: int = 3, day: int = 14) -> str:
    return date(today.year - age, month, day).isoformat()


def _person_data(person: DemoPerson, today: date) -> PersonData:
    return PersonData(
        full_name=person.name_ar, full_name_latin=person.name_latin, sex=person.sex,
        birth_date=born(person.age, today), phone=person.phone, email=person.email, address=person.address,
        contact_allowed=person.contact_allowed, safe_contact_instructions=person.safe_contact,
        preferred_language=person.language, interpreter_needed=person.interpreter_needed,
    )


def _add_participant(session: Session, case: Case, data: PersonData, role: ParticipantRole, *, is_party: bool,
                     today: date, **extra) -> Participant:
    person = create_person(session, case.association_id, data)
    session.flush()
    participant = Participant(case_id=case.id, person_id=person.id, role=role, is_requesting_party=False,
                              is_party=is_party, age_band=age_band(parse_birth(data.birth_date, today), today),
                              **extra)
    session.add(participant)
    session.flush()
    return participant


def _consent(session: Session, participant: Participant, scope: ConsentScope, by: StaffUser, today: date) -> None:
    session.add(Consent(participant_id=participant.id, scope=scope, status=ConsentStatus.GIVEN, on_date=today,
                        given_by=ConsentGiver.SELF, notice_version=NOTICE_VERSION, recorded_by_id=by.id))


def _screen(session: Session, participant: Participant, by: StaffUser, today: date, *, positive: bool) -> Screening:
    screening = Screening(
        participant_id=participant.id, screened_by_id=by.id, screened_on=today,
        violence=ViolenceLevel.PAST if positive else ViolenceLevel.NONE,
        mediator_view=ScreeningDecision.PROCEED_WITH_ADAPTATIONS if positive else ScreeningDecision.PROCEED,
        result=ScreeningResult.POSITIVE if positive else ScreeningResult.NEGATIVE,
        notes=("Peur de l'autre partie lors des rencontres ; violence psychologique passée. (démo)"
               if positive else "Aucune violence déclarée ; pas de préoccupation. (démo)"),
        items=[ScreeningItem(code=code) for code in POSITIVE_SCREEN_ITEMS] if positive else [],
    )
    session.add(screening)
    return screening


def _change_status(session: Session, case: Case, to: CaseStatus, by: StaffUser, reason: str | None = None) -> None:
    session.add(StatusChange(case_id=case.id, from_status=case.status, to_status=to, changed_by_id=by.id,
                             reason=reason))
    case.status = to
    session.flush()
    record(session, AuditAction.STATUS_CHANGE, entity="case", entity_id=case.public_id, actor_role="cli",
           association_id=case.association_id)


def _create_case(session: Session, spec: DemoCase, lead: StaffUser, supervisor: StaffUser | None,
                 point: ServicePoint, today: date) -> Case:
    case = open_case(session, NewCase(
        service_point_id=point.id,
        first_contact_on=today - timedelta(days=spec.days_since_contact),
        intake_channel=spec.channel,
        referral_source=spec.referral_source,
        issues=spec.issues,
        court_stage=spec.court_stage,
        immediate_danger=False,
        requesting_party=_person_data(spec.requesting, today),
        requesting_role=spec.requesting.role,
        consents={ConsentScope.DATA_PROCESSING: ConsentStatus.GIVEN},
        court_file_no=spec.court_file_no,
        request_summary=spec.summary,
    ), actor=lead)
    for username in spec.co_workers:
        co_worker = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if (co_worker is not None and co_worker.role == Role.MEDIATOR
                and co_worker.association_id == case.association_id and co_worker.active):
            add_co_worker(session, case, co_worker.id, actor=lead, audit=False)
    requesting = session.scalar(select(Participant).where(Participant.case_id == case.id))
    other = None
    if spec.other:
        other = _add_participant(session, case, _person_data(spec.other, today), spec.other.role, is_party=True,
                                 today=today, attended_intake=False)
    children = []
    for child in spec.children:
        children.append(_add_participant(
            session, case,
            PersonData(full_name=child.name_ar, full_name_latin=child.name_latin, sex=child.sex,
                       birth_date=born(child.age, today, month=9, day=1)),
            ParticipantRole.CHILD, is_party=False, today=today, lives_with=child.lives_with,
            in_school=child.in_school, takes_part=False,
        ))

    for status in spec.path:
        if status is ASSESSMENT:
            _screen(session, requesting, lead, today, positive=spec.positive_screen)
            _consent(session, requesting, ConsentScope.MEDIATION, lead, today)
        elif status is MEDIATION and other is not None:
            _consent(session, other, ConsentScope.DATA_PROCESSING, lead, today)
            _screen(session, other, lead, today, positive=False)
            _consent(session, other, ConsentScope.MEDIATION, lead, today)
            if spec.positive_screen and supervisor is not None:
                session.flush()
                decision = ScreeningDecisionRecord(
                    case_id=case.id, decided_by_id=supervisor.id,
                    decision=ScreeningDecision.PROCEED_WITH_ADAPTATIONS, adaptations=DECISION_ADAPTATIONS,
                    rationale=DECISION_RATIONALE,
                )
                session.add(decision)
                session.flush()
                record(session, AuditAction.DECISION, entity="screening_decision", entity_id=decision.public_id,
                       actor_role="cli", association_id=case.association_id)
        elif status is COUNSELLING and lead.profession is Profession.PSYCHOLOGIST:
            _consent(session, requesting, ConsentScope.SENSITIVE_DATA, lead, today)
        if status is CLOSED:
            _close(session, case, spec, lead, today)
        else:
            _change_status(session, case, status, lead)

    for visibility, body in spec.notes:
        session.add(Note(case_id=case.id, author_id=lead.id, visibility=visibility,
                         versions=[NoteVersion(number=1, body=body, edited_by_id=lead.id)]))
    session.flush()
    people = {REQUESTING: requesting, OTHER: other, CHILD: children[0] if children else None}
    for session_spec in spec.sessions:
        _add_session(session, case, session_spec, people, lead, today)
    add_demo_agreement(session, case, spec.agreement, lead, [p for p in (requesting, other) if p is not None],
                       today)
    return case


def _local_instant(day: date, start: time) -> datetime:
    """The UTC instant of a local date and time (demo times avoid the clock changes)."""
    return clock.to_utc(day, start)


def _may_hold(holders: list[StaffUser], kind: SessionType) -> bool:
    """Someone who held it has a profession for this type (the session log's rule, docs/domain.md, DOM9)."""
    return any(user.profession is not None and kind in TYPES_BY_PROFESSION.get(user.profession, frozenset())
               for user in holders)


def _add_session(session: Session, case: Case, spec: DemoSession, people: dict[str, Participant | None],
                 lead: StaffUser, today: date) -> CounsellingSession | None:
    """Record a session held on the case, as the session log would; one that could not be held is skipped."""
    assigned = {assignment.user.username: assignment.user for assignment in case.assignments}
    holders = [assigned.get(username) for username in spec.holders]
    attendees = [people.get(key) for key in spec.attendees]
    if None in holders or None in attendees or not _may_hold(holders, spec.type):
        return None  # a co-worker missing from this database, or a profession changed since
    if spec.type is SessionType.COUNSELLING_PSYCHOLOGICAL:
        association = session.get(Association, case.association_id)
        if not association.cndp_authorisation_no:
            return None  # health data stay off until the CNDP authorisation is recorded (docs/domain.md, DOM3)
    day = today - timedelta(days=spec.days_ago)
    started_at = _local_instant(day, spec.start)
    logged_at = min(started_at + timedelta(minutes=spec.duration_min + 15), clock.now())
    if spec.type is SessionType.CHILD_CONSULTATION:
        for attendee in attendees:
            session.add(Consent(participant_id=attendee.id, scope=ConsentScope.CHILD_CONSULTATION,
                                status=ConsentStatus.GIVEN, on_date=day, given_by=ConsentGiver.LEGAL_REPRESENTATIVE,
                                notice_version=NOTICE_VERSION, recorded_by_id=holders[0].id))
    visibility = (NoteVisibility.STAFF_ONLY if spec.type is SessionType.COUNSELLING_PSYCHOLOGICAL
                  else DEFAULT_VISIBILITY.get(spec.type, NoteVisibility.STAFF_ONLY))
    counselling_session = CounsellingSession(
        case_id=case.id, type=spec.type, mode=spec.mode, started_at=started_at, duration_min=spec.duration_min,
        parties_kept_apart=spec.type is SessionType.SHUTTLE_MEDIATION, interpreter_used=spec.interpreter_used,
        summary=spec.summary, next_steps=spec.next_steps, visibility=visibility, author_id=holders[0].id,
        created_at=logged_at,
        staff=[SessionStaff(user_id=user.id) for user in holders],
        attendees=[SessionAttendee(participant_id=participant.id) for participant in attendees],
    )
    session.add(counselling_session)
    session.flush()
    record(session, AuditAction.CREATE, entity="session", entity_id=counselling_session.public_id,
           actor_role="cli", association_id=case.association_id)
    if spec.void_reason:
        counselling_session.voided_at = min(logged_at + timedelta(hours=2), clock.now())
        counselling_session.voided_by_id = holders[0].id
        counselling_session.void_reason = spec.void_reason
        session.flush()
        record(session, AuditAction.UPDATE, entity="session", entity_id=counselling_session.public_id,
               actor_role="cli", association_id=case.association_id)
    for action in spec.follow_ups:
        assignee = assigned.get(action.assignee)
        if assignee is None:
            continue
        due_on = max(today + timedelta(days=action.due_in), day)
        done_on = min(due_on, today) if action.done else None
        session.add(FollowUpAction(case_id=case.id, session_id=counselling_session.id,
                                   description=action.description, due_on=due_on, assigned_to_id=assignee.id,
                                   created_at=logged_at, done_on=done_on,
                                   done_by_id=assignee.id if action.done else None))
    session.flush()
    return counselling_session


def _close(session: Session, case: Case, spec: DemoCase, lead: StaffUser, today: date) -> None:
    agreement = {Outcome.AGREEMENT_FULL: AgreementLevel.FULL, Outcome.AGREEMENT_PARTIAL: AgreementLevel.PARTIAL}
    closed_on = today - timedelta(days=spec.closed_days_ago)
    follow_up = closed_on + timedelta(days=30) if spec.outcome in agreement else None
    session.add(Closure(case_id=case.id, closed_on=closed_on, closed_by_id=lead.id, outcome=spec.outcome,
                        agreement_level=agreement.get(spec.outcome), agreement_points=spec.agreement_points,
                        note=spec.closure_note, follow_up_on=follow_up,
                        created_at=min(_local_instant(closed_on, time(17, 0)), clock.now())))
    case.closed_on, case.outcome, case.follow_up_on = closed_on, spec.outcome, follow_up
    _change_status(session, case, CaseStatus.CLOSED, lead)


def load_demo_cases(session: Session, service_points: dict[int, ServicePoint]) -> list[str]:
    """Open the demo cases of every demo staff member who leads no case yet; return their references.

    `service_points` maps each demo association's id to the service point its cases are opened at;
    staff of any other association get nothing. A staff member who already leads a case (a second
    run, or someone trying the demo out) gets nothing either.
    """
    today = clock.today()
    created: list[str] = []
    leads_a_case: dict[int, bool] = {}
    for spec in DEMO_CASES:
        lead = session.scalar(select(StaffUser).where(StaffUser.username == spec.lead))
        if lead is None or lead.role != Role.MEDIATOR or not lead.active or lead.association_id not in service_points:
            continue
        if lead.id not in leads_a_case:
            leads_a_case[lead.id] = session.scalar(
                select(CaseAssignment.id).where(CaseAssignment.user_id == lead.id,
                                                CaseAssignment.role == AssignmentRole.LEAD).limit(1)) is not None
        if leads_a_case[lead.id]:
            continue
        supervisor = session.scalar(select(StaffUser).where(
            StaffUser.association_id == lead.association_id, StaffUser.role == Role.SUPERVISOR,
            StaffUser.active.is_(True)).order_by(StaffUser.id))
        case = _create_case(session, spec, lead, supervisor, service_points[lead.association_id], today)
        created.append(case.reference)
    return created
