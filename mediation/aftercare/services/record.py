"""Recording a post-closure follow-up, and a supervisor taking an alert out of their queue (docs/domain.md,
DOM94, DOM95). Each function checks the rules again whatever the form offered, flushes and never commits."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.aftercare.codes import AftercareAction, AftercareStatus, ContactMode
from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.policies import can_mark_seen, can_record
from mediation.aftercare.rules import NOTE_MAX
from mediation.aftercare.services.plan import AUDIT_ENTITY
from mediation.cases.codes import FollowUpResult
from mediation.cases.models import Case, Participant
from mediation.cases.queries import active_participants
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text

STALE = _l("Someone else saved this follow-up while you were filling in the form. Nothing was saved: "
           "check it, then try again.")
# The answers of "new court proceedings": unknown only when nobody was reached.
PROCEEDINGS = {"yes": True, "no": False, "unknown": None}


class NotRecordable(DomainError):
    message = _l("Only the staff of the closed case record its planned post-closure follow-ups.")
    status = 403


class NotAnAlert(DomainError):
    message = _l("This follow-up is not waiting for a supervisor.")


@dataclass(frozen=True)
class FollowUpRecord:
    contact_mode: str | None
    contacted: str | None  # the participant's public id
    result: str | None
    new_proceedings: str | None  # "yes", "no" or "unknown"
    action: str | None
    note: str | None = None


def parties_by_contact(session: Session, case: Case) -> tuple[list[Participant], list[Participant]]:
    """The case's active parties whose contact profile allows the service to contact them, and those who asked
    not to be contacted (docs/domain.md, DOM19, DOM94): a follow-up offers, and accepts, only the first."""
    parties = [party for party in active_participants(session, case) if party.is_party]
    return ([party for party in parties if party.person.may_contact],
            [party for party in parties if not party.person.may_contact])


def contactable_parties(session: Session, case: Case) -> list[Participant]:
    return parties_by_contact(session, case)[0]


def _contacted(session: Session, case: Case, public_id: str | None, mode: ContactMode) -> Participant | None:
    if not public_id:
        if mode is ContactMode.NOT_REACHED:
            return None  # nobody may be contacted, or the attempt is not tied to one party
        raise ValidationFailed(_l("Choose the party you spoke with."), field="contacted")
    for party in contactable_parties(session, case):
        if str(party.public_id) == public_id:
            return party
    # Unknown, of another case, or a party whose profile forbids contact: the same refusal.
    raise ValidationFailed(_l("Choose one of the parties the service may contact."), field="contacted")


def _result(data: FollowUpRecord, mode: ContactMode) -> tuple[FollowUpResult, bool | None]:
    result = parse_code(FollowUpResult, data.result or None, _l("Choose the result."), "result")
    if data.new_proceedings not in PROCEEDINGS:
        raise ValidationFailed(_l("Say whether new court proceedings were started."), field="new_proceedings")
    proceedings = PROCEEDINGS[data.new_proceedings]
    if mode is ContactMode.NOT_REACHED:
        if result is not FollowUpResult.UNREACHABLE:
            raise ValidationFailed(_l("When nobody was reached, the result is “Could not be reached”."),
                                   field="result")
        return result, proceedings
    if result is FollowUpResult.UNREACHABLE:
        raise ValidationFailed(_l("“Could not be reached” goes only with a contact that did not happen."),
                               field="result")
    if proceedings is None:
        raise ValidationFailed(_l("You spoke with the family: say whether new court proceedings were started."),
                               field="new_proceedings")
    return result, proceedings


def record_follow_up(session: Session, case: Case, follow_up: PostClosureFollowUp, data: FollowUpRecord, *,
                     actor: StaffUser, expected_version: int | None = None) -> PostClosureFollowUp:
    """Record how the contact went, the result and what follows, dated today (docs/domain.md, DOM94)."""
    if not can_record(actor, case, follow_up):
        raise NotRecordable()
    if expected_version is not None and expected_version != follow_up.version_id:
        raise StaleRecord(STALE)
    mode = parse_code(ContactMode, data.contact_mode or None, _l("Say how the contact went."), "contact_mode")
    contacted = _contacted(session, case, data.contacted, mode)
    result, proceedings = _result(data, mode)
    action = parse_code(AftercareAction, data.action or None, _l("Choose what follows."), "action")
    note = bounded_text(data.note, "note", NOTE_MAX)

    follow_up.contact_mode = mode
    follow_up.contacted_id = contacted.id if contacted is not None else None
    follow_up.result = result
    follow_up.new_proceedings = proceedings
    follow_up.action = action
    follow_up.note = note
    follow_up.status = AftercareStatus.DONE
    follow_up.done_on = clock.today()
    follow_up.done_by_id = actor.id
    flush_versioned(session, STALE)
    record(session, AuditAction.UPDATE, entity=AUDIT_ENTITY, entity_id=follow_up.public_id,
           association_id=case.association_id)
    return follow_up


def mark_seen(session: Session, case: Case, follow_up: PostClosureFollowUp, *, actor: StaffUser) -> None:
    """A supervisor has taken note of an alert (and acted on it elsewhere): it leaves their queue."""
    if not can_mark_seen(actor, case, follow_up):
        raise NotAnAlert()
    follow_up.seen_at = clock.now()
    follow_up.seen_by_id = actor.id
    flush_versioned(session, STALE)
    record(session, AuditAction.UPDATE, entity=AUDIT_ENTITY, entity_id=follow_up.public_id,
           association_id=case.association_id)
