"""What an SMS to a family member may say, and how long it is (docs/domain.md, DOM144, DOM147).

The one list of revealing words lives here, below every feature that writes an SMS: the appointments'
reminders, the groups' reminders and the convocations import it from here (floors point down).
A text is checked when a supervisor saves it and again each time a message is rendered from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from mediation.core.i18n import FORMAT_LOCALES
from mediation.outbox.sms import GSM_SINGLE, UCS2_SINGLE, gsm_septets, part_count
from mediation.sms_templates.codes import MessageKind, TemplateLanguage

# The only placeholders a text may hold (DOM146). {date}, {time}: the appointment's; {place}: the room (and
# the service point when the profile allows naming the service); {phone}: the association's; {service}:
# the association's name, filled only when the party's profile allows naming the service, else removed.
PLACEHOLDERS = ("date", "time", "place", "phone", "service")
REQUIRED = ("date", "time")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
TEXT_MAX = 480  # what the form accepts; the rendered text's limit is MAX_PARTS
MAX_PARTS = 3

# Words an SMS never carries unless the profile allows naming the service (DOM144): a room named
# "Salle de médiation" is then left out rather than sent, and a text holding one is refused (DOM147).
REVEALING = ("media", "médiat", "mediat", "violence", "violen", "famil", "conflict", "conflit", "divorce",
             "garde", "custody", "وساطة", "الوساطة", "عنف", "أسر", "طلاق", "حضانة", "نزاع",
             # Darija in Latin script: the same words as families write them.
             "wasata", "wsata", "3onf", "3ounf", "tala9", "tla9", "hadana", "7adana")


def revealing_word(text: str) -> str | None:
    """The first revealing word `text` holds (case and accents as typed are folded), or None."""
    folded = text.casefold()
    return next((word for word in REVEALING if word in folded), None)


def reveals(text: str) -> bool:
    return revealing_word(text) is not None


def format_language(language: TemplateLanguage) -> str:
    """The locale dates are written in: Darija in Latin script reads the French day names, in Arabic the Arabic."""
    return "fr" if language in (TemplateLanguage.FR, TemplateLanguage.ARY_LATN) else "ar"


def format_locale(language: TemplateLanguage) -> str:
    return FORMAT_LOCALES[format_language(language)]


# The built-in texts (DOM146): what an association without a text of its own sends.

_DEFAULTS: dict[MessageKind, tuple[LazyString, LazyString]] = {
    # Translators: an SMS that someone else may read: keep it short (one SMS is 70 Arabic or 160 Latin
    # characters) and neutral, with no word about mediation, family or conflict. Keep every {placeholder}
    # as it is, in Latin letters; {service} disappears when the service may not be named.
    MessageKind.APPOINTMENT_REMINDER: (
        _l("Reminder: appointment on {date} at {time}, {place}. To change: {phone} {service}"),
        # Translators: the same SMS when the association has no phone number; keep {placeholders} as they are.
        _l("Reminder: appointment on {date} at {time}, {place}. {service}")),
    MessageKind.CONVOCATION: (
        # Translators: an SMS telling a party an appointment was booked for them: short and neutral, no word
        # about mediation, family or conflict. Keep every {placeholder} as it is.
        _l("You are expected on {date} at {time}, {place}. To change: {phone} {service}"),
        # Translators: the same SMS when the association has no phone number; keep {placeholders} as they are.
        _l("You are expected on {date} at {time}, {place}. {service}")),
    MessageKind.GROUP_REMINDER: (
        # Translators: an SMS reminding a parent of a group session: short and neutral, never the word
        # "group", "parenting" or "family". Keep every {placeholder} as it is.
        _l("Reminder: meeting on {date} at {time}, {place}. To change: {phone} {service}"),
        # Translators: the same SMS when the association has no phone number; keep {placeholders} as they are.
        _l("Reminder: meeting on {date} at {time}, {place}. {service}")),
}


def default_text(kind: MessageKind, language: TemplateLanguage, *, with_phone: bool = True) -> str | None:
    """The built-in text of `kind` in `language` (Arabic or French), or None for Darija (it has none)."""
    if language not in (TemplateLanguage.AR, TemplateLanguage.FR):
        return None
    text = _DEFAULTS[kind][0 if with_phone else 1]
    with force_locale(FORMAT_LOCALES[language.value]):
        return str(text)


# Filling the placeholders


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each placeholder replaced; an empty value goes with the space before it, a comma left
    hanging before the end of a sentence and a mark left at the start of a line go too, so that nothing
    shows where a value was removed."""
    def replace(match: re.Match) -> str:
        return values.get(match.group(1), "").strip()

    for name in PLACEHOLDERS:
        if not values.get(name, "").strip():
            text = re.sub(r"[ \t]*\{" + name + r"\}", "", text)
    text = PLACEHOLDER.sub(replace, text)
    text = re.sub(r"[ \t]*[,،][ \t]*(?=[.!?؟]|$)", "", text, flags=re.MULTILINE)
    text = re.sub(r"^[ \t]*[,،:;؛.][ \t]*", "", text, flags=re.MULTILINE)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# Length (DOM147): one SMS is 160 GSM-7 characters (an extension character such as € counts two) or 70 UCS-2


@dataclass(frozen=True)
class Length:
    gsm: bool
    units: int  # septets when GSM-7, UTF-16 code units when UCS-2
    parts: int

    @property
    def limit(self) -> int:
        return GSM_SINGLE if self.gsm else UCS2_SINGLE

    @property
    def encoding(self) -> str:
        return "GSM-7" if self.gsm else "UCS-2"


def measure(text: str) -> Length:
    codes = [gsm_septets(char) for char in text]
    if all(code is not None for code in codes):
        return Length(True, sum(len(code) for code in codes if code is not None), part_count(text))
    return Length(False, len(text.encode("utf-16-be")) // 2, part_count(text))


# The check of a text (DOM147)


@dataclass
class Report:
    """What the check of a text found: errors refuse it, warnings are shown beside the preview."""

    errors: list[str | LazyString] = field(default_factory=list)
    warnings: list[str | LazyString] = field(default_factory=list)
    rendered: str = ""
    length: Length | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


TEXT_REQUIRED = _l("Enter the text of the message.")
TEXT_TOO_LONG = _l("A message text has at most 480 characters.")


def check_text(text: str, sample: dict[str, str]) -> Report:
    """Check a text against the rules of DOM147 and render it with `sample` values (every placeholder filled:
    the longest the text can be)."""
    report = Report()
    text = (text or "").strip()
    if not text:
        report.errors.append(TEXT_REQUIRED)
        return report
    if len(text) > TEXT_MAX:
        report.errors.append(TEXT_TOO_LONG)
    names = PLACEHOLDER.findall(text)
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    for name in unknown:
        report.errors.append(_("Unknown placeholder {%(name)s}: use only {date}, {time}, {place}, {phone} and "
                               "{service}.", name=name[:30]))
    if "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
        report.errors.append(_l("Braces { } are only for placeholders: remove the one left alone."))
    for name in REQUIRED:
        if name not in names:
            report.errors.append(_("The text must hold {%(name)s}.", name=name))
    word = revealing_word(PLACEHOLDER.sub(" ", text))
    if word is not None:
        report.errors.append(_("The text says what the service is about (\"%(word)s\"): an SMS may be read by "
                                "someone else. Remove that word.", word=word))
    if not sample.get("phone", "").strip() and "phone" in names:
        report.warnings.append(_l("The association has no phone number: {phone} will be left out."))
    report.rendered = fill(text, sample)
    report.length = measure(report.rendered)
    if report.length.parts > MAX_PARTS:
        report.errors.append(_("With the sample values the message needs %(parts)s SMS: at most %(max)s are allowed. "
                                "Shorten it.", parts=report.length.parts, max=MAX_PARTS))
    elif report.length.parts > 1:
        report.warnings.append(_("With the sample values the message does not fit one SMS (%(units)s characters "
                                  "of %(limit)s in %(encoding)s): it is sent in %(parts)s parts.",
                                  units=report.length.units, limit=report.length.limit,
                                  encoding=report.length.encoding, parts=report.length.parts))
    return report
