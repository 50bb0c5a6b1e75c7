"""A supervisor's own-association quarterly report (internal, exact) and the funder export (published method).

The funder export (docs/statistics.md, ST44) is what the association may send to the ministry: a page
and an XLSX file, audited as entity "funder_export".

Exact counts of the supervisor's own association (docs/statistics.md, ST2; see
mediation/statistics/own_report/), never an identifier. Both are audited: the page
as VIEW, the file as EXPORT, entity "own_report" with the quarter as its id.
"""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user

from mediation.accounts.models import Association
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Permission, require
from mediation.core.i18n import current_language
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.statistics import models  # noqa: F401
from mediation.statistics.own_report import association_report, parse_quarter, recent_quarters
from mediation.statistics.own_report.funder import funder_tables
from mediation.statistics.own_report.quarters import NOT_FINISHED, last_finished_quarter
from mediation.statistics.own_report.workbook import funder_workbook, workbook
from mediation.statistics.routes import bp
from mediation.statistics.routes.releases import MARKER_TEXTS

ENTITY = "own_report"
FUNDER_ENTITY = "funder_export"
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
                         quarters=recent_quarters(), generated_at=clock.now())


@bp.route("/own-report.xlsx")
@require(Permission.OWN_REPORT_VIEW)
def own_report_xlsx():
    report, association, _message = _report()
    generated_at = clock.now()
    body = workbook(report, _association_name(association), generated_at)
    record(db.session, AuditAction.EXPORT, entity=ENTITY, entity_id=report.quarter.code,
           association_id=association.id)
    db.session.commit()
    response = Response(body, content_type=XLSX_TYPE)
    # A generated name: the quarter only, nothing that names anyone.
    response.headers["Content-Disposition"] = \
        f'attachment; filename="own-report-internal-{report.quarter.code}.xlsx"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _funder():
    """The asked quarter, finished ones only (a funder export is a release of the association's own)."""
    quarter, message = parse_quarter(request.args.get("quarter"))
    if message is None and quarter.last_day >= clock.today():
        quarter, message = last_finished_quarter(clock.today()), NOT_FINISHED
    tables = funder_tables(db.session, current_user.association_id, quarter.year, quarter.quarter)
    association = db.session.get(Association, current_user.association_id)
    return quarter, tables, association, message


def _view_rows(table, language: str) -> list[dict]:
    rows = [*table.rows, *([table.total] if table.total is not None else [])]
    return [{"label": " | ".join(row.labels_ar if language == "ar" else row.labels_fr), "code": "|".join(row.codes),
             "value": row.value, "pct": row.pct} for row in rows]


@bp.route("/own-report/funder")
@require(Permission.OWN_REPORT_VIEW)
def funder_export():
    quarter, tables, association, message = _funder()
    language = current_language()
    views = [{"id": table.spec.id, "title": table.spec.title_ar if language == "ar" else table.spec.title_fr,
              "rows": _view_rows(table, language), "has_pct": table.has_pct} for table in tables]
    return render_viewed("statistics/funder_export.html", entity=FUNDER_ENTITY, entity_id=quarter.code,
                         association_id=association.id, quarter=quarter, tables=views,
                         association_name=_association_name(association), message=message,
                         quarters=recent_quarters()[1:], markers=MARKER_TEXTS)


@bp.route("/own-report/funder.xlsx")
@require(Permission.OWN_REPORT_VIEW)
def funder_export_xlsx():
    quarter, tables, association, _message = _funder()
    body = funder_workbook(tables, _association_name(association), quarter.code, clock.now())
    record(db.session, AuditAction.EXPORT, entity=FUNDER_ENTITY, entity_id=quarter.code,
           association_id=association.id)
    db.session.commit()
    response = Response(body, content_type=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="funder-export-{quarter.code}.xlsx"'
    response.headers["Cache-Control"] = "no-store"
    return response
