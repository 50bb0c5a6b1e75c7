"""What the ministry reads (docs/statistics.md, ST40-ST43): labels first, a spreadsheet CSV that opens in a
French-locale spreadsheet, a readable methodology sheet, and trends that open on a published table."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mediation.accounts.models import StaffUser
from mediation.core.audit import AuditEvent
from mediation.extensions import db
from mediation.statistics.catalogue import TABLES
from mediation.statistics.files import spreadsheet_csv
from mediation.statistics.models import StatisticsRelease
from mediation.statistics.release import build_release, publish_release
from tests.statistics.microdata import CaseSpec, add_association, insert_cases, standard_world

NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)
Q3 = datetime(2025, 8, 12, 11, 0, tzinfo=UTC)
INTERNAL_CODES = ("marital_discord", "counselling_psychological", "joint_mediation", "wider_family",
                  "no_agreement", "not_started")


def _admin() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == "admin.test"))


def _publish(release_ids) -> None:
    for release_id in release_ids:
        build_release(db.session, release_id, now=NOW)
        publish_release(db.session, release_id, _admin(), now=NOW)
    db.session.commit()


@pytest.fixture(scope="module")
def _module_standard(app, _module_world):
    """The standard world's cases and their published 2025Q3 release, built once per module in its
    transaction (tests/conftest.py, `module_data`)."""
    with app.app_context():
        insert_cases(standard_world())
        _publish(["2025Q3"])


@pytest.fixture
def standard(_module_standard, world):
    return None


@pytest.fixture
def no_regions(app, world):
    """Three associations alone in their regions, as in the demo: merging leaves fewer than three region groups,
    so the regional table is not published (docs/statistics.md, ST14), the national ones are."""
    with app.app_context():
        specs = []
        for region in ("MA-03", "MA-04", "MA-09"):
            point = add_association(region, f"N{region[3:]}")
            specs += [CaseSpec(point=point, stat_key=(17 * n + 3) % 256, created_at=Q3,
                               issues=(("custody",), ("marital_discord",), ("separation_arrangements",))[n % 3],
                               closures=((5, "agreement_full"),), sessions=(("joint_mediation", False),))
                      for n in range(20)]
        insert_cases(specs)
        _publish(["2025Q3"])


def _files(app, release_id: str) -> dict:
    with app.app_context():
        release = db.session.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == release_id))
        return {(stored.table_id, str(stored.format)): stored.content for stored in release.files}


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_file_has_the_labels_first(app, standard):
    for (table_id, fmt), content in _files(app, "2025Q3").items():
        if table_id == "all":
            book = load_workbook(io.BytesIO(content))
            sheets = [book[t] for t in book.sheetnames if t in TABLES]
        elif fmt == "xlsx":
            sheets = [load_workbook(io.BytesIO(content))["data"]]
        elif fmt == "csv":
            lines = [line for line in content.decode("utf-8-sig").split("\r\n") if line and line[0] != "#"]
            header, *rows = list(csv.reader(lines))
            assert header[:3] == ["label_fr", "label_ar", "code"]
            assert all(row[0] != row[2] for row in rows)
            continue
        else:
            data = json.loads(content)
            assert data["columns"][:3] == ["label_fr", "label_ar", "code"]
            continue
        for sheet in sheets:
            rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
            assert rows[0][:3] == ["label_fr", "label_ar", "code"]
            assert all(row[0] not in INTERNAL_CODES and row[0] != row[2] for row in rows[1:])


@pytest.mark.parametrize("lang", ["ar", "fr", "en"])
def test_screens_show_labels_never_internal_codes(app, login_as, standard, lang):
    client = login_as("ministry")
    for url in ("/statistics/releases/2025Q3", "/statistics/trends?table=T2", "/statistics/trends?table=T3",
                "/statistics/trends?table=T6"):
        page = _visible(client.get(f"{url}&lang={lang}" if "?" in url else f"{url}?lang={lang}").get_data(
            as_text=True))
        for code in INTERNAL_CODES:
            assert code not in page, (url, code)
    page = client.get(f"/statistics/trends?table=T6&lang={lang}").get_data(as_text=True)
    label = TABLES["T6"].dimensions[0].labels_ar["counselling_psychological"] if lang == "ar" else \
        TABLES["T6"].dimensions[0].labels_fr["counselling_psychological"]
    assert f'<th scope="row" data-code="counselling_psychological">{html.escape(label)}</th>' in page


def test_the_spreadsheet_csv_opens_in_a_french_locale_spreadsheet(app, login_as, standard):
    stored = _files(app, "2025Q3")
    client = login_as("ministry")
    for table_id in ("T1", "T2", "T3", "T6"):
        response = client.get(f"/statistics/releases/2025Q3/spreadsheet/{table_id}.csv")
        assert response.status_code == 200
        assert f"2025Q3-{table_id}-semicolon.csv" in response.headers["Content-Disposition"]
        content = response.data
        assert content == spreadsheet_csv(stored[(table_id, "json")])
        assert content.startswith(b"\xef\xbb\xbf") and content.count(b"\n") == content.count(b"\r\n")
        text = content.decode("utf-8-sig")
        assert not text.startswith("#") and "\r\n#" not in text  # the header is the first line
        header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        data = json.loads(stored[(table_id, "json")])
        assert header == data["columns"] and header[0] == "label_fr"
        assert all(len(row) == len(header) for row in rows)
        assert rows == [[str(value) for value in row] for row in data["rows"]]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.entity_id == "2025Q3/T2.semicolon.csv", AuditEvent.action == "export")) is not None
    # The link is offered on the release page; unknown tables and releases stay 404.
    assert "/statistics/releases/2025Q3/spreadsheet/T2.csv" in client.get("/statistics/releases/2025Q3").get_data(
        as_text=True)
    for url in ("/statistics/releases/2025Q3/spreadsheet/T11.csv", "/statistics/releases/2025Q3/spreadsheet/all.csv",
                "/statistics/releases/2031Q1/spreadsheet/T1.csv", "/statistics/releases/2025Q3/spreadsheet/T4.csv"):
        assert client.get(url).status_code == 404


def test_the_spreadsheet_csv_neutralises_formulas_and_keeps_labels_first_for_older_layouts():
    old_layout = json.dumps({"metadata": {}, "columns": ["code", "label_fr", "label_ar", "period", "value"],
                             "rows": [["a", "=1+1", "عربي", "2025-Q3", 15]]}).encode()
    text = spreadsheet_csv(old_layout).decode("utf-8-sig")
    assert text.split("\r\n")[:2] == ["label_fr;label_ar;code;period;value", "'=1+1;عربي;a;2025-Q3;15"]


def test_the_methodology_sheet_is_readable_text(app, standard):
    book = load_workbook(io.BytesIO(_files(app, "2025Q3")[("all", "xlsx")]))
    rows = [[cell.value for cell in row] for row in book["methodology"].iter_rows()]
    text = "\n".join(str(value) for row in rows for value in row if value is not None)
    assert "\\u" not in text and "{" not in text and '"' not in text and "[" not in text
    headings = [row[0] for row in rows if row[0]]
    assert headings[:2] == ["Publication / الإصدار", "Période / الفترة"]
    assert "Groupes de régions / مجموعات الجهات" in headings and "Notes / ملاحظات" in headings
    assert any("Rabat-Salé-Kénitra" in str(row[1]) and "الرباط سلا القنيطرة" in str(row[1]) for row in rows)
    assert any(str(row[1]).startswith("Les totaux sont arrondis séparément") for row in rows)  # one note a row
    assert any("threshold : 10" in str(row[1]) for row in rows)


def test_trends_open_on_a_published_table(app, login_as, no_regions):
    assert ("T1", "json") not in _files(app, "2025Q3")  # fewer than 3 region groups: no regional table
    client = login_as("ministry")
    page = client.get("/statistics/trends?lang=fr").get_data(as_text=True)
    assert '<span dir="ltr">T2</span>' in page[page.index('id="trend-caption"'):][:200]
    assert re.search(r'class="number"><span dir="ltr">\d+</span>', page)
    # Asking for a table still shows it; an unknown one falls back to the published default.
    assert '<span dir="ltr">T1</span>' in client.get("/statistics/trends?table=T1").get_data(as_text=True)
    page = client.get("/statistics/trends?table=T11").get_data(as_text=True)
    assert '<span dir="ltr">T2</span>' in page[page.index('id="trend-caption"'):][:200]


def test_trends_open_on_the_first_table_when_it_shows_numbers(app, login_as, standard):
    page = login_as("ministry").get("/statistics/trends").get_data(as_text=True)
    data = json.loads(_files(app, "2025Q3")[("T1", "json")])
    assert any(isinstance(row[data["columns"].index("value")], int) for row in data["rows"])
    assert '<span dir="ltr">T1</span>' in page[page.index('id="trend-caption"'):][:200]
