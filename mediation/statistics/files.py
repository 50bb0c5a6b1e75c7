"""The release files: CSV, JSON and XLSX with the same metadata (docs/statistics.md, ST17).

Only published strings from a PublishedTable reach these writers, so no file
can hold a true count or a key. Output is deterministic for a fixed input and
clock: the register's SHA-256 must be reproducible (D3, D4).

Layout (docs/statistics.md, ST17, ST40), kept stable because analysts script against it:
- columns `label_fr,label_ar,code,period,value[,pct]` for every table: a reader sees the
  category's name first, never an internal code; in a 2-D table the code is the two codes
  joined with "|" and the labels with " | " (one schema for all tables instead of a column
  count that varies);
- the total row, if any, comes last with code "total".
Scripts read columns by name (the JSON's "columns", the CSV's header), never by position.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from mediation.statistics.catalogue import CATALOGUE_VERSION, region_dimension
from mediation.statistics.disclosure import (
    BELOW_THRESHOLD,
    NOT_AVAILABLE,
    PARAMETERS,
    WITHHELD,
    PublishedRow,
    PublishedTable,
)

METHOD = "threshold + cell-key random rounding"
METHOD_VERSION = "1"
MARKERS_LEGEND = {
    BELOW_THRESHOLD: "Valeur comprise entre 0 et 9 / قيمة بين 0 و 9",
    WITHHELD: "Valeur retenue (contrôle de divulgation) / قيمة محجوبة (مراقبة الإفصاح)",
    NOT_AVAILABLE: "Pourcentage non disponible / نسبة غير متاحة",
}
STANDARD_NOTES = (
    "Les totaux sont arrondis séparément : la somme des cellules peut différer du total."
    " / تُقرَّب المجاميع بشكل مستقل: قد يختلف مجموع الخانات عن المجموع المنشور.",
    "Les valeurs publiées ne révisent pas les publications précédentes."
    " / القيم المنشورة ليست مراجعة للإصدارات السابقة.",
    "Population : tous les dossiers sauf ceux clos comme ouverts par erreur ; dans les associations dont la"
    " déclaration à la CNDP l'exige, seuls les dossiers dont une partie au moins a consenti aux statistiques"
    " anonymes et dont aucune n'a refusé ni retiré ce consentement."
    " / المجتمع الإحصائي: جميع الملفات باستثناء المغلقة لكونها فُتحت عن طريق الخطأ؛ وفي الجمعيات التي يشترط"
    " تصريحها لدى اللجنة الوطنية لمراقبة حماية المعطيات ذلك، لا تُحتسب إلا الملفات التي وافق فيها طرف واحد على"
    " الأقل على الإحصاءات مجهولة الهوية ولم يرفض أي طرف هذه الموافقة أو يسحبها.",
)
CODE_SEPARATOR = "|"
LABEL_SEPARATOR = " | "
# docs/security.md, S21: a spreadsheet reads a cell starting with these as a formula.
# Full-width forms are included because some spreadsheets normalise them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")


def neutralise(text: str) -> str:
    """Prefix a formula-like text cell with an apostrophe (S21); leading spaces do not hide it."""
    return "'" + text if text.lstrip(" ").startswith(FORMULA_TRIGGERS) else text


def utc_seconds(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ`. A naive datetime is taken as UTC (the application stores UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_json(value) -> bytes:
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _refuse_floats(value) -> None:
    # docs/statistics.md, ST17: no floats anywhere (their text form is not stable across tools).
    if isinstance(value, float):
        raise TypeError("floats are not allowed in release files")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_floats(item)


LABEL_COLUMNS = ("label_fr", "label_ar")
DATA_COLUMNS = (*LABEL_COLUMNS, "code", "period", "value")


def columns(table: PublishedTable) -> list[str]:
    return list(DATA_COLUMNS) + (["pct"] if table.has_pct else [])


def _typed(value: str) -> int | str:
    # JSON and XLSX: counts as integers, markers as strings.
    return int(value) if value.isascii() and value.isdigit() else value


def _row(table: PublishedTable, row: PublishedRow) -> list[int | str]:
    cells = [
        LABEL_SEPARATOR.join(row.labels_fr),
        LABEL_SEPARATOR.join(row.labels_ar),
        CODE_SEPARATOR.join(row.codes),
        table.period,
        _typed(row.value),
    ]
    if table.has_pct:
        cells.append(_typed(row.pct))
    return cells


def data_section(table: PublishedTable) -> dict:
    """The data of a table as JSON values: what data_sha256 covers."""
    rows = [_row(table, row) for row in table.rows]
    if table.total is not None:
        rows.append(_row(table, table.total))
    return {"columns": columns(table), "rows": rows}


def metadata(
    release_id: str,
    table: PublishedTable,
    generated_at: datetime,
    software_version: str,
    classification_versions: dict,
    extra_notes=(),
) -> dict:
    """The metadata shared by a table's three files (docs/statistics.md, ST17)."""
    versions = dict(classification_versions)
    for dimension in table.spec.dimensions:
        # The table's own classifications must be listed, at the version it was built with.
        if versions.setdefault(dimension.id, dimension.version) != dimension.version:
            raise ValueError(f"classification {dimension.id}: version mismatch")
    return {
        "release_id": release_id,
        "table_id": table.spec.id,
        "title_fr": table.spec.title_fr,
        "title_ar": table.spec.title_ar,
        "unit": table.spec.unit,
        "period": table.period,
        "catalogue_version": CATALOGUE_VERSION,
        "classification_versions": versions,
        "method": METHOD,
        "method_version": METHOD_VERSION,
        "parameters": dict(PARAMETERS),
        "markers": dict(MARKERS_LEGEND),
        "notes": [*STANDARD_NOTES, *table.notes, *extra_notes],
        "generated_at": utc_seconds(generated_at),
        "software_version": software_version,
        "data_sha256": hashlib.sha256(canonical_json(data_section(table))).hexdigest(),
    }


def _compact(value) -> str:
    # Compact sorted JSON whose strings carry "," and ";" as \u escapes: a spreadsheet
    # opening the CSV splits a comment line at them (";" in French locales), and a
    # free-text note such as a correction's could otherwise start a cell with "=".
    if isinstance(value, dict):
        return "{" + ",".join(f"{_compact(str(k))}:{_compact(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_compact(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace(",", "\\u002c").replace(";", "\\u003b")
    _refuse_floats(value)
    return json.dumps(value)


def metadata_text(value) -> str:
    """One metadata value as text (CSV comment lines, XLSX cells): nested values as compact JSON.

    json.loads() of a nested value's text gives the value back exactly.
    """
    if isinstance(value, (dict, list, tuple)):
        return _compact(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"unsupported metadata value {type(value).__name__}")
    return str(value)


def table_csv(table: PublishedTable, meta: dict) -> bytes:
    """UTF-8 with BOM, CRLF; `# key: value` lines, then the header and the rows."""
    out = io.StringIO(newline="")
    for key in sorted(meta):
        text = metadata_text(meta[key])
        # A line break would end the comment and start a data row; a spreadsheet
        # splits the line at commas, and no piece may then start like a formula.
        pieces = text.replace(";", ",").split(",")[1:]
        if any(c in text for c in "\r\n\0") or any(neutralise(piece) != piece for piece in pieces):
            raise ValueError(f"metadata {key} cannot be written safely as a CSV comment")
        out.write(f"# {key}: {text}\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(table))
    for cells in data_section(table)["rows"]:
        writer.writerow([neutralise(str(cell)) for cell in cells])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def spreadsheet_csv(stored_json: bytes) -> bytes:
    """The spreadsheet variant of a table (docs/statistics.md, ST41), derived from its stored JSON.

    Separated by ";" (the list separator of French- and Arabic-locale spreadsheets, which
    split a comma-separated file nowhere), UTF-8 with BOM, CRLF, the header on the first
    line and no metadata lines (the metadata are in the JSON, XLSX and comma CSV files).
    Labels come first whatever the layout the JSON was stored with, and every value is the
    stored one: the bytes are a function of the registered JSON, so nothing new is published.
    """
    document = json.loads(stored_json)
    stored_columns = document["columns"]
    order = [*LABEL_COLUMNS, *(c for c in stored_columns if c not in LABEL_COLUMNS)]
    positions = [stored_columns.index(column) for column in order]
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(order)
    for row in document["rows"]:
        writer.writerow([neutralise(str(row[position])) for position in positions])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def table_json(table: PublishedTable, meta: dict) -> bytes:
    """`{"metadata", "columns", "rows"}`, sorted keys, no floats, deterministic bytes."""
    return canonical_json({"metadata": meta, **data_section(table)}) + b"\n"


def _append(sheet, values) -> None:
    # Text cells are forced to the string type, so nothing can become a formula
    # (S21), and formula-like text is also prefixed as in the CSV.
    sheet.append([neutralise(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def release_xlsx(tables: list[tuple[PublishedTable, dict]], methodology: dict) -> bytes:
    """One workbook: per table a data sheet and a metadata sheet (key, value), plus "methodology".

    A single table (the register's per-table file) gets the sheets "data" and
    "metadata" (docs/statistics.md, ST17); several tables get "<id>" and "<id> metadata".
    """
    if not tables:
        raise ValueError("no tables")
    workbook = Workbook()
    workbook.remove(workbook.active)
    single = len(tables) == 1
    for table, meta in tables:
        data = workbook.create_sheet("data" if single else table.spec.id)
        section = data_section(table)
        _append(data, section["columns"])
        for cells in section["rows"]:
            _append(data, cells)
        sheet = workbook.create_sheet("metadata" if single else f"{table.spec.id} metadata")
        _append(sheet, ["key", "value"])
        for key in sorted(meta):
            _append(sheet, [key, metadata_text(meta[key])])
    if methodology:
        # Readable text, one line per row, never JSON (docs/statistics.md, ST42).
        sheet = workbook.create_sheet("methodology")
        for heading, lines in methodology_rows(methodology):
            for index, line in enumerate(lines or [""]):
                _append(sheet, [heading if index == 0 else "", line])
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and not str(cell.value).startswith("="), "formula in release"

    # Determinism: document dates and zip entry times come from generated_at, not the clock.
    moment = datetime.strptime(tables[0][1]["generated_at"], "%Y-%m-%dT%H:%M:%SZ")
    workbook.properties.created = workbook.properties.modified = moment
    workbook.properties.creator = workbook.properties.lastModifiedBy = "mediation"
    raw = io.BytesIO()
    # save_workbook() would stamp "modified" with the clock; the writer it wraps does not.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return _restamp_zip(raw.getvalue(), moment)


# Headings of the methodology sheet: fixed bilingual strings, like the catalogue's labels.
METHODOLOGY_HEADINGS = {
    "release_id": "Publication / الإصدار",
    "period": "Période / الفترة",
    "catalogue_version": "Version du catalogue / نسخة الفهرس",
    "method": "Méthode / المنهجية",
    "parameters": "Paramètres / المعايير",
    "markers": "Signes conventionnels / الرموز",
    "geography": "Groupes de régions / مجموعات الجهات",
    "notes": "Notes / ملاحظات",
    "release_gate": "Contrôle avant publication / المراقبة قبل النشر",
}
GATE_TEXTS = {
    "window": "Publications examinées ensemble / الإصدارات المفحوصة معاً",
    "min_possible_values": "Valeurs possibles au minimum pour chaque « <10 » / أدنى عدد من القيم الممكنة لكل « <10 »",
    "remedies": "Mesures appliquées / الإجراءات المطبقة",
}
REMEDY_TEXTS = {
    "total": "total retenu / مجموع محجوب",
    "table": "tableau retenu / جدول محجوب",
}
NONE_TEXT = "aucune / لا شيء"


def _line(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_line(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key} : {_line(item)}" for key, item in sorted(value.items()))
    _refuse_floats(value)
    return str(value)


def _lines(key: str, value) -> list[str]:
    if key == "geography":
        dimension = region_dimension(tuple((code, tuple(regions)) for code, regions in value))
        return [f"{dimension.labels_fr[code]} / {dimension.labels_ar[code]} ({code})" for code in dimension.codes]
    if key == "release_gate":
        remedies = [f"{table_id} : {REMEDY_TEXTS.get(kind, kind)}" for kind, table_id in value.get("remedies", [])]
        return [f"{GATE_TEXTS['window']} : {', '.join(value.get('window', [])) or NONE_TEXT}",
                f"{GATE_TEXTS['min_possible_values']} : {value.get('min_possible_values', '')}",
                f"{GATE_TEXTS['remedies']} : {', '.join(remedies) or NONE_TEXT}"]
    if isinstance(value, dict):
        return [f"{item_key} : {_line(item)}" for item_key, item in sorted(value.items())]
    if isinstance(value, (list, tuple)):
        return [_line(item) for item in value]
    return [_line(value)]


def methodology_rows(methodology: dict) -> list[tuple[str, list[str]]]:
    """(heading, lines of text) per entry, known entries first in a fixed order."""
    known = [key for key in METHODOLOGY_HEADINGS if key in methodology]
    rest = sorted(key for key in methodology if key not in METHODOLOGY_HEADINGS)
    return [(METHODOLOGY_HEADINGS.get(key, key), _lines(key, methodology[key])) for key in (*known, *rest)]


def _restamp_zip(content: bytes, moment: datetime) -> bytes:
    stamped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(stamped, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return stamped.getvalue()
