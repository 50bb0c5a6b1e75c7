"""The ministry's release pages (docs/statistics.md, ST1, ST20, ST21; 6).

Releases are built from tests/statistics/microdata.py and published by the platform admin; the
pages must show exactly the stored, published values, serve the stored bytes and audit it all.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.statistics import charts
from mediation.statistics.models import StatisticsRelease
from mediation.statistics.release import build_release, publish_release
from tests.statistics.microdata import insert_cases, standard_world

NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)


def _admin() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "admin.test"))


@pytest.fixture(scope="module")
def _module_releases(app, _module_world):
    """Built once, in the module's transaction; each test runs in a savepoint of it (tests/conftest.py, `db`), so
    every test starts from the same releases and what one builds the next never meets. The tests that need a
    database without releases are in tests/statistics/test_release_build.py."""
    return build_releases(app)


@pytest.fixture
def releases(_module_releases, world):
    """2025Q2 (no cases) and 2025Q3 published; a correction 2025Q3-r2 ready, not published."""
    return _module_releases


def build_releases(app) -> tuple[str, str, str]:
    """The `releases` fixture's content, committed into `app`'s database (in the test's transaction, or the
    module's)."""
    with app.app_context():
        insert_cases(standard_world())
        build_release(db.session, "2025Q2", now=NOW)
        build_release(db.session, "2025Q3", now=NOW)
        publish_release(db.session, "2025Q2", _admin(), now=NOW)
        publish_release(db.session, "2025Q3", _admin(), now=NOW)
        build_release(db.session, "2025Q3", now=NOW, correction_of="2025Q3", reason="data_entry_error")
        db.session.commit()
    return ("2025Q2", "2025Q3", "2025Q3-r2")


def _stored_json(app, release_id: str, table_id: str) -> dict:
    with app.app_context():
        release = db.session.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == release_id))
        stored = next(f for f in release.files if f.table_id == table_id and f.format == "json")
        return json.loads(stored.content)


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.seq)).all()


def _cells(page: str, caption_id: str) -> list[list[str]]:
    """The text of each body row of the table whose caption has this id."""
    table = page[page.index(f'id="{caption_id}"'):]
    table = table[:table.index("</table>")]
    body = table[table.index("<tbody>"):]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = r"<t[hd][^>]*>(.*?)</t[hd]>"
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(cells, row, re.S)]
            for row in rows]


# --- List and visibility ---------------------------------------------------------------------------

def test_ministry_sees_published_releases_only(login_as, releases):
    client = login_as("ministry")
    page = client.get("/statistics/releases?lang=en").get_data(as_text=True)
    assert "2025Q3" in page and "2025Q2" in page
    assert "2025Q3-r2" not in page and "Build a release" not in page and "/publish" not in page
    assert page.index(">2025Q3<") < page.index(">2025Q2<")  # newest first
    assert client.get("/statistics/releases/2025Q3-r2").status_code == 404
    assert client.get("/statistics/releases/2025Q3-r2/T1.json").status_code == 404
    assert client.get("/statistics/releases/2025Q3").status_code == 200


def test_admin_sees_ready_releases_with_publish_button(login_as, releases):
    page = login_as("admin").get("/statistics/releases?lang=en").get_data(as_text=True)
    assert "2025Q3-r2" in page and "Data entry error" in page  # the reason's label in the list
    assert "/statistics/releases/2025Q3-r2/publish" in page and "/statistics/releases/2025Q3/publish" not in page
    assert "Build a release" in page


@pytest.mark.parametrize("persona", ["supervisor_a", "mediator_a1", "supervisor_b", "mediator_b1"])
def test_association_staff_have_no_access(login_as, releases, persona):
    client = login_as(persona)
    for url in ("/statistics/releases", "/statistics/releases/2025Q3", "/statistics/releases/2025Q3/T1.csv",
                "/statistics/trends"):
        assert client.get(url).status_code == 403


def test_ministry_home_links_to_the_releases(login_as, releases):
    page = login_as("ministry").get("/?lang=en").get_data(as_text=True)
    assert "No statistics release has been published yet." not in page
    assert 'href="/statistics/releases"' in page


# --- Release page ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, label_column, title_key", [("ar", "label_ar", "title_ar"),
                                                          ("fr", "label_fr", "title_fr"),
                                                          ("en", "label_fr", "title_fr")])
def test_tables_show_the_stored_values(app, login_as, releases, lang, label_column, title_key):
    page = login_as("ministry").get(f"/statistics/releases/2025Q3?lang={lang}").get_data(as_text=True)
    for table_id in ("T1", "T2", "T3", "T6"):
        data = _stored_json(app, "2025Q3", table_id)
        columns = data["columns"]
        assert data["metadata"][title_key] in html.unescape(page)
        expected = [[row[columns.index(label_column)], str(row[columns.index("value")]),
                     str(row[columns.index("pct")])] for row in data["rows"]]
        # docs/statistics.md, ST40: the first column is the label in the reader's language, no code is shown.
        assert _cells(page, f"caption-{table_id}") == expected
        for row in data["rows"]:
            assert f">{row[columns.index('code')]}<" not in page
    assert "&lt;10" in page and "x" in page  # the fixtures publish both markers
    assert "<script" not in page


def test_markers_are_explained(login_as, releases):
    page = login_as("ministry").get("/statistics/releases/2025Q2?lang=en").get_data(as_text=True)
    assert "Fewer than 10: the value lies between 0 and 9." in page
    assert "Withheld to protect confidentiality." in page
    assert "Percentage not available." in page


def _notes(page: str) -> list[str]:
    return [html.unescape(note) for note in re.findall(r'<li dir="auto">(.*?)</li>', page, re.S)]


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_notes_the_method_wrote_read_in_the_users_language(app, login_as, releases, lang):
    from mediation.statistics.notes import NOTE_LABELS

    page = login_as("ministry").get(f"/statistics/releases/2025Q3?lang={lang}").get_data(as_text=True)
    stored = [note for table_id in ("T1", "T2", "T3", "T6", "T8", "T9", "T10")
              for note in _stored_json(app, "2025Q3", table_id)["metadata"]["notes"]]
    shown = _notes(page)
    assert len(shown) == len(stored) and set(stored) <= set(NOTE_LABELS)  # every stored note is a known one
    with app.test_request_context(f"/?lang={lang}"):
        expected = [str(NOTE_LABELS[note]) for note in stored]
    assert shown == expected
    french, arabic = (part.strip() for part in stored[0].split(" / ", 1))
    if lang == "en":
        assert "Totals are rounded separately: the cells may not add up to the total." in shown
        assert not any(french in note or arabic in note for note in shown)
    else:  # the page's translation is the file's own wording in that language
        assert (french if lang == "fr" else arabic) in shown


def test_a_note_the_method_did_not_write_is_shown_as_stored():
    from mediation.statistics.notes import note_label

    correction = "Correction de 2025Q3 / تصحيح 2025Q3: chiffres de Rabat"
    assert note_label(correction) == correction


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, re.S)


def test_bar_charts_are_accessible_and_mirrored_in_arabic(login_as, releases):
    client = login_as("ministry")
    for lang, direction in (("ar", "rtl"), ("fr", "ltr")):
        page = client.get(f"/statistics/releases/2025Q3?lang={lang}").get_data(as_text=True)
        svgs = [svg for svg in _svgs(page) if 'class="chart chart-bars"' in svg]
        assert len(svgs) == 5  # T1, T2, T3, T6, T8 are one-dimensional
        for svg in svgs:
            caption = re.search(r'aria-labelledby="([^"]+)"', svg)[1]
            assert 'role="img"' in svg and f'id="{caption}"' in page
            assert f'data-direction="{direction}"' in svg
            bars = [(float(x), float(w)) for x, w in re.findall(
                r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)]
            assert bars
            if direction == "rtl":  # bars end at the baseline on the right
                assert all(abs(x + w - (charts.WIDTH - charts.LABEL_WIDTH)) < 0.2 for x, w in bars)
            else:
                assert all(x == charts.LABEL_WIDTH for x, w in bars)
        assert "http" not in "".join(svg.replace('xmlns="http://www.w3.org/2000/svg"', "") for svg in svgs)


def test_markers_are_hatched_bars_never_numbers():
    chart = charts.bar_chart([("a", 40), ("b", "<10"), ("c", "x"), ("d", 20)], rtl=False)
    a, b, c, d = chart.bars
    assert (b.marker, b.text, c.marker, c.text) == (True, "<10", True, "x")
    assert b.width == c.width == charts.MARKER_BAR  # a fixed box, not a length read from the value
    assert d.width == a.width / 2 and not a.marker
    mirrored = charts.bar_chart([("a", 40), ("b", "<10")], rtl=True)
    assert mirrored.bars[0].x + mirrored.bars[0].width == charts.WIDTH - charts.LABEL_WIDTH
    assert mirrored.bars[0].label_x > mirrored.baseline_x  # labels on the right


def test_line_chart_leaves_gaps_at_markers():
    chart = charts.line_chart(["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"],
                              [("MA-06", "Casablanca", [30, "<10", 40, 45]), ("x", "X", ["x", "x", "x", "x"])],
                              rtl=False)
    line, empty = chart.series
    assert len(line.segments) == 2 and len(line.points) == 3 and len(line.polylines) == 1
    assert empty.points == [] and empty.polylines == []
    rtl = charts.line_chart(["2025-Q1", "2025-Q2"], [("a", "A", [1, 2])], rtl=True)
    assert rtl.ticks[0].x > rtl.ticks[1].x  # time reads from the right


# --- Downloads ----------------------------------------------------------------------------------------

def test_downloads_are_the_stored_bytes_and_audited(app, login_as, releases):
    client = login_as("ministry")
    with app.app_context():
        release = db.session.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == "2025Q3"))
        stored = {(f.table_id, str(f.format)): f.content for f in release.files}
    before = len(_events(app, "export"))
    for (table_id, fmt), content in stored.items():
        response = client.get(f"/statistics/releases/2025Q3/{table_id}.{fmt}")
        assert response.status_code == 200
        assert response.data == content
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == {"csv": "text/csv", "json": "application/json",
                                     "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
    events = _events(app, "export")[before:]
    assert len(events) == len(stored)
    assert {e.entity_id for e in events} == {f"2025Q3/{t}.{f}" for t, f in stored}
    assert {(e.entity, e.actor_role) for e in events} == {("statistics_release", "ministry")}


@pytest.mark.parametrize("url", [
    "/statistics/releases/2025Q3/T11.csv", "/statistics/releases/2025Q3/T1.pdf", "/statistics/releases/2025Q3/all.csv",
    "/statistics/releases/2025Q3/T4.csv",  # an annual table: not in a quarterly release
    "/statistics/releases/2031Q1/T1.csv", "/statistics/releases/2031Q1", "/statistics/releases/..%2Fx/T1.csv",
    "/statistics/releases/2025Q3/T1.csv.csv",
])
def test_unknown_ids_are_404(login_as, releases, url):
    assert login_as("ministry").get(url).status_code == 404


# --- Trends -------------------------------------------------------------------------------------------

def test_trends_show_published_values_only(app, login_as, releases):
    client = login_as("ministry")
    page = client.get("/statistics/trends?table=T2&lang=fr").get_data(as_text=True)
    q2, q3 = _stored_json(app, "2025Q2", "T2"), _stored_json(app, "2025Q3", "T2")
    columns = q3["columns"]
    value = columns.index("value")
    label = columns.index("label_fr")
    by_code = {row[label]: {} for row in q3["rows"]}
    for period, data in (("2025-Q2", q2), ("2025-Q3", q3)):
        for row in data["rows"]:
            by_code.setdefault(row[label], {})[period] = str(row[value])
    shown = {row[0]: row[1:] for row in _cells(page, "trend-caption")}
    assert set(shown) == set(by_code)
    for code, values in by_code.items():
        assert shown[code] == [values["2025-Q2"], values["2025-Q3"]]
    assert "&lt;10" in page  # markers stay text
    assert "2025-Q2" in page and "2025-Q3" in page
    svg = next(svg for svg in _svgs(page) if "chart-lines" in svg)
    assert 'role="img"' in svg and 'aria-labelledby="trend-caption"' in svg


def test_trends_ignore_ready_corrections_and_unknown_tables(app, login_as, releases):
    client = login_as("ministry")
    for url in ("/statistics/trends?table=T11", "/statistics/trends?table=T4", "/statistics/trends?table=",
                "/statistics/trends?table=%00"):
        response = client.get(url)
        assert response.status_code == 200
        assert 'value="T1" selected' in response.get_data(as_text=True)
    page = client.get("/statistics/trends?table=T3").get_data(as_text=True)
    assert "2025-Q3" in page and page.count("<th scope=\"col\"><span dir=\"ltr\">2025-Q3") == 1


# --- Build and publish from the admin interface ------------------------------------------------------

@pytest.mark.parametrize("data, lang, message", [
    ({"release_id": "2025Q3"}, "en", "This release already exists and is frozen; build a correction instead."),
    ({"release_id": "2099Q1"}, "en", "A period can be released only once it has ended."),
    ({"release_id": "2025Q5"}, "en", "A release id is a quarter such as 2026Q3 or a year such as 2026."),
    ({"release_id": "2025Q3", "correction_of": "2025Q2", "reason": "late_records"}, "en",
     "The corrected release must be an existing release of the same period."),
    ({"release_id": "2025Q3", "correction_of": "2025Q3"}, "en",
     "A correction needs its reason, chosen from the list."),
    ({"release_id": "2025Q3", "correction_of": "2025Q3", "reason": "one case changed"}, "en",
     "A correction needs its reason, chosen from the list."),
    ({"release_id": "2025Q4", "reason": "late_records"}, "en",
     "A reason is given only for a correction: name the release it corrects."),
])
def test_build_refusals_are_shown_with_the_input_kept(app, login_as, releases, data, lang, message):
    response = login_as("admin").post(f"/statistics/releases/build?lang={lang}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page.replace("&#39;", "'")
    assert f'value="{data["release_id"]}"' in page


@pytest.mark.parametrize("lang, message", [("ar", "هذا الإصدار موجود ومجمّد؛ أنشئ تصحيحا بدلا من ذلك."),
                                           ("fr", "Cette publication existe déjà et est figée ; établissez plutôt"
                                                  " une correction.")])
def test_build_refusal_is_translated(login_as, releases, lang, message):
    client = login_as("admin")
    response = client.post(f"/statistics/releases/build?lang={lang}", data={"release_id": "2025Q3"})
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))


def test_ministry_cannot_build_or_publish(login_as, releases):
    client = login_as("ministry")
    assert client.post("/statistics/releases/build", data={"release_id": "2025Q4"}).status_code == 403
    assert client.post("/statistics/releases/2025Q3-r2/publish").status_code == 403
