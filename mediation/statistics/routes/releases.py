"""The ministry's releases (docs/statistics.md, ST1, ST21): list, tables with charts, downloads, trends.

The ministry sees published releases only; the platform admin also sees ready ones, builds a
release from the form and publishes it. Pages read the stored JSON files, so what is shown is
exactly what was published. The only request parameters are release, table and format ids,
each checked against the register or the catalogue.
"""

from __future__ import annotations

import json
import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; the stubs are 3.2's
from wtforms.validators import DataRequired, Optional, ValidationError

from mediation.core.audit import AuditAction, record
from mediation.core.authz import Permission, require
from mediation.core.codes import choices
from mediation.core.forms import BaseForm, attach_error
from mediation.core.i18n import current_language
from mediation.core.views import render_viewed
from mediation.extensions import db
from mediation.statistics import charts, files
from mediation.statistics.catalogue import TABLES
from mediation.statistics.codes import CorrectionReason
from mediation.statistics.disclosure import BELOW_THRESHOLD, NOT_AVAILABLE, TOTAL_CODE, WITHHELD
from mediation.statistics.models import FileFormat, ReleaseFile, ReleaseKind, ReleaseStatus, StatisticsRelease
from mediation.statistics.notes import note_label
from mediation.statistics.release import WORKBOOK, ReleaseRefused, build_release, publish_release, release_date
from mediation.statistics.routes import bp

REFUSED = 422
CONTENT_TYPES = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.JSON: "application/json",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
QUARTERLY_TABLES = tuple(table_id for table_id, spec in TABLES.items() if spec.period == "quarter")
DEFAULT_TREND_TABLE = QUARTERLY_TABLES[0]
# A quarter (2026Q3) or a year (2026), ASCII digits only, from 2000 on.
RELEASE_ID_FORM = re.compile(r"^(2\d{3})(Q[1-4])?$")

MARKER_TEXTS = {
    BELOW_THRESHOLD: _l("Fewer than 10: the value lies between 0 and 9."),
    WITHHELD: _l("Withheld to protect confidentiality."),
    NOT_AVAILABLE: _l("Percentage not available."),
}


def _release_id_valid(form, field) -> None:
    field.data = (field.data or "").upper()
    if not RELEASE_ID_FORM.fullmatch(field.data):
        raise ValidationError(_l("A release id is a quarter such as 2026Q3 or a year such as 2026."))


class BuildForm(BaseForm):
    release_id = StringField(_l("Release id"), validators=[DataRequired(_l("Enter a release id.")), _release_id_valid],
                             render_kw={"dir": "ltr", "maxlength": 16, "autocomplete": "off"},
                             description=_l("A quarter such as 2026Q3 or a year such as 2026."))
    correction_of = StringField(_l("Corrects release (optional)"), validators=[Optional()],
                                render_kw={"dir": "ltr", "maxlength": 16, "autocomplete": "off"},
                                description=_l("For a correction: the id of the release it corrects, "
                                               "such as 2026Q3."))
    # Fixed codes only: a free-text note could say how many cases changed (docs/statistics.md, ST31).
    reason = SelectField(_l("Reason for the correction"), default="", validate_choice=False,
                         choices=[SelectChoice("", _l("Not a correction")), *choices(CorrectionReason)],
                         description=_l("Required for a correction."))


class PublishForm(BaseForm):
    pass


# --- Queries --------------------------------------------------------------------------------------

def _visible():
    """Releases the user may see: the ministry only published ones (a ready release is a 404)."""
    query = select(StatisticsRelease)
    if not current_user.has(Permission.RELEASE_MANAGE):
        query = query.where(StatisticsRelease.status == ReleaseStatus.PUBLISHED)
    return query


def _release(release_id: str) -> StatisticsRelease:
    return db.one_or_404(_visible().where(StatisticsRelease.release_id == release_id))


def _stored(release: StatisticsRelease, table_id: str, fmt: str) -> ReleaseFile | None:
    return db.session.scalar(select(ReleaseFile).where(ReleaseFile.release_id == release.id,
                                                       ReleaseFile.table_id == table_id,
                                                       ReleaseFile.format == fmt))


def _label(row: list, columns: list[str], language: str) -> str:
    return row[columns.index("label_ar" if language == "ar" else "label_fr")]


def _title(meta: dict, language: str) -> str:
    return meta["title_ar"] if language == "ar" else meta["title_fr"]


def _table_view(stored: ReleaseFile, language: str) -> dict:
    """A table from its stored JSON: rows of published values, and a bar chart for a 1-D table."""
    data = json.loads(stored.content)
    columns, meta = data["columns"], data["metadata"]
    has_pct = "pct" in columns
    rows = [{"code": row[columns.index("code")], "label": _label(row, columns, language),
             "value": row[columns.index("value")], "pct": row[columns.index("pct")] if has_pct else None,
             "total": row[columns.index("code")] == TOTAL_CODE}
            for row in data["rows"]]
    spec = TABLES.get(stored.table_id)
    chart = None
    if spec is not None and len(spec.dimensions) == 1:
        chart = charts.bar_chart([(r["label"], r["value"]) for r in rows if not r["total"]], rtl=language == "ar")
    return {"id": stored.table_id, "title": _title(meta, language), "rows": rows, "has_pct": has_pct,
            "chart": chart, "notes": [note_label(note) for note in meta.get("notes", [])],
            "period": meta.get("period", "")}


def _data_hashes(release: StatisticsRelease) -> dict[str, str]:
    return {stored.table_id: json.loads(stored.content)["metadata"]["data_sha256"] for stored in release.files
            if stored.format == FileFormat.JSON}


def _list_page(form: BuildForm, status: int = 200, error: str | None = None):
    releases = db.session.scalars(_visible().order_by(StatisticsRelease.period.desc(),
                                                      StatisticsRelease.version.desc())).all()
    return render_template("statistics/releases.html", releases=releases, form=form, reasons=CorrectionReason,
                           publish_form=PublishForm(), release_date=release_date, error=error,
                           can_manage=current_user.has(Permission.RELEASE_MANAGE)), status


# --- Routes ---------------------------------------------------------------------------------------

@bp.route("/releases")
@require(Permission.RELEASE_VIEW)
def releases():
    return _list_page(BuildForm(formdata=None))


@bp.route("/releases/build", methods=["POST"])
@require(Permission.RELEASE_MANAGE)
def release_build():
    form = BuildForm()
    if not form.validate_on_submit():
        return _list_page(form, REFUSED)
    try:
        release = build_release(db.session, form.release_id.data, actor_id=current_user.id,
                                correction_of=form.correction_of.data or None, reason=form.reason.data or None)
    except ReleaseRefused as error:
        db.session.rollback()
        attach_error(form, error)
        return _list_page(form, REFUSED)
    db.session.commit()
    flash(_("Release %(release)s has been built. It is ready to be published.", release=release.release_id),
          "success")
    return redirect(url_for("statistics.release", release_id=release.release_id))


@bp.route("/releases/<release_id>/publish", methods=["POST"])
@require(Permission.RELEASE_MANAGE)
def release_publish(release_id: str):
    release = _release(release_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        publish_release(db.session, release.release_id, current_user)
    except ReleaseRefused as error:
        db.session.rollback()
        return _list_page(BuildForm(formdata=None), REFUSED, error=error.message)
    db.session.commit()
    flash(_("Release %(release)s has been published.", release=release_id), "success")
    return redirect(url_for("statistics.releases"))


@bp.route("/releases/<release_id>")
@require(Permission.RELEASE_VIEW)
def release(release_id: str):
    release = _release(release_id)
    language = current_language()
    tables = [_table_view(stored, language) for stored in release.files
              if stored.format == FileFormat.JSON and stored.table_id in TABLES]
    formats = {}
    for stored in release.files:
        formats.setdefault(stored.table_id, []).append(str(stored.format))
    corrected = db.session.get(StatisticsRelease, release.corrects_release_id) if release.corrects_release_id \
        else None
    # docs/statistics.md, ST31: the page says whether this version changed published values (a
    # correction) or only records an error whose figures stay as published (an erratum).
    changed = corrected is not None and _data_hashes(release) != _data_hashes(corrected)
    return render_viewed("statistics/release.html", entity="statistics_release", entity_id=release.release_id,
                         release=release, tables=tables, formats=formats, workbook=WORKBOOK, corrected=corrected,
                         changed=changed, reasons=CorrectionReason,
                         markers=MARKER_TEXTS, publish_form=PublishForm(),
                         can_manage=current_user.has(Permission.RELEASE_MANAGE))


@bp.route("/releases/<release_id>/<table_id>.<fmt>")
@require(Permission.RELEASE_VIEW)
def release_file(release_id: str, table_id: str, fmt: str):
    if (table_id not in TABLES and table_id != WORKBOOK) or fmt not in set(FileFormat):
        abort(404)
    release = _release(release_id)
    stored = _stored(release, table_id, fmt)
    if stored is None:
        abort(404)
    record(db.session, AuditAction.EXPORT, entity="statistics_release",
           entity_id=f"{release.release_id}/{table_id}.{fmt}")
    content, filename = stored.content, stored.filename
    db.session.commit()
    response = Response(content, content_type=CONTENT_TYPES[FileFormat(fmt)])
    response.headers["Content-Disposition"] = f'attachment; filename="{release.release_id}-{filename}"' \
        if table_id != WORKBOOK else f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/releases/<release_id>/spreadsheet/<table_id>.csv")
@require(Permission.RELEASE_VIEW)
def release_spreadsheet(release_id: str, table_id: str):
    """The ";"-separated CSV of a table, derived from its stored JSON (docs/statistics.md, ST41)."""
    if table_id not in TABLES:
        abort(404)
    release = _release(release_id)
    stored = _stored(release, table_id, FileFormat.JSON)
    if stored is None:
        abort(404)
    record(db.session, AuditAction.EXPORT, entity="statistics_release",
           entity_id=f"{release.release_id}/{table_id}.semicolon.csv")
    content = files.spreadsheet_csv(stored.content)
    db.session.commit()
    response = Response(content, content_type=CONTENT_TYPES[FileFormat.CSV])
    response.headers["Content-Disposition"] = f'attachment; filename="{release.release_id}-{table_id}-semicolon.csv"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _latest_quarters() -> dict[str, StatisticsRelease]:
    """Published quarterly releases only, the latest published version of each quarter."""
    latest: dict[str, StatisticsRelease] = {}
    for release in db.session.scalars(
            select(StatisticsRelease).where(StatisticsRelease.status == ReleaseStatus.PUBLISHED,
                                            StatisticsRelease.kind == ReleaseKind.QUARTERLY)
            .order_by(StatisticsRelease.period, StatisticsRelease.version)):
        latest[release.period] = release
    return latest


def _shows_a_number(stored: ReleaseFile | None) -> bool:
    if stored is None:
        return False
    data = json.loads(stored.content)
    value = data["columns"].index("value")
    return any(isinstance(row[value], int) for row in data["rows"])


def default_trend_table(latest: dict[str, StatisticsRelease]) -> str:
    """The table the trends page opens on (docs/statistics.md, ST43): the first quarterly table of the
    catalogue that the latest published quarter publishes with at least one number, so a withheld
    table (every value "x") or one with only "<10" is never the first thing the ministry reads."""
    if latest:
        newest = latest[max(latest)]
        for table_id in QUARTERLY_TABLES:
            if _shows_a_number(_stored(newest, table_id, FileFormat.JSON)):
                return table_id
    return DEFAULT_TREND_TABLE


@bp.route("/trends")
@require(Permission.RELEASE_VIEW)
def trends():
    latest = _latest_quarters()
    table_id = request.args.get("table") or default_trend_table(latest)
    if table_id not in QUARTERLY_TABLES:
        table_id = default_trend_table(latest)
    language = current_language()
    periods = sorted(latest)
    codes: dict[str, str] = {}  # code -> label, in order of first appearance
    values: dict[str, dict[str, object]] = {}
    for period in periods:
        stored = _stored(latest[period], table_id, FileFormat.JSON)
        if stored is None:
            continue
        data = json.loads(stored.content)
        columns = data["columns"]
        for row in data["rows"]:
            code = row[columns.index("code")]
            codes.setdefault(code, _label(row, columns, language))
            values.setdefault(code, {})[period] = row[columns.index("value")]
    # The total row, if any, comes last (as in the files).
    order = [c for c in codes if c != TOTAL_CODE] + ([TOTAL_CODE] if TOTAL_CODE in codes else [])
    rows = [{"code": code, "label": codes[code], "values": [values[code].get(p) for p in periods]}
            for code in order]
    chart = None
    if periods and rows:
        chart = charts.line_chart(periods, [(r["code"], r["label"], r["values"]) for r in rows
                                            if r["code"] != TOTAL_CODE], rtl=language == "ar")
    spec = TABLES[table_id]
    count = db.session.scalar(select(func.count()).select_from(StatisticsRelease)
                              .where(StatisticsRelease.status == ReleaseStatus.PUBLISHED))
    return render_template("statistics/trends.html", table_id=table_id, tables=QUARTERLY_TABLES,
                           titles={t: (TABLES[t].title_ar if language == "ar" else TABLES[t].title_fr)
                                   for t in QUARTERLY_TABLES},
                           title=spec.title_ar if language == "ar" else spec.title_fr,
                           periods=periods, rows=rows, chart=chart, markers=MARKER_TEXTS,
                           published_count=count)
