"""Authorisation-matrix rows: shared vocabulary and the merge of every feature's rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = (
    "anonymous",
    "admin",
    "ministry",
    "supervisor_a",
    "mediator_a1",
    "mediator_a2",
    "supervisor_b",
    "mediator_b1",
)
LOGIN = 302  # anonymous requests are sent to the login page
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def expect(default: int, anonymous: int = LOGIN, **overrides: int) -> dict[str, int]:
    """Expected status per persona: `default` for every logged-in persona unless overridden."""
    table = {persona: default for persona in PERSONAS}
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    url: str | Callable
    expected: dict[str, int]
    data: dict = field(default_factory=dict)
    variant: str = ""
    public: bool = False  # anonymous is not sent to the login page

    @property
    def id(self) -> str:
        return f"{self.endpoint}:{self.method}" + (f":{self.variant}" if self.variant else "")


CORE_ROWS = [
    Row("auth.login", "GET", "/login", expect(302, anonymous=200), public=True),
    # An empty form re-renders with field errors; a logged-in user is sent home.
    Row("auth.login", "POST", "/login", expect(302, anonymous=200), public=True),
    Row("auth.logout", "POST", "/logout", expect(302)),
    Row("main.home", "GET", "/", expect(200)),
    Row("main.set_language", "POST", "/language", expect(302, anonymous=302),
        data={"lang": "fr", "next": "/"}, public=True),
    Row("health.live", "GET", "/healthz", expect(200, anonymous=200), public=True),
    Row("static", "GET", "/static/css/app.css", expect(200, anonymous=200), public=True),
]


def _feature_rows() -> list[Row]:
    import importlib
    import pkgutil
    from pathlib import Path

    rows: list[Row] = []
    tests_dir = Path(__file__).parent
    for module_info in pkgutil.walk_packages([str(tests_dir)], prefix="tests."):
        if module_info.name.rsplit(".", 1)[-1].startswith("matrix_rows"):
            rows.extend(importlib.import_module(module_info.name).ROWS)
    return rows


MATRIX: list[Row] = CORE_ROWS + _feature_rows()


def rows_by_rule() -> dict[tuple[str, str], list[Row]]:
    grouped: dict[tuple[str, str], list[Row]] = {}
    for row in MATRIX:
        grouped.setdefault((row.endpoint, row.method), []).append(row)
    return grouped
