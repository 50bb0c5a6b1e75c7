"""Builders of the post-closure follow-up tests and matrix rows (call them outside any app context)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from mediation.aftercare.codes import AftercareStatus
from mediation.aftercare.models import PostClosureFollowUp
from mediation.aftercare.services import record as record_service
from mediation.cases.codes import AgeBand, Outcome, ParticipantRole, Sex
from mediation.cases.models import Participant, Person
from mediation.extensions import db
from tests.agreements.fixtures import FULL, PARTIAL, write_agreement
from tests.cases.matrix_rows_notes import actor, case_by_public_id, close_now

LEADS = {"own": "mediator.a1", "colleague": "mediator.a2", "other": "mediator.b1"}
SUPERVISORS = {"own": "supervisor.a", "colleague": "supervisor.a", "other": "supervisor.b"}


def close_with(app, case_id: str, outcome: Outcome, username: str = "mediator.a1") -> str:
    """Close the case through the closure service (the plan follows from the event); the closure's public id.

    An agreement outcome rests on a concluded agreement of its level (docs/domain.md, DOM80): one is
    concluded first."""
    level = {Outcome.AGREEMENT_FULL: FULL, Outcome.AGREEMENT_PARTIAL: PARTIAL}.get(outcome)
    if level is not None:
        write_agreement(app, case_id, username, level)
    return close_now(app, case_id, username, outcome)


def follow_ups(app, case_id: str) -> list[PostClosureFollowUp]:
    """The case's follow-ups by due date, detached."""
    with app.app_context():
        rows = list(db.session.scalars(select(PostClosureFollowUp).where(
            PostClosureFollowUp.case_id == case_by_public_id(case_id).id)
            .order_by(PostClosureFollowUp.due_on, PostClosureFollowUp.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def planned(app, case_id: str) -> str:
    """The public id of the case's first planned follow-up."""
    return next(str(row.public_id) for row in follow_ups(app, case_id) if row.status is AftercareStatus.PLANNED)


def record_now(app, case_id: str, follow_up_id: str, username: str, **values) -> None:
    """Record a follow-up through the service: by default reached by phone, holding."""
    data = dict(contact_mode="phone", contacted=None, result="holding", new_proceedings="no", action="none",
                note=None)
    data.update(values)
    with app.app_context():
        case = case_by_public_id(case_id)
        if data["contacted"] is None and data["contact_mode"] != "not_reached":
            data["contacted"] = str(record_service.contactable_parties(db.session, case)[0].public_id)
        follow_up = db.session.scalar(select(PostClosureFollowUp).where(
            PostClosureFollowUp.public_id == uuid.UUID(follow_up_id)))
        record_service.record_follow_up(db.session, case, follow_up, record_service.FollowUpRecord(**data),
                                        actor=actor(username))
        db.session.commit()


def add_party(app, case_id: str, name: str, *, contact_allowed: bool) -> str:
    """A second adult party of the case, stored directly, with the contact profile asked; its public id."""
    with app.app_context():
        case = case_by_public_id(case_id)
        person = Person(association_id=case.association_id, full_name=name, sex=Sex.MALE, phone="0611223344",
                        contact_allowed="yes" if contact_allowed else "no")
        db.session.add(person)
        db.session.flush()
        party = Participant(case_id=case.id, person_id=person.id, role=ParticipantRole.FATHER,
                            age_band=AgeBand.B35_44)
        db.session.add(party)
        db.session.commit()
        return str(party.public_id)


def forbid_contact(app, participant_id: str) -> None:
    """Change a party's contact profile to "do not contact"."""
    with app.app_context():
        party = db.session.scalar(select(Participant).where(
            Participant.public_id == uuid.UUID(participant_id)))
        party.person.contact_allowed = "no"
        db.session.commit()
