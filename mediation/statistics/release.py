"""Build, store and publish the ministry's releases (STATISTICS.md §5 geography, §6 releases).

A build reads grouped rows only (aggregate.py), applies the geography, publishes each table
through disclosure.py, writes the files through files.py and stores the bytes with their
SHA-256 in the register. Nothing is ever rebuilt in place: a correction is a new release.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation import __version__
from mediation.admin.models import StaffUser
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.errors import DomainError
from mediation.core.models import utcnow
from mediation.statistics import aggregate, files
from mediation.statistics.catalogue import (CATALOGUE_VERSION, DEFAULT_REGION_GROUPS, MERGE_PARTNER, TABLES,
                                            region_dimension)
from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import THRESHOLD, passes_association_rule, publish_table
from mediation.statistics.models import FileFormat, ReleaseFile, ReleaseKind, ReleaseStatus, StatisticsRelease

log = logging.getLogger(__name__)

RELEASE_ID = re.compile(r"^(\d{4})(?:Q([1-4]))?$")
MIN_GROUPS = 3  # §5 step 4
MIN_PRIOR_YEAR_TOTAL = 50  # §5 step 2
WORKBOOK = "all"  # table_id of the release's combined workbook
NOTE_NO_REGIONAL = ("Tableaux régionaux non publiés pour cette période : moins de 3 groupes de régions."
                    " / لم تُنشر الجداول الجهوية لهذه الفترة: أقل من 3 مجموعات جهوية.")

Groups = tuple[tuple[str, tuple[str, ...]], ...]  # (group code, region codes), in publication order


class ReleaseRefused(DomainError):
    message = _l("This release cannot be built or published.")


def parse_release_id(release_id: str) -> tuple[int, int | None]:
    match = RELEASE_ID.fullmatch(release_id or "")
    if not match:
        raise ReleaseRefused(_l("A release id is a quarter such as 2026Q3 or a year such as 2026."))
    return int(match[1]), int(match[2]) if match[2] else None


# --- Geography (§5) ----------------------------------------------------------------------------

_DEFAULT_ORDER = [code for code, _ in DEFAULT_REGION_GROUPS]
_DEFAULT_REGIONS = dict(DEFAULT_REGION_GROUPS)


def _make_group(members: list[str]) -> tuple[str, tuple[str, ...]]:
    members = sorted(members, key=_DEFAULT_ORDER.index)
    return "+".join(members), tuple(region for member in members for region in _DEFAULT_REGIONS[member])


def merge_group(groups: Groups, code: str) -> Groups:
    """Merge one group with the group holding its partner (the partner of its first member outside it)."""
    members = code.split("+")
    target = next((MERGE_PARTNER[m] for m in members if MERGE_PARTNER[m] not in members), None)
    if target is None:
        return groups
    other = next(c for c, _ in groups if target in c.split("+"))
    merged = _make_group(members + other.split("+"))
    out, placed = [], False
    for group_code, regions in groups:
        if group_code in (code, other):
            if not placed:  # the merged group takes the place of the earlier of the two
                out.append(merged)
                placed = True
            continue
        out.append((group_code, regions))
    return tuple(out)


def regroup(cells: dict, groups: Groups, axis: int) -> dict:
    """Re-key region cells (region code at position `axis`) by the group holding each region."""
    group_of = {region: code for code, regions in groups for region in regions}
    out: dict = {}
    for key, stats in cells.items():
        new_key = key[:axis] + (group_of[key[axis]],) + key[axis + 1:]
        out.setdefault(new_key, CellStats()).merge(stats)
    return out


def _failing_group(cells: dict, groups: Groups, axis: int) -> str | None:
    failing = {key[axis] for key, stats in regroup(cells, groups, axis).items()
               if stats.count >= THRESHOLD and not passes_association_rule(stats)}
    return next((code for code, _ in groups if code in failing), None)


def _merge_until_passing(groups: Groups, failing_of) -> Groups:
    while len(groups) >= MIN_GROUPS and (code := failing_of(groups)) is not None:
        merged = merge_group(groups, code)
        if merged == groups:
            break
        groups = merged
    return groups


def starting_geography(session: Session, year: int) -> Groups:
    """Year Y's geography so far: the latest release of Y's, else the defaults after step 2 on Y-1."""
    latest = session.scalar(select(StatisticsRelease.geography)
                            .where(StatisticsRelease.period.startswith(str(year)))
                            .order_by(StatisticsRelease.id.desc()).limit(1))
    if latest:
        return tuple((code, tuple(regions)) for code, regions in json.loads(latest))
    prior = aggregate.cases_by_region(session, aggregate.period_bounds(year - 1, None))
    if not prior:
        # No history (the first year of use): step 2 has nothing to judge, keep the defaults.
        return DEFAULT_REGION_GROUPS

    def small_or_failing(groups: Groups) -> str | None:
        totals = regroup(prior, groups, 0)
        for code, _ in groups:
            stats = totals.get((code,), CellStats())
            if stats.count < MIN_PRIOR_YEAR_TOTAL or not passes_association_rule(stats):
                return code
        return None

    return _merge_until_passing(DEFAULT_REGION_GROUPS, small_or_failing)


# --- Build ---------------------------------------------------------------------------------------

def _total(cells: dict) -> CellStats:
    total = CellStats()
    for stats in cells.values():
        total.merge(stats)
    return total


def _tables(session: Session, year: int, quarter: int | None, groups: Groups):
    """Publish the period's tables; returns (published tables, final geography, notes)."""
    bounds = aggregate.period_bounds(year, quarter)
    period = f"{year}-Q{quarter}" if quarter else str(year)
    regional_raw, regional_axis = ((aggregate.cases_by_region(session, bounds), 0) if quarter
                                   else (aggregate.cases_by_dv_and_region(session, bounds), 1))
    groups = _merge_until_passing(groups, lambda g: _failing_group(regional_raw, g, regional_axis))
    regional = len(groups) >= MIN_GROUPS and _failing_group(regional_raw, groups, regional_axis) is None
    region_dim = region_dimension(groups)
    notes = () if regional else (NOTE_NO_REGIONAL,)
    published = []
    if quarter:
        t1 = regroup(regional_raw, groups, 0)
        t1_spec = replace(TABLES["T1"], dimensions=(region_dim,))
        t2 = aggregate.cases_by_issue_group(session, bounds)
        # The national total closes both T1 and T2 (§3): it is published only if both lines are long enough.
        t1_line_ok = not regional or len(groups) >= 5
        if regional:
            published.append(publish_table(t1_spec, period, t1, _total(t1) if t1_line_ok else None, with_pct=True))
        published.append(publish_table(TABLES["T2"], period, t2, _total(t2) if t1_line_ok else None, with_pct=True))
        for table_id, cells in (("T3", aggregate.closures_by_outcome_group(session, bounds)),
                                ("T6", aggregate.sessions_by_type(session, bounds))):
            published.append(publish_table(TABLES[table_id], period, cells, _total(cells), with_pct=True))
    else:
        t4 = aggregate.cases_by_child_band_and_issue(session, bounds)
        published.append(publish_table(TABLES["T4"], period, t4, None))
        if regional:
            t5_spec = replace(TABLES["T5"], dimensions=(TABLES["T5"].dimensions[0], region_dim))
            published.append(publish_table(t5_spec, period, regroup(regional_raw, groups, 1), None))
    return published, groups, notes


def _classification_versions(groups: Groups) -> dict:
    versions = {dim.id: dim.version for spec in TABLES.values() for dim in spec.dimensions}
    versions["region_group"] = region_dimension(groups).version
    return dict(sorted(versions.items()))


def build_release(session: Session, release_id: str, *, actor_id: int | None = None, now: datetime | None = None,
                  correction_of: str | None = None, note: str | None = None) -> StatisticsRelease:
    """Compute, write and register a release of a quarter or year; an existing release id is refused."""
    year, quarter = parse_release_id(release_id)
    period = f"{year}-Q{quarter}" if quarter else str(year)
    if (now or utcnow()).date() <= period_end(year, quarter):
        # A frozen release of a period still running would miss its last cases for ever.
        raise ReleaseRefused(_l("A period can be released only once it has ended."))
    same_period = session.scalars(select(StatisticsRelease).where(StatisticsRelease.period == period)).all()
    corrected = None
    if correction_of is None:
        if same_period:
            raise ReleaseRefused(_l("This release already exists and is frozen; build a correction instead."))
        new_id, version = release_id, 1
    else:
        corrected = next((r for r in same_period if r.release_id == correction_of), None)
        if corrected is None:
            raise ReleaseRefused(_l("The corrected release must be an existing release of the same period."))
        note = (note or "").strip()
        if not note or len(note) > 500 or any(c in note for c in "\r\n\0"):
            raise ReleaseRefused(_l("A correction needs a one-line note of at most 500 characters."))
        version = max(r.version for r in same_period) + 1
        new_id = f"{release_id}-r{version}"
    generated_at = (now or utcnow()).replace(microsecond=0)

    tables, groups, notes = _tables(session, year, quarter, starting_geography(session, year))
    versions = _classification_versions(groups)
    extra = (*notes, *([f"Correction de {correction_of} / تصحيح {correction_of}: {note}"] if corrected else []))
    release = StatisticsRelease(
        release_id=new_id, period=period, kind=ReleaseKind.QUARTERLY if quarter else ReleaseKind.ANNUAL,
        status=ReleaseStatus.READY, version=version, corrects_release_id=corrected.id if corrected else None,
        note=note if corrected else None, catalogue_version=CATALOGUE_VERSION,
        geography=json.dumps([[code, list(regions)] for code, regions in groups], ensure_ascii=True),
        generated_at=generated_at, generated_by_id=actor_id,
    )
    session.add(release)
    session.flush()
    with_meta = []
    for table in tables:
        meta = files.metadata(new_id, table, generated_at, __version__, versions, extra_notes=extra)
        with_meta.append((table, meta))
        for fmt, content in ((FileFormat.CSV, files.table_csv(table, meta)),
                             (FileFormat.JSON, files.table_json(table, meta)),
                             (FileFormat.XLSX, files.release_xlsx([(table, meta)], {}))):
            _store(session, release, table.spec.id, fmt, content)
    methodology = {"release_id": new_id, "period": period, "catalogue_version": CATALOGUE_VERSION,
                   "geography": [[code, list(regions)] for code, regions in groups], "notes": list(extra)}
    _store(session, release, WORKBOOK, FileFormat.XLSX, files.release_xlsx(with_meta, methodology))
    session.flush()
    record(session, AuditAction.CREATE, entity="statistics_release", entity_id=new_id, actor_id=actor_id,
           actor_role=str(Role.ADMIN) if actor_id else None)
    log.info("statistics release %s built: tables %s", new_id,
             ", ".join(f"{t.spec.id}({len(t.rows)} cells)" for t in tables))
    return release


def _store(session: Session, release: StatisticsRelease, table_id: str, fmt: FileFormat, content: bytes) -> None:
    session.add(ReleaseFile(release_id=release.id, table_id=table_id, format=fmt, content=content,
                            sha256=hashlib.sha256(content).hexdigest()))


# --- Publish and serve ----------------------------------------------------------------------------

def period_end(year: int, quarter: int | None) -> date:
    """The last day of a quarter or year."""
    if quarter is None or quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


def release_date(release: StatisticsRelease) -> date:
    """§6 calendar: 45 days after the quarter ends, 60 days after the year ends."""
    year, quarter = parse_release_id(release.release_id.split("-")[0])
    return period_end(year, quarter) + timedelta(days=60 if quarter is None else 45)


def publish_release(session: Session, release_id: str, actor: StaffUser, *,
                    now: datetime | None = None) -> StatisticsRelease:
    """The platform admin publishes a ready release once, on or after its release date."""
    release = session.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == release_id))
    if release is None:
        raise ReleaseRefused(_l("No such release."))
    if actor.role != Role.ADMIN:
        raise ReleaseRefused(_l("Only the platform administrator publishes a release."))
    if release.status is not ReleaseStatus.READY or release.published_at is not None:
        raise ReleaseRefused(_l("This release is already published."))
    now = now or utcnow()
    if now.date() < release_date(release):
        raise ReleaseRefused(_l("A release cannot be published before its release date."))
    release.status, release.published_at, release.published_by_id = ReleaseStatus.PUBLISHED, now, actor.id
    session.flush()
    record(session, AuditAction.STATUS_CHANGE, entity="statistics_release", entity_id=release_id,
           actor_id=actor.id, actor_role=str(actor.role))
    return release


def write_release_files(release: StatisticsRelease, directory: Path | str) -> list[Path]:
    """Write the stored bytes unchanged: T1.csv, T1.json, T1.xlsx, ... and <release_id>.xlsx."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for stored in release.files:
        path = directory / stored.filename
        path.write_bytes(stored.content)
        written.append(path)
    return written


def release_counts(session: Session) -> list[tuple[str, str, str, int]]:
    """(release id, status, period, number of files) per release, oldest first."""
    return [tuple(row) for row in session.execute(
        select(StatisticsRelease.release_id, StatisticsRelease.status, StatisticsRelease.period,
               func.count(ReleaseFile.id))
        .outerjoin(ReleaseFile, ReleaseFile.release_id == StatisticsRelease.id)
        .group_by(StatisticsRelease.id).order_by(StatisticsRelease.id))]
