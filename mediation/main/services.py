from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.core.i18n import SUPPORTED


def save_language(session: Session, user: StaffUser, language: str) -> None:
    """Remember a supported language as the user's choice."""
    if language not in SUPPORTED:
        raise ValueError("unsupported language")
    user.locale = language
