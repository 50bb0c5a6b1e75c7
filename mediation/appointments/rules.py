"""Limits the appointments forms and services share: a form checks them first, the service again."""

from __future__ import annotations

CANCEL_REASON_MAX = 2_000
LABEL_MAX = 200
LINK_MAX = 500
