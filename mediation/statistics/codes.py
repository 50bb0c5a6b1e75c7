"""The statistics' own grouping of the case's issues (docs/statistics.md, ST5; docs/domain.md, DOM64).

Only the statistics read it, so it lives with them; the issues themselves are the case's
(`mediation/cases/codes.py`). The outcome groups (DOM65) stay with the case: closing a case
with an agreement waits for the screening decision (DOM30).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from mediation.cases.codes import Issue
from mediation.core.codes import Code


class IssueGroup(Code):
    """The one published classification of a case's issues (docs/statistics.md, ST5)."""

    CHILDREN = "children", _l("Children's matters")
    # Translators: a group of case issues in statistics: divorce or separation and its consequences.
    SEPARATION = "separation", _l("Separation")
    MARITAL_DISCORD = "marital_discord", _l("Marital discord")
    WIDER_FAMILY = "wider_family", _l("Wider family")
    OTHER = "other", _l("Other")


ISSUE_GROUP: Mapping[Issue, IssueGroup] = MappingProxyType({
    Issue.CUSTODY: IssueGroup.CHILDREN,
    Issue.VISITATION: IssueGroup.CHILDREN,
    Issue.CHILD_MAINTENANCE: IssueGroup.CHILDREN,
    Issue.CHILD_UPBRINGING: IssueGroup.CHILDREN,
    Issue.SEPARATION_ARRANGEMENTS: IssueGroup.SEPARATION,
    Issue.SPOUSAL_ENTITLEMENTS: IssueGroup.SEPARATION,
    Issue.EXPULSION_MARITAL_HOME: IssueGroup.SEPARATION,
    Issue.MARITAL_DISCORD: IssueGroup.MARITAL_DISCORD,
    Issue.IN_LAW_CONFLICT: IssueGroup.WIDER_FAMILY,
    Issue.PARENT_CHILD_CONFLICT: IssueGroup.WIDER_FAMILY,
    Issue.ELDERLY_CARE: IssueGroup.WIDER_FAMILY,
    Issue.INHERITANCE: IssueGroup.WIDER_FAMILY,
    Issue.OTHER: IssueGroup.OTHER,
    Issue.DEBTS: IssueGroup.SEPARATION,
    Issue.PARENT_COMMUNICATION: IssueGroup.CHILDREN,
})


def issue_group(issues: Iterable[Issue | str]) -> IssueGroup:
    """The group of a case's issues: the first group, in IssueGroup order, that any issue belongs to."""
    groups = {ISSUE_GROUP[Issue(issue)] for issue in issues}
    if not groups:
        raise ValueError("a case has at least one issue")
    return next(group for group in IssueGroup if group in groups)


class CorrectionReason(Code):
    """Why a correction was built (docs/statistics.md, ST31): fixed codes, never free text or a count."""

    DATA_ENTRY_ERROR = "data_entry_error", _l("Data entry error")
    LATE_RECORDS = "late_records", _l("Late records")
    OPENED_IN_ERROR = "opened_in_error", _l("Cases opened in error")
    METHOD_CHANGE = "method_change", _l("Method change")
