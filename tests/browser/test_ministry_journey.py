"""The ministry user opens a published release, reads a chart, switches language and downloads the
table in its three formats (journey 4)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.statistics import charts
from mediation.statistics.disclosure import TOTAL_CODE
from mediation.statistics.models import StatisticsRelease
from tests.browser.support import RELEASE_ID, assert_direction, choose_language, log_in, nav, t

OTHER = {"ar": "fr", "fr": "ar"}


def _stored(app) -> dict[tuple[str, str], bytes]:
    with app.app_context():
        release = db.session.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == RELEASE_ID))
        return {(f.table_id, str(f.format)): f.content for f in release.files}


def _table_rows(page, table_id: str) -> list[list[str]]:
    section = page.locator("section.statistics-table", has=page.locator(f"#caption-{table_id}"))
    return [[cell.strip() for cell in row.locator("th, td").all_inner_texts()]
            for row in section.locator("tbody tr").all()]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_ministry_reads_a_release_and_downloads_it(served_app, new_page, language):
    app = served_app
    stored = _stored(app)
    published = json.loads(stored[("T1", "json")])
    columns = published["columns"]
    label_column = "label_ar" if language == "ar" else "label_fr"

    page = new_page()
    log_in(page, app, "ministry", language)
    nav(page, app, language, "Statistics")
    assert page.get_by_role("heading", level=1).inner_text() == t(app, language, "Statistics releases")
    page.get_by_role("link", name=RELEASE_ID, exact=True).click()
    assert_direction(page, language)
    assert page.get_by_role("heading", level=1).inner_text() == t(app, language, "Release %(release)s",
                                                                   release=RELEASE_ID)

    # The table shows exactly the published values, labelled in the page's language.
    rows = _table_rows(page, "T1")
    # docs/statistics.md, ST40: the label comes first and no code is shown.
    expected = [[row[columns.index(label_column)], str(row[columns.index("value")])] for row in published["rows"]]
    codes = [row[columns.index("code")] for row in published["rows"]]
    assert [row[:2] for row in rows] == expected
    assert page.locator("#caption-T1").inner_text().find(published["metadata"]["title_ar" if language == "ar"
                                                                                 else "title_fr"]) >= 0

    # The chart: one bar per category (not the total), each bar's label and value as in the table,
    # named by the table's caption; in Arabic the bars grow from the right.
    chart = page.locator("section.statistics-table", has=page.locator("#caption-T1")).locator("svg.chart")
    assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-labelledby") == "caption-T1"
    bars = chart.locator("g.chart-bar")
    categories = [row for row, code in zip(expected, codes, strict=True) if code != TOTAL_CODE]
    bar_texts = [bar.locator("text").all_text_contents() for bar in bars.all()]
    assert len(categories) >= 2
    # A long label is shortened in the chart (charts.short); the table beside it has it in full.
    assert [texts[0] for texts in bar_texts] == [charts.short(row[0]) for row in categories]
    assert [texts[1] for texts in bar_texts] == [row[1] for row in categories]
    assert chart.get_attribute("data-direction") == ("rtl" if language == "ar" else "ltr")
    box, axis = chart.bounding_box(), chart.locator("line.chart-axis").bounding_box()
    if language == "ar":
        assert axis["x"] > box["x"] + box["width"] / 2  # bars start at the right
    else:
        assert axis["x"] < box["x"] + box["width"] / 2

    # Switching language keeps the release open and relabels the table.
    other = OTHER[language]
    choose_language(page, other)
    assert_direction(page, other)
    assert RELEASE_ID in page.url
    other_labels = [row[0] for row in _table_rows(page, "T1")]
    other_column = "label_ar" if other == "ar" else "label_fr"
    assert other_labels == [row[columns.index(other_column)] for row in published["rows"]]
    choose_language(page, language)

    # The three formats download the stored bytes unchanged.
    section = page.locator("section.statistics-table", has=page.locator("#caption-T1"))
    for fmt in ("csv", "json", "xlsx"):
        with page.expect_download() as download_info:
            section.locator(f'a[href$="/{RELEASE_ID}/T1.{fmt}"]').click()
        download = download_info.value
        assert download.suggested_filename == f"{RELEASE_ID}-T1.{fmt}"
        content = Path(download.path()).read_bytes()
        assert hashlib.sha256(content).hexdigest() == hashlib.sha256(stored[("T1", fmt)]).hexdigest()
    assert re.search(r"\bT1\b", section.locator(".downloads").inner_text())

