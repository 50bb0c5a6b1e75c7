"""The appointments blueprint; its routes live in one module per subject.

Features above the appointments add to the appointment page through `appointment_section`, as the
case page's sections do: the session log offers to record the session of a held appointment.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

AppointmentSection = Callable[..., dict]
APPOINTMENT_SECTIONS: list[AppointmentSection] = []


def appointment_section(provider: AppointmentSection) -> AppointmentSection:
    """Register provider(appointment, user) -> dict of template variables for the appointment page."""
    APPOINTMENT_SECTIONS.append(provider)
    return provider


from mediation.appointments.routes import attendance, booking, calendar, feeds, rooms  # noqa: E402,F401  (registers the routes)
