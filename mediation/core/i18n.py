"""Supported locales, locale selection and text direction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal, cast

from babel import Locale
from babel.dates import get_datetime_format
from flask import current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

SUPPORTED = ("ar", "fr", "en")
DEFAULT = "ar"
# Formatting locales: Moroccan conventions (ar_MA uses Latin digits and the
# Moroccan month names). Translations are looked up under the language alone.
FORMAT_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en"}
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}
SESSION_KEY = "lang"
# Between the items of a list in running text: the Arabic comma in Arabic, a comma elsewhere.
LIST_SEPARATORS = {"ar": "، ", "fr": ", ", "en": ", "}
# Times of day are hours and minutes on the 24-hour clock in every language: never seconds.
TIME_PATTERN = "HH:mm"
WidthName = Literal["full", "long", "medium", "short"]
WIDTHS = ("full", "long", "medium", "short")


def normalise(code: str | None) -> str | None:
    """Return a supported language code for 'fr', 'fr-MA', 'FR_fr'..., else None."""
    if not code:
        return None
    language = code.strip().replace("_", "-").split("-")[0].lower()
    return language if language in SUPPORTED else None


def current_language() -> str:
    """?lang= > the user's saved choice > the session's choice > Accept-Language > ar."""
    if "language" in g:
        return g.language
    language = normalise(request.args.get("lang"))
    if language is None:
        language = normalise(_saved_choice())
    if language is None:
        language = normalise(session.get(SESSION_KEY))
    if language is None:
        language = normalise(request.accept_languages.best_match(SUPPORTED))
    g.language = language or current_app.config.get("DEFAULT_LOCALE", DEFAULT)
    return g.language


def select_locale() -> str:
    if not has_request_context():
        return "en"  # command-line output is for the operator
    return FORMAT_LOCALES[current_language()]


def text_direction(language: str) -> str:
    return Locale.parse(language).text_direction


def _saved_choice() -> str | None:
    try:
        return current_user.locale if current_user.is_authenticated else None
    except SQLAlchemyError:
        # Error pages must still render when the database is what failed.
        return None


def _formatting_language() -> str:
    """The language being formatted: the request's, or the one forced for an e-mail or an export."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in SUPPORTED else DEFAULT


def list_separator() -> str:
    return LIST_SEPARATORS[_formatting_language()]


def join_list(items: Iterable[object]) -> str:
    """Items of a list in running text, separated as the language separates them."""
    return list_separator().join(str(item) for item in items)


def format_clock_time(value: datetime) -> str:
    """The local time of an instant as HH:mm."""
    return format_time(value, TIME_PATTERN)


def format_moment(value: datetime | date, fmt: str = "medium") -> str:
    """An instant as its local date in the `fmt` width and its HH:mm time, joined as the locale joins them
    (CLDR's medium and long times carry seconds, which the interface never shows). Any other `fmt` is a
    pattern of its own, used as given."""
    if not isinstance(value, datetime):
        return format_date(value, fmt)
    if fmt not in WIDTHS:
        return format_datetime(value, fmt)
    pattern = str(get_datetime_format(cast(WidthName, fmt), locale=get_locale()))
    return (pattern.replace("'", "").replace("{0}", format_clock_time(value))
            .replace("{1}", format_date(value, fmt)))
