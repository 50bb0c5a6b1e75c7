"""A closure outcome rests on the concluded agreement and never contradicts it (docs/domain.md, DOM80).

Direct database work happens inside `with app.app_context():`.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mediation.agreements.models import AgreementClosure, AgreementVersion
from mediation.cases.codes import AgreementNature, Outcome
from mediation.cases.models import Closure
from mediation.cases.services import closure as closure_service
from mediation.core.errors import ValidationFailed
from mediation.extensions import db
from tests.agreements.fixtures import FULL, NONE, PARTIAL, write_agreement
from tests.cases.matrix_rows_notes import actor, case_by_public_id

LEVELS = {"full": FULL, "partial": PARTIAL, "none": NONE}


def close(app, case_id: str, outcome: Outcome) -> tuple[int, int | None]:
    """Close through the service; (closure id, number of the linked version or None)."""
    with app.app_context():
        closure = closure_service.close_case(db.session, case_by_public_id(case_id),
                                             closure_service.ClosureData(outcome=outcome), actor=actor("mediator.a1"))
        db.session.commit()
        number = db.session.scalar(select(AgreementVersion.number).join(
            AgreementClosure, AgreementClosure.version_id == AgreementVersion.id)
            .where(AgreementClosure.closure_id == closure.id))
        return closure.id, number


def refused(app, case_id: str, outcome: Outcome) -> str:
    with app.app_context():
        with pytest.raises(ValidationFailed) as error:
            closure_service.close_case(db.session, case_by_public_id(case_id),
                                       closure_service.ClosureData(outcome=outcome), actor=actor("mediator.a1"))
        db.session.rollback()
        assert db.session.scalar(select(Closure).where(Closure.case_id == case_by_public_id(case_id).id)) is None
        assert error.value.field == "outcome"
        return str(error.value)


# (the concluded agreement's level, or None for none / a draft only) x outcome -> linked version, refused, or
# closed without a link.
LINK, REFUSED, UNLINKED = "link", "refused", "unlinked"
RULES = [
    (None, Outcome.AGREEMENT_FULL, REFUSED), (None, Outcome.AGREEMENT_PARTIAL, REFUSED),
    ("full", Outcome.AGREEMENT_FULL, LINK), ("full", Outcome.AGREEMENT_PARTIAL, REFUSED),
    ("partial", Outcome.AGREEMENT_PARTIAL, LINK), ("partial", Outcome.AGREEMENT_FULL, REFUSED),
    ("none", Outcome.AGREEMENT_FULL, REFUSED), ("none", Outcome.AGREEMENT_PARTIAL, REFUSED),
    ("full", Outcome.NO_AGREEMENT, REFUSED), ("partial", Outcome.NO_AGREEMENT, REFUSED),
    ("none", Outcome.NO_AGREEMENT, UNLINKED), (None, Outcome.NO_AGREEMENT, UNLINKED),
    ("full", Outcome.LOST_CONTACT, UNLINKED), ("partial", Outcome.PARTY_WITHDREW, UNLINKED),
]


@pytest.mark.parametrize("level, outcome, expected", RULES)
def test_the_outcome_must_agree_with_the_concluded_agreement(app, cases, level, outcome, expected):
    if level is not None:
        write_agreement(app, cases.own, "mediator.a1", LEVELS[level])
    if expected is REFUSED:
        refused(app, cases.own, outcome)
        return
    _closure, linked = close(app, cases.own, outcome)
    assert linked == (1 if expected is LINK else None)


def test_a_draft_is_not_an_agreement_in_force(app, cases):
    write_agreement(app, cases.own, "mediator.a1", FULL, concluded=False)
    assert "Conclude the agreement" in refused(app, cases.own, Outcome.AGREEMENT_FULL)


def test_the_latest_concluded_version_counts_not_a_later_draft(app, cases):
    write_agreement(app, cases.own, "mediator.a1", PARTIAL)
    write_agreement(app, cases.own, "mediator.a1", FULL)  # revised and concluded again: full now
    write_agreement(app, cases.own, "mediator.a1", PARTIAL, concluded=False)  # a revision under way
    refused(app, cases.own, Outcome.AGREEMENT_PARTIAL)
    assert close(app, cases.own, Outcome.AGREEMENT_FULL)[1] == 2


@pytest.mark.parametrize("nature, linked", [(AgreementNature.RECONCILIATION, 1),
                                            (AgreementNature.SEPARATION_ARRANGEMENTS, None)])
def test_a_reconciliation_may_rest_on_an_agreement_of_that_nature(app, cases, nature, linked):
    write_agreement(app, cases.own, "mediator.a1", FULL, nature=nature)
    assert close(app, cases.own, Outcome.RECONCILIATION)[1] == linked


def test_a_case_reopened_and_closed_again_links_its_new_closure(app, cases):
    write_agreement(app, cases.own, "mediator.a1", FULL)
    first, _ = close(app, cases.own, Outcome.AGREEMENT_FULL)
    with app.app_context():
        closure_service.reopen_case(db.session, case_by_public_id(cases.own), "الأطراف طلبوا مراجعة",
                                    actor=actor("supervisor.a"))
        db.session.commit()
    write_agreement(app, cases.own, "mediator.a1", PARTIAL)
    second, linked = close(app, cases.own, Outcome.AGREEMENT_PARTIAL)
    assert linked == 2 and second != first
    with app.app_context():
        links = dict(db.session.execute(select(AgreementClosure.closure_id, AgreementClosure.version_id)).all())
        numbers = {closure_id: db.session.get(AgreementVersion, version_id).number
                   for closure_id, version_id in links.items()}
        assert numbers == {first: 1, second: 2}, "the first closure keeps the version it rested on"
        # The statistics read the closure's level, filled from the outcome the agreement matches.
        assert [c.agreement_level for c in db.session.scalars(select(Closure).order_by(Closure.id))] == [
            "full", "partial"]
