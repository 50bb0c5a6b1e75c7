"""Limits the counselling forms and services share: a form checks them first, the service again."""

from __future__ import annotations

TEXT_MAX = 10_000
VOID_REASON_MAX = 2_000
DURATION_MIN, DURATION_MAX = 1, 480  # minutes of one session
FOLLOW_UPS_MAX = 3
