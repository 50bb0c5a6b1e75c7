"""How the synthetic population is spread (docs/statistics.md, ST50): which association serves how
many cases in which region, and the rare categories a real caseload has.

Pure functions of a seeded stream (no database), so that the benchmark's loader and the statistics
tests' in-memory populations (tests/statistics/simulation.py) draw from one description:

- regions weighted roughly like Morocco's population, one of them thin (`THIN_REGION`, a few cases
  a quarter), so that it is merged with its neighbour and its cells are small but not empty;
- 3 to 12 associations per region (fewer only when the whole population is too small to give each
  association a case), of heavy-tailed sizes (Pareto weights): a few large ones and many small ones;
- issues with rare categories (`other` alone, debts, communication between parents, upbringing);
- children whose age is unknown (no birth date given) in a few cases.

The first association is the reference one, 1,500 cases from 2,000 cases up (three quarters of a
smaller population), which the benchmark reads at every scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediation.cases.codes import Issue
from mediation.demo.synthetic.draws import Draws

MEAN_ASSOCIATION_CASES = 1000  # sets the reference association's size: 1.5 times it
REFERENCE_WEIGHT = 1.5
CASES_PER_ASSOCIATION = 400  # a region has about one association per 400 of its cases, 3 to 12
PER_REGION = (3, 12)
PARETO_ALPHA = 1.2  # the smaller, the heavier the tail of association sizes
# Shares of the cases by region (MA-01 to MA-12), roughly the regions' populations; MA-08 is thin.
REGION_SHARES = {"MA-01": 11.0, "MA-02": 7.0, "MA-03": 12.0, "MA-04": 13.0, "MA-05": 7.0, "MA-06": 21.0,
                 "MA-07": 13.0, "MA-08": 0.35, "MA-09": 8.0, "MA-10": 1.3, "MA-11": 1.1, "MA-12": 0.5}
THIN_REGION = "MA-08"
REFERENCE_REGION = "MA-06"
MEDIATION_ISSUES = (Issue.MARITAL_DISCORD, Issue.SEPARATION_ARRANGEMENTS, Issue.CUSTODY, Issue.VISITATION,
                    Issue.CHILD_MAINTENANCE, Issue.SPOUSAL_ENTITLEMENTS, Issue.EXPULSION_MARITAL_HOME)
COUNSELLING_ISSUES = (Issue.PARENT_CHILD_CONFLICT, Issue.IN_LAW_CONFLICT, Issue.ELDERLY_CARE, Issue.INHERITANCE,
                      Issue.MARITAL_DISCORD)
RARE_ISSUES = (Issue.DEBTS, Issue.PARENT_COMMUNICATION, Issue.CHILD_UPBRINGING)
OTHER_ONLY = 0.005  # cases whose only issue is `other`: the `other` issue group
RARE_ADDED = 0.03  # cases with one rare issue besides the usual ones
UNKNOWN_AGES = 0.01  # cases whose children's birth dates were not given: youngest child `unknown`


@dataclass(frozen=True)
class AssociationShare:
    region: str
    cases: int


def _apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` by largest remainder (deterministic, sums exactly)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def association_plan(total: int, draws: Draws, regions: list[str], *, spacing: int = CASES_PER_ASSOCIATION,
                     reference: int | None = None, per_region: tuple[int, int] = PER_REGION,
                     alpha: float = PARETO_ALPHA) -> list[AssociationShare]:
    """Associations and their case counts, adding up to `total`; the first is the reference one
    (`reference` cases; by default 1.5 times the mean size, at most 1,500).

    Each region gets 3 to 12 associations (about one per `spacing` of its cases; fewer only when the
    region has fewer cases than that), each at least one case, sized by Pareto weights."""
    if total < 1:
        raise ValueError("at least one case")
    if reference is None:
        reference = round(max(15, min(MEAN_ASSOCIATION_CASES, total // 2)) * REFERENCE_WEIGHT)
    reference = min(total, reference)
    shares = [REGION_SHARES.get(region, 1.0) for region in regions]
    by_region = _apportion(total - reference, shares)
    home = regions.index(REFERENCE_REGION) if REFERENCE_REGION in regions else 0
    plan = [AssociationShare(regions[home], reference)]
    low, high = per_region
    for index, region in enumerate(regions):
        cases = by_region[index]
        others = min(high, max(low, round((cases + (reference if index == home else 0)) / spacing)))
        others -= 1 if index == home else 0
        others = min(others, cases)
        if others <= 0:
            continue
        weights = [(1.0 - draws.random()) ** (-1.0 / alpha) for _ in range(others)]
        sizes = [1 + size for size in _apportion(cases - others, weights)]
        plan.extend(AssociationShare(region, size) for size in sizes)
    return plan


def draw_issues(draws: Draws, mediation_track: bool) -> list[Issue]:
    """A case's issues: one to three of its track's, sometimes a rare one, sometimes `other` alone."""
    if draws.chance(OTHER_ONLY):
        return [Issue.OTHER]
    issues = draws.sample(MEDIATION_ISSUES if mediation_track else COUNSELLING_ISSUES, draws.choice((1, 1, 2, 3)))
    if draws.chance(RARE_ADDED):
        rare = draws.choice(RARE_ISSUES)
        if rare not in issues:
            issues.append(rare)
    return issues


def child_ages(draws: Draws, parent_age: int) -> list[int | None]:
    """The ages of a case's children (none past 55); None for every child when their birth dates were not given."""
    count = draws.choice((0, 0, 1, 1, 2, 3)) if parent_age < 55 else 0
    ages: list[int | None] = [draws.between(0, min(17, parent_age - 18)) for _ in range(count)]
    if ages and draws.chance(UNKNOWN_AGES):
        return [None] * len(ages)
    return ages
