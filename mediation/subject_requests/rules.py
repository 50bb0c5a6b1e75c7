"""Limits the subject requests forms and services share: a form checks them first, the service again."""

from __future__ import annotations

NOTE_MAX = 4000
