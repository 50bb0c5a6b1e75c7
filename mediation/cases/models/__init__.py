"""Case-file tables, split by subject; import from here."""

from mediation.cases.models.access import CaseAccess  # noqa: F401
from mediation.cases.models.case import (  # noqa: F401
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseIssue,
    CaseSequence,
    Closure,
    StatusChange,
)
from mediation.cases.models.duplicates import DuplicateFlag  # noqa: F401
from mediation.cases.models.notes import Note, NoteVersion  # noqa: F401
from mediation.cases.models.notices import DecisionRequest, Notice  # noqa: F401
from mediation.cases.models.people import Participant, Person, PersonNameToken  # noqa: F401
from mediation.cases.models.safety import (  # noqa: F401
    Consent,
    ConsentGiver,
    Screening,
    ScreeningDecisionRecord,
    ScreeningItem,
    ScreeningResult,
)
