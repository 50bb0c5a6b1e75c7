"""Lists and times as each language writes them: the list separator follows the interface language,
and a time of day is HH:mm, never with seconds nor on a 12-hour clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.cases.codes import Issue
from mediation.core.i18n import FORMAT_LOCALES, format_moment, join_list
from mediation.extensions import db
from tests.conftest import login

# 13:07:09 UTC is 14:07:09 in Casablanca in May (UTC+1).
LOGIN_AT = datetime(2026, 5, 5, 13, 7, 9, tzinfo=UTC)


@pytest.mark.parametrize("language, separator, forbidden", [
    ("ar", "، ", ", "), ("fr", ", ", "،"), ("en", ", ", "،"),
])
def test_a_list_on_a_page_is_separated_as_the_language_does(client, cases, language, separator, forbidden):
    login(client, "mediator.a1")
    page = client.get(f"/cases/{cases.own}?lang={language}").get_data(as_text=True)
    with client.application.test_request_context(f"/?lang={language}"):
        labels = (str(Issue.CHILD_MAINTENANCE.label), str(Issue.CUSTODY.label))
    assert f"<dd>{separator.join(labels)}</dd>" in page, (language, "the issues are not joined with", separator)
    assert f"{labels[0]}{forbidden}" not in page


@pytest.mark.parametrize("language, separator", [("ar", "، "), ("fr", ", "), ("en", ", ")])
def test_join_list_follows_the_language_being_formatted(app, language, separator):
    with app.test_request_context("/"), force_locale(FORMAT_LOCALES[language]):
        assert join_list(["أ", "B", "C"]) == f"أ{separator}B{separator}C"


def test_no_template_hard_codes_a_list_separator():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "mediation" / "templates"
    pattern = re.compile(r"\{% if not loop\.last %\}\s*[^{\s]+\s*\{% endif %\}|join\(\"، \"")
    found = [f"{path.relative_to(root)}: {match.group(0)}" for path in root.rglob("*.html")
             for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert not found, "use list_separator() or |join_list:\n" + "\n".join(found)


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_times_are_shown_as_hours_and_minutes(app, client, world, language, frozen_clock):
    # The admin's own login is shown too, at the clock's time: one whose minutes cannot read as "2:07".
    frozen_clock.set(datetime(2026, 12, 7, 9, 30, tzinfo=UTC))
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
        user.last_login_at = LOGIN_AT
        db.session.commit()
    login(client, "admin.test")  # the admin's list shows the other users' last login
    page = client.get(f"/admin/staff?lang={language}").get_data(as_text=True)
    assert "14:07" in page
    assert "14:07:09" not in page and "2:07" not in page  # no seconds, no 12-hour clock


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("width", ["short", "medium", "long", "full"])
def test_every_width_of_a_moment_keeps_hours_and_minutes(app, language, width):
    with app.test_request_context("/"), force_locale(FORMAT_LOCALES[language]):
        text = format_moment(LOGIN_AT, width)
    assert "14:07" in text and "14:07:09" not in text and "26" in text, text
    assert "PM" not in text and "UTC" not in text, text


def test_no_template_formats_a_time_with_flask_babels_own_filters():
    """timeformat and datetimeformat follow CLDR: seconds in the medium width, a 12-hour clock in English."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "mediation" / "templates"
    pattern = re.compile(r"\|\s*(timeformat|datetimeformat)\b")
    found = [f"{path.relative_to(root)}: {match.group(0)}" for path in root.rglob("*.html")
             for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert not found, "use |time or |datetime:\n" + "\n".join(found)
