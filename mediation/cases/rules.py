"""Limits the cases forms and services share: a form checks them first, the service again."""

from __future__ import annotations

from mediation.cases.codes import AgreementLevel

# Characters of free text.
CASE_NOTE_MAX = 10_000
ACCESS_NOTE_MAX = 500  # why a supervisor opens a case outside their assignment
CLOSURE_NOTE_MAX = 4000
AGREEMENT_POINTS_MAX = 10_000
REOPEN_REASON_MAX = 4000
DECISION_REQUEST_NOTE_MAX = 2000  # what a staff member adds when asking a supervisor for a decision

# The agreement levels a closure with an agreement records.
AGREEMENT_LEVELS = (AgreementLevel.FULL, AgreementLevel.PARTIAL)
