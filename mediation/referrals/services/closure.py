"""A `referred_*` closure rests on a referral record of the case (docs/domain.md, DOM88).

The closure service announces itself (docs/architecture.md, A1): before anything is written, `case_closing`
lets this feature refuse a referral outcome without a fitting referral; after, `case_closed` links the
closure to the referral it rests on, from this feature's own table, and fills the closure's destination from
that referral, since the statistics read the destination there.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.cases.codes import Outcome, ReferralDestination
from mediation.cases.models import Case, Closure
from mediation.cases.services.closure import COURT_DESTINATIONS, JUSTICE_DESTINATIONS, REFERRAL_OUTCOMES
from mediation.core.errors import ValidationFailed
from mediation.core.events import case_closed, case_closing
from mediation.referrals.models import Referral, ReferralClosure

REFUSALS = {
    Outcome.REFERRED_TO_JUSTICE: _l("Closing as referred to court or prosecutor needs a referral of the case to "
                                    "the family-justice section, the prosecutor or the police: record it first."),
    Outcome.REFERRED_OTHER_SERVICE: _l("Closing as referred to another service needs a referral of the case to "
                                       "a service other than the court or the prosecutor: record it first."),
}


def fits(outcome: Outcome, destination: ReferralDestination) -> bool:
    """The destinations each referral outcome covers; the police fit either (they act for the prosecutor and
    protect too)."""
    if outcome is Outcome.REFERRED_TO_JUSTICE:
        return destination in JUSTICE_DESTINATIONS
    return destination not in COURT_DESTINATIONS


def fitting_referral(session: Session, case: Case, outcome: Outcome,
                     preferred: ReferralDestination | None = None) -> Referral | None:
    """The newest referral of the case that fits the outcome (one the caller names by destination first)."""
    referrals = [referral for referral in session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.made_on.desc(), Referral.id.desc()))
        if fits(outcome, referral.destination)]
    named = [referral for referral in referrals if referral.destination is preferred]
    chosen = named or referrals
    return chosen[0] if chosen else None


def refuse_a_referral_outcome_without_referral(case: Case, *, session: Session, outcome: Outcome,
                                                **_ignored) -> None:
    if outcome in REFERRAL_OUTCOMES and fitting_referral(session, case, outcome) is None:
        raise ValidationFailed(REFUSALS[outcome], field="outcome")


def link_the_closure_to_its_referral(case: Case, *, session: Session, closure: Closure, **_ignored) -> None:
    if closure.outcome not in REFERRAL_OUTCOMES:
        return
    referral = fitting_referral(session, case, closure.outcome, closure.referral_destination)
    if referral is None:  # refused by case_closing before anything was written
        return
    closure.referral_destination = referral.destination
    session.add(ReferralClosure(closure_id=closure.id, referral_id=referral.id))
    session.flush()


# Strong references: the receivers live as long as the application (docs/architecture.md, A1).
case_closing.connect(refuse_a_referral_outcome_without_referral, weak=False)
case_closed.connect(link_the_closure_to_its_referral, weak=False)
