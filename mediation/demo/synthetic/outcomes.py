"""What follows a synthetic case (docs/domain.md, DOM77-DOM80, DOM85-DOM88, DOM93-DOM95): the agreement a closure
rests on, the post-closure follow-ups at 1, 3 and 6 months, and referrals out made while the case was open, at
the rates of a family-mediation service, so that the benchmark and the ministry's tables T7 and T8
(docs/statistics.md, ST34) have realistic volumes.

The draws come from a stream of their own (`Context.outcomes`), so adding these rows leaves the rest of a
seed's population as it was. Record keys derive from the seed like the cases' (docs/statistics.md, ST9).
"""

from __future__ import annotations

from datetime import date, timedelta

from mediation.aftercare.services.plan import DEFAULT_MONTHS, PLANNED_AFTER, add_months
from mediation.agreements.rules import derive_level
from mediation.cases.codes import (
    AgreementForm,
    AgreementNature,
    FollowUpResult,
    Issue,
    Outcome,
    PointStatus,
    ReferralDestination,
)
from mediation.demo.synthetic import vocabulary as text
from mediation.demo.synthetic.context import Context, utc
from mediation.demo.synthetic.draws import Weighted, stat_key

W = Weighted
# Of the follow-ups due, most are recorded within a fortnight; of those recorded, most agreements hold.
RECORDED = 0.85
RESULTS = W(((FollowUpResult.HOLDING, 58), (FollowUpResult.PARTLY_HOLDING, 18), (FollowUpResult.NOT_HOLDING, 9),
             (FollowUpResult.UNREACHABLE, 15)))
NEW_PROCEEDINGS = {FollowUpResult.HOLDING: 0.01, FollowUpResult.PARTLY_HOLDING: 0.05,
                   FollowUpResult.NOT_HOLDING: 0.35}
# About one case in seven that reached mediation or counselling is referred out while open.
REFERRAL_RATE = 0.14
DESTINATIONS = W(((ReferralDestination.LEGAL_AID, 25), (ReferralDestination.HEALTH, 15),
                  (ReferralDestination.LISTENING_CENTRE, 14), (ReferralDestination.FAMILY_COURT, 8),
                  (ReferralDestination.CHILD_PROTECTION_UNIT, 5), (ReferralDestination.ENTRAIDE_NATIONALE, 10),
                  (ReferralDestination.FAMILY_SOLIDARITY_FUND, 7), (ReferralDestination.OTHER_ASSOCIATION, 10),
                  (ReferralDestination.PUBLIC_PROSECUTOR, 2), (ReferralDestination.POLICE, 2),
                  (ReferralDestination.OTHER, 2)))
ANSWERS = W((("accepted", 60), ("declined", 12), ("no_answer", 28)))
ANSWERED_WITHIN = 30  # days: a referral older than this has its answer (or the note that none came)


def write_agreement(ctx: Context, case_id: int, issues: list[Issue], lead_id: int, outcome: Outcome,
                    closed_on: date, closure_id: int) -> None:
    """The concluded agreement a closure with an agreement (and most reconciliations) rests on (DOM80)."""
    draws = ctx.outcomes
    if outcome is Outcome.RECONCILIATION and draws.chance(0.3):
        return  # a reconciliation may link an agreement, and need not
    points = [PointStatus.AGREED] * len(issues)
    if outcome is Outcome.AGREEMENT_PARTIAL:
        if len(points) == 1:
            points = [PointStatus.PARTIALLY_AGREED]
        else:
            points[-1] = draws.choice((PointStatus.PARTIALLY_AGREED, PointStatus.NOT_AGREED))
    writer = ctx.writer
    agreement_id, version_id = writer.new_id("agreement"), writer.new_id("agreement_version")
    writer.add("agreement", {"id": agreement_id, "public_id": ctx.ids.uuid(), "case_id": case_id,
                             "latest_number": 1, "created_at": utc(closed_on, 14), "version_id": 1})
    writer.add("agreement_version", {
        "id": version_id, "public_id": ctx.ids.uuid(), "agreement_id": agreement_id, "case_id": case_id,
        "number": 1, "nature": AgreementNature.RECONCILIATION if outcome is Outcome.RECONCILIATION
        else AgreementNature.SEPARATION_ARRANGEMENTS,
        "form": draws.choice((AgreementForm.WRITTEN_SIGNED, AgreementForm.WRITTEN_SIGNED, AgreementForm.VERBAL)),
        "level": derive_level(points), "concluded_on": closed_on, "signed_on": None,
        "submitted_to_court": draws.chance(0.3), "created_by_id": lead_id, "created_at": utc(closed_on, 14),
    })
    for position, (issue, status) in enumerate(zip(issues, points, strict=True)):
        writer.add("agreement_point", {"version_id": version_id, "issue": issue, "position": position,
                                       "status": status, "text": draws.choice(text.AGREEMENT_POINTS)})
    writer.add("agreement_closure", {"closure_id": closure_id, "version_id": version_id})


def write_follow_ups(ctx: Context, case_id: int, closure_id: int, lead_id: int, contact_id: int,
                     outcome: Outcome, closed_on: date) -> None:
    """The plan of DOM93 at 1, 3 and 6 months; those due are mostly recorded, a few days after their date."""
    if outcome not in PLANNED_AFTER:
        return
    draws, writer = ctx.outcomes, ctx.writer
    for months in DEFAULT_MONTHS:
        due_on = add_months(closed_on, months)
        follow_up_id = writer.new_id("post_closure_follow_up")
        row = {"id": follow_up_id, "public_id": ctx.ids.uuid(), "case_id": case_id, "closure_id": closure_id,
               "months_after": months, "due_on": due_on, "assigned_to_id": lead_id, "status": "planned",
               "created_at": utc(closed_on, 16), "stat_key": stat_key(ctx.seed, "follow_up", follow_up_id),
               "version_id": 1, "done_on": None, "done_by_id": None, "contact_mode": None, "contacted_id": None,
               "result": None, "new_proceedings": None, "action": None}  # one key set per table: bulk inserts
        done_on = due_on + timedelta(days=draws.between(0, 14))
        if done_on <= ctx.today and draws.chance(RECORDED):
            result = RESULTS.pick(draws)
            reached = result is not FollowUpResult.UNREACHABLE
            row.update(status="done", done_on=done_on, done_by_id=lead_id,
                       contact_mode=draws.choice(("phone", "phone", "met")) if reached else "not_reached",
                       contacted_id=contact_id if reached else None, result=result,
                       new_proceedings=draws.chance(NEW_PROCEEDINGS[result]) if reached else None,
                       action="reopen_requested" if result is FollowUpResult.NOT_HOLDING and draws.chance(0.3)
                       else "none")
        writer.add("post_closure_follow_up", row)


def write_referral(ctx: Context, case_id: int, participant_id: int, lead_id: int, first: date, last: date) -> None:
    """Perhaps a referral out made between `first` and `last` (the case's working days), sharing nothing, with
    the destination's answer when it is old enough."""
    draws = ctx.outcomes
    if last < first or not draws.chance(REFERRAL_RATE):
        return
    made_on = first + timedelta(days=draws.below((last - first).days + 1))
    status, feedback_on = "made", None
    if (ctx.today - made_on).days > ANSWERED_WITHIN:
        status, feedback_on = ANSWERS.pick(draws), made_on + timedelta(days=draws.between(3, ANSWERED_WITHIN))
    referral_id = ctx.writer.new_id("referral")
    ctx.writer.add("referral", {
        "id": referral_id, "public_id": ctx.ids.uuid(), "case_id": case_id, "participant_id": participant_id,
        "destination": DESTINATIONS.pick(draws), "organisation_name": text.REFERRAL_ORGANISATION,
        "urgency": "urgent" if draws.chance(0.1) else "routine", "reason": text.REFERRAL_REASON,
        "made_on": made_on, "consent_id": None, "exception_id": None, "status": status, "feedback_on": feedback_on,
        "made_by_id": lead_id, "created_at": utc(made_on, 15), "stat_key": stat_key(ctx.seed, "referral", referral_id),
        "version_id": 1,
    })
