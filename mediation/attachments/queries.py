"""The reads behind the attachment pages and the case page's section (docs/architecture.md, A2, A3)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.attachments.models import Attachment
from mediation.attachments.policies import can_open_attachment
from mediation.cases.models import Case


def attachments_of(session: Session, case: Case, user) -> list[Attachment]:
    """The case's attachments this user may open, newest document first; one query."""
    rows = session.scalars(select(Attachment).where(Attachment.case_id == case.id)
                           .order_by(Attachment.document_date.desc(), Attachment.id.desc())).unique()
    return [row for row in rows if can_open_attachment(user, case, row)]


def attachment_of(session: Session, case: Case, public_id: uuid.UUID, user) -> Attachment | None:
    """An attachment of this case the user may open; any other is None, exactly as an unknown id."""
    row = session.scalar(select(Attachment).where(Attachment.case_id == case.id, Attachment.public_id == public_id))
    return row if row is not None and can_open_attachment(user, case, row) else None


def attachments_of_case_ids(session: Session, case_ids: list[int]) -> list[Attachment]:
    """Every attachment of these cases (the access export's list; retention)."""
    if not case_ids:
        return []
    return list(session.scalars(select(Attachment).where(Attachment.case_id.in_(case_ids))
                                .order_by(Attachment.case_id, Attachment.document_date, Attachment.id)).unique())
