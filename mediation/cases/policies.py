"""Which cases a user may see and what they may do with them (docs/security.md, S12).

visible_cases: mediator → cases they are assigned to (lead or co-worker);
supervisor → every case of their association; anyone else → none. Outside
the scope a case does not exist (404); inside it, can_* decide (403).
"""

from __future__ import annotations

from sqlalchemy import Select, exists, false, select

from mediation.cases.models import AssignmentRole, Case, CaseAssignment, Participant, Person
from mediation.core.authz import Role


def _role(user):
    return getattr(user, "role", None)


def visible_cases(user) -> Select:
    if _role(user) == Role.MEDIATOR:
        assigned = exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.user_id == user.id)
        return select(Case).where(Case.association_id == user.association_id, assigned)
    if _role(user) == Role.SUPERVISOR:
        return select(Case).where(Case.association_id == user.association_id)
    return select(Case).where(false())


def visible_people(user) -> Select:
    """The persons whose identity and contact details the user may read and change: those who take part
    (now or earlier) in a case the user may see (docs/security.md, P1). Another case of the association
    that the user may not see never lends them its people."""
    case_ids = visible_cases(user).with_only_columns(Case.id)
    return select(Person).where(Person.id.in_(select(Participant.person_id).where(Participant.case_id.in_(case_ids))))


def is_assigned(user, case: Case) -> bool:
    return any(assignment.user_id == user.id for assignment in case.assignments)


def is_lead(user, case: Case) -> bool:
    return any(a.user_id == user.id and a.role is AssignmentRole.LEAD for a in case.assignments)


def can_open_case(user) -> bool:
    """Staff open cases; supervisors review them (and may open one too)."""
    return _role(user) in (Role.MEDIATOR, Role.SUPERVISOR)


def is_supervisor_of(user, case: Case) -> bool:
    """A supervisor of the case's association (who may act on any of its cases)."""
    return _role(user) == Role.SUPERVISOR and user.association_id == case.association_id


def can_edit_case(user, case: Case) -> bool:
    """Assigned staff work the case; a supervisor may too. A closed case is read-only."""
    if not case.is_open:
        return False
    return is_assigned(user, case) or is_supervisor_of(user, case)


def can_decide_screening(user, case: Case) -> bool:
    """Only a supervisor decides after a positive screen (docs/domain.md, DOM27)."""
    return is_supervisor_of(user, case)


def can_close(user, case: Case) -> bool:
    """The lead mediator closes (a supervisor records opened-in-error: see services)."""
    return case.is_open and (is_lead(user, case) or _role(user) == Role.SUPERVISOR)


def can_reopen(user, case: Case) -> bool:
    return not case.is_open and is_supervisor_of(user, case)


def can_add_note(user, case: Case) -> bool:
    """Whoever works an open case (its staff, its association's supervisor) may write notes."""
    return can_edit_case(user, case)


def can_edit_note(user, case: Case, note) -> bool:
    """Only the author edits a note, while the case is open (docs/domain.md, DOM39: nobody edits others' notes)."""
    return note.case_id == case.id and note.author_id == user.id and can_edit_case(user, case)


def can_request_decision(user, case: Case) -> bool:
    """A staff member who works an open case asks the supervisors for a decision (docs/domain.md, DOM71);
    a supervisor decides instead."""
    return case.is_open and _role(user) == Role.MEDIATOR and is_assigned(user, case)


def can_manage_co_workers(user, case: Case) -> bool:
    """The lead, or a supervisor of the association, on an open case."""
    return case.is_open and (is_lead(user, case) or is_supervisor_of(user, case))


def can_decide_duplicates(user) -> bool:
    """Whether two records are one person is a supervisor's decision: they see every case of the
    association (docs/security.md, P5)."""
    return _role(user) == Role.SUPERVISOR and user.association_id is not None
