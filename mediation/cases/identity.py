"""A person as a form gives them to the services, and the blind indexes that find them again
(docs/security.md, S24, S37).

Below both the services that register people and the queries that look them up, so that each
imports it and neither imports the other.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from mediation.cases.codes import PreferredLanguage, Sex
from mediation.core.crypto import blind_index


@dataclass(frozen=True)
class PersonData:
    full_name: str
    sex: Sex | None  # None: the role says it (docs/domain.md, DOM103); resolved before a person is written
    birth_date: str | None = None  # "YYYY-MM-DD" or "YYYY"
    full_name_latin: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    contact_allowed: bool = False
    safe_contact_instructions: str | None = None
    preferred_language: PreferredLanguage | None = None
    interpreter_needed: bool = False
    residence_province_code: str | None = None
    id_checked: bool = False


def normalise_phone(phone: str) -> str:
    """Digits only, Moroccan numbers in the international form: 0612… and +212612… match."""
    digits = "".join(char for char in unicodedata.normalize("NFKC", phone) if char.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("0") and len(digits) == 10:
        digits = "212" + digits[1:]
    return digits


def person_indexes(association_id: int, data: PersonData) -> dict:
    return {
        "identity_bidx": blind_index("person", association_id, data.full_name, data.birth_date or ""),
        "name_bidx": blind_index("person_name", association_id, data.full_name),
        "phone_bidx": blind_index("phone", association_id, normalise_phone(data.phone)) if data.phone else None,
    }
