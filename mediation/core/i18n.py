"""Supported locales, locale selection and text direction."""

from __future__ import annotations

from babel import Locale
from flask import current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

SUPPORTED = ("ar", "fr", "en")
DEFAULT = "ar"
# Formatting locales: Moroccan conventions (ar_MA uses Latin digits and the
# Moroccan month names). Translations are looked up under the language alone.
FORMAT_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en"}
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}
SESSION_KEY = "lang"


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
