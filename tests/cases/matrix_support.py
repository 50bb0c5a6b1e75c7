"""Shared vocabulary of the case matrix rows: the case variants and URL builders."""

from __future__ import annotations

STAFF_ONLY = dict(admin=403, ministry=403)
# Who may reach each case variant (its staff member and the supervisor of its association).
OWNERS = {
    "own": ("mediator_a1", "supervisor_a"),
    "colleague": ("mediator_a2", "supervisor_a"),
    "other": ("mediator_b1", "supervisor_b"),
}


def case_id(key: str):
    return lambda world: getattr(world.cases, key)


def participant_id(key: str):
    """The requesting party of the case `key`."""
    return lambda world: world.cases.participants[key]


def url(case, suffix: str, participant=None):
    """/cases/<case>[/participants/<participant>]<suffix>, either part a value or a function of the world."""

    def build(world) -> str:
        case_part = case(world) if callable(case) else case
        middle = ""
        if participant is not None:
            middle = f"/participants/{participant(world) if callable(participant) else participant}"
        return f"/cases/{case_part}{middle}{suffix}"

    return build
