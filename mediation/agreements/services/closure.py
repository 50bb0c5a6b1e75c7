"""An agreement outcome rests on the concluded agreement (docs/domain.md, DOM80).

The cases announce a closure before writing it (`case_closing`) and after (`case_closed`,
docs/architecture.md, A1); these receivers, connected when the module is imported, refuse an outcome that
contradicts the agreement in force (its latest concluded version) and link the closure to it.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from mediation.agreements.models import AgreementClosure, AgreementVersion
from mediation.agreements.queries import latest_concluded
from mediation.cases.codes import AgreementLevel, AgreementNature, Outcome
from mediation.cases.models import Case, Closure
from mediation.cases.services.closure import AGREEMENT_LEVEL_OF
from mediation.core.audit import AuditAction, record
from mediation.core.errors import ValidationFailed
from mediation.core.events import case_closed, case_closing

NO_CONCLUDED = _l("Conclude the agreement on the case's agreement page before closing the case with it: a full "
                  "or partial agreement needs a concluded agreement of that level.")
AGREEMENT_IN_FORCE = _l("The parties concluded an agreement with agreed points: close the case as a full or partial "
                        "agreement, or revise the agreement first.")


def check_outcome(session: Session, case: Case, outcome: Outcome) -> AgreementVersion | None:
    """The concluded version the closure will rest on, or None; ValidationFailed when the outcome contradicts it."""
    concluded = latest_concluded(session, case.id)
    required = AGREEMENT_LEVEL_OF.get(outcome)
    if required is not None:
        if concluded is None:
            raise ValidationFailed(NO_CONCLUDED, field="outcome")
        if concluded.level is not required:
            # Translated now, in the closing user's language: it names the level, a code's label.
            raise ValidationFailed(gettext("The concluded agreement is at the level “%(level)s”: choose the outcome "
                                           "that matches it, or revise the agreement first.",
                                           level=str(concluded.level.label)),
                                   field="outcome")
        return concluded
    if outcome is Outcome.NO_AGREEMENT and concluded is not None and concluded.level is not AgreementLevel.NONE:
        raise ValidationFailed(AGREEMENT_IN_FORCE, field="outcome")
    if (outcome is Outcome.RECONCILIATION and concluded is not None
            and concluded.nature is AgreementNature.RECONCILIATION):
        return concluded  # a reconciliation may rest on one (DOM80)
    return None


def _refuse_contradicting_outcome(case: Case, *, session: Session, outcome: Outcome, **_ignored) -> None:
    check_outcome(session, case, outcome)


def _link_closure(case: Case, *, session: Session, closure: Closure, **_ignored) -> None:
    version = check_outcome(session, case, closure.outcome)
    if version is None:
        return
    session.add(AgreementClosure(closure_id=closure.id, version_id=version.id))
    session.flush()
    record(session, AuditAction.UPDATE, entity="agreement_version", entity_id=version.public_id,
           association_id=case.association_id)


# Strong references (docs/architecture.md, A1): nothing lost to garbage collection.
case_closing.connect(_refuse_contradicting_outcome, weak=False)
case_closed.connect(_link_closure, weak=False)
