"""Who may see and run the positive-parenting groups (docs/security.md, S61).

visible_groups: a supervisor → every group of their association; a staff member → the groups they
facilitate; admin and ministry → none (the ministry reads only released statistics, never a name).
Outside the scope a group does not exist (404); inside it, the can_* decide (403).
"""

from __future__ import annotations

from sqlalchemy import Select, exists, false, select

from mediation.core.authz import Role
from mediation.groups.models import Activity, ActivityFacilitator, GroupFacilitator, ParentingGroup, Programme


def _role(user):
    return getattr(user, "role", None)


def visible_groups(user) -> Select:
    if _role(user) == Role.SUPERVISOR and user.association_id is not None:
        return select(ParentingGroup).where(ParentingGroup.association_id == user.association_id)
    if _role(user) == Role.MEDIATOR and user.association_id is not None:
        runs = exists().where(GroupFacilitator.group_id == ParentingGroup.id, GroupFacilitator.user_id == user.id)
        return select(ParentingGroup).where(ParentingGroup.association_id == user.association_id, runs)
    return select(ParentingGroup).where(false())


def can_plan(user) -> bool:
    """Programmes and new groups: the association's supervisor, who coordinates the family space."""
    return _role(user) == Role.SUPERVISOR and user.association_id is not None


def can_edit_programme(user, programme: Programme) -> bool:
    """Correct, deactivate and reactivate a programme: whoever may record one, in its association (DOM134)."""
    return can_plan(user) and user.association_id == programme.association_id


def can_edit_group(user, group: ParentingGroup) -> bool:
    """Change a group's facilitators, room, language, capacity, planned sessions and start date, or cancel it
    before it started: the association's supervisor, who created it, while it is neither finished nor
    cancelled (DOM135, DOM136)."""
    return can_plan(user) and user.association_id == group.association_id and not group.closed


def can_run(user, group: ParentingGroup) -> bool:
    """Book sessions, enrol, record attendance: the group's facilitators and the association's supervisor,
    while the cycle is neither finished nor cancelled."""
    if group.closed or user.association_id != group.association_id:
        return False
    return _role(user) == Role.SUPERVISOR or (_role(user) == Role.MEDIATOR and user.id in group.facilitator_ids)


def can_finish(user, group: ParentingGroup) -> bool:
    return can_run(user, group)


def visible_activities(user) -> Select:
    """A supervisor → the association's activities; a staff member → those they facilitated (S61)."""
    if _role(user) == Role.SUPERVISOR and user.association_id is not None:
        return select(Activity).where(Activity.association_id == user.association_id)
    if _role(user) == Role.MEDIATOR and user.association_id is not None:
        ran = exists().where(ActivityFacilitator.activity_id == Activity.id, ActivityFacilitator.user_id == user.id)
        return select(Activity).where(Activity.association_id == user.association_id, ran)
    return select(Activity).where(false())


def can_record_activity(user) -> bool:
    """Any staff member of an association records an activity they ran; a supervisor any of theirs."""
    return _role(user) in (Role.SUPERVISOR, Role.MEDIATOR) and user.association_id is not None
