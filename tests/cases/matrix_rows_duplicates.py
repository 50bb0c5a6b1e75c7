"""Matrix rows of the possible-duplicates list and decision (merged by tests/matrix.py).

Only supervisors decide, each for their own association: a flag of association A ("own": the requesting
party of mediator A1's case against the colleague's), one of association B, and an unknown id. The flags
are made lazily, inside the row's rolled-back transaction. POST rows send an empty form: 422.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from mediation.cases.models import DuplicateFlag, Participant
from mediation.extensions import db
from tests.cases.matrix_rows_notes import actor
from tests.matrix import UNKNOWN_ID, Row, expect

NOT_SUPERVISORS = dict(mediator_a1=403, mediator_a2=403, mediator_b1=403, admin=403, ministry=403)
# (the participant's case, the candidate's case, who flagged) per variant
FLAGGED = {"own": ("own", "colleague", "mediator.a1"), "other": ("other", "other", "mediator.b1")}


def _requesting_party(case_public_id: str) -> Participant:
    from tests.cases.matrix_rows_notes import case_by_public_id

    case = case_by_public_id(case_public_id)
    return db.session.scalars(select(Participant).where(Participant.case_id == case.id,
                                                        Participant.is_requesting_party.is_(True))).unique().one()


def _flag(world, key: str) -> str:
    made = getattr(world.cases, "duplicate_flags", None)
    if made is None:
        made = world.cases.duplicate_flags = {}
    if key not in made:
        new_key, candidate_key, username = FLAGGED[key]
        with world.app.app_context():
            participant = _requesting_party(getattr(world.cases, new_key))
            candidate = _requesting_party(getattr(world.cases, candidate_key))
            flag = DuplicateFlag(association_id=actor(username).association_id, participant_id=participant.id,
                                 candidate_person_id=candidate.person_id, flagged_by_id=actor(username).id,
                                 public_id=uuid.uuid4())
            db.session.add(flag)
            db.session.commit()
            made[key] = str(flag.public_id)
    return made[key]


def decide_url(key: str | None):
    return lambda world: f"/cases/duplicates/{UNKNOWN_ID if key is None else _flag(world, key)}"


ROWS = [
    Row("cases.duplicates_index", "GET", "/cases/duplicates", expect(200, **NOT_SUPERVISORS)),
    Row("cases.duplicate_decide", "POST", decide_url("own"),
        expect(404, supervisor_a=422, **NOT_SUPERVISORS), variant="own_association"),
    Row("cases.duplicate_decide", "POST", decide_url("other"),
        expect(404, supervisor_b=422, **NOT_SUPERVISORS), variant="other_association"),
    Row("cases.duplicate_decide", "POST", decide_url(None), expect(404, **NOT_SUPERVISORS), variant="unknown"),
]
