"""Positive-parenting programmes, groups, their sessions, enrolment and attendance (docs/domain.md,
DOM120-DOM128)."""
