"""bench/RESULTS.md: one section per database and size, replaced by each run; the rest of the file
(the analysis written by people) is kept."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

from mediation.core import clock

PAGE_TARGET = 3.0  # a page within 3 times its floor
RELEASE_TARGET = 2.0  # the release within twice its raw queries


def machine() -> str:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f} at the end of the run"
    return f"{platform.node() or 'host'}: {model or platform.processor()}, {os.cpu_count()} cores{memory}{load}; " \
           f"Python {platform.python_version()}"


def section(run: dict) -> str:
    lines = [
        f"### {run['database']}, {run['cases']:,} cases (seed {run['seed']})",
        "",
        f"- Date: {clock.now().isoformat(timespec='minutes')}",
        f"- Machine: {machine()}",
        f"- Data: {run['associations']} associations, "
        + ", ".join(f"{table} {count:,}" for table, count in sorted(run["rows"].items())),
        f"- Synthetic load: {run['load_seconds']:.0f} s",
        f"- Pages seen by `{run['chosen']['mediator']}` ({run['chosen']['open_cases']} open cases led; case page: "
        f"{run['chosen']['case_sessions']} sessions), `a001.supervisor1` and `synthetic.ministry`; "
        f"{run['repeat']} timed requests each after 2 warm-up ones",
        "- Fixed cost of an authenticated request (a bench-only view that does nothing, behind the same login "
        "gate; median ms before / after the pages, statements): "
        + "; ".join(f"`{user}` {before.median:.1f} / {after.median:.1f} ms, {statements}"
                    for user, (before, statements, after) in run["fixed"].items()),
        "",
        "| page | median ms | p95 ms | floor median ms | page/floor | page/(floor + fixed) | SQL statements | "
        "table rows shown | within 3x |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for page in run["pages"]:
        ok = "yes" if page.ratio <= PAGE_TARGET else "**no**"
        note = f" ({page.note})" if page.note else ""
        lines.append(f"| {page.name}{note} | {page.page.median:.1f} | {page.page.p95:.1f} | {page.floor.median:.1f} "
                     f"| {page.ratio:.1f} | {page.ratio_with_fixed:.1f} | {page.statements} | {page.html_rows} "
                     f"| {ok} |")
    lines += ["", "| statistics release | build_release median ms | raw grouped queries (tabulate) median ms | "
              "ratio | statements (build / raw) | within 2x |", "|---|---:|---:|---:|---:|:-:|"]
    for kind, timing in run["release"].items():
        ratio = timing["total"].median / timing["raw"].median if timing["raw"].median else float("inf")
        ok = "yes" if ratio <= RELEASE_TARGET else "**no**"
        lines.append(f"| {kind} {timing['release_id']} | {timing['total'].median:.1f} | {timing['raw'].median:.1f} | "
                     f"{ratio:.1f} | {timing['total_statements']} / {timing['raw_statements']} | {ok} |")
    return "\n".join(lines) + "\n"


def scaling(runs: list[dict]) -> str:
    sizes = [run["cases"] for run in runs]
    lines = [f"### Scaling on {runs[0]['database']}: " + ", ".join(f"{size:,}" for size in sizes) + " cases", "",
             "| page | " + " | ".join(f"statements at {size:,}" for size in sizes) + " | "
             + " | ".join(f"rows shown at {size:,}" for size in sizes) + " | "
             + " | ".join(f"median ms at {size:,}" for size in sizes) + " |",
             "|---|" + "---:|" * (3 * len(sizes))]
    for index, page in enumerate(runs[0]["pages"]):
        row = [run["pages"][index] for run in runs]
        lines.append(f"| {page.name} | " + " | ".join(str(p.statements) for p in row) + " | "
                     + " | ".join(str(p.html_rows) for p in row) + " | "
                     + " | ".join(f"{p.page.median:.1f}" for p in row) + " |")
    return "\n".join(lines) + "\n"


def console(run: dict) -> str:
    return section(run)


def _replace(text: str, key: str, body: str) -> str:
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{body}{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    marker = "<!-- bench:generated -->"
    if marker in text:
        return text.replace(marker, f"{marker}\n\n{block}", 1)
    return f"{text.rstrip()}\n\n{block}\n"


def write(path: Path, runs: list[dict]) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n<!-- bench:generated -->\n"
    dialect = runs[0]["database"].split()[0]
    for run in runs:
        text = _replace(text, f"{dialect}-{run['cases']}", section(run))
    if len(runs) > 1:
        text = _replace(text, f"{dialect}-scaling-" + "-".join(str(run["cases"]) for run in runs), scaling(runs))
    path.write_text(text, encoding="utf-8")
