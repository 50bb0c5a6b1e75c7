"""`make bench`: the main pages and the statistics release against their floors.

    python bench/run.py [--cases 10000] [--seed 1] [--scale 1000,10000,100000] [--repeat 15]
                        [--keep DIR [--load-only]]

Builds a fresh database (a SQLite file in a temporary directory, or the PostgreSQL database
`mediation_bench` next to TEST_DATABASE_URL), creates the schema with the migrations, loads the
synthetic population (`flask demo synthetic`), then measures each main page as its user sees it
and writes the table into bench/RESULTS.md (its section for this database and size is replaced).
Never part of `make test`: pytest collects tests/ only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import report, scenario  # noqa: E402
from bench.pages import add_empty_page  # noqa: E402
from config import Testing  # noqa: E402
from mediation import create_app  # noqa: E402
from mediation.demo.synthetic.loader import load_synthetic, refresh_planner_statistics  # noqa: E402
from mediation.extensions import db  # noqa: E402

BENCH_DATABASE = "mediation_bench"


def bench_config(url: str, secrets: dict[str, str] | None = None) -> Testing:
    """Testing settings on `url`; with `secrets`, those keys instead of new ones (a kept database is
    readable only with the field keys it was written with)."""
    class Config(Testing):
        def database_url(self) -> str:
            return url

        def secret_source(self) -> dict[str, str]:
            return secrets if secrets is not None else super().secret_source()

    return Config()


def fresh_database(cases: int, workdir: Path, database: str = BENCH_DATABASE) -> str:
    """An empty database URL: a new SQLite file, or `database` (mediation_bench by default; bench/load.py
    uses its own) recreated on the PostgreSQL server."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = workdir / f"{database}-{cases}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    admin = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    return make_url(base).set(database=database).render_as_string(hide_password=False)


def populate(app, cases: int, seed: int):
    """Migrate `app`'s empty database and load the synthetic population: (loaded, seconds, database name)."""
    # One log line per request would be timed with the page: warnings and errors only.
    logging.getLogger("mediation").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        loaded = load_synthetic(db.session, cases, seed)
        db.session.commit()
        refresh_planner_statistics(db.session)  # as autovacuum would have done on a live database
        db.session.commit()
        seconds = time.perf_counter() - started
        version = ".".join(str(part) for part in db.engine.dialect.server_version_info or ())
        database = f"{db.engine.dialect.name} {version}".strip()
    return loaded, seconds, database


def load_or_reuse(cases: int, seed: int, workdir: Path, keep: bool):
    """The app on a populated database. With `keep`, the database (SQLite file in `workdir`, or the
    PostgreSQL database mediation_bench_<cases>) outlives the run with a sidecar describing its load, and
    a later run with the same size and seed measures it again without reloading (100,000 cases take
    most of an hour to load on a small machine)."""
    backend = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    sidecar = workdir / f"{BENCH_DATABASE}-{backend}-{cases}-seed{seed}.json"
    database_name = f"{BENCH_DATABASE}_{cases}" if keep else BENCH_DATABASE
    if keep and sidecar.exists():
        facts = json.loads(sidecar.read_text())
        app = create_app(bench_config(facts["url"], facts["secrets"]))
        add_empty_page(app)
        print(f"[bench] reusing the {cases} cases loaded on {facts['loaded_at']}", flush=True)
        with app.app_context():
            upgrade()  # the code may have new revisions since the load
            # The previous run published last quarter's release, which the run builds and publishes
            # again: releases are frozen for the application, but this is the bench's own database.
            db.session.execute(text("DELETE FROM statistics_release_file"))
            db.session.execute(text("DELETE FROM statistics_release"))
            db.session.commit()
        loaded = SimpleNamespace(rows=facts["rows"], associations=facts["associations"])
        return app, loaded, facts["load_seconds"], facts["database"]
    url = fresh_database(cases, workdir, database_name)
    secrets = Testing().secret_source()
    app = create_app(bench_config(url, secrets))
    add_empty_page(app)
    loaded, load_seconds, database = populate(app, cases, seed)
    if keep:
        # Synthetic data only, but the keys stay readable by this user alone.
        sidecar.touch(mode=0o600)
        sidecar.write_text(json.dumps({
            "url": url, "rows": loaded.rows, "associations": loaded.associations, "database": database,
            "load_seconds": load_seconds, "loaded_at": time.strftime("%Y-%m-%dT%H:%M%z"), "secrets": secrets,
        }))
    return app, loaded, load_seconds, database


def run_one(cases: int, seed: int, repeat: int, workdir: Path, keep: bool = False) -> dict:
    app, loaded, load_seconds, database = load_or_reuse(cases, seed, workdir, keep)
    print(f"[bench] {cases} cases loaded in {load_seconds:.0f} s", flush=True)
    # Rows stay readable after a page's commit (an audited VIEW): the floor renders them again.
    db.session.session_factory.kw["expire_on_commit"] = False
    result = scenario.measure(app, repeat)
    result.update(cases=cases, seed=seed, load_seconds=load_seconds, rows=loaded.rows,
                  associations=loaded.associations, database=database)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scale", help="comma-separated case counts, e.g. 1000,10000,100000")
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--keep", metavar="DIR", help="keep the loaded databases in DIR and reuse them")
    parser.add_argument("--load-only", action="store_true", help="with --keep: load, do not measure")
    args = parser.parse_args()
    sizes = [int(size) for size in args.scale.split(",")] if args.scale else [args.cases]
    if args.keep:
        workdir = Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.load_only:
            for size in sizes:
                load_or_reuse(size, args.seed, workdir, keep=True)
            return
        runs = [run_one(size, args.seed, args.repeat, workdir, keep=True) for size in sizes]
    else:
        with tempfile.TemporaryDirectory(prefix="mediation-bench-") as workdir:
            runs = [run_one(size, args.seed, args.repeat, Path(workdir)) for size in sizes]
    for run in runs:
        print(report.console(run))
    report.write(Path(args.results), runs)
    print(f"[bench] results written to {args.results}")


if __name__ == "__main__":
    main()
