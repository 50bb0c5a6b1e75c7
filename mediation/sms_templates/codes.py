"""The code lists of SMS texts: which message, in which language (docs/domain.md, DOM146)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class MessageKind(Code):
    """A message an SMS carries to a family member."""

    APPOINTMENT_REMINDER = "appointment_reminder", _l("Appointment reminder")
    # Translators: the SMS sent when an appointment is booked for a party (a convocation), Arabic استدعاء.
    CONVOCATION = "convocation", _l("Convocation to a booked appointment")
    GROUP_REMINDER = "group_reminder", _l("Group session reminder")


class TemplateLanguage(Code):
    """The language and script of an SMS text; Darija only where the association writes one (DOM148)."""

    AR = "ar", _l("Arabic")
    FR = "fr", _l("French")
    # Translators: Moroccan Arabic written in Latin letters ("Tadkir: maw3id...").
    ARY_LATN = "ary_latn", _l("Darija in Latin script")
    ARY_ARAB = "ary_arab", _l("Darija in Arabic script")


# The languages with a built-in text: Darija has none, its speakers get the Arabic one.
BUILT_IN = (TemplateLanguage.AR, TemplateLanguage.FR)
