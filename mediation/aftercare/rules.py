"""Limits a form, a service and a test agree on (docs/architecture.md, A3)."""

from __future__ import annotations

NOTE_MAX = 4000
# How many post-closure follow-ups the supervisor's queue shows on the home page before a "more" line.
ALERTS_SHOWN = 20
