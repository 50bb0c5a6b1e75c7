"""The code lists a supervision review stores (docs/domain.md, DOM48, DOM63).

Each member declares its English label beside its code (`mediation.core.codes.Code`); codes are
frozen once released (DOM62).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class SupervisionDecision(Code):
    # Translators: a supervisor's decision on a case (French "Poursuivre"); not the "Continue" button.
    CONTINUE = "continue", _l("Continue as planned")
    CHANGE_APPROACH = "change_approach", _l("Change approach or adaptations")
    REASSIGN = "reassign", _l("Reassign the case")
    CLOSE = "close", _l("Close the case")
    SAFEGUARDING = "safeguarding", _l("Safeguarding escalation")
    # Refer the family to another service (docs/domain.md, DOM48).
    REFER = "refer", _l("Refer to another service")


class SupervisionTrigger(Code):
    """Why a supervision review took place (docs/domain.md, DOM48)."""

    PERIODIC = "periodic", _l("Periodic review")
    POSITIVE_SCREEN = "positive_screen", _l("Positive screening")
    FOLLOW_UP_ALERT = "follow_up_alert", _l("Follow-up alert")
    MEDIATOR_REQUEST = "mediator_request", _l("Requested by the staff member")
    REOPEN = "reopen", _l("Reopened case")
