"""`make load`: a short load test of gunicorn (2 workers) on loopback with locust.

    python bench/load.py [--cases 1000] [--seed 1] [--users 10] [--run-time 30] [--max-requests 3000]

Builds a fresh database (a SQLite file in a temporary directory, or the PostgreSQL database
`mediation_load` next to TEST_DATABASE_URL, dropped and recreated), creates the schema with the
migrations, loads the synthetic population (as `flask demo synthetic`) and publishes last quarter's
statistics release, then serves it with gunicorn (2 sync workers, development configuration with its
real CSRF protection and real password hashing, on a free 127.0.0.1 port) and runs locust headless
(bench/locustfile.py): each simulated user logs in once through the login form, then loops over the
pages of its role. Bounded by --run-time seconds and --max-requests requests, whichever comes first.
The per-page figures go into the "load" section of bench/RESULTS.md for this database.
Never part of `make test`. Sends traffic to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench import report, scenario  # noqa: E402
from bench.run import fresh_database, populate  # noqa: E402
from config import Development, generated_secrets  # noqa: E402
from mediation import create_app  # noqa: E402
from mediation.cases.codes import CaseStatus  # noqa: E402
from mediation.cases.models import AssignmentRole, Case, CaseAssignment  # noqa: E402
from mediation.core import clock  # noqa: E402
from mediation.demo.synthetic.loader import SYNTHETIC_PASSWORD  # noqa: E402
from mediation.extensions import db  # noqa: E402

LOAD_DATABASE = "mediation_load"
BIN = Path(sys.executable).parent
MEDIATORS = 4  # distinct mediator accounts the simulated mediators log in as (round robin)
CASES_PER_MEDIATOR = 5  # open cases each of them opens, at random


def load_config(url: str, secrets: dict[str, str]) -> Development:
    """The development configuration (CSRF on, real password hashing) with this run's keys and database."""

    class Config(Development):
        def secret_source(self) -> dict[str, str]:
            return dict(secrets)

        def database_url(self) -> str:
            return url

    return Config()


def prepare(url: str, secrets: dict[str, str], cases: int, seed: int) -> dict:
    """Migrate, load, publish last quarter's release; return the plan the simulated users follow."""
    app = create_app(load_config(url, secrets))
    loaded, load_seconds, database = populate(app, cases, seed)
    with app.app_context():
        mediators = busiest_mediators(db.session)
        release = scenario.previous_quarter(clock.today())
    scenario.publish(app, release)
    with app.app_context():
        db.engine.dispose()  # gunicorn's workers open their own connections
    print(f"[load] {cases} cases loaded in {load_seconds:.0f} s", flush=True)
    return {"password": SYNTHETIC_PASSWORD, "mediators": mediators, "supervisor": scenario.SUPERVISOR,
            "ministry": scenario.MINISTRY, "release": release, "database": database,
            "rows": loaded.rows, "associations": loaded.associations, "load_seconds": load_seconds}


def busiest_mediators(session) -> list[dict]:
    """The reference association's mediators leading the most open cases, with some of those cases."""
    chosen = []
    for username, user_id, _open_cases in session.execute(scenario.busiest_mediators(MEDIATORS)).all():
        cases = session.scalars(
            select(Case.public_id).join(CaseAssignment, CaseAssignment.case_id == Case.id)
            .where(CaseAssignment.user_id == user_id, CaseAssignment.role == AssignmentRole.LEAD,
                   Case.status != CaseStatus.CLOSED)
            .order_by(Case.id).limit(CASES_PER_MEDIATOR)).all()
        chosen.append({"username": username, "cases": [str(case) for case in cases]})
    return chosen


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(url: str, secrets: dict[str, str], workdir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if name not in {"REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL", "DATABASE_URL"}}
    env.update(secrets)
    env.update(MEDIATION_ENV="development", DATABASE_URL=url, MEDIATION_INSTANCE_DIR=str(workdir))
    return env


def wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def run_locust(base: str, plan: dict, args, workdir: Path, run_time: int, name: str) -> Path:
    prefix = workdir / name
    env = {**os.environ, "LOAD_PLAN": json.dumps(plan), "LOAD_MAX_REQUESTS": str(args.max_requests)}
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "--host", base, "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
               "--run-time", f"{run_time}s", "--stop-timeout", "5", "--csv", str(prefix),
               "--only-summary", "--loglevel", "WARNING"]
    # The run bounds itself (run time, request budget); the timeout only guards against a hang.
    subprocess.run(command, env=env, cwd=ROOT, check=False, timeout=run_time + 120)
    return prefix


def read_stats(prefix: Path) -> tuple[list[dict], list[dict]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    failures_path = Path(f"{prefix}_failures.csv")
    failures = []
    if failures_path.exists():
        with open(failures_path, newline="", encoding="utf-8") as handle:
            failures = list(csv.DictReader(handle))
    return stats, failures


def section(plan: dict, args, stats: list[dict], failures: list[dict], elapsed: float, cases: int) -> str:
    total = next(row for row in stats if row["Name"] == "Aggregated")
    requests, failed = int(total["Request Count"]), int(total["Failure Count"])
    rows = ", ".join(f"{table} {count:,}" for table, count in sorted(plan["rows"].items()))
    lines = [
        f"### Load: {plan['database']}, {cases:,} cases, gunicorn 2 workers, {args.users} users",
        "",
        f"- Date: {clock.now().isoformat(timespec='minutes')}",
        f"- Machine: {report.machine()} (the load generator's own work included)",
        f"- Data: synthetic, seed {args.seed}, {plan['associations']} associations; {rows}",
        "- Server: gunicorn 2 sync workers, development configuration (CSRF on, argon2 `rfc9106_low_memory` "
        "login), 127.0.0.1; load generator: locust headless on the same 2 cores",
        f"- Run: {args.users} users spawned at {args.spawn_rate}/s, think time 0.5-2 s, bounded by "
        f"{args.run_time} s and {args.max_requests:,} requests; ran {elapsed:.0f} s after {args.warm_up} s of "
        f"unmeasured warm-up load (same users and mix); each user logs in once "
        f"through the login form (mediators as {', '.join(m['username'] for m in plan['mediators'])}; "
        f"{plan['supervisor']}; {plan['ministry']})",
        f"- Total: **{requests:,} requests, {failed:,} failures, {float(total['Requests/s']):.1f} req/s**",
        "",
        "| page | requests | failures | req/s | median ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in stats:
        name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | "
                     f"{float(row['Requests/s']):.2f} | {row['50%']} | {row['95%']} | {row['99%']} | "
                     f"{float(row['Max Response Time']):.0f} |")
    if failures:
        lines += ["", "Failures:", ""]
        lines += [f"- {row['Name']}: {row['Error']} ({row['Occurrences']} times)" for row in failures]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--run-time", type=int, default=30, help="seconds")
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--warm-up", type=int, default=10, help="seconds of unmeasured load first (0: none)")
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    secrets = generated_secrets()
    with tempfile.TemporaryDirectory(prefix="mediation-load-") as workdir_name:
        workdir = Path(workdir_name)
        url = fresh_database(args.cases, workdir, database=LOAD_DATABASE)
        plan = prepare(url, secrets, args.cases, args.seed)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(workdir / "gunicorn.log", "wb")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=server_environment(url, secrets, workdir), stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(base, server)
            if args.warm_up:
                # Each worker's first render of each template, catalogue load, first connections: not
                # what a running service pays, and with a few hundred requests they would make the p95.
                run_locust(base, plan, args, workdir, args.warm_up, "warm-up")
            started = time.monotonic()
            prefix = run_locust(base, plan, args, workdir, args.run_time, "locust")
            elapsed = time.monotonic() - started
            stats, failures = read_stats(prefix)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        errors = [line for line in (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
                  if "Traceback" in line or " 500 " in line or "ERROR" in line]
    body = section(plan, args, stats, failures, elapsed, args.cases)
    if errors:
        body += f"\nServer log: {len(errors)} error lines (first: `{errors[0][:160]}`)\n"
    print(body)
    path = Path(args.results)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Load test results\n\n<!-- bench:generated -->\n"
    path.write_text(report._replace(text, f"load-{plan['database'].split()[0]}", body), encoding="utf-8")
    print(f"[load] results written to {args.results}")


if __name__ == "__main__":
    main()
