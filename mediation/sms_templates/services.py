"""Saving and resetting an association's SMS texts (docs/domain.md, DOM146-DOM147; docs/security.md, S84).

A text is saved only when it passes every rule of DOM147 with the sample values; a reset removes the
association's text, so the built-in one is sent again. Each change writes its audit event, ids only
(the text itself is never in the trail). Flushes, never commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts.models import Association, StaffUser
from mediation.accounts.services import NotAllowed
from mediation.core.audit import AuditAction, record
from mediation.core.errors import ValidationFailed
from mediation.sms_templates.codes import MessageKind, TemplateLanguage
from mediation.sms_templates.models import SmsTemplate
from mediation.sms_templates.policies import can_manage_sms_templates
from mediation.sms_templates.queries import text_of
from mediation.sms_templates.render import preview


def _audit(session: Session, action: AuditAction, template: SmsTemplate, actor: StaffUser) -> None:
    record(session, action, entity="sms_template", entity_id=template.public_id, actor_id=actor.id,
           actor_role=str(actor.role), association_id=template.association_id)


def _lock(session: Session, association: Association) -> None:
    # Two supervisors saving the same text at once are serialised: the second updates the first's row.
    session.execute(select(Association.id).where(Association.id == association.id).with_for_update())


def save_text(session: Session, association: Association, kind: MessageKind, language: TemplateLanguage,
              text: str | None, *, actor: StaffUser) -> SmsTemplate:
    """Store the association's text of `kind` in `language`, checked against DOM147 first."""
    if not can_manage_sms_templates(actor, association):
        raise NotAllowed()
    cleaned = (text or "").strip().replace("\r\n", "\n")
    report = preview(association, language, cleaned)
    if not report.ok:
        raise ValidationFailed(report.errors[0], field="text")
    _lock(session, association)
    template = text_of(session, association.id, kind, language)
    if template is None:
        template = SmsTemplate(association_id=association.id, kind=kind, language=language, text=cleaned,
                               updated_by_id=actor.id)
        session.add(template)
        session.flush()
        _audit(session, AuditAction.CREATE, template, actor)
    else:
        template.text, template.updated_by_id = cleaned, actor.id
        session.flush()
        _audit(session, AuditAction.UPDATE, template, actor)
    return template


def reset_text(session: Session, association: Association, kind: MessageKind, language: TemplateLanguage, *,
               actor: StaffUser) -> bool:
    """Remove the association's text (the built-in one is sent again); False when there was none."""
    if not can_manage_sms_templates(actor, association):
        raise NotAllowed()
    _lock(session, association)
    template = text_of(session, association.id, kind, language)
    if template is None:
        return False
    _audit(session, AuditAction.UPDATE, template, actor)
    session.delete(template)
    session.flush()
    return True
