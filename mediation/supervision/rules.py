"""Limits the supervision forms and services share: a form checks them first, the service again."""

from __future__ import annotations

REASSIGN_REASON_MAX = 2_000
REVIEW_NOTE_MAX = 10_000
