"""Code lists of the positive-parenting groups (docs/domain.md, DOM120-DOM126)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from mediation.core.codes import Code


class ProgrammeTarget(Code):
    """Whom a programme is written for (docs/domain.md, DOM120)."""

    PARENTS_YOUNG_CHILDREN = "parents_young_children", _l("Parents of young children")
    PARENTS_ADOLESCENTS = "parents_adolescents", _l("Parents of adolescents")
    COUPLES = "couples", _l("Couples")
    GRANDPARENTS = "grandparents", _l("Grandparents")


class GroupStatus(Code):
    """Derived from the group's sessions, never stored (docs/domain.md, DOM121)."""

    PLANNED = "planned", _l("Planned")
    # Translators: a positive-parenting group whose cycle has started and is not over.
    RUNNING = "running", _l("Running")
    FINISHED = "finished", _l("Finished")
    # Translators: a positive-parenting group called off before its first session.
    CANCELLED = "cancelled", _l("Cancelled before it started")


class EnrolmentStatus(Code):
    """Derived from attendance (docs/domain.md, DOM124)."""

    ENROLLED = "enrolled", _l("Enrolled")
    TOOK_PART = "took_part", _l("Took part")
    COMPLETED = "completed", _l("Completed")
    DROPPED_OUT = "dropped_out", _l("Dropped out")


class ActivityTheme(Code):
    """What a family-space activity is about (docs/domain.md, DOM130)."""

    AWARENESS_TALK = "awareness_talk", _l("Awareness talk")
    INTERGENERATIONAL_DAY = "intergenerational_day", _l("Intergenerational day")
    SOCIAL_PROTECTION_INFO = "social_protection_info", _l("Information on social-protection programmes")
    # Translators: an activity of the family space that fits none of the other themes.
    OTHER = "other", _l("Other activity")
