"""Demo post-closure follow-ups (docs/domain.md, DOM93-DOM95): the plan of every closed demo case whose outcome
plans one, as the closure service's event makes it (the demo cases are written without that service), and the
record of those already due a week or more, so that a newcomer sees follow-ups done, one that did not hold in
the supervisor's queue, and one due in the lead's worklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mediation.aftercare.codes import AftercareAction, AftercareStatus, ContactMode
from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.services.plan import PLANNED_AFTER, plan_follow_ups
from mediation.cases.codes import FollowUpResult
from mediation.cases.models import Case, Closure, Participant
from mediation.core import clock
from mediation.core.audit import AuditAction, record

RECORDED_AFTER_DAYS = 7  # a follow-up due this long ago has been recorded


@dataclass(frozen=True)
class DemoRecord:
    result: FollowUpResult
    action: AftercareAction
    note: str
    new_proceedings: bool = False


# By months after the closure.
RECORDS = {
    1: DemoRecord(FollowUpResult.HOLDING, AftercareAction.NONE,
                  "Les visites ont lieu comme convenu ; les deux parents sont satisfaits. (démo)"),
    3: DemoRecord(FollowUpResult.NOT_HOLDING, AftercareAction.REFERRAL,
                  "Le père ne vient plus chercher les enfants ; la mère souhaite un conseil juridique. (démo)"),
}


def _record_due(session: Session, case: Case, planned: list[PostClosureFollowUp]) -> None:
    today = clock.today()
    party = session.scalar(select(Participant).where(Participant.case_id == case.id,
                                                     Participant.is_requesting_party.is_(True)))
    for follow_up in planned:
        spec = RECORDS.get(follow_up.months_after)
        if spec is None or follow_up.due_on > today - timedelta(days=RECORDED_AFTER_DAYS):
            continue
        reached = party is not None and party.person.may_contact
        follow_up.status = AftercareStatus.DONE
        follow_up.done_on = follow_up.due_on + timedelta(days=2)
        follow_up.done_by_id = follow_up.assigned_to_id
        follow_up.contact_mode = ContactMode.PHONE if reached else ContactMode.NOT_REACHED
        follow_up.contacted_id = party.id if reached else None
        follow_up.result = spec.result if reached else FollowUpResult.UNREACHABLE
        follow_up.new_proceedings = spec.new_proceedings if reached else None
        follow_up.action = spec.action
        follow_up.note = spec.note
        session.flush()
        record(session, AuditAction.UPDATE, entity="post_closure_follow_up", entity_id=follow_up.public_id,
               association_id=case.association_id, actor_role="cli")


def load_demo_follow_ups(session: Session, references: list[str]) -> int:
    """Plan the follow-ups of the demo cases just created (`references`) that closed with an agreement or a
    reconciliation and have none yet, and record those due a week ago or more; how many were planned."""
    if not references:
        return 0
    closures = session.execute(
        select(Case, Closure).join(Closure, Closure.case_id == Case.id)
        .where(Case.reference.in_(references), Closure.reopened_at.is_(None), Closure.outcome.in_(PLANNED_AFTER),
               ~exists().where(PostClosureFollowUp.closure_id == Closure.id))).all()
    planned = 0
    for case, closure in closures:
        made = plan_follow_ups(session, case, closure, actor=closure.closed_by, audit_role="cli")
        _record_due(session, case, made)
        planned += len(made)
    return planned
