"""Limits the cases forms and services share: a form checks them first, the service again."""

from __future__ import annotations

from mediation.cases.codes import ConsentScope

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
