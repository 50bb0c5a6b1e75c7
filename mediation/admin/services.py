"""What the account screens do beyond the accounts themselves: end sessions, issue resets, remove a
second factor. These compose the accounts' rules with login's services, so they live with the screen.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.accounts.policies import can_manage_staff, can_reset_second_factor
from mediation.accounts.services import NotAllowed
from mediation.auth.second_factor import reset_second_factor
from mediation.auth.services import end_sessions_of, issue_password_reset


def end_staff_sessions(session: Session, target: StaffUser, *, actor: StaffUser) -> None:
    """End every session of a managed account (audited)."""
    if not can_manage_staff(actor, target):
        raise NotAllowed()
    end_sessions_of(session, target, actor=actor)


def issue_staff_password_reset(session: Session, target: StaffUser, *, actor: StaffUser) -> str:
    """Issue a reset code for an active managed account; it is shown once, never stored in clear."""
    if not can_manage_staff(actor, target):
        raise NotAllowed()
    if not target.active:
        raise NotAllowed(_l("Reactivate the account before issuing a reset code."))
    return issue_password_reset(session, target, actor=actor)


def reset_staff_second_factor(session: Session, target: StaffUser, *, actor: StaffUser) -> None:
    """An administrator removes a lost second factor (audited; the account's sessions end)."""
    if not can_reset_second_factor(actor, target):
        raise NotAllowed()
    reset_second_factor(session, target, actor=actor)
