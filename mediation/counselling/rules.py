"""Rules the session log's forms and services share: limits, who holds which session type, which
visibility a session's summary may carry. A form checks them first, the service again."""

from __future__ import annotations

from mediation.cases.codes import NoteVisibility, SessionType
from mediation.core.authz import Profession

TEXT_MAX = 10_000
VOID_REASON_MAX = 2_000
DURATION_MIN, DURATION_MAX = 1, 480  # minutes of one session
FOLLOW_UPS_MAX = 3

# The session types each profession may hold (docs/domain.md, DOM9).
TYPES_BY_PROFESSION: dict[Profession, frozenset[SessionType]] = {
    Profession.MEDIATOR: frozenset({
        SessionType.INDIVIDUAL, SessionType.JOINT_MEDIATION, SessionType.SHUTTLE_MEDIATION,
        SessionType.CHILD_CONSULTATION, SessionType.FOLLOW_UP, SessionType.POSITIVE_PARENTING}),
    Profession.PSYCHOLOGIST: frozenset({
        SessionType.INDIVIDUAL, SessionType.COUNSELLING_PSYCHOLOGICAL, SessionType.CHILD_CONSULTATION,
        SessionType.FOLLOW_UP, SessionType.POSITIVE_PARENTING}),
    Profession.SOCIAL_WORKER: frozenset({
        SessionType.INDIVIDUAL, SessionType.COUNSELLING_SOCIAL, SessionType.FOLLOW_UP,
        SessionType.POSITIVE_PARENTING}),
    Profession.LEGAL_COUNSELLOR: frozenset({
        SessionType.INDIVIDUAL, SessionType.COUNSELLING_LEGAL, SessionType.FOLLOW_UP}),
}
MEDIATION_TYPES = frozenset({SessionType.JOINT_MEDIATION, SessionType.SHUTTLE_MEDIATION})
# Default visibility of the summary when none is chosen (docs/domain.md, DOM36).
DEFAULT_VISIBILITY = {
    SessionType.JOINT_MEDIATION: NoteVisibility.JOINT,
    SessionType.INDIVIDUAL: NoteVisibility.PRIVATE_PARTY,
    SessionType.SHUTTLE_MEDIATION: NoteVisibility.PRIVATE_PARTY,
}



def allowed_visibilities(kind: SessionType | None) -> tuple[NoteVisibility, ...]:
    """The visibilities a session of this type may carry (docs/domain.md, DOM36): a psychological
    session's summary is always staff only; any other type may carry any of them."""
    if kind is SessionType.COUNSELLING_PSYCHOLOGICAL:
        return (NoteVisibility.STAFF_ONLY,)
    return tuple(NoteVisibility)
