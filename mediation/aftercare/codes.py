"""The code lists of post-closure follow-ups (docs/domain.md, DOM63, DOM93-DOM95).

The result of a follow-up (`FollowUpResult`) lives in mediation/cases/codes.py with the other outcome codes.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class AftercareStatus(Code):
    PLANNED = "planned", _l("Planned")
    # Translators: a post-closure follow-up that has been recorded (French "Effectué").
    DONE = "done", _l("Recorded")
    # Translators: a post-closure follow-up no longer needed because the case was reopened.
    CANCELLED = "cancelled", _l("Cancelled: the case was reopened")


class ContactMode(Code):
    PHONE = "phone", _l("Reached by phone")
    MET = "met", _l("Met in person")
    NOT_REACHED = "not_reached", _l("Not reached")


class AftercareAction(Code):
    NONE = "none", _l("No further action")
    REOPEN_REQUESTED = "reopen_requested", _l("Ask a supervisor to reopen the case")
    REFERRAL = "referral", _l("Refer to another service")
