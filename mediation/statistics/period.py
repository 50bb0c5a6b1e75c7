"""One period's tables from its true tabulation (docs/statistics.md, ST7, ST8, ST13, ST14, ST16; ST15 steps 3-6). Pure.

`Tabulation` is what aggregate.py reads from the database (or what a test builds from
microdata): true counts, key sums and per-association contributions, in memory only.
`publish_period` applies the geography, the association rule, the mean-cell-size fallbacks,
threshold and rounding, and then the release gate: the linear attack of D5 (attack.py) over the
new release and the releases linked to it (docs/statistics.md, ST32), with the remedies of ST16 applied in order
until it passes. A correction is published inside the frame of the versions it corrects (ST30).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from mediation.statistics.attack import MIN_POSSIBLE_VALUES, Cell, attack, table_cells
from mediation.statistics.catalogue import FALLBACK_TABLES, MEAN_CELL_MIN, TABLES, region_dimension
from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import (
    TOTAL_CODE,
    PublishedTable,
    passes_association_rule,
    publish_table,
)
from mediation.statistics.geography import MIN_GROUPS, Groups, failing_group, merge_until_passing, regroup
from mediation.statistics.versions import CORRECTION_UNITS, Baseline, Frame, crossing_readings, version_links

Cells = dict[tuple[str, ...], CellStats]

NOTE_NO_REGIONAL = ("Tableaux régionaux non publiés pour cette période : moins de 3 groupes de régions."
                    " / لم تُنشر الجداول الجهوية لهذه الفترة: أقل من 3 مجموعات جهوية.")
NOTE_NATIONAL_RULE = ("Tableau retenu : moins de 3 associations contributrices, ou deux associations au-delà de 90 %."
                      " / جدول محجوب: أقل من 3 جمعيات مساهمة، أو جمعيتان تتجاوزان 90 %.")
NOTE_FALLBACK = ("Tableau publié au niveau national : taille moyenne des cellules de l'année précédente inférieure"
                 " à 20. / جدول منشور على المستوى الوطني: متوسط حجم الخانات في السنة السابقة أقل من 20.")
NOTE_GATE = ("Contrôle de l'attaque linéaire (D5) : des valeurs ont été retenues (« x ») dans cette publication."
             " / مراقبة الهجوم الخطي (D5): حُجبت قيم (« x ») في هذا الإصدار.")

# Which population each table counts: a remedy on one table concerns the tables sharing it.
_POPULATION = {table_id: spec.unit for table_id, spec in TABLES.items()}


@dataclass
class Tabulation:
    """The true cells of one period by table id. Quarters: T1 by (region code,), T2, T3, T6, T8, T9, T10.
    Years: T4, T5 by (DV screening, region code), T7. `prior_year_cases` (years only) drives the
    mean-cell-size gate: the number of cases registered in Y-1, 0 when there is no history."""

    year: int
    quarter: int | None
    cells: dict[str, Cells]
    prior_year_cases: int = 0

    @property
    def period(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def regional(self) -> tuple[Cells, int]:
        """The cells the geography is judged on, and the position of their region code."""
        return (self.cells["T1"], 0) if self.quarter else (self.cells["T5"], 1)


@dataclass(frozen=True)
class Remedy:
    kind: str  # "withhold_total" or "withhold_table"
    table_id: str


@dataclass
class GateReport:
    window: list[str]  # release ids the attacker holds besides the new one, oldest first
    checked: int = 0  # `<10` cells of the new release solved
    min_values: int | None = None  # the narrowest of them after the remedies (None: nothing to check)
    first_min_values: int | None = None  # the narrowest before any remedy
    remedies: list[Remedy] = field(default_factory=list)
    inconsistent: bool = False  # a window contradicting itself was dropped for some cell

    def as_metadata(self) -> dict:
        # Kept out of the per-table files: ids and remedy names only, no figure of the data.
        return {"window": list(self.window), "min_possible_values": MIN_POSSIBLE_VALUES,
                "remedies": [[r.kind, r.table_id] for r in self.remedies]}


@dataclass
class Publication:
    tables: list[PublishedTable]
    groups: Groups
    notes: tuple[str, ...]
    gate: GateReport


def annual_fallbacks(prior_year_cases: int, group_count: int) -> frozenset[str]:
    """Mean-cell-size gate (docs/statistics.md, ST8): T4 and T5 fall back to national tables if Y-1's mean cell is < 20.

    With no history (0 cases in Y-1, the first year of use) there is nothing to judge and the
    catalogue's tables stand, as for the geography (docs/statistics.md, ST14 step 2); the release gate still applies.
    """
    if prior_year_cases <= 0:
        return frozenset()
    grids = {"T4": TABLES["T4"].grid_size, "T5": len(TABLES["T5"].dimensions[0].codes) * group_count}
    return frozenset(table_id for table_id, size in grids.items() if prior_year_cases < MEAN_CELL_MIN * size)


def _total(cells: Cells) -> CellStats:
    total = CellStats()
    for stats in cells.values():
        total.merge(stats)
    return total


def _collapse(cells: Cells, keep: int) -> Cells:
    """A 2-D tabulation summed to its dimension at position `keep` (a fallback's one dimension)."""
    out: Cells = {}
    for key, stats in cells.items():
        out.setdefault((key[keep],), CellStats()).merge(stats)
    return out


def _tables(tab: Tabulation, groups: Groups, regional: bool, withheld: frozenset, totals_withheld: frozenset,
            fallbacks: frozenset, held_cells: dict | None = None, no_total: frozenset = frozenset()
            ) -> list[PublishedTable]:
    period = tab.period
    region_dim = region_dimension(groups)
    # D6, national tables: the rule applies to the whole population a table counts.
    national_ok = {unit: passes_association_rule(_total(cells))
                  for unit, cells in (("case", tab.cells.get("T2") or tab.cells.get("T4") or {}),
                                      ("closure", tab.cells.get("T3", {})), ("session", tab.cells.get("T6", {})),
                                      ("follow_up", tab.cells.get("T7", {})), ("referral", tab.cells.get("T8", {})),
                                      ("enrolment", tab.cells.get("T9", {})))}
    # T10 counts activities and the people present at them: the rule holds for each (docs/statistics.md, ST38).
    t10 = tab.cells.get("T10", {})
    national_ok["activity"] = all(passes_association_rule(_total({key: stats for key, stats in t10.items()
                                                                   if key[0] == measure}))
                                  for measure in TABLES["T10"].dimensions[0].codes)

    def table(spec, cells, total=None, with_pct=False, regional_table=False):
        held = spec.id in withheld or (not regional_table and not national_ok[spec.unit])
        out = publish_table(spec, period, cells, None if spec.id in no_total else total, with_pct=with_pct,
                            withheld=held, withhold_total=spec.id in totals_withheld,
                            withheld_cells=frozenset((held_cells or {}).get(spec.id, ())))
        extra = (NOTE_FALLBACK,) if spec is FALLBACK_TABLES.get(spec.id) else ()
        if held and spec.id not in withheld:
            extra = (*extra, NOTE_NATIONAL_RULE)
        return replace(out, notes=(*out.notes, *extra)) if extra else out

    published = []
    if tab.quarter:
        t1, t2 = regroup(tab.cells["T1"], groups, 0), tab.cells["T2"]
        # The national total closes T1 and T2 (docs/statistics.md, ST7): published only if both lines are long enough.
        line_ok = not regional or len(groups) >= 5
        if regional:
            published.append(table(replace(TABLES["T1"], dimensions=(region_dim,)), t1,
                                   _total(t1) if line_ok else None, with_pct=True, regional_table=True))
        published.append(table(TABLES["T2"], t2, _total(t2) if line_ok else None, with_pct=True))
        for table_id in ("T3", "T6", "T8"):
            cells = tab.cells.get(table_id, {})  # T8: catalogue version 2 (docs/statistics.md, ST34)
            published.append(table(TABLES[table_id], cells, _total(cells), with_pct=True))
        for table_id in ("T9", "T10"):  # catalogue version 3, two variables: no total (docs/statistics.md, ST35, ST38)
            published.append(table(TABLES[table_id], tab.cells.get(table_id, {})))
        return published
    t4 = tab.cells["T4"]
    published.append(table(FALLBACK_TABLES["T4"], _collapse(t4, 0)) if "T4" in fallbacks else table(TABLES["T4"], t4))
    t5 = tab.cells["T5"]
    if "T5" in fallbacks:
        published.append(table(FALLBACK_TABLES["T5"], _collapse(t5, 0)))
    elif regional:
        t5_spec = replace(TABLES["T5"], dimensions=(TABLES["T5"].dimensions[0], region_dim))
        published.append(table(t5_spec, regroup(t5, groups, 1), regional_table=True))
    published.append(table(TABLES["T7"], tab.cells.get("T7", {})))  # docs/statistics.md, ST34
    return published


def release_cells(release_id: str, tables: list[PublishedTable], baseline: Baseline | None = None) -> list[Cell]:
    """The attacker's view of published tables (a correction's withheld cells read as the rule implies)."""
    cells = []
    for t in tables:
        rows = [("|".join(row.codes), row.value) for row in t.rows]
        if t.total is not None:
            rows.append((TOTAL_CODE, t.total.value))
        earlier = [list(version[t.spec.id].rows) for version in baseline.versions
                   if t.spec.id in version] if baseline else []
        cells.extend(table_cells(release_id, t.spec.id, t.period, rows, readings=crossing_readings(earlier, rows)))
    return cells


def _next_remedy(failing_table: str, tables: list[PublishedTable], done: list[Remedy]) -> list[Remedy]:
    """docs/statistics.md, ST16 order: (1) withhold the totals of the tables involved, (2) withhold the failing table.

    The tables involved are those of the new release counting the failing cell's population
    (T1 and T2 share one national total, so both lose it). Only a total published as a number is
    withheld: a `<10` total says no more than its `<10` cells, and an `x` total then means >= 10.
    """
    population = _POPULATION[failing_table]
    totals = [Remedy("withhold_total", t.spec.id) for t in tables
              if _POPULATION[t.spec.id] == population and t.total is not None and t.total.value.isdigit()]
    if totals and Remedy("withhold_total", failing_table) not in done:
        return totals
    return [Remedy("withhold_table", failing_table)]


def _gate(release_id: str, new: list[Cell], prior: list[Cell], report: GateReport, units: int) -> list[Cell]:
    """D5 over the window: the `<10` cells (new ones, and earlier ones linked to them) left with
    fewer than 5 possible values because of this release. Versions of one period are linked
    cell by cell (docs/statistics.md, ST30)."""
    window = prior + new
    narrowings = attack(window, window, linked_to=new, links=version_links(window, units))
    unsolved = [n.cell for n in narrowings if n.values is None]
    if unsolved:
        # The window contradicts itself (data purged or corrected since an earlier release): the
        # cells are then judged on the versions of the new release's own period (a correction is
        # never judged without the versions it corrects), and failing that on the new release alone.
        report.inconsistent = True
        narrowings = [n for n in narrowings if n.values is not None]
        period = {cell.period for cell in new}
        own = [cell for cell in prior if cell.period in period] + new
        own_set = set(own)
        retry = attack(own, [cell for cell in unsolved if cell in own_set], links=version_links(own, units))
        narrowings += [n for n in retry if n.values is not None]
        still = {n.cell for n in retry if n.values is None}
        narrowings += attack(new, [cell for cell in still if cell.release_id == release_id])
    report.checked = len(narrowings)
    report.min_values = min((n.values for n in narrowings), default=None)
    if not report.remedies:
        report.first_min_values = report.min_values
    failing = [n.cell for n in narrowings if n.values < MIN_POSSIBLE_VALUES]
    earlier = [cell for cell in failing if cell.release_id != release_id]
    if earlier:
        # An earlier cell already that narrow without this release is not this release's doing
        # (and no remedy here could change it).
        already = {n.cell for n in attack(prior, earlier, links=version_links(prior, units))
                   if n.values is None or n.values < MIN_POSSIBLE_VALUES}
        failing = [cell for cell in failing if cell not in already]
    return failing


def publish_period(tab: Tabulation, groups: Groups, prior: list[Cell], *, release_id: str,
                   window: list[str] = (), baseline: Baseline | None = None,
                   units: int = CORRECTION_UNITS) -> Publication:
    """Publish the period's tables and run the release gate against `prior` (the releases linked to it).

    A correction (`baseline`: what the earlier versions of the period published) keeps their
    geography and tables, withholds what they withheld and every cell crossing the threshold
    between versions, and is gated with its versions linked (docs/statistics.md, ST30, ST31)."""
    regional_raw, axis = tab.regional
    withheld: set[str] = set()
    totals_withheld: set[str] = set()
    if baseline is None:
        groups = merge_until_passing(groups, lambda g: failing_group(regional_raw, g, axis))
        regional = len(groups) >= MIN_GROUPS and failing_group(regional_raw, groups, axis) is None
        fallbacks = annual_fallbacks(tab.prior_year_cases, len(groups)) if not tab.quarter else frozenset()
        no_total: frozenset[str] = frozenset()
    else:
        groups = baseline.groups  # never a region the original did not have
        regional_id = "T1" if tab.quarter else "T5"
        fallbacks = baseline.national() if not tab.quarter else frozenset()
        regional = regional_id in baseline.tables() and regional_id not in fallbacks
        if regional and failing_group(regional_raw, groups, axis) is not None:
            withheld.add(regional_id)  # merging would publish a new region: the table is withheld instead
        withheld |= baseline.withheld_tables()
        totals_withheld |= baseline.withheld_totals()
        no_total = baseline.without_total()
    # Without 3 groups no regional table is published (docs/statistics.md, ST14 step 4); a national T5 needs none.
    notes = () if regional or "T5" in fallbacks else (NOTE_NO_REGIONAL,)
    report = GateReport(window=list(window))
    frame = Frame()
    while True:
        tables = _tables(tab, groups, regional, frozenset(withheld | frame.tables), frozenset(totals_withheld),
                         fallbacks, frame.cells, no_total)
        if baseline is not None:
            # Never a table the original did not have (ST30): a correction of a release built under catalogue
            # version 1 publishes no T7 or T8 (docs/statistics.md, ST34).
            tables = [t for t in tables if t.spec.id in baseline.tables()]
        if baseline is not None and frame.compare(baseline, tables):
            continue  # withholding a cell changes no other value: this converges in one more pass
        failing = _gate(release_id, release_cells(release_id, tables, baseline), prior, report, units)
        if not failing:
            break
        order = [t.spec.id for t in tables]
        own = [cell.table_id for cell in failing if cell.release_id == release_id]
        if own:
            table_id = min(own, key=order.index)
        else:
            # A cell of an earlier release narrowed through this one: the remedy can only be
            # applied here, to this release's tables counting the same units: the same table if
            # it is an earlier version of it, else in table order.
            population = failing[0].population
            candidates = [t.spec.id for t in tables if t.spec.unit == population and t.spec.id not in withheld]
            same = [cell.table_id for cell in failing if cell.table_id in candidates]
            table_id = min(same, key=order.index) if same else next(iter(candidates), None)
            if table_id is None:
                break  # nothing of this release left to withhold (cannot happen: see _gate)
        for remedy in _next_remedy(table_id, tables, report.remedies):
            report.remedies.append(remedy)
            (totals_withheld if remedy.kind == "withhold_total" else withheld).add(remedy.table_id)
    if report.remedies:
        notes = (*notes, NOTE_GATE)
    return Publication(tables, groups, notes, report)
