"""Read models of the cases (docs/architecture.md, A3), one module per subject: the case list and search
(cases), the people of a case (people), the staff a case may be given to (staff), safety screening,
consent and decisions (safety), notes, closures, the status history (workflow), openings outside
one's assignment (access), notices and requests for a decision (notices), related cases and possible
duplicates (duplicates).

The names the routes and the other features read are re-exported here (`queries.load_case`); a module
of `cases` imports from the subject's module itself.
"""

from mediation.cases.queries.access import accesses_of, needs_reason  # noqa: F401
from mediation.cases.queries.cases import (  # noqa: F401
    CaseListPage,
    CaseRow,
    case_list,
    load_case,
    search_cases,
)
from mediation.cases.queries.closure import closures_of  # noqa: F401
from mediation.cases.queries.duplicates import (  # noqa: F401
    RelatedCase,
    cases_by_id,
    count_open_duplicate_flags,
    known_cases,
    open_duplicate_flags,
    related_cases,
)
from mediation.cases.queries.notes import notes_of, participant_names  # noqa: F401
from mediation.cases.queries.notices import (  # noqa: F401
    NOTICES_SHOWN,
    NoticeRow,
    notices_of,
    open_requests,
    unread_notice_count,
)
from mediation.cases.queries.people import active_participants, participant_in_case  # noqa: F401
from mediation.cases.queries.safety import (  # noqa: F401
    current_consents,
    decisions_of,
    has_consent,
    latest_decision,
    latest_screenings,
    parties_of,
    scopes_for_new_party,
)
from mediation.cases.queries.staff import staff_of  # noqa: F401
from mediation.cases.queries.workflow import status_history  # noqa: F401
