"""Drafting, revising and concluding a case's agreement: every save is a new version (docs/domain.md, DOM77-DOM79).

The service checks the rules again whatever the form sent, writes one version with its points and signatures,
flushes and records its audit event; it never commits (the route does, docs/architecture.md, A2).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.agreements.models import POINT_TEXT_MAX, Agreement, AgreementPoint, AgreementSignature, AgreementVersion
from mediation.agreements.policies import can_write_agreement
from mediation.agreements.queries import agreement_of
from mediation.agreements.rules import derive_level
from mediation.cases.codes import AgreementForm, AgreementNature, Issue, ParticipantRole, PointStatus
from mediation.cases.models import Case, Participant
from mediation.cases.queries import active_participants
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.codes import parse_code, parse_optional_code
from mediation.core.errors import DomainError, StaleRecord, ValidationFailed
from mediation.core.models import flush_versioned
from mediation.core.text import bounded_text

STALE_AGREEMENT = _l(
    "Someone saved a new version of this agreement while you were filling in the form. Nothing was saved: "
    "read the latest version, then try again.")


class AgreementNotAllowed(DomainError):
    message = _l("Only the staff of an open case write its agreement.")
    status = 403


@dataclass(frozen=True)
class PointData:
    issue: Issue | str
    status: PointStatus | str | None
    text: str | None = None


@dataclass(frozen=True)
class AgreementData:
    nature: AgreementNature | str | None
    form: AgreementForm | str | None
    points: tuple[PointData, ...]
    signed_by: tuple[uuid.UUID, ...] = ()
    signed_on: date | None = None
    submitted_to_court: bool | None = None
    concluded_on: date | None = None


def point_field(issue: Issue, part: str) -> str:
    """The name of a point's field on the form, which a refusal names too ("point_custody_status")."""
    return f"point_{issue.value}_{part}"


def signatories(session: Session, case: Case) -> list[Participant]:
    """Who may sign: the case's active adult parties (a child of the family never signs)."""
    return [participant for participant in active_participants(session, case)
            if participant.is_party and participant.role is not ParticipantRole.CHILD]


def _day(value: date | None, case: Case, field: str) -> date | None:
    """A day that has happened, within the life of the case."""
    if value is None:
        return None
    if value > clock.today():
        raise ValidationFailed(_l("This date cannot be in the future."), field=field)
    if value < case.opened_on:
        raise ValidationFailed(_l("This date cannot be before the case was opened."), field=field)
    return value


def _points(case: Case, given: tuple[PointData, ...]) -> list[AgreementPoint]:
    """One point per issue of the case, in the case's order, each with a status (DOM77)."""
    issues = case.issues
    if not issues:
        raise ValidationFailed(_l("Record the issues of the case before drafting its agreement: the agreement "
                                  "has one point per issue."))
    by_issue: dict[Issue, PointData] = {}
    for given_point in given:
        try:
            issue = Issue(given_point.issue)
        except ValueError:
            issue = None
        if issue not in issues:
            raise ValidationFailed(_l("An agreement covers only the issues of its case."))
        by_issue[issue] = given_point
    points = []
    for position, issue in enumerate(issues):
        point = by_issue.get(issue)
        status_field = point_field(issue, "status")
        status = parse_code(PointStatus, point.status if point else None,
                            _l("Choose agreed, partly agreed or not agreed for this point."), status_field)
        text = bounded_text(point.text if point else None, point_field(issue, "text"), POINT_TEXT_MAX)
        points.append(AgreementPoint(issue=issue, position=position, status=status, text=text))
    return points


def _signatures(session: Session, case: Case, data: AgreementData, form: AgreementForm | None,
                concluded_on: date | None) -> tuple[list[AgreementSignature], date | None]:
    signed_on = _day(data.signed_on, case, "signed_on")
    wanted = list(dict.fromkeys(data.signed_by))
    if (wanted or signed_on) and form is not AgreementForm.WRITTEN_SIGNED:
        raise ValidationFailed(_l("Signatures go only with a written and signed agreement."), field="signed_by")
    by_public_id = {participant.public_id: participant for participant in signatories(session, case)}
    if any(public_id not in by_public_id for public_id in wanted):
        raise ValidationFailed(_l("Only a party of the case signs its agreement."), field="signed_by")
    if wanted and signed_on is None:
        raise ValidationFailed(_l("Give the date of the signatures."), field="signed_on")
    if signed_on is not None and not wanted:
        raise ValidationFailed(_l("Tick who signed the agreement."), field="signed_by")
    if concluded_on is not None and form is AgreementForm.WRITTEN_SIGNED and not wanted:
        raise ValidationFailed(_l("A written and signed agreement is concluded once a party has signed it: tick "
                                  "who signed."), field="signed_by")
    return [AgreementSignature(participant_id=by_public_id[public_id].id) for public_id in wanted], signed_on


def save_version(session: Session, case: Case, data: AgreementData, *, actor: StaffUser,
                 expected_number: int | None = None) -> AgreementVersion:
    """Write the agreement's next version: a draft, or, with a date of conclusion, the agreement concluded.

    `expected_number` is the latest version the form was filled from (0 for none): a save made from an older
    page is refused as stale, never written over the newer one (docs/security.md, S31).
    """
    if not can_write_agreement(actor, case):
        raise AgreementNotAllowed()
    agreement = agreement_of(session, case)
    latest_number = agreement.latest_number if agreement is not None else 0
    if expected_number is not None and expected_number != latest_number:
        raise StaleRecord(STALE_AGREEMENT)
    nature = parse_code(AgreementNature, data.nature, _l("Choose the nature of the agreement."), "nature")
    form = parse_optional_code(AgreementForm, data.form, _l("Choose the form of the agreement."), "agreement_form")
    concluded_on = _day(data.concluded_on, case, "concluded_on")
    if concluded_on is not None and form is None:
        raise ValidationFailed(_l("Choose the form of the agreement before concluding it."), field="agreement_form")
    if data.submitted_to_court not in (None, True, False):
        raise ValidationFailed(_l("Choose yes or no."), field="submitted_to_court")
    points = _points(case, data.points)
    signatures, signed_on = _signatures(session, case, data, form, concluded_on)

    if agreement is None:
        agreement = Agreement(case_id=case.id, latest_number=0)
        session.add(agreement)
        session.flush()  # its id, for the version
    agreement.latest_number = latest_number + 1
    version = AgreementVersion(
        agreement_id=agreement.id, case_id=case.id, number=agreement.latest_number, nature=nature, form=form,
        level=derive_level(point.status for point in points), concluded_on=concluded_on, signed_on=signed_on,
        submitted_to_court=data.submitted_to_court, created_by_id=actor.id, points=points, signatures=signatures,
    )
    session.add(version)
    flush_versioned(session, STALE_AGREEMENT)
    record(session, AuditAction.CREATE, entity="agreement_version", entity_id=version.public_id,
           association_id=case.association_id)
    return version
