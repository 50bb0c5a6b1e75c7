"""Limits shared by the referral forms, services and tests (docs/architecture.md, A3)."""

ORGANISATION_MAX = 200
REASON_MAX = 2000
# A safeguarding exception's grounds, written by the staff member and by the deciding supervisor.
EXCEPTION_REASON_MAX = 2000
