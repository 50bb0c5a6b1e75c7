"""The code lists of produced documents (docs/domain.md, DOM150, DOM152).

Codes are frozen once released: add members, never rename or reuse one (DOM62).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class DocumentKind(Code):
    # Translators: a document the service produces (French « accord de médiation », Arabic اتفاق الوساطة).
    AGREEMENT = "agreement", _l("Mediation agreement")
    # Translators: a letter inviting one party to a session (French « convocation », Arabic استدعاء).
    CONVOCATION = "convocation", _l("Convocation to a session")
    # Translators: a certificate for the family court (French « attestation de présence », Arabic شهادة حضور).
    ATTESTATION = "attestation", _l("Attestation of attendance")
    CLOSURE_LETTER = "closure_letter", _l("Closure letter")


class DocumentLanguage(Code):
    """The recipient's language: Arabic or French (English is for the interface only)."""

    AR = "ar", _l("Arabic")
    FR = "fr", _l("French")


class BringItem(Code):
    """What a convocation asks the party to bring: a fixed list, never free text about the family."""

    IDENTITY_CARD = "identity_card", _l("National identity card")
    # Translators: the Moroccan family record book (French « livret de famille », Arabic الدفتر العائلي).
    FAMILY_RECORD_BOOK = "family_record_book", _l("Family record book")
    COURT_PAPERS = "court_papers", _l("The court's papers about the case")
    EXPENSE_PAPERS = "expense_papers", _l("Papers about the children's expenses (school, health, housing)")
    CONVOCATION = "convocation", _l("This convocation")
