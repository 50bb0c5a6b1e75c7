"""Page numbers are bounded before they reach SQL: a huge, negative or non-numeric page shows the
first page of every paginated list, never a 500 (S16)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from mediation.core.pagination import MAX_PAGE, parse_page

PACKAGE = Path(__file__).resolve().parents[2] / "mediation"

# 10**21 overflowed SQLite's 64-bit OFFSET; the others are refused as page numbers.
BAD_PAGES = ["999999999999999999999", str(2**63), str(MAX_PAGE + 1), "-5", "0", "abc", "", " 2", "1e3", "٣",
             "2.0", "+3", "1_0"]


@pytest.mark.parametrize("text, expected", [
    ("1", 1), ("2", 2), ("0042", 42), (str(MAX_PAGE), MAX_PAGE),
    *((text, None) for text in BAD_PAGES),
    (None, None),
])
def test_only_ascii_page_numbers_in_range_are_pages(text, expected):
    assert parse_page(text) == expected


@pytest.fixture
def past_appointments(app, world, appointments, frozen_clock):
    """The appointments of the fixture, seen from the day after: mediator A1's own one is still to record."""
    frozen_clock.set(datetime.combine(appointments.monday + timedelta(days=1), time(12), tzinfo=UTC))
    return appointments


def listed(app, world, cases):
    """Each paginated list: (persona, url, page parameter, a text its first page shows)."""
    return [
        ("admin", "/admin/staff", "page", "mediator.a1"),
        ("admin", "/admin/associations", "page", "Association B"),
        ("admin", "/admin/service-points", "page", "AGD-01"),
        ("supervisor_a", "/admin/staff", "page", "mediator.a2"),
        ("supervisor_a", "/admin/service-points", "page", "RBT-01"),
        ("admin", "/audit/", "page", "admin.test"),
        ("mediator_a1", "/cases/", "page", cases.references["own"]),
        ("supervisor_a", "/cases/", "page", cases.references["colleague"]),
        ("supervisor_a", "/supervision/cases", "page", cases.references["colleague"]),
        ("mediator_a1", "/appointments/to-record", "page", cases.references["own"]),
        ("mediator_a1", f"/cases/{cases.own}", "timeline_page", cases.references["own"]),
    ]


@pytest.mark.parametrize("page", ["999999999999999999999", "-5", "abc", str(2**63)])
def test_every_paginated_list_survives_a_bad_page_number(app, world, cases, past_appointments, login_as, page):
    for persona, url, name, shown in listed(app, world, cases):
        client = login_as(persona)
        response = client.get(url, query_string={name: page, "lang": "en"})
        assert response.status_code == 200, (url, page)
        body = response.get_data(as_text=True)
        assert shown in body, (url, page)


def test_no_list_reads_its_page_number_by_itself():
    """Every page number goes through mediation.core.pagination (the supervisor's case list parses and
    clamps its own, with a message, before any OFFSET)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"request\.args\.get\([^)]*page", text) or re.search(r"args\.get\([^)]*type=int", text):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []
