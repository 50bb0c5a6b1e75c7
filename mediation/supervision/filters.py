"""The supervisor's case-list filters: query arguments in, a frozen CaseFilter and SQL conditions out.

The dashboard links every figure here with this vocabulary, so the names are an
interface: staff (a staff member's id, or "none": the cases without a lead),
status (a code or "open"), issue, risk (danger, awaiting_decision, decision_requested; repeatable),
stale, overdue, review_due, opened_from/to, closed_from/to, min_age, sort, dir,
page. All filters combine (AND).

Bad input never fails the page: an unknown key is ignored, an invalid value
drops its filter and adds a translated Problem that the page lists. Nothing
here echoes the raw value back, so a crafted URL cannot put text on the page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, exists

from mediation.cases.codes import CaseStatus, Issue
from mediation.cases.models import Case, CaseIssue
from mediation.supervision import predicates

OPEN = "open"  # status=open: every status but closed
NO_LEAD = "none"  # staff=none: the cases without a lead (the dashboard's row of them)
DANGER, AWAITING_DECISION, DECISION_REQUESTED = "danger", "awaiting_decision", "decision_requested"
RISKS = (DANGER, AWAITING_DECISION, DECISION_REQUESTED)
SORTS = ("reference", "opened", "status", "lead", "updated")
# Dates and "last updated" read best newest first; names and codes in their natural order.
DEFAULT_DIRECTION = {"reference": "asc", "opened": "desc", "status": "asc", "lead": "asc", "updated": "desc"}
DEFAULT_SORT = "opened"
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_AGE_DAYS = 36_500
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
DIGITS = re.compile(r"\d{1,15}", re.ASCII)  # 10**15 pages is already far beyond any list
FLAG_ON, FLAG_OFF = frozenset({"1", "on", "y", "yes", "true"}), frozenset({"", "0", "off", "n", "no", "false"})

# Labels of the form fields; the problems name the field with the same words.
LABELS = {
    "staff": _l("Lead"),
    "status": _l("Status"),
    "issue": _l("Issue"),
    # Translators: heading of the filters on danger and safety decisions in a family case.
    "risk": _l("Risk"),
    # Translators: an open case with no session and no appointment for some weeks.
    "stale": _l("No recent activity"),
    "overdue": _l("Follow-up action overdue"),
    # Translators: a supervisor flagged the case for a supervision review.
    "review_due": _l("Review due"),
    # Translators: first day of a range of dates on which case files were opened.
    "opened_from": _l("Opened from"),
    # Translators: last day of a range of dates on which case files were opened.
    "opened_to": _l("Opened until"),
    # Translators: first day of a range of dates on which case files were closed.
    "closed_from": _l("Closed from"),
    # Translators: last day of a range of dates on which case files were closed.
    "closed_to": _l("Closed until"),
    "min_age": _l("Open for at least (days)"),
    "sort": _l("Sort by"),
    # Translators: sort order of a list (ascending or descending).
    "dir": _l("Order"),
    # Translators: a page number in a list split into pages.
    "page": _l("Page"),
    # A period as a whole, for the problem of a reversed one.
    "opened": _l("Date opened"),
    "closed": _l("Date closed"),
}
SORT_LABELS = {
    "reference": _l("Reference"),
    "opened": _l("Date opened"),
    "status": _l("Status"),
    "lead": _l("Lead"),
    # Translators: the date a case was last changed, a column and a sort order of the case list.
    "updated": _l("Last updated"),
}


@dataclass(frozen=True)
class Problem:
    """One rejected argument: `name` is the query key (the form field's name), `message` is translated."""

    name: str
    message: str


@dataclass(frozen=True)
class DateRange:
    first: date | None = None
    last: date | None = None

    def __bool__(self) -> bool:
        return self.first is not None or self.last is not None

    def bounds(self) -> tuple[date, date]:
        """An open end reaches as far as any stored date can."""
        return self.first or date.min, self.last or date.max


@dataclass(frozen=True)
class CaseFilter:
    staff_id: int | None = None
    staff_public_id: uuid.UUID | None = None
    no_lead: bool = False
    status: str | None = None  # a CaseStatus value or OPEN
    issue: Issue | None = None
    risks: tuple[str, ...] = ()
    stale: bool = False
    overdue: bool = False
    review_due: bool = False
    opened: DateRange = DateRange()
    closed: DateRange = DateRange()
    min_age: int | None = None
    sort: str = DEFAULT_SORT
    direction: str = DEFAULT_DIRECTION[DEFAULT_SORT]
    page: int = 1
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def is_filtered(self) -> bool:
        return any((self.staff_id is not None, self.no_lead, self.status, self.issue, self.risks, self.stale,
                    self.overdue, self.review_due, self.opened, self.closed, self.min_age is not None))

    def problem(self, name: str) -> str | None:
        return next((problem.message for problem in self.problems if problem.name == name), None)

    def args(self, **changes) -> dict[str, object]:
        """The canonical query arguments of this filter (valid values only), for url_for.

        `changes` override sort, dir and page; page 1 and the default order are left out.
        """
        args: dict[str, object] = {}
        if self.staff_public_id is not None:
            args["staff"] = str(self.staff_public_id)
        elif self.no_lead:
            args["staff"] = NO_LEAD
        for key, value in (("status", self.status), ("issue", self.issue and self.issue.value)):
            if value:
                args[key] = value
        if self.risks:
            args["risk"] = list(self.risks)
        for key in ("stale", "overdue", "review_due"):
            if getattr(self, key):
                args[key] = "1"
        for prefix, span in (("opened", self.opened), ("closed", self.closed)):
            if span.first:
                args[f"{prefix}_from"] = span.first.isoformat()
            if span.last:
                args[f"{prefix}_to"] = span.last.isoformat()
        if self.min_age is not None:
            args["min_age"] = str(self.min_age)
        sort = changes.get("sort", self.sort)
        direction = changes.get("dir", self.direction if sort == self.sort else DEFAULT_DIRECTION[sort])
        if (sort, direction) != (DEFAULT_SORT, DEFAULT_DIRECTION[DEFAULT_SORT]):
            args["sort"], args["dir"] = sort, direction
        page = changes.get("page", self.page)
        if page != 1:
            args["page"] = str(page)
        return args

    def sort_link(self, column: str) -> dict[str, object]:
        """Arguments of a column heading: sorted by it, the other way round if it already is; first page."""
        if column == self.sort:
            direction = "asc" if self.direction == "desc" else "desc"
        else:
            direction = DEFAULT_DIRECTION[column]
        return self.args(sort=column, dir=direction, page=1)


class _Parser:
    """Collects values and problems while reading the arguments once."""

    def __init__(self, args: Mapping, staff: Mapping[uuid.UUID, object]):
        self.args = args
        self.staff = staff
        self.problems: list[Problem] = []

    def text(self, name: str) -> str:
        value = self.args.get(name)
        return value.strip() if isinstance(value, str) else ""

    def reject(self, name: str, message: str) -> None:
        self.problems.append(Problem(name, message))

    def invalid_choice(self, name: str) -> None:
        self.reject(name, _("%(field)s: this value is not one of the choices, so the filter is not applied.",
                            field=LABELS[name]))

    def staff_member(self) -> tuple[int | None, uuid.UUID | None]:
        text = self.text("staff")
        if not text or text == NO_LEAD:
            return None, None
        try:
            public_id = uuid.UUID(text)
        except ValueError:
            public_id = None
        member = self.staff.get(public_id) if public_id is not None else None
        if member is None:
            # Another association's staff and a malformed id read alike: the filter is dropped, nothing leaks.
            self.reject("staff", _("Unknown staff member: choose one of your association's staff. "
                                   "The filter on the lead is not applied."))
            return None, None
        return member.id, public_id

    def code(self, name: str, allowed: Mapping[str, object]):
        text = self.text(name)
        if not text:
            return None
        if text not in allowed:
            self.invalid_choice(name)
            return None
        return allowed[text]

    def risks(self) -> tuple[str, ...]:
        chosen: list[str] = []
        bad = False
        for value in self.args.getlist("risk") if hasattr(self.args, "getlist") else [self.args.get("risk")]:
            value = value.strip() if isinstance(value, str) else ""
            if value in RISKS:
                if value not in chosen:
                    chosen.append(value)
            elif value:
                bad = True
        if bad:
            self.invalid_choice("risk")
        return tuple(risk for risk in RISKS if risk in chosen)

    def flag(self, name: str) -> bool:
        text = self.text(name).lower()
        if text in FLAG_ON:
            return True
        if text not in FLAG_OFF:
            self.invalid_choice(name)
        return False

    def day(self, name: str) -> date | None:
        text = self.text(name)
        if not text:
            return None
        value = None
        if ISO_DATE.fullmatch(text):
            try:
                value = date.fromisoformat(text)
            except ValueError:
                value = None
        if value is None or not EARLIEST <= value <= LATEST:
            self.reject(name, _("%(field)s: enter a date as YYYY-MM-DD between 2000 and 2100.", field=LABELS[name]))
            return None
        return value

    def span(self, prefix: str) -> DateRange:
        first, last = self.day(f"{prefix}_from"), self.day(f"{prefix}_to")
        if first and last and first > last:
            self.reject(f"{prefix}_to", _("%(field)s: the end of the period comes before its start, "
                                          "so this period is not applied.", field=LABELS[prefix]))
            return DateRange()
        return DateRange(first, last)

    def min_age(self) -> int | None:
        text = self.text("min_age")
        if not text:
            return None
        if not DIGITS.fullmatch(text) or int(text) > MAX_AGE_DAYS:
            self.reject("min_age", _("%(field)s: enter a whole number of days from 0 to %(most)s.",
                                     field=LABELS["min_age"], most=format_decimal(MAX_AGE_DAYS)))
            return None
        return int(text)

    def order(self) -> tuple[str, str]:
        sort = self.code("sort", {name: name for name in SORTS}) or DEFAULT_SORT
        direction = self.code("dir", {"asc": "asc", "desc": "desc"}) or DEFAULT_DIRECTION[sort]
        return sort, direction

    def page(self) -> int:
        text = self.text("page")
        if not text:
            return 1
        if not DIGITS.fullmatch(text) or int(text) < 1:
            self.reject("page", _("The page number is not valid: the first page is shown."))
            return 1
        return int(text)


def parse(args: Mapping, staff: Mapping[uuid.UUID, object]) -> CaseFilter:
    """Read the query arguments; `staff` maps the public id of each staff member of the association
    (active or not) to an object with an `id`: the only leads one may filter on."""
    parser = _Parser(args, staff)
    staff_id, staff_public_id = parser.staff_member()
    statuses = {status.value: status.value for status in CaseStatus} | {OPEN: OPEN}
    status = parser.code("status", statuses)
    issue = parser.code("issue", {issue.value: issue for issue in Issue})
    risks = parser.risks()
    stale, overdue, review_due = parser.flag("stale"), parser.flag("overdue"), parser.flag("review_due")
    opened, closed = parser.span("opened"), parser.span("closed")
    min_age = parser.min_age()
    sort, direction = parser.order()
    page = parser.page()
    return CaseFilter(staff_id=staff_id, staff_public_id=staff_public_id, no_lead=parser.text("staff") == NO_LEAD,
                      status=status, issue=issue, risks=risks,
                      stale=stale, overdue=overdue, review_due=review_due, opened=opened, closed=closed,
                      min_age=min_age, sort=sort, direction=direction, page=page,
                      problems=tuple(parser.problems))


def on_page(case_filter: CaseFilter, page: int, pages: int) -> CaseFilter:
    """The filter moved to the page actually shown, with a problem when that is not the one asked for."""
    if page == case_filter.page:
        return case_filter
    problem = Problem("page", _("Page %(asked)s does not exist: page %(shown)s of %(pages)s is shown.",
                                asked=format_decimal(case_filter.page), shown=format_decimal(page),
                                pages=format_decimal(max(pages, 1))))
    return replace(case_filter, page=page, problems=(*case_filter.problems, problem))


def has_issue(issue: Issue) -> ColumnElement[bool]:
    return exists().where(CaseIssue.case_id == Case.id, CaseIssue.issue == issue)


def conditions(case_filter: CaseFilter, today: date) -> list[ColumnElement[bool]]:
    """The filter as SQL conditions on Case, built from the dashboard's own predicates."""
    f = case_filter
    found: list[ColumnElement[bool]] = []
    if f.staff_id is not None:
        found.append(predicates.led_by(f.staff_id))
    elif f.no_lead:
        found.append(predicates.without_lead())
    if f.status == OPEN:
        found.append(predicates.is_open())
    elif f.status:
        found.append(Case.status == CaseStatus(f.status))
    if f.issue is not None:
        found.append(has_issue(f.issue))
    if DANGER in f.risks:
        found.append(predicates.in_danger())
    if AWAITING_DECISION in f.risks:
        found.append(predicates.awaiting_decision())
    if DECISION_REQUESTED in f.risks:
        found.append(predicates.decision_requested())
    if f.stale:
        found.append(predicates.stale(today))
    if f.overdue:
        found.append(predicates.overdue_follow_up(today))
    if f.review_due:
        found.append(predicates.review_due())
    if f.opened:
        found.append(predicates.opened_between(*f.opened.bounds()))
    if f.closed:
        found.append(predicates.closed_between(*f.closed.bounds()))
    if f.min_age is not None:
        found.append(predicates.open_for_at_least(today, f.min_age))
    return found


def apply(query: Select, case_filter: CaseFilter, today: date) -> Select:
    """Narrow a query over Case (already scoped by visible_cases) to the filtered cases."""
    found = conditions(case_filter, today)
    return query.where(*found) if found else query
