"""The reads behind a case's supervision section: its reviews, latest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.models import Case
from mediation.supervision.models import SupervisionReview


def reviews_of(session: Session, case: Case) -> list[SupervisionReview]:
    return list(session.scalars(select(SupervisionReview).where(SupervisionReview.case_id == case.id)
                                .order_by(SupervisionReview.reviewed_on.desc(), SupervisionReview.id.desc())))
