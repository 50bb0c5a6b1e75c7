"""Releases end to end (docs/statistics.md, ST14-ST21; ST24, ST25, ST27): aggregation, geography, register, CLI."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from mediation.core.crypto import Encrypted
from mediation.core.errors import DomainError
from mediation.core.models import Base
from mediation.extensions import db
from mediation.statistics import aggregate
from mediation.statistics.models import FrozenRelease, ReleaseFile, StatisticsRelease
from mediation.statistics.release import ReleaseRefused, build_release, publish_release
from tests.statistics.microdata import CaseSpec, add_association, insert_cases, standard_world

# Date-sensitive (period ends): every test runs under the
# instants of ANY_HOUR_DEFAULT (tests/conftest.py; T1).
pytestmark = pytest.mark.usefixtures("any_hour")

NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)
# The annual release of 2025 can only be built once 2025 has ended.
NEXT_YEAR = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
MERGED = "MA-04+MA-05+MA-06"


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        yield db.session


def _json(release: StatisticsRelease, table_id: str) -> dict:
    stored = next(f for f in release.files if f.table_id == table_id and f.format == "json")
    return json.loads(stored.content)


def _values(release, table_id) -> dict:
    data = _json(release, table_id)
    code, value = data["columns"].index("code"), data["columns"].index("value")
    return {row[code]: str(row[value]) for row in data["rows"]}


def test_aggregation_coarsens_in_sql(ctx):
    add_association("MA-06", "X-1")
    insert_cases([
        CaseSpec("X-1", 10, issues=("inheritance", "separation_arrangements"), child_bands=("12_14", "4_5"),
                 screenings=((0, "positive"), (5, "negative")), closures=((3, "agreement_full"),),
                 sessions=(("individual", False), ("individual", True))),
        CaseSpec("X-1", 20, issues=("other",), child_bands=("unknown",), screenings=((0, "negative"), (5, "positive"))),
        CaseSpec("X-1", 30, issues=("elderly_care",), closures=((3, "opened_in_error"),), outcome="opened_in_error"),
        CaseSpec("X-1", 40, issues=("marital_discord",), child_bands=("unknown", "15_17"),
                 closures=((3, "no_agreement"), (9, "lost_contact"))),
        CaseSpec("RBT-01", 50, created_at=datetime(2025, 9, 30, 23, 30, tzinfo=UTC)),  # 1 October in Casablanca
    ])
    bounds = aggregate.period_bounds(2025, 3)
    by_region = aggregate.cases_by_region(ctx, bounds)
    assert {k: (v.count, v.key_sum) for k, v in by_region.items()} == {("MA-06",): (3, 70)}  # error case excluded
    assert {k: v.count for k, v in aggregate.cases_by_issue_group(ctx, bounds).items()} == {
        ("separation",): 1, ("other",): 1, ("marital_discord",): 1}
    assert {k: v.count for k, v in aggregate.cases_by_child_band_and_issue(ctx, aggregate.period_bounds(2025, None))
            .items()} == {("0_5", "separation"): 1, ("unknown", "other"): 1, ("15_17", "marital_discord"): 1,
                          ("none", "children"): 1}
    assert {k: v.count for k, v in aggregate.cases_by_dv_and_region(ctx, bounds).items()} == {
        ("negative", "MA-06"): 1, ("positive", "MA-06"): 1, ("not_screened", "MA-06"): 1}  # latest screening counts
    assert {k: v.count for k, v in aggregate.closures_by_outcome_group(ctx, bounds).items()} == {
        ("agreement",): 1, ("no_agreement",): 1, ("administrative",): 1}  # each closure is an event
    assert {k: v.count for k, v in aggregate.sessions_by_type(ctx, bounds).items()} == {("individual",): 1}
    assert aggregate.cases_by_region(ctx, aggregate.period_bounds(2025, 4))[("MA-04",)].count == 1


def test_release_stores_every_table_in_three_formats(ctx):
    insert_cases(standard_world())
    release = build_release(ctx, "2025Q3", now=NOW)
    assert release.status == "ready" and release.period == "2025-Q3" and release.kind == "quarterly"
    files = {(f.table_id, f.format): f for f in release.files}
    assert set(files) == {(t, fmt) for t in ("T1", "T2", "T3", "T6", "T8", "T9", "T10")
                          for fmt in ("csv", "json", "xlsx")} | {("all", "xlsx")}
    for stored in files.values():
        assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    assert files[("T1", "csv")].content.startswith(b"\xef\xbb\xbf# ")
    meta = _json(release, "T1")["metadata"]
    assert meta["release_id"] == "2025Q3" and meta["generated_at"] == "2025-11-20T06:00:00Z"
    # D4: T1 and T2 count the same cases, so their national totals are one published value.
    assert _values(release, "T1")["total"] == _values(release, "T2")["total"] != "<10"
    with pytest.raises(FrozenRelease):
        files[("T1", "csv")].content = b"changed"
        ctx.flush()


def test_geography_merges_small_and_dominated_regions(ctx):
    """D6: MA-04 (2 associations) and MA-05 (one at 95 %) join MA-06; the south is one group by default."""
    insert_cases(standard_world())
    release = build_release(ctx, "2025Q3", now=NOW)
    groups = [code for code, _ in json.loads(release.geography)]
    assert groups == ["MA-01", "MA-02", "MA-03", MERGED, "MA-07", "MA-08", "MA-09", "south"]
    t1 = _values(release, "T1")
    assert list(t1) == [*groups, "total"]
    assert t1[MERGED] in {"110", "115"} and t1["MA-03"] == "30" and t1["south"] == "<10"
    assert _json(release, "T1")["metadata"]["classification_versions"]["region_group"] == "1:" + ",".join(groups)
    # The merge holds for the rest of the year, the annual tables included.
    annual = build_release(ctx, "2025", now=NEXT_YEAR)
    assert [c for c, _ in json.loads(annual.geography)] == groups
    assert {f.table_id for f in annual.files} == {"T4", "T5", "T7", "all"}
    t5 = _json(annual, "T5")
    code = t5["columns"].index("code")
    assert {row[code].split("|")[1] for row in t5["rows"]} == set(groups)


def test_regional_tables_withheld_below_three_groups(ctx):
    add_association("MA-04", "X-1")  # a third association: the national population passes the rule
    insert_cases([CaseSpec("RBT-01", k) for k in range(12)] + [CaseSpec("AGD-01", k) for k in range(12)]
                 + [CaseSpec("X-1", k) for k in range(12)])
    release = build_release(ctx, "2025Q3", now=NOW)
    assert "T1" not in {f.table_id for f in release.files}
    assert any("moins de 3 groupes" in note for note in _json(release, "T2")["metadata"]["notes"])
    assert _values(release, "T2")["total"] in {"35", "40"}  # the national total (36) still closes T2


def test_national_tables_follow_the_association_rule(ctx):
    """D6, national level: with two associations every national figure is in effect theirs."""
    insert_cases([CaseSpec("RBT-01", k, closures=((3, "agreement_full"),), sessions=(("individual", False),))
                  for k in range(30)] + [CaseSpec("AGD-01", k) for k in range(30)])
    release = build_release(ctx, "2025Q3", now=NOW)
    for table_id in ("T2", "T3", "T6"):
        values = _values(release, table_id)
        assert set(values.values()) == {"x"}, table_id
        notes = _json(release, table_id)["metadata"]["notes"]
        assert any("moins de 3 associations contributrices" in note for note in notes)


def test_rebuild_refused_and_correction_is_a_new_release(ctx):
    insert_cases(standard_world())
    first = build_release(ctx, "2025Q3", now=NOW)
    with pytest.raises(DomainError, match="already exists"):
        build_release(ctx, "2025Q3", now=NOW)
    with pytest.raises(DomainError):
        build_release(ctx, "2025Q3", correction_of="2025Q3")  # a correction needs its reason
    with pytest.raises(DomainError):
        build_release(ctx, "2025Q5")
    second = build_release(ctx, "2025Q3", now=NOW, correction_of="2025Q3", reason="data_entry_error")
    assert (second.release_id, second.version, second.corrects_release_id) == ("2025Q3-r2", 2, first.id)
    assert second.correction_reason == "data_entry_error"
    assert any("erreur de saisie" in n for n in _json(second, "T2")["metadata"]["notes"])
    # D4: unchanged data gives the same published data (the same data_sha256).
    assert _json(first, "T2")["metadata"]["data_sha256"] == _json(second, "T2")["metadata"]["data_sha256"]
    third = build_release(ctx, "2025Q3", now=NOW, correction_of="2025Q3-r2", reason="late_records")
    assert third.release_id == "2025Q3-r3"


def test_the_gate_window_holds_every_version_of_the_period(ctx):
    """docs/statistics.md, ST32: read from the register, the window of a new release of 2025-Q3 holds
    every stored version of 2025-Q3 (earlier versions tagged as populations of their own), and the
    annual release of 2025 holds the quarter's versions too."""
    from mediation.statistics.release import gate_window

    insert_cases(standard_world())
    build_release(ctx, "2025Q2", now=NOW)
    build_release(ctx, "2025Q3", now=NOW)
    build_release(ctx, "2025Q3", now=NOW, correction_of="2025Q3", reason="late_records")
    ids, cells = gate_window(ctx, "2025-Q3")
    assert ids == ["2025Q2", "2025Q3", "2025Q3-r2"]
    assert {cell.version for cell in cells if cell.period == "2025-Q3"} == {1, 2}  # both are earlier versions
    ids, cells = gate_window(ctx, "2025")
    assert ids == ["2025Q2", "2025Q3", "2025Q3-r2"]
    # For the annual release, the latest version of 2025-Q3 is the one its relations hold with.
    assert {cell.version for cell in cells if cell.release_id == "2025Q3-r2"} == {0}
    assert {cell.version for cell in cells if cell.release_id == "2025Q3"} == {1}
    assert gate_window(ctx, "2024-Q4")[0] == []  # a backlog quarter of 2024 shares no relation with 2025


def test_publish_once_by_the_admin(ctx, world):
    from mediation.accounts.models import StaffUser

    insert_cases(standard_world())
    build_release(ctx, "2025Q3", now=NOW)
    admin = ctx.scalar(select(StaffUser).where(StaffUser.username == "admin.test"))
    mediator = ctx.scalar(select(StaffUser).where(StaffUser.username == "mediator.a1"))
    with pytest.raises(DomainError):
        publish_release(ctx, "2025Q3", mediator, now=NOW)
    with pytest.raises(DomainError, match="before"):
        publish_release(ctx, "2025Q3", admin, now=datetime(2025, 11, 1, tzinfo=UTC))
    release = publish_release(ctx, "2025Q3", admin, now=NOW)
    assert release.status == "published" and release.published_by_id == admin.id
    with pytest.raises(DomainError, match="already published"):
        publish_release(ctx, "2025Q3", admin, now=NOW)


def test_same_microdata_in_another_order_gives_identical_bytes(ctx):
    """D3: insertion order and row order never reach the files (clock fixed)."""
    specs = standard_world()
    outputs = []
    for ordering in (specs, specs[::-1]):
        savepoint = ctx.begin_nested()
        insert_cases(ordering)
        release = build_release(ctx, "2025Q3", now=NOW)
        outputs.append({(f.table_id, f.format): f.content for f in release.files if f.format != "xlsx"})
        savepoint.rollback()
        ctx.expunge_all()  # the second build reuses the rolled-back row ids
    assert outputs[0] == outputs[1] and len(outputs[0]) == 14  # 7 tables, CSV and JSON


def test_build_reads_no_encrypted_column(ctx, db):
    insert_cases(standard_world())
    encrypted = {f"{table.name}.{column.name}" for table in Base.metadata.tables.values()
                 for column in table.columns if isinstance(column.type, Encrypted)}
    assert "person.full_name" in encrypted
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        build_release(ctx, "2025Q3", now=NOW)
        build_release(ctx, "2025", now=NEXT_YEAR)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert any("case_file" in s for s in selects)
    assert not [(name, s) for s in statements for name in encrypted if name in s]
    assert not [s for s in selects if " person" in s]  # the identity vault is never touched


def test_cli_builds_writes_and_publishes(app, ctx, tmp_path):
    insert_cases(standard_world())
    ctx.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "release", "2025Q3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "release 2025Q3 ready: 7 tables, 22 files" in result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([f"T{i}.{fmt}" for i in (1, 2, 3, 6, 8, 9, 10) for fmt in ("csv", "json", "xlsx")]
                           + ["2025Q3.xlsx"])
    release = ctx.scalar(select(StatisticsRelease).where(StatisticsRelease.release_id == "2025Q3"))
    for stored in ctx.scalars(select(ReleaseFile).where(ReleaseFile.release_id == release.id)):
        assert (tmp_path / stored.filename).read_bytes() == stored.content  # stored bytes, unchanged
    again = runner.invoke(args=["stats", "release", "2025Q3"])
    assert again.exit_code == 1 and "already exists" in again.output
    # A correction's reason is a fixed code (docs/statistics.md, ST31): free text is refused before any build.
    free = runner.invoke(args=["stats", "release", "2025Q3", "--correction-of", "2025Q3", "--reason", "1 case"])
    assert free.exit_code == 2 and "late_records" in free.output
    corrected = runner.invoke(args=["stats", "release", "2025Q3", "--correction-of", "2025Q3",
                                    "--reason", "opened_in_error"])
    assert corrected.exit_code == 0 and "release 2025Q3-r2 ready" in corrected.output
    published = runner.invoke(args=["stats", "publish", "2025Q3", "--by", "admin.test"])
    assert published.exit_code == 0, published.output
    listing = runner.invoke(args=["stats", "list"])
    assert "2025Q3\tpublished\t2025-Q3\t22 files" in listing.output
    assert "2025Q3-r2\tready\t2025-Q3\t22 files" in listing.output


def test_a_period_still_running_is_not_released(ctx):
    """A frozen release of an unfinished quarter would miss its last cases for ever."""
    with pytest.raises(ReleaseRefused, match="once it has ended"):
        build_release(ctx, "2025Q4", now=NOW)
    with pytest.raises(ReleaseRefused, match="once it has ended"):
        build_release(ctx, "2025", now=NOW)
