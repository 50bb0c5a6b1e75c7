"""The supervisor's list of the association's cases: one page in four statements, whatever the caseload.

A count, the page rows with the lead's name and every flag (correlated
subqueries evaluated for the page only), the issues of the page and the
requesting parties of the page. Nothing is loaded per row.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import SQLColumnExpression, case, func, select
from sqlalchemy.orm import Session, aliased

from mediation.accounts.models import StaffUser
from mediation.cases.codes import CaseStatus, Issue
from mediation.cases.models import Case, CaseIssue, Participant, Person
from mediation.cases.policies import visible_cases
from mediation.core.authz import Role
from mediation.supervision import filters, predicates
from mediation.supervision.filters import CaseFilter


@dataclass(frozen=True)
class StaffOption:
    id: int
    public_id: uuid.UUID
    name: str
    active: bool


def association_staff(session: Session, association_id: int) -> list[StaffOption]:
    """Everyone who may lead a case of the association, former staff included (their cases remain)."""
    rows = session.execute(
        select(StaffUser.id, StaffUser.public_id, StaffUser.display_name, StaffUser.active)
        .where(StaffUser.association_id == association_id, StaffUser.role.in_((Role.MEDIATOR, Role.SUPERVISOR)))
        .order_by(StaffUser.active.desc(), StaffUser.display_name, StaffUser.id)
    ).all()
    return [StaffOption(*row) for row in rows]


@dataclass(frozen=True)
class CaseListRow:
    public_id: uuid.UUID
    reference: str
    status: CaseStatus
    issues: tuple[Issue, ...]
    lead_name: str | None
    requesting_name: str | None
    opened_on: date
    closed_on: date | None
    updated_at: datetime
    days_open: int
    danger: bool
    awaiting_decision: bool
    decision_requested: bool  # its staff asked for a decision (docs/domain.md, DOM71)
    overdue: bool
    review_due: bool
    # Anonymised at the end of its retention period: its names are gone (the list says so).
    anonymised: bool
    stale: bool

    @property
    def flagged(self) -> bool:
        return (self.danger or self.awaiting_decision or self.decision_requested or self.overdue or self.review_due
                or self.stale)


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseListRow]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_number(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


LeadUser = aliased(StaffUser, name="lead_user")
# The workflow order, not the alphabetical order of the codes (which differs in every language anyway).
STATUS_ORDER = case({status: position for position, status in enumerate(CaseStatus)}, value=Case.status)


def _ordering(case_filter: CaseFilter) -> list:
    descending = case_filter.direction == "desc"
    if case_filter.sort == "lead":
        # Cases without a lead come last either way (NULL ordering differs between backends).
        name = LeadUser.display_name
        keys: list[SQLColumnExpression[Any]] = [name.is_(None), name.desc() if descending else name]
    else:
        key = {"reference": Case.reference, "opened": Case.opened_on, "status": STATUS_ORDER,
               "updated": Case.updated_at}[case_filter.sort]
        keys = [key.desc() if descending else key]
    # The id breaks ties, so a case never appears on two pages.
    return [*keys, Case.id.desc() if descending else Case.id]


def case_page(session: Session, user, case_filter: CaseFilter, today: date, *, per_page: int) -> CasePage:
    """The page of the user's cases that `case_filter` asks for, moved to the last page if beyond it."""
    scoped = filters.apply(visible_cases(user), case_filter, today)
    total = session.scalar(select(func.count()).select_from(scoped.with_only_columns(Case.id).subquery())) or 0
    pages = -(-total // per_page)
    page = min(case_filter.page, max(pages, 1))
    # Even an empty page runs every statement: the count per page is then one constant, simple to test.
    ids = list(session.scalars(
        scoped.with_only_columns(Case.id)
        .select_from(Case)
        .outerjoin(predicates.Lead, predicates.lead_join())
        .outerjoin(LeadUser, LeadUser.id == predicates.Lead.user_id)
        .order_by(*_ordering(case_filter))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ))
    # The flags of the page's rows only, in a second statement: in the first one PostgreSQL planned
    # them for every case of the association, hashing the whole country's open follow-up actions
    # (27 ms of 37 at 100,000 cases, bench/RESULTS.md); over 25 ids each flag is an index probe.
    found = {row.id: row for row in session.execute(
        select(
            Case.id, Case.public_id, Case.reference, Case.status, Case.opened_on, Case.closed_on,
            Case.updated_at, Case.anonymised_at, LeadUser.display_name,
            predicates.in_danger().label("danger"),
            predicates.awaiting_decision().label("awaiting_decision"),
            predicates.decision_requested().label("decision_requested"),
            predicates.overdue_follow_up(today).label("overdue"),
            predicates.review_due().label("review_due"),
            predicates.stale(today).label("stale"),
        )
        .select_from(Case)
        .outerjoin(predicates.Lead, predicates.lead_join())
        .outerjoin(LeadUser, LeadUser.id == predicates.Lead.user_id)
        .where(Case.id.in_(ids))
    )}
    rows = [found[case_id] for case_id in ids]
    issues, names = _issues(session, ids), _requesting_names(session, ids)
    return CasePage(
        [CaseListRow(
            public_id=row.public_id, reference=row.reference, status=row.status, issues=tuple(issues[row.id]),
            lead_name=row.display_name, requesting_name=names.get(row.id), opened_on=row.opened_on,
            closed_on=row.closed_on, updated_at=row.updated_at,
            # A closed case counts the days it was open, not the days since.
            days_open=((row.closed_on or today) - row.opened_on).days,
            danger=bool(row.danger), awaiting_decision=bool(row.awaiting_decision),
            decision_requested=bool(row.decision_requested), overdue=bool(row.overdue),
            review_due=bool(row.review_due), stale=bool(row.stale), anonymised=row.anonymised_at is not None,
        ) for row in rows],
        total, page, pages, per_page,
    )


def _issues(session: Session, case_ids: list[int]) -> dict[int, list[Issue]]:
    found: dict[int, list[Issue]] = defaultdict(list)
    for case_id, issue in session.execute(
        select(CaseIssue.case_id, CaseIssue.issue).where(CaseIssue.case_id.in_(case_ids))
    ):
        found[case_id].append(issue)
    order = list(Issue)
    return defaultdict(list, {key: sorted(value, key=order.index) for key, value in found.items()})


def _requesting_names(session: Session, case_ids: list[int]) -> dict[int, str]:
    """One query for the requesting parties of the page (as cases.queries does for the staff list)."""
    rows = session.execute(
        select(Participant.case_id, Person.full_name)
        .join(Person, Person.id == Participant.person_id)
        .where(Participant.case_id.in_(case_ids), Participant.is_requesting_party.is_(True))
        .order_by(Participant.id)
    )
    names: dict[int, str] = {}
    for case_id, name in rows:
        names.setdefault(case_id, name)
    return names
