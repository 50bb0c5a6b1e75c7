"""Limits the cases forms and services share: a form checks them first, the service again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.cases.codes import ConsentScope, ParticipantRole, Sex
from mediation.core.errors import ValidationFailed

# The version of the privacy notice shown at intake (Law 09-08); consents cite it.
NOTICE_VERSION = "2026-1"

# The consents asked when an adult party is registered, in this order (docs/domain.md, DOM76);
# `sensitive_data` only where the association may hold psychological sessions (DOM3).
PARTY_SCOPES = (ConsentScope.MEDIATION, ConsentScope.DATA_PROCESSING, ConsentScope.CONTACT, ConsentScope.STATISTICS,
                ConsentScope.SENSITIVE_DATA, ConsentScope.SHARE_FOR_REFERRAL)

# Characters of free text.
CASE_NOTE_MAX = 10_000
ACCESS_NOTE_MAX = 500  # why a supervisor opens a case outside their assignment
CLOSURE_NOTE_MAX = 4000
AGREEMENT_POINTS_MAX = 10_000
REOPEN_REASON_MAX = 4000
DECISION_REQUEST_NOTE_MAX = 2000  # what a staff member adds when asking a supervisor for a decision

# A person is at most this old: an older birth date is a typing error (docs/domain.md, DOM75).
OLDEST_PLAUSIBLE_AGE = 110

# What a role says without asking again (docs/domain.md, DOM103): a mother is a woman, a father a man.
SEX_OF_ROLE = {ParticipantRole.MOTHER: Sex.FEMALE, ParticipantRole.FATHER: Sex.MALE}
# The other party a role implies when the intake page leaves their role empty (DOM103): the other parent,
# or the other spouse. Other roles imply nobody: the page asks.
OTHER_PARTY_ROLE = {
    ParticipantRole.MOTHER: ParticipantRole.FATHER,
    ParticipantRole.FATHER: ParticipantRole.MOTHER,
    ParticipantRole.SPOUSE: ParticipantRole.SPOUSE,
    ParticipantRole.FORMER_SPOUSE: ParticipantRole.FORMER_SPOUSE,
}


def implied_sex(role: ParticipantRole | str, sex: Sex | str | None, *, field: str = "sex") -> Sex:
    """The sex to record: the one chosen, else the one the role says (DOM103); a choice that
    contradicts the role is refused, and a role that says nothing needs a choice."""
    try:
        said = SEX_OF_ROLE.get(ParticipantRole(role))
        chosen = Sex(sex) if sex else None
    except ValueError:
        raise ValidationFailed(_l("Choose the sex."), field=field) from None
    if chosen is None and said is None:
        raise ValidationFailed(_l("Choose the sex."), field=field)
    if chosen is not None and said is not None and chosen is not said:
        raise ValidationFailed(_l("The sex does not match the role in the family: check one or the other."),
                               field=field)
    return chosen or said  # type: ignore[return-value]


# The rows for children on the intake page; more are added from the case page.
INTAKE_CHILD_ROWS = 3
