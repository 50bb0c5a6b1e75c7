"""Correcting the case's intake details and managing its co-workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import CourtStage, Issue, NoticeKind, ReferralSource
from mediation.cases.models import AssignmentRole, Case, CaseIssue
from mediation.cases.services.intake import add_co_worker
from mediation.cases.services.notices import notify
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.crypto import blind_index
from mediation.core.errors import StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned

# The refusal when someone saved first (docs/security.md, S31): StaleRecord, 409.
STALE_CASE_DETAILS = _l(
    "Someone else changed this case while you were editing it. Nothing of yours was saved: "
    "compare your input with the saved values, then save again.")


@dataclass(frozen=True)
class CaseDetails:
    issues: tuple[Issue, ...]
    referral_source: ReferralSource
    court_stage: CourtStage
    court_file_no: str | None
    request_summary: str | None
    follow_up_on: date | None


def update_case_details(session: Session, case: Case, data: CaseDetails, *, actor: StaffUser,
                        expected_version: int) -> None:
    """Correct intake details of an open case; the same rules as at intake; never a silent overwrite."""
    if expected_version != case.version_id:
        raise StaleRecord(STALE_CASE_DETAILS)
    if not data.issues:
        raise ValidationFailed(_l("Choose at least one issue."), field="issues")
    stage = CourtStage(data.court_stage)
    if data.court_file_no and stage is CourtStage.NONE:
        raise ValidationFailed(_l("A court file number needs a court stage."), field="court_file_no")
    if data.follow_up_on is not None and data.follow_up_on < clock.today():
        raise ValidationFailed(_l("The follow-up date cannot be in the past."), field="follow_up_on")
    wanted = list(dict.fromkeys(Issue(issue) for issue in data.issues))
    if wanted != case.issues:
        case.issue_rows = [CaseIssue(issue=issue) for issue in wanted]
    case.referral_source = ReferralSource(data.referral_source)
    case.court_stage = stage
    case.court_linked = stage is not CourtStage.NONE
    if (data.court_file_no or None) != case.court_file_no:
        case.court_file_no = data.court_file_no or None
        case.court_file_bidx = (blind_index("court_file", case.association_id, data.court_file_no)
                                if data.court_file_no else None)
    if (data.request_summary or None) != case.request_summary:
        case.request_summary = data.request_summary or None
    case.follow_up_on = data.follow_up_on
    case.updated_at = clock.now()  # always update the row, so its version is checked and bumped
    flush_versioned(session, STALE_CASE_DETAILS)
    record(session, AuditAction.UPDATE, entity="case", entity_id=case.public_id, association_id=case.association_id)


def add_case_co_worker(session: Session, case: Case, user_id: int, *, actor: StaffUser) -> None:
    """Add a staff member of the association (any profession) as co-worker; audited, and they are told
    (docs/domain.md, DOM72)."""
    already = any(a.user_id == user_id for a in case.assignments)
    add_co_worker(session, case, user_id, actor=actor)
    if not already:
        notify(session, case, NoticeKind.CO_WORKER, [user_id], actor=actor)


def remove_co_worker(session: Session, case: Case, user_id: int, *, actor: StaffUser) -> None:
    """A co-worker leaves the case (and loses access to it); the lead cannot be removed here."""
    assignment = next((a for a in case.assignments if a.user_id == user_id), None)
    if assignment is None:
        raise ValidationFailed(_l("This staff member does not work on the case."), field="user_id")
    if assignment.role is AssignmentRole.LEAD:
        raise ValidationFailed(_l("The lead cannot be removed; a supervisor reassigns the case."), field="user_id")
    case.assignments.remove(assignment)
    session.flush()
    record(session, AuditAction.UPDATE, entity="case", entity_id=case.public_id, association_id=case.association_id)
