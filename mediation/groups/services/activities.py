"""Writes of the family space's activities (docs/domain.md, DOM130): attendance counted by sex and age
band, never a name. Flushes and audits, never commits; the route commits once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.accounts.models import StaffUser
from mediation.cases.codes import AgeBand, Sex
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.codes import parse_code
from mediation.core.errors import ValidationFailed
from mediation.core.text import bounded_text
from mediation.groups import policies, queries
from mediation.groups.codes import ActivityTheme
from mediation.groups.models import Activity, ActivityCount, ActivityFacilitator
from mediation.groups.rules import FRAMEWORK_MAX, MAX_COUNT
from mediation.groups.services.shared import GroupPermissionDenied


@dataclass(frozen=True)
class ActivityData:
    held_on: date | None
    theme: str | None
    service_point_id: uuid.UUID | None
    title: str | None = None
    facilitator_ids: tuple[uuid.UUID, ...] = ()
    # (sex code, age band code) -> number present
    counts: dict[tuple[str, str], int | None] = field(default_factory=dict)


def record_activity(session: Session, data: ActivityData, *, actor: StaffUser) -> Activity:
    if not policies.can_record_activity(actor) or actor.association_id is None:
        raise GroupPermissionDenied()
    association_id = actor.association_id
    if data.held_on is None:
        raise ValidationFailed(_l("Give the date of the activity."), field="held_on")
    if not clock.EARLIEST_DAY <= data.held_on <= clock.today():
        raise ValidationFailed(_l("An activity is recorded once held: give a date up to today."), field="held_on")
    theme = parse_code(ActivityTheme, data.theme, _l("Choose the theme."), "theme")
    point = next((row for row in queries.service_points(session, association_id)
                  if row.public_id == data.service_point_id), None)
    if point is None:
        raise ValidationFailed(_l("Choose a service point of your association."), field="service_point_id")
    title = bounded_text(data.title, "title", FRAMEWORK_MAX)
    by_id = {user.public_id: user for user in queries.staff(session, association_id)}
    wanted = list(dict.fromkeys(data.facilitator_ids))
    chosen = [by_id[public_id] for public_id in wanted if public_id in by_id]
    if not chosen or len(chosen) != len(wanted):
        raise ValidationFailed(_l("Choose the facilitators among your association's active staff."),
                               field="facilitator_ids")
    if actor.role == Role.MEDIATOR and actor not in chosen:
        raise ValidationFailed(_l("An activity you record must include you among its facilitators."),
                               field="facilitator_ids")
    counts: list[ActivityCount] = []
    for (sex_code, band_code), number in sorted(data.counts.items()):
        if number is None or number == 0:
            continue
        sex = parse_code(Sex, sex_code, _l("Choose the sex."), "counts")
        band = parse_code(AgeBand, band_code, _l("Choose the age band."), "counts")
        if isinstance(number, bool) or not 0 < number <= MAX_COUNT:
            raise ValidationFailed(_l("Give numbers from 0 to 10000."), field=f"count_{sex.value}_{band.value}")
        counts.append(ActivityCount(sex=sex, age_band=band, count=number))
    if not counts:
        raise ValidationFailed(_l("Give the number of people present."), field="held_on")
    activity = Activity(association_id=association_id, service_point_id=point.id, held_on=data.held_on,
                        theme=theme, title=title, created_by_id=actor.id, counts=counts,
                        facilitators=[ActivityFacilitator(user_id=user.id)
                                      for user in sorted(chosen, key=lambda user: user.id)])
    session.add(activity)
    session.flush()
    record(session, AuditAction.CREATE, entity="family_activity", entity_id=activity.public_id,
           association_id=association_id)
    return activity
