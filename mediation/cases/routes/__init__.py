"""The cases blueprint; its routes live in one module per subject.

The case page is assembled from sections: each subject module registers a
function that returns the template variables of its part of the page, so the
subjects stay independent of each other.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

CaseSection = Callable[..., dict]
SECTIONS: list[CaseSection] = []


def case_section(provider: CaseSection) -> CaseSection:
    """Register provider(case, user) -> dict of template variables for the case page."""
    SECTIONS.append(provider)
    return provider


ClosurePart = Callable[..., dict | None]
CLOSURE_PARTS: list[ClosurePart] = []


def closure_form_part(provider: ClosurePart) -> ClosurePart:
    """Register provider(case, user) -> None, or the template variables of a part of the closure form.

    A feature that owns a record an outcome rests on (an agreement) shows it on the closure form this way,
    without the cases importing it (docs/architecture.md, A1). The dict names its `template`; with
    `replaces_points` true the form no longer asks for the agreed points as free text (docs/domain.md, DOM80).
    """
    CLOSURE_PARTS.append(provider)
    return provider


from mediation.cases.routes import access, closure, contact, details, duplicates, intake  # noqa: E402,F401,I001
from mediation.cases.routes import notes, parties, safety, workflow  # noqa: E402,F401,I001
