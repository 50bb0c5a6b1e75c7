"""Writes of the groups (docs/domain.md, DOM120-DOM130): `cycles` (programmes, groups, their sessions,
enrolment and attendance) and `activities` (the family space's activities, counted without names)."""
