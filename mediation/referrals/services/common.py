"""What the referral services share: finding the participant, the refusals."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.models import Case, Participant
from mediation.core.errors import DomainError, ValidationFailed


class NotAllowed(DomainError):
    """A matter of rights (403): the page's policy already hides the action from this user."""

    message = _l("You may not change the referrals of this case.")
    status = 403


def participant_of(session: Session, case: Case, public_id: uuid.UUID | str | None) -> Participant:
    """An active participant of this case (DOM85); anyone else is refused as if unknown."""
    message = _l("Choose the person referred.")
    try:
        wanted = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        raise ValidationFailed(message, field="participant") from None
    participant = session.scalar(select(Participant).where(
        Participant.case_id == case.id, Participant.public_id == wanted, Participant.active.is_(True)))
    if participant is None:
        raise ValidationFailed(message, field="participant")
    return participant
