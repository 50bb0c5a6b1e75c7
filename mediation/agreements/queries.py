"""Reads of a case's agreement: its latest version, its latest concluded one, its history (docs/domain.md, DOM79).

Each read is a fixed number of statements, whatever the number of versions (the case page, docs/architecture.md,
U2): one for the versions asked for, and one each for their points and signatures (selectin).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.agreements.models import Agreement, AgreementClosure, AgreementVersion
from mediation.cases.models import Case


def agreement_of(session: Session, case: Case) -> Agreement | None:
    return session.scalar(select(Agreement).where(Agreement.case_id == case.id))


def latest_version(session: Session, case_id: int) -> AgreementVersion | None:
    return session.scalar(select(AgreementVersion).where(AgreementVersion.case_id == case_id)
                          .order_by(AgreementVersion.number.desc()).limit(1))


def latest_concluded(session: Session, case_id: int) -> AgreementVersion | None:
    """The agreement the case rests on: its latest concluded version (a later draft revises it, not yet in force)."""
    return session.scalar(select(AgreementVersion)
                          .where(AgreementVersion.case_id == case_id, AgreementVersion.concluded_on.is_not(None))
                          .order_by(AgreementVersion.number.desc()).limit(1))


def versions_of(session: Session, case: Case) -> list[AgreementVersion]:
    """Every version, newest first (the history page)."""
    return list(session.scalars(select(AgreementVersion).where(AgreementVersion.case_id == case.id)
                                .order_by(AgreementVersion.number.desc())))


def version_linked_to(session: Session, closure_id: int) -> AgreementVersion | None:
    return session.scalar(select(AgreementVersion).join(AgreementClosure,
                                                        AgreementClosure.version_id == AgreementVersion.id)
                          .where(AgreementClosure.closure_id == closure_id))


@dataclass(frozen=True)
class AgreementSummary:
    """What the case page shows: the latest version, the one in force, and how many versions there are."""

    latest: AgreementVersion | None
    concluded: AgreementVersion | None
    count: int


def summary_of(session: Session, case: Case) -> AgreementSummary:
    count = session.scalar(select(func.count()).select_from(AgreementVersion)
                           .where(AgreementVersion.case_id == case.id)) or 0
    if not count:
        return AgreementSummary(None, None, 0)
    latest = latest_version(session, case.id)
    concluded = latest if latest is not None and latest.is_concluded else latest_concluded(session, case.id)
    return AgreementSummary(latest, concluded, count)
