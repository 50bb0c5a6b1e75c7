"""Measuring one page: the real request through the test client, and its floor.

The floor is the same template rendered again from the same rows, with no database: the
template context captured during the real request (`template_rendered`) is rendered once
more after the request has ended, when its ORM rows are detached from any session (so a
lazy load would raise instead of querying). What separates page and floor is therefore
exactly the database work and the Python around it: queries, decryption, ORM loading.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field

from flask import g, template_rendered
from sqlalchemy import event

ROWS = re.compile(rb"<tr[\s>]")
EMPTY_URL = "/_bench/empty"


def add_empty_page(app) -> None:
    """A bench-only view that does nothing, behind the same login gate as every page (call before the
    first request). Its time is the fixed cost of any authenticated request: session cookie, user load,
    the gate, locale, security headers, the request log line. A page can never be faster than this
    plus its floor."""
    from mediation.core.authz import Permission, require

    @require(Permission.HOME)
    def bench_empty():
        return "", 204

    app.add_url_rule(EMPTY_URL, "bench_empty", bench_empty)


class StatementCounter:
    """Counts the SQL statements sent on an engine while `active`."""

    def __init__(self, engine):
        self.count = 0
        self.active = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_):
        if self.active:
            self.count += 1

    def __enter__(self):
        self.count, self.active = 0, True
        return self

    def __exit__(self, *_):
        self.active = False


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


@dataclass
class PageResult:
    name: str
    url: str
    user: str
    page: Timing
    floor: Timing
    statements: int
    floor_statements: int
    html_rows: int
    html_bytes: int
    note: str = ""

    fixed: float = 0.0  # median ms of an authenticated request that does nothing (add_empty_page)

    @property
    def ratio(self) -> float:
        return self.page.median / self.floor.median if self.floor.median else float("inf")

    @property
    def ratio_with_fixed(self) -> float:
        """The page against its floor plus the fixed cost of a request: what the page's own data work costs."""
        base = self.floor.median + self.fixed
        return self.page.median / base if base else float("inf")


def _timed_gets(client, counter: StatementCounter, url: str, repeat: int, status: int, warmup: int,
                before_each=lambda: None):
    """`warmup` untimed GETs, then `repeat` timed ones: (timing, statements of the last, last response)."""
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == status, f"{url} answered {response.status_code}"
    timing, statements = Timing(), 0
    for _ in range(repeat):
        before_each()
        with counter:
            started = time.perf_counter()
            response = client.get(url)
            timing.samples.append(time.perf_counter() - started)
        statements = counter.count
        assert response.status_code == status, f"{url} answered {response.status_code}"
    return timing, statements, response


def measure_page(app, client, counter: StatementCounter, name: str, url: str, user: str, repeat: int,
                 warmup: int = 2) -> PageResult:
    captured = []

    def keep(sender, template, context, **extra):
        captured.append((template, context))

    template_rendered.connect(keep, app)
    try:
        page, statements, response = _timed_gets(client, counter, url, repeat, 200, warmup, captured.clear)
    finally:
        template_rendered.disconnect(keep, app)
    body = response.get_data()
    floor, floor_statements, note = measure_floor(app, counter, url, captured, repeat)
    return PageResult(name, url, user, page, floor, statements, floor_statements, len(ROWS.findall(body)),
                      len(body), note)


def measure_fixed(client, counter: StatementCounter, repeat: int, warmup: int = 2) -> tuple[Timing, int]:
    """The empty authenticated request (add_empty_page): its times and statements."""
    timing, statements, _response = _timed_gets(client, counter, EMPTY_URL, repeat, 204, warmup)
    return timing, statements


def measure_floor(app, counter: StatementCounter, url: str, captured, repeat: int) -> tuple[Timing, int, str]:
    """Render the page's template again from its captured, detached context, with no database."""
    template, context = captured[0]
    user = context.get("current_user")
    floor = Timing()
    note = ""
    with app.test_request_context(url):
        # The request's globals (nonce, request id, flask_login's user) as during the real request.
        for key, value in vars(context["g"]).items():
            setattr(g, key, value)
        g._login_user = user
        for _ in range(repeat):
            with counter:
                started = time.perf_counter()
                template.render(context)
                floor.samples.append(time.perf_counter() - started)
        if counter.count:
            note = f"the floor render sent {counter.count} statements"
    return floor, counter.count, note
