"""The rules every typed name follows: staff display names and the names of the people of a case.

One module, so that the administrator's staff form, a user's own profile and the
case forms cannot drift apart (S16, S21). The functions return a translatable
message, or None when the name is acceptable; callers decide how to refuse.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

# Characters that change how a name reads without being seen: bidirectional embeddings and overrides
# (U+202A-U+202E) and isolates (U+2066-U+2069) reorder the letters on screen, so "ناديةU+202Eabc" shows
# something else than it holds; zero-width spaces and joiners (U+200B-U+200D), the word joiner (U+2060)
# and the byte-order mark (U+FEFF) make two names that look alike differ, and evade the duplicate check.
INVISIBLE = frozenset(chr(code) for code in (
    *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0x200B, 0x200E), 0x2060, 0xFEFF,
))
INVISIBLE_REFUSED = _l("Remove the invisible characters (direction or zero-width marks) from this name.")

# Besides Arabic and Latin letters and their marks, a display name may hold these.
NAME_PUNCTUATION = frozenset(" -'.\u2019")
# A day written with digits (2026-05-31, 31/05/2026, 31.05.26): a name is never a date.
DATE_LIKE = re.compile(r"\d{1,4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,4}")


def invisible_characters_error(name: str) -> LazyString | None:
    """Refuses the invisible characters of INVISIBLE; None when there are none."""
    return INVISIBLE_REFUSED if any(char in INVISIBLE for char in name) else None


def without_format_characters(text: str) -> str:
    """The text without its format characters (Unicode category Cf: INVISIBLE, the direction marks, the soft
    hyphen...), which change how text is shown, never what it says."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def display_name_error(name: str) -> LazyString | None:
    """A display name of 2-120 characters in Arabic or Latin letters; None when acceptable.

    It starts with a letter, so it can be neither a spreadsheet formula (=, +, -, @: S21) nor a number;
    digits and a little punctuation may follow the letters, but not a date posing as a name; other
    scripts, markup, symbols, emoji and invisible characters may not appear at all.
    """
    invisible = invisible_characters_error(name)
    if invisible is not None:
        return invisible
    if not 2 <= len(name) <= 120:
        return _l("A name has 2 to 120 characters.")
    letters = 0
    for char in name:
        if char in NAME_PUNCTUATION or char in "0123456789":
            continue
        category = unicodedata.category(char)
        char_name = unicodedata.name(char, "")
        if category[0] in "LM" and char_name.startswith(("LATIN", "ARABIC", "COMBINING")):
            letters += category[0] == "L"
            continue
        return _l("Write the name in Arabic or Latin letters.")
    if letters == 0:
        return _l("Write the name in Arabic or Latin letters.")
    if not name[0].isalpha():
        return _l("Start the name with a letter.")
    if DATE_LIKE.search(name):
        return _l("A name cannot hold a date.")
    return None
