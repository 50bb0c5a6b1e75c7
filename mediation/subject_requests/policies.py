"""Who may keep the register and produce an access export: a supervisor, for their own association.

Outside that scope a request or a person does not exist (404); the admin and the ministry see no
case content at all (403 from the permission table).
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from mediation.cases.models import Person
from mediation.core.authz import Role
from mediation.groups.models import GroupParticipant
from mediation.subject_requests.models import DataSubjectRequest


def _is_supervisor(user) -> bool:
    return getattr(user, "role", None) == Role.SUPERVISOR and getattr(user, "association_id", None) is not None


def visible_requests(user) -> Select:
    if _is_supervisor(user):
        return select(DataSubjectRequest).where(DataSubjectRequest.association_id == user.association_id)
    return select(DataSubjectRequest).where(false())


def visible_people(user) -> Select:
    """The people of the supervisor's association's identity vault (docs/domain.md, DOM19: one per association)."""
    if _is_supervisor(user):
        return select(Person).where(Person.association_id == user.association_id)
    return select(Person).where(false())


def visible_group_participants(user) -> Select:
    """The participants known only from the supervisor's association's parenting groups (docs/domain.md,
    DOM137); a participant linked to a case person is reached through that person."""
    if _is_supervisor(user):
        return select(GroupParticipant).where(GroupParticipant.association_id == user.association_id,
                                              GroupParticipant.person_id.is_(None))
    return select(GroupParticipant).where(false())
