"""Read models of the cases (docs/architecture.md, A3), one module per subject: the case list and search,
the people of a case, notices, related cases and possible duplicates.

The names the routes and the other features read are re-exported here (`queries.load_case`); a module
of `cases` imports from the subject's module itself.
"""

from mediation.cases.queries.cases import (  # noqa: F401
    CaseListPage,
    CaseRow,
    case_list,
    load_case,
    search_cases,
)
from mediation.cases.queries.duplicates import (  # noqa: F401
    RelatedCase,
    cases_by_id,
    count_open_duplicate_flags,
    open_duplicate_flags,
    related_cases,
)
from mediation.cases.queries.notices import (  # noqa: F401
    NOTICES_SHOWN,
    NoticeRow,
    notices_of,
    unread_notice_count,
)
from mediation.cases.queries.people import active_participants  # noqa: F401
