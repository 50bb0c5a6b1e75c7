"""`make bench` (second part): how long producing a mediation agreement's PDF takes (docs/domain.md, DOM157).

    python bench/documents.py [--repeat 20]

Builds a fresh database (a SQLite file in a temporary directory, or the PostgreSQL database
`mediation_bench_documents` next to TEST_DATABASE_URL), migrates it, loads the demo data, records an agreement
document in Arabic and one in French for the first case with a concluded agreement, then lays each out as
its HTML page and as its PDF `--repeat` times (the first, which loads the fonts, reported apart). The figures
go into the "documents" section of bench/RESULTS.md for this database. Never part of `make test`: no
timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.run import bench_config, fresh_database  # noqa: E402
from config import Testing  # noqa: E402
from mediation import create_app  # noqa: E402
from mediation.accounts.models import StaffUser  # noqa: E402
from mediation.agreements.models import AgreementVersion  # noqa: E402
from mediation.cases.models import Case  # noqa: E402
from mediation.cases.models.case import AssignmentRole, CaseAssignment  # noqa: E402
from mediation.demo.data import load_demo  # noqa: E402
from mediation.documents import pdf  # noqa: E402
from mediation.documents.printing import render_document  # noqa: E402
from mediation.documents.services import DocumentRequest, produce_document  # noqa: E402
from mediation.extensions import db  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "### Documents: the agreement's page and PDF"


def _measure(app, repeat: int) -> tuple[str, list[tuple[str, float, float, float, float]]]:
    rows = []
    with app.app_context():
        upgrade()
        load_demo(db.session)
        db.session.commit()
        version = db.session.scalar(select(AgreementVersion).where(AgreementVersion.concluded_on.is_not(None))
                                    .order_by(AgreementVersion.id).limit(1))
        if version is None:
            raise SystemExit("the demo data has no concluded agreement")
        case = db.session.get_one(Case, version.case_id)
        lead = db.session.scalar(select(StaffUser).join(CaseAssignment, CaseAssignment.user_id == StaffUser.id)
                                 .where(CaseAssignment.case_id == case.id,
                                        CaseAssignment.role == AssignmentRole.LEAD))
        database = f"{db.engine.dialect.name} " + ".".join(str(p) for p in db.engine.dialect.server_version_info or ())
        for language in ("ar", "fr"):
            with app.test_request_context():
                document = produce_document(db.session, case, DocumentRequest(kind="agreement", language=language),
                                            actor=lead)
                db.session.commit()
                pages, pdfs = [], []
                for _ in range(repeat + 1):
                    started = time.perf_counter()
                    html = render_document(db.session, case, document, for_pdf=True)
                    rendered = time.perf_counter()
                    content = pdf.render_pdf(html)
                    done = time.perf_counter()
                    pages.append(rendered - started)
                    pdfs.append(done - rendered)
                first = pages[0] + pdfs[0]
                totals = [page + laid for page, laid in zip(pages[1:], pdfs[1:], strict=True)]
                rows.append((language, first, statistics.median(totals), max(totals), len(content) / 1024))
    return database, rows


def _section(database: str, repeat: int, rows) -> str:
    lines = [f"{HEADING} ({database}, {time.strftime('%d %B %Y')})", "",
             f"Page and PDF of one agreement, laid out {repeat} times after a first run (fonts loaded once).", "",
             "| language | first (s) | median (s) | slowest (s) | PDF size (KiB) |", "|---|---|---|---|---|"]
    lines += [f"| {language} | {first:.3f} | {median:.3f} | {slowest:.3f} | {size:.0f} |"
              for language, first, median, slowest, size in rows]
    return "\n".join(lines) + "\n"


def _write(section: str, database: str) -> None:
    text = RESULTS.read_text(encoding="utf-8")
    marker = f"{HEADING} ({database.split()[0]}"
    parts = text.split("\n### ")
    kept = [part for part in parts if not ("### " + part).startswith(marker)]
    RESULTS.write_text("\n### ".join(kept).rstrip("\n") + "\n\n" + section, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if not pdf.available():
        raise SystemExit("WeasyPrint's libraries are not installed: nothing to measure")
    logging.getLogger("mediation").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(0, Path(workdir), "mediation_bench_documents")
        app = create_app(bench_config(url, Testing().secret_source()))
        with app.app_context():
            pass
        database, rows = _measure(app, args.repeat)
        with app.app_context():
            db.engine.dispose()
    section = _section(database, args.repeat, rows)
    print(section)
    _write(section, database)


if __name__ == "__main__":
    main()
