"""Build, store and publish the ministry's releases (docs/statistics.md, ST14 geography, ST15-ST21 releases).

A build reads grouped rows only (aggregate.py), applies the geography, publishes each table
through disclosure.py, writes the files through files.py and stores the bytes with their
SHA-256 in the register. Nothing is ever rebuilt in place: a correction is a new release.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation import __version__
from mediation.accounts.models import StaffUser
from mediation.core import clock
from mediation.core.audit import AuditAction, record
from mediation.core.authz import Role
from mediation.core.errors import DomainError
from mediation.statistics import aggregate, files, group_tables, outcome_tables
from mediation.statistics.attack import Cell
from mediation.statistics.catalogue import CATALOGUE_VERSION, TABLES, region_dimension
from mediation.statistics.codes import CorrectionReason
from mediation.statistics.geography import Groups, groups_from_prior_year
from mediation.statistics.models import FileFormat, ReleaseFile, ReleaseKind, ReleaseStatus, StatisticsRelease
from mediation.statistics.period import Tabulation, publish_period
from mediation.statistics.versions import (
    CORRECTION_NOTES,
    CORRECTION_UNITS,
    Baseline,
    StoredRelease,
    StoredTable,
    linkage_window,
    window_cells,
)

log = logging.getLogger(__name__)

RELEASE_ID = re.compile(r"^(\d{4})(?:Q([1-4]))?$")
WORKBOOK = "all"  # table_id of the release's combined workbook


class ReleaseRefused(DomainError):
    message = _l("This release cannot be built or published.")


def parse_release_id(release_id: str) -> tuple[int, int | None]:
    match = RELEASE_ID.fullmatch(release_id or "")
    if not match:
        raise ReleaseRefused(_l("A release id is a quarter such as 2026Q3 or a year such as 2026."))
    return int(match[1]), int(match[2]) if match[2] else None


# --- Build ---------------------------------------------------------------------------------------

def starting_geography(session: Session, year: int) -> Groups:
    """Year Y's geography so far: the latest release of Y's, else the defaults after step 2 on Y-1."""
    latest = session.scalar(select(StatisticsRelease.geography)
                            .where(StatisticsRelease.period.startswith(str(year)))
                            .order_by(StatisticsRelease.id.desc()).limit(1))
    if latest:
        return tuple((code, tuple(regions)) for code, regions in json.loads(latest))
    return groups_from_prior_year(aggregate.cases_by_region(session, aggregate.period_bounds(year - 1, None)))


def tabulate(session: Session, year: int, quarter: int | None) -> Tabulation:
    """The period's true cells: one read-only GROUP BY per table, nothing decrypted (docs/statistics.md, ST15)."""
    bounds = aggregate.period_bounds(year, quarter)
    if quarter:
        return Tabulation(year, quarter, {"T1": aggregate.cases_by_region(session, bounds),
                                          "T2": aggregate.cases_by_issue_group(session, bounds),
                                          "T3": aggregate.closures_by_outcome_group(session, bounds),
                                          "T6": aggregate.sessions_by_type(session, bounds),
                                          "T8": outcome_tables.referrals_by_destination_group(session, bounds),
                                          "T9": group_tables.enrolments_by_participation_and_sex(session, year,
                                                                                                 quarter),
                                          "T10": group_tables.activities_by_measure_and_theme(session, bounds)})
    # The mean-cell-size gate judges year Y on Y-1's registered cases (docs/statistics.md, ST8).
    prior = aggregate.cases_by_region(session, aggregate.period_bounds(year - 1, None))
    return Tabulation(year, None, {"T4": aggregate.cases_by_child_band_and_issue(session, bounds),
                                   "T5": aggregate.cases_by_dv_and_region(session, bounds),
                                   "T7": outcome_tables.follow_ups_by_point_and_result(session, year)},
                      prior_year_cases=sum(stats.count for stats in prior.values()))


def stored_tables(session: Session, release: StatisticsRelease) -> dict[str, StoredTable]:
    """A release's tables as the attacker reads them: its stored JSON files."""
    tables = {}
    for stored in session.scalars(select(ReleaseFile).where(ReleaseFile.release_id == release.id,
                                                            ReleaseFile.format == FileFormat.JSON)
                                  .order_by(ReleaseFile.table_id)):
        data = json.loads(stored.content)
        code, value = data["columns"].index("code"), data["columns"].index("value")
        rows = tuple((row[code], str(row[value])) for row in data["rows"])
        tables[stored.table_id] = StoredTable(stored.table_id, rows, one_dimensional="|" not in rows[0][0])
    return tables


def gate_window(session: Session, period: str) -> tuple[list[str], list[Cell]]:
    """The releases an attacker combines with a new one of `period`, by linkage (docs/statistics.md, ST32)."""
    periods = linkage_window(period, session.scalars(select(StatisticsRelease.period).distinct()))
    releases = session.scalars(select(StatisticsRelease).where(StatisticsRelease.period.in_(periods))).all()
    return window_cells(period, [StoredRelease(r.release_id, r.period, r.version, stored_tables(session, r))
                                 for r in releases])


def baseline(session: Session, same_period: list[StatisticsRelease]) -> Baseline:
    """What the earlier versions of a period published, oldest first: a correction's frame (ST30)."""
    ordered = sorted(same_period, key=lambda release: release.version)
    groups = tuple((code, tuple(regions)) for code, regions in json.loads(ordered[0].geography))
    return Baseline(groups, tuple(stored_tables(session, release) for release in ordered))


def _classification_versions(groups: Groups) -> dict:
    versions = {dim.id: dim.version for spec in TABLES.values() for dim in spec.dimensions}
    versions["region_group"] = region_dimension(groups).version
    return dict(sorted(versions.items()))


def build_release(session: Session, release_id: str, *, actor_id: int | None = None, now: datetime | None = None,
                  correction_of: str | None = None, reason: str | None = None,
                  units: int | None = None) -> StatisticsRelease:
    """Compute, write and register a release of a quarter or year; an existing release id is refused.

    A correction names the release it corrects and its reason, a fixed code (docs/statistics.md, ST31).
    `units` is the gate's belief about how many units a correction changes per cell (ST30)."""
    year, quarter = parse_release_id(release_id)
    period = f"{year}-Q{quarter}" if quarter else str(year)
    if (now or clock.now()).date() <= period_end(year, quarter):
        # A frozen release of a period still running would miss its last cases for ever.
        raise ReleaseRefused(_l("A period can be released only once it has ended."))
    same_period = session.scalars(select(StatisticsRelease).where(StatisticsRelease.period == period)).all()
    corrected = None
    if correction_of is None:
        if reason:
            raise ReleaseRefused(_l("A reason is given only for a correction: name the release it corrects."))
        if same_period:
            raise ReleaseRefused(_l("This release already exists and is frozen; build a correction instead."))
        new_id, version = release_id, 1
    else:
        corrected = next((r for r in same_period if r.release_id == correction_of), None)
        if corrected is None:
            raise ReleaseRefused(_l("The corrected release must be an existing release of the same period."))
        if reason not in set(CorrectionReason):
            raise ReleaseRefused(_l("A correction needs its reason, chosen from the list."))
        version = max(r.version for r in same_period) + 1
        new_id = f"{release_id}-r{version}"
    generated_at = (now or clock.now()).replace(microsecond=0)

    started = time.perf_counter()
    tab = tabulate(session, year, quarter)
    queried = time.perf_counter()
    window_ids, prior = gate_window(session, period)
    frame = baseline(session, same_period) if corrected else None
    if units is None:
        units = current_app.config["STATISTICS_CORRECTION_UNITS"] if has_app_context() else CORRECTION_UNITS
    publication = publish_period(tab, frame.groups if frame else starting_geography(session, year), prior,
                                 release_id=new_id, window=window_ids, baseline=frame, units=units)
    gated = time.perf_counter()
    tables, groups, gate = publication.tables, publication.groups, publication.gate
    if gate.remedies:
        # docs/statistics.md, ST16: a failing gate's remedies are recorded, and logged for the admin's attention.
        log.warning("statistics release %s: release gate remedies %s", new_id,
                    ", ".join(f"{r.kind}:{r.table_id}" for r in gate.remedies))
    versions = _classification_versions(groups)
    extra = (*publication.notes, *([CORRECTION_NOTES[CorrectionReason(reason)]] if corrected else []))
    release = StatisticsRelease(
        release_id=new_id, period=period, kind=ReleaseKind.QUARTERLY if quarter else ReleaseKind.ANNUAL,
        status=ReleaseStatus.READY, version=version, corrects_release_id=corrected.id if corrected else None,
        correction_reason=CorrectionReason(reason) if corrected else None, catalogue_version=CATALOGUE_VERSION,
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
                   "method": files.METHOD, "parameters": dict(files.PARAMETERS), "markers": dict(files.MARKERS_LEGEND),
                   "geography": [[code, list(regions)] for code, regions in groups],
                   "notes": [*files.STANDARD_NOTES, *extra],
                   "release_gate": gate.as_metadata()}
    _store(session, release, WORKBOOK, FileFormat.XLSX, files.release_xlsx(with_meta, methodology))
    session.flush()
    record(session, AuditAction.CREATE, entity="statistics_release", entity_id=new_id, actor_id=actor_id,
           actor_role=str(Role.ADMIN) if actor_id else None)
    # Table ids, cell counts and timings only (docs/statistics.md, ST15): never a figure of the data.
    log.info("statistics release %s built: tables %s; queries %.3fs, gate %.3fs (%d cells checked, window %s)",
             new_id, ", ".join(f"{t.spec.id}({len(t.rows)} cells)" for t in tables), queried - started,
             gated - queried, gate.checked, ",".join(gate.window) or "-")
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
    """docs/statistics.md, ST20, the calendar: 45 days after the quarter ends, 60 days after the year ends."""
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
    now = now or clock.now()
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
