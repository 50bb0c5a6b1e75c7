"""One clock and one zone database (docs/architecture.md, T1): mediation/core/clock.py is the only
reader of the system clock and of zone data, its data is the pinned tzdata package, and a test can
set the clock for the code under test and for the served application alike."""

from __future__ import annotations

import ast
import shutil
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import tzdata
from flask_babel import format_datetime

from mediation.core import clock
from tests.conftest import ANY_HOUR

ROOT = Path(__file__).resolve().parents[2]
THE_CLOCK = ROOT / "mediation" / "core" / "clock.py"
# This test reads zoneinfo itself, to show what the clock does differently.
ALLOWED = {THE_CLOCK, Path(__file__).resolve()}
# Module attributes that read the system's clock or zone data; call them through mediation.core.clock.
FORBIDDEN_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                   ("time", "time"), ("time", "localtime"), ("time", "gmtime")}
FORBIDDEN_MODULES = {"pytz", "zoneinfo", "dateutil.tz", "backports.zoneinfo"}
FORBIDDEN_NAMES = {("flask_babel", "get_timezone"), ("babel.dates", "get_timezone"),
                   ("flask_babel", "to_user_timezone")}


def _sources():
    for folder in ("mediation", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path not in ALLOWED:
                yield path


def _second_sources(path: Path, shown_as: str | None = None) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        where = f"{shown_as or path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "ZoneInfo":
                found.append(f"{where} ZoneInfo(...)")
            if isinstance(func, ast.Attribute):
                owner = func.value
                name = (owner.id if isinstance(owner, ast.Name)
                        else owner.attr if isinstance(owner, ast.Attribute) else "")
                # time.gmtime(seconds) converts a given instant (a log record's); without one it reads the clock.
                if (name, func.attr) in FORBIDDEN_CALLS and not (name == "time" and node.args):
                    found.append(f"{where} {name}.{func.attr}()")
        elif isinstance(node, ast.Import):
            found += [f"{where} import {alias.name}" for alias in node.names if alias.name in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in FORBIDDEN_MODULES:
                found.append(f"{where} from {node.module} import ...")
            found += [f"{where} from {node.module} import {alias.name}" for alias in node.names
                      if (node.module, alias.name) in FORBIDDEN_NAMES]
    return found


@pytest.mark.database_independent
def test_no_second_source_of_time_in_the_product_its_tests_or_its_benchmarks():
    found = [problem for path in _sources() for problem in _second_sources(path)]
    assert found == [], "read the time and the zone through mediation.core.clock:\n" + "\n".join(found)


@pytest.mark.database_independent
def test_the_check_finds_what_it_looks_for(tmp_path):
    """A positive control: each kind of second source is reported. The probe is written outside the
    tree (another worker may be scanning it), and assembled from the forbidden pairs themselves."""
    calls = [f"{owner}.{name}()" for owner, name in sorted(FORBIDDEN_CALLS)]
    lines = ["import pytz", "from zoneinfo import ZoneInfo", "from flask_babel import get_timezone",
             *(f"x = {call}" for call in calls), "z = ZoneInfo('Europe/Paris')"]
    probe = tmp_path / "probe.py"
    probe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = _second_sources(probe, shown_as="probe.py")
    assert len(found) == 3 + len(calls) + 1, found


@pytest.mark.database_independent
def test_the_zone_comes_from_the_pinned_package_not_the_system(tmp_path):
    """A system directory whose "Africa/Casablanca" is Paris's rules fools zoneinfo, not the clock."""
    shutil.copyfile(Path(tzdata.__file__).parent / "zoneinfo" / "Europe" / "Paris", tmp_path / "Paris")
    (tmp_path / "Africa").mkdir()
    shutil.copyfile(tmp_path / "Paris", tmp_path / "Africa" / "Casablanca")
    clock.load_zone.cache_clear()
    zoneinfo.reset_tzpath(to=[str(tmp_path)])
    try:
        zone = clock.load_zone("Africa/Casablanca")
        system = zoneinfo.ZoneInfo.no_cache("Africa/Casablanca")
    finally:
        zoneinfo.reset_tzpath()
        clock.load_zone.cache_clear()
    winter = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert winter.astimezone(system).utcoffset() == timedelta(hours=1), "the fake system data is in use"
    assert zone.key == "Africa/Casablanca" and winter.astimezone(zone).utcoffset() == timedelta(0)
    # Facts of the pinned release (2026f): Ramadan 2026 on UTC+0, UTC+1 until the return to GMT on
    # 20 September 2026, UTC+0 ever since.
    assert datetime(2026, 3, 5, 12, tzinfo=UTC).astimezone(zone).utcoffset() == timedelta(0)
    assert datetime(2026, 5, 5, 12, tzinfo=UTC).astimezone(zone).utcoffset() == timedelta(hours=1)
    assert datetime(2026, 12, 7, 12, tzinfo=UTC).astimezone(zone).utcoffset() == timedelta(0)
    assert datetime(2027, 7, 1, 12, tzinfo=UTC).astimezone(zone).utcoffset() == timedelta(0)
    assert clock.zone_data_version().startswith(tzdata.IANA_VERSION)


@pytest.mark.database_independent
@pytest.mark.parametrize("name", ["", "../etc/passwd", "Africa/../../x", "/etc/passwd", "Mars/Olympus_Mons"])
def test_unknown_or_hostile_zone_names_are_refused(name):
    with pytest.raises(clock.UnknownZone):
        clock.load_zone(name)


@pytest.mark.parametrize("instant, expected", [
    *[(value, value.date()) for value in ANY_HOUR.values()],  # UTC+0 in December: the local day is the UTC day
    (datetime(2026, 7, 15, 23, 30, tzinfo=UTC), date(2026, 7, 16)),  # UTC+1 in July 2026: already the 16th
    (datetime(2026, 7, 15, 22, 59, tzinfo=UTC), date(2026, 7, 15)),
])
@pytest.mark.database_independent
def test_today_is_the_services_date(frozen_clock, instant, expected):
    frozen_clock.set(instant)
    assert clock.today() == expected
    assert clock.now() == instant


@pytest.mark.database_independent
def test_a_set_clock_stands_still_or_ticks_and_is_given_back(frozen_clock):
    start = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    frozen_clock.set(start)
    assert clock.now() == clock.now() == start
    frozen_clock.advance(minutes=45)
    assert clock.now() == start + timedelta(minutes=45) and clock.today() == date(2027, 1, 1)
    frozen_clock.set(start, ticking=True)
    assert start <= clock.now() < start + timedelta(seconds=5)
    with clock.frozen(datetime(2020, 1, 1, tzinfo=UTC)):
        assert clock.today() == date(2020, 1, 1)
    assert clock.now() >= start  # the ticking setting is back
    with pytest.raises(ValueError):
        clock.set_now(datetime(2026, 1, 1))  # a naive instant is ambiguous


@pytest.mark.database_independent
def test_day_bounds_are_local_midnights(frozen_clock):
    # 1 August 2026 (UTC+1) begins at 23:00 UTC on 31 July; 1 November (UTC+0) at midnight UTC.
    assert clock.day_bounds(date(2026, 8, 1), date(2026, 8, 1)) == (
        datetime(2026, 7, 31, 23, 0, tzinfo=UTC), datetime(2026, 8, 1, 23, 0, tzinfo=UTC))
    assert clock.day_bounds(date(2026, 11, 1), date(2026, 11, 30)) == (
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))


def test_flask_babel_formats_with_the_pinned_zone(app):
    # 10:00 UTC on 20 November 2026 is 10:00 in Casablanca by the pinned data (11:00 by older data).
    with app.test_request_context("/?lang=en"):
        assert format_datetime(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), "HH:mm") == "10:00"
        assert format_datetime(datetime(2026, 5, 20, 10, 0, tzinfo=UTC), "HH:mm") == "11:00"


@pytest.mark.parametrize("instant", list(ANY_HOUR.values()), ids=list(ANY_HOUR))
def test_the_served_application_reads_the_same_clock(frozen_clock, login_as, instant):
    frozen_clock.set(instant, ticking=True)
    page = login_as("mediator_a1").get("/cases/new").get_data(as_text=True)
    # the first contact defaults to the service's today, typed as day/month/year (docs/domain.md, DOM75)
    assert f'value="{instant.date():%d/%m/%Y}"' in page


# flask doctor


def _system_dir(tmp_path: Path, zone_file: str | None, version: str = "2099z") -> Path:
    folder = tmp_path / "zoneinfo"
    (folder / "Africa").mkdir(parents=True)
    (folder / "tzdata.zi").write_text(f"# version {version}\n", encoding="ascii")
    if zone_file:
        source = Path(tzdata.__file__).parent / "zoneinfo" / zone_file
        shutil.copyfile(source, folder / "Africa" / "Casablanca")
    return folder


def _doctor(app, folder: Path) -> str:
    result = app.test_cli_runner().invoke(args=["doctor", "--system-zoneinfo", str(folder)])
    assert result.exit_code == 0, result.output
    return result.output


def test_doctor_prints_the_zone_data_in_use_and_agrees_with_the_same_data(app, tmp_path, frozen_clock):
    frozen_clock.set(datetime(2026, 12, 7, 23, 30, tzinfo=UTC))
    output = _doctor(app, _system_dir(tmp_path, "Africa/Casablanca", version=tzdata.IANA_VERSION))
    assert f"zone data in use: {tzdata.IANA_VERSION}" in output
    assert "today: 2026-12-07" in output
    assert "agrees for the next 12 months" in output and "WARNING" not in output


def test_doctor_warns_when_the_system_disagrees(app, tmp_path, frozen_clock):
    frozen_clock.set(datetime(2026, 12, 7, 23, 30, tzinfo=UTC))
    # A system whose "Casablanca" follows Paris: UTC+1 in winter, UTC+2 in summer.
    output = _doctor(app, _system_dir(tmp_path, "Europe/Paris"))
    assert "WARNING" in output and "2099z" in output
    assert "from 2026-12-07 23:00 to 2027-03-28 01:00 UTC: pinned UTC+0, system UTC+1" in output


def test_doctor_without_the_zone_on_the_system(app, tmp_path):
    output = _doctor(app, _system_dir(tmp_path, None))
    assert "nothing to compare" in output
