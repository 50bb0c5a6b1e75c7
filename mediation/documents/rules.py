"""Shared limits and versions of the produced documents (docs/architecture.md, A3)."""

from __future__ import annotations

from mediation.documents.codes import DocumentKind

# The version of each kind's template, recorded with every document produced from it (docs/domain.md,
# DOM152). Raise it when a template's wording changes: a paper in a family's hands then says which text it is.
TEMPLATE_VERSIONS: dict[DocumentKind, int] = {
    DocumentKind.AGREEMENT: 1,
    DocumentKind.CONVOCATION: 1,
    DocumentKind.ATTESTATION: 1,
    DocumentKind.CLOSURE_LETTER: 1,
}

# Short letters in the document's reference, the same in every language.
REFERENCE_LETTERS: dict[DocumentKind, str] = {
    DocumentKind.AGREEMENT: "AC",
    DocumentKind.CONVOCATION: "CV",
    DocumentKind.ATTESTATION: "AT",
    DocumentKind.CLOSURE_LETTER: "CL",
}
