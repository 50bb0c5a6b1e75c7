"""The code lists of referrals out (docs/domain.md, DOM85, DOM86). The destinations are the case's own list,
`mediation.cases.codes.ReferralDestination`, which the closure reads too.

Codes are frozen once released: add members, never rename or reuse one (DOM62).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class Urgency(Code):
    URGENT = "urgent", _l("Urgent")
    ROUTINE = "routine", _l("Routine")


class ReferralStatus(Code):
    # Translators: a referral sent to another service, no answer yet (French "Orientation effectuée").
    MADE = "made", _l("Made, awaiting an answer")
    ACCEPTED = "accepted", _l("Accepted by the destination")
    DECLINED = "declined", _l("Declined by the destination")
    NO_ANSWER = "no_answer", _l("No answer")


# The statuses a later update records: the destination's answer, or that none came (DOM86).
ANSWERS = (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.NO_ANSWER)


class SharedData(Code):
    """What may leave with a referral about the referred participant: the minimum, by category (DOM85)."""

    IDENTITY = "identity", _l("Identity (name, sex, age)")
    CONTACT_DETAILS = "contact_details", _l("Contact details (phone)")
    CASE_SUMMARY = "case_summary", _l("Short summary of the situation")
    SCREENING_OUTCOME = "screening_outcome", _l("Outcome of the safety screening")


class SafeguardingGround(Code):
    CHILD_AT_RISK = "child_at_risk", _l("A child is likely to suffer significant harm")
    ADULT_AT_RISK = "adult_at_risk", _l("An adult is at risk")


class ExceptionStatus(Code):
    PENDING = "pending", _l("Awaiting a supervisor")
    APPROVED = "approved", _l("Approved")
    REFUSED = "refused", _l("Refused")
