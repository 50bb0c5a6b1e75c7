"""The own-association report as an XLSX workbook: an "about" sheet with the key figures, then one
sheet per section and per rate table.

Every text cell is neutralised and typed as a string (docs/security.md, S21: never read as a formula);
counts are numbers. Labels are translated in the reader's language when written.
"""

from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from mediation.statistics.disclosure import PublishedTable
from mediation.statistics.files import MARKERS_LEGEND, data_section, neutralise, utc_seconds
from mediation.statistics.own_report.shapes import Figure, RateTable, Report, Section

# docs/statistics.md, ST2 and ST44: the internal report says what it is on its first line.
INTERNAL_MARK = _l("INTERNAL – exact counts of your association's own data. Not for the ministry or a funder: "
                   "send them the funder export, which applies the ministry's published method.")
FUNDER_MARK = _l("Funder export – the ministry's published method: counts from 0 to 9 shown as “<10”, other "
                 "counts rounded to a multiple of 5. This is the file an association may send to the ministry.")


def _text(value) -> str:
    return neutralise(str(value))


def _number(value):
    # Hours, percentages and medians are Decimals: written as numbers, not text.
    return float(value) if isinstance(value, Decimal) else value


def _write_text(sheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column, value=_text(value))
    cell.data_type = "s"  # a string cell, never read as a formula or a number


def _write_value(sheet, row: int, column: int, value) -> None:
    if isinstance(value, str):
        _write_text(sheet, row, column, value)
    else:
        sheet.cell(row=row, column=column, value=_number(value))


def _figures(about, start: int, figures: list[Figure]) -> None:
    for column, header in enumerate((_("Indicator"), _("Value"), _("Count"), _("Out of")), start=1):
        _write_text(about, start, column, header)
    for line, figure in enumerate(figures, start=start + 1):
        _write_text(about, line, 1, figure.label)
        if not figure.recorded:
            _write_text(about, line, 2, _("Not recorded in this system"))
        elif figure.value is None:
            _write_text(about, line, 2, _("Not available"))
        else:
            _write_value(about, line, 2, figure.value)
        if figure.denominator is not None:
            _write_value(about, line, 3, figure.numerator)
            _write_value(about, line, 4, figure.denominator)


def _section(book, section: Section) -> None:
    sheet = book.create_sheet(section.code[:31])
    _write_text(sheet, 1, 1, section.title)
    headers = [_("Code"), _("Category"), _("Count")] + ([_("Hours")] if section.hours else [])
    for column, header in enumerate(headers, start=1):
        _write_text(sheet, 2, column, header)
    line = 3
    for row in section.rows:
        _write_text(sheet, line, 1, row.code)
        _write_text(sheet, line, 2, row.label)
        _write_value(sheet, line, 3, row.count)
        if section.hours:
            _write_value(sheet, line, 4, row.hours)
        line += 1
    if section.totalled:
        _write_text(sheet, line, 1, "total")
        _write_text(sheet, line, 2, _("Total"))
        _write_value(sheet, line, 3, section.total)
        if section.hours:
            _write_value(sheet, line, 4, section.total_hours)


def _rate_table(book, table: RateTable) -> None:
    """Per row: the denominator, then each count and its percentage (empty when the base is 0)."""
    sheet = book.create_sheet(table.code[:31])
    _write_text(sheet, 1, 1, table.title)
    headers = [_("Code"), _("Category"), table.base_label]
    for _code, label in table.columns:
        headers += [label, _("%(label)s (%%)", label=label)]
    for column, header in enumerate(headers, start=1):
        _write_text(sheet, 2, column, header)
    for line, row in enumerate([*table.rows, table.total], start=3):
        _write_text(sheet, line, 1, row.code)
        _write_text(sheet, line, 2, row.label)
        _write_value(sheet, line, 3, row.base)
        for index, (code, _label) in enumerate(table.columns):
            _write_value(sheet, line, 4 + 2 * index, row.counts.get(code, 0))
            rate = row.percent(code)
            if rate is not None:
                _write_value(sheet, line, 5 + 2 * index, rate)


def workbook(report: Report, association_name: str, generated_at) -> bytes:
    book = Workbook()
    about = book.active
    about.title = "about"
    lines = (
        (_("Nature"), INTERNAL_MARK),
        (_("Association"), association_name),
        (_("Quarter"), report.quarter.code),
        (_("Generated at (UTC)"), utc_seconds(generated_at)),
    )
    for index, (name, value) in enumerate(lines, start=1):
        _write_text(about, index, 1, name)
        _write_text(about, index, 2, value)
    _figures(about, len(lines) + 2, report.figures)
    for section in report.sections:
        _section(book, section)
    for table in report.rate_tables:
        _rate_table(book, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def funder_workbook(tables: list[PublishedTable], association_name: str, quarter_code: str, generated_at) -> bytes:
    """The funder export as XLSX (docs/statistics.md, ST44): an "about" sheet, then one sheet per table
    laid out as a release's data sheet (labels first, published strings only)."""
    book = Workbook()
    about = book.active
    about.title = "about"
    lines = [
        (_("Nature"), FUNDER_MARK),
        (_("Association"), association_name),
        (_("Quarter"), quarter_code),
        (_("Generated at (UTC)"), utc_seconds(generated_at)),
        *((_("Marker %(marker)s", marker=marker), text) for marker, text in MARKERS_LEGEND.items()),
        *((table.spec.id, f"{table.spec.title_fr} / {table.spec.title_ar}") for table in tables),
    ]
    for index, (name, value) in enumerate(lines, start=1):
        _write_text(about, index, 1, name)
        _write_text(about, index, 2, value)
    for table in tables:
        sheet = book.create_sheet(table.spec.id)
        section = data_section(table)
        for line, cells in enumerate([section["columns"], *section["rows"]], start=1):
            for column, value in enumerate(cells, start=1):
                _write_value(sheet, line, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
