"""Code cites the project's own documentation, and every id it cites exists (docs/architecture.md, A3).

A citation reads "docs/<document>.md, <ID>" or a range "<ID>-<ID>"; the ids are the headings of
docs/. The design documents written before the code, and issue numbers, do not travel with a clone
of the repository, so code never cites them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# Never opens a connection to the database under test: .ci/run's PostgreSQL pass leaves it out.
pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*(ROOT / "mediation").rglob("*.py"), *(ROOT / "mediation" / "templates").rglob("*.html"),
           *(ROOT / "migrations").rglob("*.py"), *(ROOT / "tests").rglob("*.py"), ROOT / "config.py", ROOT / "wsgi.py"]
CITATION = re.compile(r"docs/([a-z_]+)\.md, ((?:[A-Z]+\d+)(?:-[A-Z]+\d+)?(?:, (?:[A-Z]+\d+)(?:-[A-Z]+\d+)?)*)")
HEADING_ID = re.compile(r"^#+ ([A-Z]+\d+)\b", re.MULTILINE)
ABSENT = re.compile(r"\b(?:SECURITY|DOMAIN|STATISTICS|ARCHITECTURE)\.md\b|\b(?i:issue) [1-9]\d*\b")


def _texts():
    for path in SOURCES:
        if "__pycache__" not in path.parts and path != Path(__file__):
            yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def _ids(document: str) -> set[str]:
    return set(HEADING_ID.findall((ROOT / "docs" / f"{document}.md").read_text(encoding="utf-8")))


def _expand(cited: str) -> list[str]:
    names = []
    for part in cited.split(", "):
        first, _, last = part.partition("-")
        if not last:
            names.append(first)
            continue
        prefix, start, end = re.match(r"[A-Z]+", first)[0], int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), \
            int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        names += [f"{prefix}{number}" for number in range(start, end + 1)]
    return names


def test_code_never_cites_an_issue_or_a_document_outside_the_repository():
    found = [f"{path}: {match.group(0)}" for path, text in _texts() for match in ABSENT.finditer(text)]
    assert not found, "\n".join(found)


def test_every_cited_rule_exists():
    known: dict[str, set[str]] = {}
    missing = []
    for path, text in _texts():
        for document, cited in CITATION.findall(text):
            ids = known.setdefault(document, _ids(document))
            missing += [f"{path}: docs/{document}.md, {name}" for name in _expand(cited) if name not in ids]
    assert not missing, "\n".join(sorted(set(missing)))


def test_the_citation_check_reads_ranges():
    assert _expand("DOM6-DOM9, DOM12") == ["DOM6", "DOM7", "DOM8", "DOM9", "DOM12"]
