"""Agreements written through the service, for the agreement and closure tests (call outside any app context)."""

from __future__ import annotations

from datetime import date

from mediation.agreements.services import versions as service
from mediation.cases.codes import AgreementForm, AgreementNature, PointStatus
from mediation.core import clock
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor, case_by_public_id

# The level each outcome needs (docs/domain.md, DOM80): every point agreed, or one agreed and one not.
FULL = (PointStatus.AGREED, PointStatus.AGREED)
PARTIAL = (PointStatus.AGREED, PointStatus.NOT_AGREED)
NONE = (PointStatus.NOT_AGREED, PointStatus.NOT_AGREED)


def agreement_data(case, statuses=FULL, *, concluded_on: date | None = None,
                   nature: AgreementNature = AgreementNature.SEPARATION_ARRANGEMENTS,
                   form: AgreementForm | None = AgreementForm.VERBAL, text: str = "نص النقطة") -> service.AgreementData:
    points = tuple(service.PointData(issue=issue, status=status, text=f"{text} {index}")
                   for index, (issue, status) in enumerate(zip(case.issues, statuses, strict=True)))
    return service.AgreementData(nature=nature, form=form, points=points, concluded_on=concluded_on)


def write_agreement(app, case_id: str, username: str, statuses=FULL, *, concluded: bool = True, **values) -> int:
    """Save one version through the service (concluded today unless `concluded` is False); returns its number."""
    with app.app_context():
        case = case_by_public_id(case_id)
        data = agreement_data(case, statuses, concluded_on=clock.today() if concluded else None, **values)
        version = service.save_version(db.session, case, data, actor=actor(username))
        db.session.commit()
        return version.number
