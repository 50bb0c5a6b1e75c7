"""A person and an access request in each association, built once per test world (matrix rows, fuzzing)."""

from __future__ import annotations

OWNER = {"A": "supervisor_a", "B": "supervisor_b"}


def objects(world) -> dict:
    """{"A"/"B": (person public id, request public id)}: the requesting party of the own/other case."""
    built = getattr(world, "subject_request_objects", None)
    if built is None:
        import uuid
        from datetime import date

        from sqlalchemy import select

        from mediation.accounts.models import StaffUser
        from mediation.cases.models import Participant, Person
        from mediation.extensions import db
        from mediation.subject_requests.services import NewRequest, record_request

        built = {}
        with world.app.app_context():
            for key, case_key in (("A", "own"), ("B", "other")):
                party = uuid.UUID(world.cases.participants[case_key])
                person = db.session.scalar(select(Person).join(Participant, Participant.person_id == Person.id)
                                           .where(Participant.public_id == party))
                username = world.usernames[OWNER[key]]
                actor = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
                request = record_request(db.session, person, NewRequest("access", date(2026, 11, 2)), actor=actor,
                                         today=date(2026, 11, 30))
                built[key] = (str(person.public_id), str(request.public_id))
            db.session.commit()
        world.subject_request_objects = built
    return built


def participant_objects(world) -> dict:
    """{"A"/"B": (participant public id, request public id)}: a participant known only from a group of each
    association, with an access request (docs/domain.md, DOM137)."""
    built = getattr(world, "subject_request_participants", None)
    if built is None:
        import uuid
        from datetime import date

        from sqlalchemy import select

        from mediation.accounts.models import StaffUser
        from mediation.extensions import db
        from mediation.groups.models import Enrolment
        from mediation.subject_requests.services import NewRequest, record_request
        from tests.groups.support import enrol_directly, make_group

        built = {}
        for key, association_id in (("A", world.association_a), ("B", world.association_b)):
            group_id = make_group(world.app, association_id, facilitator=f"mediator.{key.lower()}1",
                                  name=f"Requests {key}")
            enrolment_id = enrol_directly(world.app, group_id, 1, prefix=f"Requester {key}")[0]
            with world.app.app_context():
                participant = db.session.scalar(select(Enrolment).where(
                    Enrolment.public_id == uuid.UUID(enrolment_id))).participant
                username = world.usernames[OWNER[key]]
                actor = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
                request = record_request(db.session, participant, NewRequest("access", date(2026, 11, 2)),
                                         actor=actor, today=date(2026, 11, 30))
                built[key] = (str(participant.public_id), str(request.public_id))
                db.session.commit()
        world.subject_request_participants = built
    return built
