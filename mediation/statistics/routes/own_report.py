"""A supervisor's own-association quarterly report (issue 8, part 5): a printable page and an XLSX file.

Exact counts of the supervisor's own association (the issue overrides STATISTICS.md's rounding for
this report, see mediation/statistics/own_report.py), never an identifier. Both are audited: the page
as VIEW, the file as EXPORT, entity "own_report" with the quarter as its id.
"""

from __future__ import annotations

import io
from decimal import Decimal

from flask import Response, request
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook

from mediation.admin.models import Association
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Permission, require
from mediation.core.i18n import current_language
from mediation.core.models import utcnow
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.statistics import models  # noqa: F401
from mediation.statistics.files import neutralise, utc_seconds
from mediation.statistics.own_report import association_report, parse_quarter, recent_quarters
from mediation.statistics.routes import bp

ENTITY = "own_report"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report():
    quarter, message = parse_quarter(request.args.get("quarter"))
    report = association_report(db.session, current_user.association_id, quarter.year, quarter.quarter)
    association = db.session.get(Association, current_user.association_id)
    return report, association, message


def _association_name(association: Association) -> str:
    return association.name_ar if current_language() == "ar" else association.name_fr


@bp.route("/own-report")
@require(Permission.OWN_REPORT_VIEW)
def own_report():
    report, association, message = _report()
    return render_viewed("statistics/own_report.html", entity=ENTITY, entity_id=report.quarter.code,
                         association_id=association.id, report=report,
                         association_name=_association_name(association), message=message,
                         quarters=recent_quarters(), generated_at=utcnow())


def _text(value) -> str:
    return neutralise(str(value))


def _number(value):
    # Hours, percentages and medians are Decimals: written as numbers, not text.
    return float(value) if isinstance(value, Decimal) else value


def _write_text(sheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column, value=_text(value))
    cell.data_type = "s"  # a string cell, never read as a formula or a number


def workbook(report, association_name: str, generated_at) -> bytes:
    book = Workbook()
    about = book.active
    about.title = "about"
    lines = (
        (_("Association"), association_name),
        (_("Quarter"), report.quarter.code),
        (_("Generated at (UTC)"), utc_seconds(generated_at)),
        (_("Nature"), _("Exact counts – internal report of the association, not a ministry release.")),
    )
    for index, (name, value) in enumerate(lines, start=1):
        _write_text(about, index, 1, name)
        _write_text(about, index, 2, value)
    start = len(lines) + 2
    _write_text(about, start, 1, _("Indicator"))
    _write_text(about, start, 2, _("Value"))
    for offset, figure in enumerate(report.figures, start=1):
        _write_text(about, start + offset, 1, figure.label)
        if figure.value is None:
            _write_text(about, start + offset, 2, _("Not available"))
        else:
            about.cell(row=start + offset, column=2, value=_number(figure.value))
    for section in report.sections:
        sheet = book.create_sheet(section.code[:31])
        _write_text(sheet, 1, 1, section.title)
        headers = [_("Code"), _("Category"), _("Count")] + ([_("Hours")] if section.hours else [])
        for column, header in enumerate(headers, start=1):
            _write_text(sheet, 2, column, header)
        line = 3
        for row in section.rows:
            _write_text(sheet, line, 1, row.code)
            _write_text(sheet, line, 2, row.label)
            sheet.cell(row=line, column=3, value=row.count)
            if section.hours:
                sheet.cell(row=line, column=4, value=_number(row.hours))
            line += 1
        _write_text(sheet, line, 1, "total")
        _write_text(sheet, line, 2, _("Total"))
        sheet.cell(row=line, column=3, value=section.total)
        if section.hours:
            sheet.cell(row=line, column=4, value=_number(section.total_hours))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@bp.route("/own-report.xlsx")
@require(Permission.OWN_REPORT_VIEW)
def own_report_xlsx():
    report, association, _message = _report()
    generated_at = utcnow()
    body = workbook(report, _association_name(association), generated_at)
    record(db.session, AuditAction.EXPORT, entity=ENTITY, entity_id=report.quarter.code,
           association_id=association.id)
    db.session.commit()
    response = Response(body, content_type=XLSX_TYPE)
    # A generated name: the quarter only, nothing that names anyone.
    response.headers["Content-Disposition"] = f'attachment; filename="own-report-{report.quarter.code}.xlsx"'
    response.headers["Cache-Control"] = "no-store"
    return response
