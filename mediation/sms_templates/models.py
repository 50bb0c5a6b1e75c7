"""An association's own SMS text for one kind of message and one language (docs/domain.md, DOM146).

A text holds placeholders and neutral words, never a person's data: it is stored in clear. Its changes
are audited by ids only (docs/security.md, S84).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mediation.core.models import Base, PublicIdMixin, TimestampMixin, code_column
from mediation.sms_templates.codes import MessageKind, TemplateLanguage


class SmsTemplate(PublicIdMixin, TimestampMixin, Base):
    __tablename__ = "sms_template"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("association.id"), nullable=False, index=True)
    kind: Mapped[MessageKind] = mapped_column(code_column(MessageKind, "sms_template_kind"), nullable=False)
    language: Mapped[TemplateLanguage] = mapped_column(code_column(TemplateLanguage, "sms_template_language"),
                                                       nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    __table_args__ = (UniqueConstraint("association_id", "kind", "language", name="uq_sms_template"),)
