"""Reads of the SMS texts (docs/domain.md, DOM146)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.sms_templates.codes import MessageKind, TemplateLanguage
from mediation.sms_templates.models import SmsTemplate


def texts_of(session: Session, association_id: int) -> dict[tuple[MessageKind, TemplateLanguage], SmsTemplate]:
    """The association's own texts by (kind, language)."""
    rows = session.scalars(select(SmsTemplate).where(SmsTemplate.association_id == association_id))
    return {(row.kind, row.language): row for row in rows}


def text_of(session: Session, association_id: int, kind: MessageKind,
            language: TemplateLanguage) -> SmsTemplate | None:
    return session.scalar(select(SmsTemplate).where(SmsTemplate.association_id == association_id,
                                                    SmsTemplate.kind == kind, SmsTemplate.language == language))
