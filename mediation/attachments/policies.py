"""Who may see, add and open the attachments of a case (docs/security.md, S47; docs/domain.md, DOM107).

The case has been loaded through the user's scope before any of these runs (a case outside it is a 404).
An attachment the user may not open is treated as absent: it is not listed, and its address answers 404.
"""

from __future__ import annotations

from mediation.attachments.codes import AttachmentVisibility
from mediation.attachments.models import Attachment
from mediation.cases.models import Case
from mediation.cases.policies import is_assigned, is_supervisor_of
from mediation.core.authz import Profession


def is_psychologist(user) -> bool:
    return getattr(user, "profession", None) == Profession.PSYCHOLOGIST


def can_read_attachments(user, case: Case) -> bool:
    """The case's staff and the association's supervisors (who act on any of its cases)."""
    return is_assigned(user, case) or is_supervisor_of(user, case)


def can_add_attachment(user, case: Case) -> bool:
    """Papers arrive after the closure too (a signed agreement, a court order); an anonymised case takes none."""
    return case.anonymised_at is None and can_read_attachments(user, case)


def can_open_attachment(user, case: Case, attachment: Attachment) -> bool:
    """A psychological document: the case's psychologists and whoever added it, as psychological session notes
    (DOM36); any other: whoever reads the case's attachments."""
    if attachment.case_id != case.id or not can_read_attachments(user, case):
        return False
    if attachment.visibility is AttachmentVisibility.PSYCHOLOGISTS:
        return attachment.added_by_id == user.id or (is_psychologist(user) and is_assigned(user, case))
    return True


def visibilities_for(user) -> tuple[AttachmentVisibility, ...]:
    """Only a psychologist marks a document as psychological (anyone else could not open it afterwards)."""
    if is_psychologist(user):
        return tuple(AttachmentVisibility)
    return (AttachmentVisibility.CASE_STAFF,)
