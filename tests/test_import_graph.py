"""The packages of mediation/ stand on floors, and imports point down (docs/architecture.md, A1).

Every import counts, function-level ones included: they hold a circle together as surely as a
module-level one. An import from a package into one on a higher floor, or between two packages of
one floor, fails the test unless it is on KNOWN_UPWARD below, each with the reason it is still there;
that list only shrinks. A cycle between packages fails whatever the list says, once its edges are
gone from the list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

# Never opens a connection to the database under test: .ci/run's PostgreSQL pass leaves it out.
pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mediation"

# Lowest first. A package may import from packages on lower floors only.
FLOORS = {
    "extensions": 0,
    "core": 0,
    "health": 1,
    "accounts": 1,  # staff, associations, service points: the foundation of every feature
    "outbox": 1,  # messages queued by the features, delivered by a worker
    "auth": 2,
    "backup": 2,
    "audit": 2,
    "cases": 3,
    "sms_templates": 3,  # the SMS texts of each association: below every feature that sends an SMS
    "appointments": 4,
    "referrals": 4,  # a referral is a record of the case; the closure hears of it through events
    "agreements": 4,  # a case's agreement, which its closure rests on
    "attachments": 4,  # documents of the case; the case page shows them through its section registry
    "counselling": 5,  # a session may be the record of a held appointment
    "aftercare": 5,  # post-closure follow-ups: stand on cases only; main, supervision and statistics read them
    "groups": 5,  # parenting groups: their sessions hold appointments (the rooms' and staff's occupancy)
    "supervision": 6,
    "documents": 6,  # papers for the parties and the court: read agreements, appointments, attendance; attach scans
    "statistics": 6,
    "subject_requests": 6,
    "retention": 7,
    "admin": 8,  # the account screens compose accounts, login and the counts of open cases
    "demo": 8,
    "main": 8,
}

# Imports that run up a floor or across one today, each with why; remove a line with the import.
KNOWN_UPWARD = {
    ("core", "extensions"): "the audit chain and the key rotation use the session (same floor)",
    ("extensions", "core"): "the declarative base lives in core (same floor)",
}


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "mediation" and len(parts) > 1 else None


def package_imports() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) -> where, for every import between two packages of mediation/."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative == Path("mediation", "__init__.py"):
            continue  # create_app wires everything together: it is the roof
        importer = relative.parts[1].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                       else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            for module in modules:
                imported = _package_of(module)
                if imported and imported != importer:
                    found.setdefault((importer, imported), []).append(f"{relative}:{node.lineno}")
    return found


def cycles(edges) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for importer, imported in edges:
        graph.setdefault(importer, set()).add(imported)
        graph.setdefault(imported, set())
    index, low, stack, on_stack, components, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_every_package_has_a_floor():
    packages = {path.name.removesuffix(".py") for path in PACKAGE.iterdir()
                if (path.is_dir() and (path / "__init__.py").exists()) or path.suffix == ".py"}
    assert packages - {"__init__"} == set(FLOORS)


def test_imports_point_down_or_are_known():
    unexpected = {edge: where for edge, where in package_imports().items()
                  if FLOORS[edge[0]] <= FLOORS[edge[1]] and edge not in KNOWN_UPWARD}
    assert not unexpected, "imports that do not point down:\n" + "\n".join(
        f"{importer} -> {imported}: {', '.join(where)}" for (importer, imported), where in sorted(unexpected.items()))


def test_the_known_list_holds_no_stale_line():
    """A line whose import is gone is removed, so that the list keeps saying what is left to do."""
    stale = set(KNOWN_UPWARD) - set(package_imports())
    assert not stale, f"no longer imported, remove from KNOWN_UPWARD: {sorted(stale)}"


def test_no_cycle_outside_the_known_list():
    """Without the known upward imports the packages form no circle: a new one fails at once."""
    remaining = [edge for edge in package_imports() if edge not in KNOWN_UPWARD]
    assert cycles(remaining) == []


def test_the_cycle_check_finds_a_circle():
    assert cycles([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]) == [["a", "b", "c"]]
    assert cycles([("a", "b"), ("b", "c")]) == []
