"""The code lists of attachments (docs/domain.md, DOM106).

Codes are frozen once released: add members, never rename or reuse one (DOM62).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class AttachmentKind(Code):
    COURT_REFERRAL_LETTER = "court_referral_letter", _l("Court referral letter")
    COURT_ORDER = "court_order", _l("Court order")
    SIGNED_AGREEMENT = "signed_agreement", _l("Signed agreement")
    SIGNED_CONSENT_FORM = "signed_consent_form", _l("Signed consent form")
    IDENTITY_DOCUMENT = "identity_document", _l("Copy of an identity document")
    OTHER = "other", _l("Other document")


class AttachmentVisibility(Code):
    CASE_STAFF = "case_staff", _l("The staff of the case")
    # Translators: who may open an attached document: the psychologists working on the case only.
    PSYCHOLOGISTS = "psychologists", _l("The psychologists of the case only (psychological document)")


class ContentType(Code):
    """What the content was found to be (never what the name or the browser said, docs/security.md, S44)."""

    PDF = "pdf", _l("PDF document")
    JPEG = "jpeg", _l("JPEG image")
    PNG = "png", _l("PNG image")


# What a download is sent as, and the extension of its name.
MEDIA_TYPES = {ContentType.PDF: "application/pdf", ContentType.JPEG: "image/jpeg", ContentType.PNG: "image/png"}
EXTENSIONS = {ContentType.PDF: "pdf", ContentType.JPEG: "jpg", ContentType.PNG: "png"}


class StorageBackend(Code):
    """Where the sealed chunks of one attachment are kept (docs/domain.md, DOM165): the row says, so an
    installation that moves to an object store still opens the documents the database keeps."""

    DATABASE = "database", _l("Kept in the database")
    OBJECT_STORE = "object_store", _l("Kept in the object store")
