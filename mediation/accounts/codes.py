"""The code lists the accounts store (docs/domain.md, DOM5).

Each member declares its English label beside its code (`mediation.core.codes.Code`); codes are
frozen once released (DOM62). `Role` and `Profession` stay in `mediation/core/authz.py`, with the
permission table that reads them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class ServicePointKind(Code):
    JISR_AL_USRA = "jisr_al_usra", _l("Jisr al-Usra space")
    MEDIATION_CENTRE = "mediation_centre", _l("Family-mediation centre")
    LISTENING_CENTRE = "listening_centre", _l("Listening centre")
    OTHER = "other", _l("Other")


class AgendaChannel(Code):
    """How a staff member receives their day-before agenda, as they choose it in their account (DOM164)."""

    EMAIL = "email", _l("By e-mail")
    SMS = "sms", _l("By SMS")
    NONE = "none", _l("Not at all")
