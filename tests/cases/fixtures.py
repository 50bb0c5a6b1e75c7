"""Case builders: one case per staff member of the world, built through the intake service.

The `cases` fixture itself is in tests/conftest.py, so the authorisation matrix can use it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from mediation.accounts.models import Association, ServicePoint, StaffUser
from mediation.cases.codes import (
    ConsentScope,
    ConsentStatus,
    CourtStage,
    IntakeChannel,
    Issue,
    ParticipantRole,
    ReferralSource,
    Sex,
)
from mediation.cases.identity import PersonData
from mediation.cases.models import Participant
from mediation.cases.rules import PARTY_SCOPES
from mediation.cases.services.intake import NewCase, open_case
from mediation.extensions import db

# The consent questions of the intake and add-party forms (docs/domain.md, DOM76), each answered: data
# processing given (the case may then leave intake), the others not asked.
CONSENT_ANSWERS = {f"consent_{scope.value}": "not_asked" for scope in PARTY_SCOPES} | {
    "consent_data_processing": "given"}


def person(name: str = "فاطمة الزهراء بناني", **overrides) -> PersonData:
    values = dict(full_name=name, sex=Sex.FEMALE, birth_date="1988-04-02", phone="0612345678",
                  contact_allowed=True)
    values.update(overrides)
    return PersonData(**values)


def new_case(service_point_id: int, **overrides) -> NewCase:
    values = dict(
        service_point_id=service_point_id,
        first_contact_on=date(2026, 11, 2),
        intake_channel=IntakeChannel.WALK_IN,
        referral_source=ReferralSource.FAMILY_COURT,
        issues=(Issue.CUSTODY, Issue.CHILD_MAINTENANCE),
        court_stage=CourtStage.PRE_ACTION,
        immediate_danger=False,
        requesting_party=person(),
        requesting_role=ParticipantRole.MOTHER,
        consents={ConsentScope.DATA_PROCESSING: ConsentStatus.GIVEN},
    )
    values.update(overrides)
    return NewCase(**values)


@dataclass
class CaseWorld:
    own: str  # mediator_a1 leads it
    colleague: str  # mediator_a2 leads it (same association)
    other: str  # association B
    references: dict[str, str]
    # "own"/"colleague"/"other" -> the public id of that case's requesting party
    participants: dict[str, str] = field(default_factory=dict)


def declare_cndp(association_id: int) -> None:
    association = db.session.get(Association, association_id)
    association.cndp_declaration_no = "D-123-2025"
    association.cndp_declaration_on = date(2025, 1, 15)


def service_point_of(association_id: int) -> ServicePoint:
    return db.session.scalar(select(ServicePoint).where(ServicePoint.association_id == association_id))


def open_as(username: str, **overrides):
    actor = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    point = service_point_of(actor.association_id)
    return open_case(db.session, new_case(point.id, **overrides), actor=actor)


def build_cases(app, world) -> CaseWorld:
    with app.app_context():
        declare_cndp(world.association_a)
        declare_cndp(world.association_b)
        own = open_as("mediator.a1")
        colleague = open_as("mediator.a2", requesting_party=person("Karim Alaoui", sex=Sex.MALE),
                            requesting_role=ParticipantRole.FATHER)
        other = open_as("mediator.b1", requesting_party=person("Aicha Oubella", phone="0698765432"))
        db.session.commit()
        participants = {
            key: str(db.session.scalar(
                select(Participant.public_id).where(Participant.case_id == case.id,
                                                    Participant.is_requesting_party.is_(True))))
            for key, case in (("own", own), ("colleague", colleague), ("other", other))
        }
        return CaseWorld(str(own.public_id), str(colleague.public_id), str(other.public_id),
                         {"own": own.reference, "colleague": colleague.reference, "other": other.reference},
                         participants)


@contextmanager
def served_world(fresh_app, **config):
    """An application (from the `fresh_app` factory) on a database of its own, with the test world and a
    declared association A, for tests that cannot run inside the rolled-back transaction:
    (app, world, A's service point id, url)."""
    from tests.conftest import build_world

    app = fresh_app(**config)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    world = build_world(app)
    with app.app_context():
        declare_cndp(world.association_a)
        db.session.commit()
        point = service_point_of(world.association_a).id
    try:
        yield app, world, point, url
    finally:
        with app.app_context():
            db.engine.dispose()
