"""The region groups of a year (docs/statistics.md, ST14): merges for small and dominated regions. Pure.

Cells carry the service point's region code (MA-01..MA-12); `regroup` re-keys them by the group
holding each region, so merging groups never needs another query.
"""

from __future__ import annotations

from mediation.statistics.catalogue import DEFAULT_REGION_GROUPS, MERGE_PARTNER
from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import THRESHOLD, passes_association_rule

MIN_GROUPS = 3  # docs/statistics.md, ST14 step 4
MIN_PRIOR_YEAR_TOTAL = 50  # docs/statistics.md, ST14 step 2

Groups = tuple[tuple[str, tuple[str, ...]], ...]  # (group code, region codes), in publication order

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


def failing_group(cells: dict, groups: Groups, axis: int) -> str | None:
    """The first group (in publication order) holding a cell that fails the association rule."""
    failing = {key[axis] for key, stats in regroup(cells, groups, axis).items()
               if stats.count >= THRESHOLD and not passes_association_rule(stats)}
    return next((code for code, _ in groups if code in failing), None)


def merge_until_passing(groups: Groups, failing_of) -> Groups:
    while len(groups) >= MIN_GROUPS and (code := failing_of(groups)) is not None:
        merged = merge_group(groups, code)
        if merged == groups:
            break
        groups = merged
    return groups


def groups_from_prior_year(prior: dict) -> Groups:
    """docs/statistics.md, ST14 step 2: the default groups, merged while a group's Y-1 total is < 50 or fails the rule.

    `prior` holds Y-1's registered cases by region code; with no history at all (the first year
    of use) step 2 has nothing to judge and the defaults stand.
    """
    if not prior:
        return DEFAULT_REGION_GROUPS

    def small_or_failing(groups: Groups) -> str | None:
        totals = regroup(prior, groups, 0)
        for code, _ in groups:
            stats = totals.get((code,), CellStats())
            if stats.count < MIN_PRIOR_YEAR_TOTAL or not passes_association_rule(stats):
                return code
        return None

    return merge_until_passing(DEFAULT_REGION_GROUPS, small_or_failing)
