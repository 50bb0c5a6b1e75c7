"""The code lists an appointment stores (docs/domain.md, DOM45, DOM63).

Each member declares its English label beside its code (`mediation.core.codes.Code`); codes are
frozen once released (DOM62). `SessionMode` lives here, the lowest package that stores it: the
session log above records the mode of a meeting held. `SessionType` is in `mediation/cases/codes.py`.
The groups of statuses that the services and the queries both read follow the statuses.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class SessionMode(Code):
    IN_PERSON = "in_person", _l("In person")
    # Translators: how a session was held (Arabic بالهاتف).
    PHONE = "phone", _l("By phone")
    VIDEO = "video", _l("Video")


class AppointmentStatus(Code):
    # Translators: status of an appointment (rendez-vous, موعد).
    SCHEDULED = "scheduled", _l("Scheduled")
    # The party or the staff member confirmed they will come (docs/domain.md, DOM45).
    # Translators: status of an appointment whose attendance was confirmed.
    CONFIRMED = "confirmed", _l("Confirmed")
    CANCELLED_BY_PARTY = "cancelled_by_party", _l("Cancelled by a party")
    CANCELLED_BY_SERVICE = "cancelled_by_service", _l("Cancelled by the service")
    # Translators: status of an appointment that took place.
    HELD = "held", _l("Held")
    # Translators: status of an appointment nobody attended (French "Absence").
    MISSED = "missed", _l("Missed")


# An appointment that still takes the time of its staff and room.
BUSY = frozenset({AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED, AppointmentStatus.HELD})
OPEN = frozenset({AppointmentStatus.SCHEDULED, AppointmentStatus.CONFIRMED})
CANCELLED = frozenset({AppointmentStatus.CANCELLED_BY_PARTY, AppointmentStatus.CANCELLED_BY_SERVICE})
