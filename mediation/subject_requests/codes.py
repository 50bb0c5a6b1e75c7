"""The code lists the register of data-subject requests stores (docs/domain.md, DOM60).

Each member declares its English label beside its code (`mediation.core.codes.Code`); codes are
frozen once released (DOM62).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class RequestType(Code):
    """The right the person exercises (Law 09-08: access, rectification, opposition)."""

    ACCESS = "access", _l("Access to their data")
    RECTIFICATION = "rectification", _l("Rectification")
    # Translators: the person objects to the processing of their data (Law 09-08, right of opposition).
    OPPOSITION = "opposition", _l("Opposition to processing")


class RequestOutcome(Code):
    """How the association answered."""

    GRANTED = "granted", _l("Granted")
    PARTLY_GRANTED = "partly_granted", _l("Partly granted")
    REFUSED = "refused", _l("Refused")
    WITHDRAWN = "withdrawn", _l("Withdrawn by the person")
