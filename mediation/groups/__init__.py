"""Positive-parenting programmes, groups, their sessions, enrolment, attendance and reminders, and the
family space's activities (docs/domain.md, DOM120-DOM130)."""
