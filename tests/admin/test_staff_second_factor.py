"""The staff list says whether each account has set up its second factor (docs/security.md, S1), read
with the list itself: no statement per row."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.core.authz import Profession, Role
from mediation.extensions import db
from tests.admin.support import translated
from tests.statements import statements_of_get

ENROLLED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class Table(HTMLParser):
    """The staff table: its column headers, and each row's cells by user name (the first column)."""

    def __init__(self):
        super().__init__()
        self.headers: list[str] = []
        self.rows: dict[str, list[str]] = {}
        self.cell: str | None = None
        self.current: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self.in_head = True
        if tag in ("td", "th"):
            self.cell = ""
        if tag == "tr":
            self.current = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        if tag in ("td", "th") and self.cell is not None:
            (self.headers if self.in_head else self.current).append(self.cell.strip())
            self.cell = None
        if tag == "tr" and self.current:
            self.rows[self.current[0]] = self.current

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def read(page: str) -> Table:
    table = Table()
    table.feed(page)
    return table


def enrol_in_database(app, *usernames: str) -> None:
    with app.app_context():
        for user in db.session.scalars(select(StaffUser).where(StaffUser.username.in_(usernames))):
            user.totp_secret, user.totp_enabled_at = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", ENROLLED_AT
        db.session.commit()


def add_staff(app, association_id: int, count: int, first: int = 0) -> None:
    with app.app_context():
        for number in range(first, first + count):
            db.session.add(StaffUser(
                username=f"extra.{number:03}", display_name=f"Extra {number}", role=Role.MEDIATOR,
                profession=Profession.MEDIATOR, association_id=association_id, password_hash="unused",
                totp_secret="JBSWY3DPEHPK3PXP" if number % 2 else None,
                totp_enabled_at=ENROLLED_AT if number % 2 else None))
        db.session.commit()


@pytest.mark.parametrize("persona, language", [("admin", "en"), ("admin", "fr"), ("supervisor_a", "ar")])
def test_each_account_shows_whether_its_second_factor_is_set_up(app, login_as, world, persona, language):
    enrol_in_database(app, "mediator.a1")
    page = login_as(persona).get(f"/admin/staff?lang={language}").get_data(as_text=True)
    table = read(page)
    column = table.headers.index(translated(app, language, "Second factor"))
    set_up, not_set_up = translated(app, language, "Set up"), translated(app, language, "Not set up")
    assert table.rows["mediator.a1"][column] == set_up
    assert table.rows["mediator.a2"][column] == not_set_up
    assert 'data-second-factor="set_up"' in page and 'data-second-factor="not_set_up"' in page


def test_the_column_costs_no_statement_per_row(app, client, login_as, world):
    login_as("admin")
    add_staff(app, world.association_a, 5)
    few, page = statements_of_get(app, client, "/admin/staff?lang=en")
    assert len(read(page.get_data(as_text=True)).rows) >= 5
    add_staff(app, world.association_a, 20, first=5)
    many, page = statements_of_get(app, client, "/admin/staff?lang=en")
    rows = read(page.get_data(as_text=True)).rows
    assert rows["extra.001"][-2] == "Set up" and rows["extra.002"][-2] == "Not set up"
    assert many == few, (few, many)
