"""Matrix rows of the ministry's releases (merged by tests/matrix.py).

RELEASE_VIEW (ministry, admin) reads releases; RELEASE_MANAGE (admin) builds and publishes them;
association staff are refused (403). A ready release does not exist for the ministry (404).
Variants: a published release, a ready one, an unknown id. The releases are built lazily, once
per test world, with no cases (every value "<10"), inside the test's transaction. POST rows send
an empty form (422 for the admin) or target an already published release (422).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.matrix import Row, expect

NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)  # after 2025-Q3's release date (14 November 2025)
UNKNOWN_RELEASE = "2031Q1"


def _releases(world) -> dict[str, str]:
    releases = getattr(world, "matrix_releases", None)
    if releases is None:
        from sqlalchemy import select

        from mediation.accounts.models import StaffUser
        from mediation.extensions import db
        from mediation.statistics.release import build_release, publish_release

        with world.app.app_context():
            admin = db.session.scalar(select(StaffUser).where(StaffUser.username == world.usernames["admin"]))
            build_release(db.session, "2025Q2", now=NOW)
            publish_release(db.session, "2025Q2", admin, now=NOW)
            build_release(db.session, "2025Q3", now=NOW)
            db.session.commit()
        releases = world.matrix_releases = {"published": "2025Q2", "ready": "2025Q3"}
    return releases


def _url(template: str, key: str | None):
    if key is None:
        return template.format(release=UNKNOWN_RELEASE)
    return lambda world: template.format(release=_releases(world)[key])


def _view(endpoint: str, template: str) -> list[Row]:
    return [
        Row(endpoint, "GET", _url(template, "published"), expect(403, admin=200, ministry=200), variant="published"),
        Row(endpoint, "GET", _url(template, "ready"), expect(403, admin=200, ministry=404), variant="ready"),
        Row(endpoint, "GET", _url(template, None), expect(403, admin=404, ministry=404), variant="unknown"),
    ]


ROWS = [
    Row("statistics.releases", "GET", "/statistics/releases", expect(403, admin=200, ministry=200)),
    Row("statistics.trends", "GET", "/statistics/trends?table=T2", expect(403, admin=200, ministry=200)),
    Row("statistics.release_build", "POST", "/statistics/releases/build", expect(403, admin=422)),
    *_view("statistics.release", "/statistics/releases/{release}"),
    *_view("statistics.release_file", "/statistics/releases/{release}/T2.json"),
    *_view("statistics.release_spreadsheet", "/statistics/releases/{release}/spreadsheet/T2.csv"),
    Row("statistics.release_publish", "POST", _url("/statistics/releases/{release}/publish", "published"),
        expect(403, admin=422), variant="published"),
    Row("statistics.release_publish", "POST", _url("/statistics/releases/{release}/publish", "ready"),
        expect(403, admin=302), variant="ready"),
    Row("statistics.release_publish", "POST", _url("/statistics/releases/{release}/publish", None),
        expect(403, admin=404), variant="unknown"),
]
