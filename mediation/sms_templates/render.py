"""The text of one SMS to a family member, from the association's text or the built-in one (DOM146-DOM149).

Every feature that sends an SMS calls `render_sms`; it checks the chosen text again (DOM147), fills its
placeholders, and names the service only where the party's contact profile allows it (DOM149).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mediation.accounts.models import Association
from mediation.core.clock import local_parts, to_utc
from mediation.sms_templates.codes import MessageKind, TemplateLanguage
from mediation.sms_templates.queries import texts_of
from mediation.sms_templates.rules import check_text, default_text, fill, format_language, format_locale, reveals

DATE_PATTERN = "EEE d MMM"
TIME_PATTERN = "HH:mm"
# The moment the preview shows: a weekday with a long name, a two-digit day.
SAMPLE_DAY, SAMPLE_TIME = date(2026, 12, 30), time(10, 30)


def candidates(preferred_language: str | None) -> tuple[TemplateLanguage, ...]:
    """The languages a person's SMS may be written in, best first (DOM148): French speakers read French;
    Darija speakers read Darija where the association wrote it (Arabic script first), else Arabic;
    everyone else Arabic."""
    if preferred_language == "fr":
        return (TemplateLanguage.FR,)
    if preferred_language == "ary":
        return (TemplateLanguage.ARY_ARAB, TemplateLanguage.ARY_LATN, TemplateLanguage.AR)
    return (TemplateLanguage.AR,)


def _values(association: Association | None, language: TemplateLanguage, at: datetime,
            place: Callable[[str], str], *, name_service: bool) -> dict[str, str]:
    """The placeholders' values in `language`; {service} is empty unless the profile allows naming it."""
    with force_locale(format_locale(language)):
        where = place(format_language(language)).strip()
        if not name_service and reveals(where):
            # Translators: the place of an appointment in an SMS when the room's own name cannot be sent.
            where = _("at the usual place")
        service = ""
        if name_service and association is not None:
            service = association.name(format_language(language))
        return {"date": format_date(local_parts(at)[0], DATE_PATTERN), "time": format_datetime(at, TIME_PATTERN),
                "place": where, "phone": (association.phone or "").strip() if association is not None else "",
                "service": service}


def render_sms(session: Session, association: Association | None, kind: MessageKind, preferred_language: str | None,
               *, at: datetime, place: Callable[[str], str], name_service: bool) -> tuple[str, str]:
    """(language, text) of one SMS of `kind` to a person whose preferred language is `preferred_language`
    (a `PreferredLanguage` or its code: "ar", "ary", "zgh", "fr"; None: Arabic), expected at `at` (UTC) at
    `place`.

    `place(language)` gives the place's words in "ar" or "fr" (called under that locale); say the room alone
    unless `name_service`. `name_service` is the party's contact profile's (DOM144): without it {service} is
    removed and a place whose words reveal the service becomes "at the usual place". The association's own
    text is used when it passes the rules now (DOM147), else the next language of `candidates`, else the
    built-in text. The language returned is "ar" or "fr" (Darija: the script's), for the outbox."""
    own = texts_of(session, association.id) if association is not None else {}
    for language in candidates(preferred_language):
        template = own.get((kind, language))
        if template is None:
            continue
        values = _values(association, language, at, place, name_service=name_service)
        if check_text(template.text, values).ok:
            return format_language(language), fill(template.text, values)
    language = TemplateLanguage.FR if preferred_language == "fr" else TemplateLanguage.AR
    values = _values(association, language, at, place, name_service=name_service)
    text = default_text(kind, language, with_phone=bool(values["phone"]))
    assert text is not None
    return format_language(language), fill(text, values)


def sample_values(association: Association, language: TemplateLanguage) -> dict[str, str]:
    """The values a preview fills and the length is measured with (DOM147): the association's phone and name
    (the longest the message can be), a sample day and a sample room."""
    at = to_utc(SAMPLE_DAY, SAMPLE_TIME)
    # Translators: a sample room name shown in the preview of an SMS text.
    return _values(association, language, at, lambda _language: _("Room 2"), name_service=True)


def preview(association: Association, language: TemplateLanguage, text: str):
    """The check of `text` with the sample values (a `rules.Report`)."""
    return check_text(text, sample_values(association, language))


def shown_default(kind: MessageKind, language: TemplateLanguage, association: Association) -> str | None:
    """The built-in text as the association's parties get it (with or without its phone), None for Darija."""
    return default_text(kind, language, with_phone=bool((association.phone or "").strip()))
