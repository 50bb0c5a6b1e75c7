"""Disclosure control: docs/statistics.md, ST9-ST13, tests ST22, ST23, ST28 and the association rule.

Pure functions: nothing here uses the database (the autouse `db` fixture
still opens its transaction, harmlessly).
"""

from __future__ import annotations

import itertools
import random  # allowed in tests: S25 and the architecture test cover mediation/ only
import re
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation.statistics.catalogue import Dimension, TableSpec
from mediation.statistics.cells import CellStats
from mediation.statistics.disclosure import (
    NOTE_TABLE_WITHHELD,
    NOTE_TOTAL_WITHHELD,
    PARAMETERS,
    DisclosureError,
    passes_association_rule,
    percentage,
    publish,
    publish_table,
)

pytestmark = pytest.mark.database_independent  # pure Python: the PostgreSQL pass of .ci/run leaves it out (ST55)

COUNT = re.compile(r"^(<10|x|[1-9][0-9]*[05])$")
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def dimension(name: str, size: int, first_label: str | None = None) -> Dimension:
    """A small classification for fixtures; the real ones live in the catalogue."""
    codes = tuple(f"{name}_{i}" for i in range(size))
    labels_fr = {code: f"{name} {i} fr" for i, code in enumerate(codes)}
    labels_ar = {code: f"{name} {i} ع" for i, code in enumerate(codes)}
    if first_label is not None:
        labels_fr[codes[0]] = first_label
    return Dimension(id=name, version="1", codes=codes, labels_fr=labels_fr, labels_ar=labels_ar)


def spec(*dimensions: Dimension, total: bool = True, regional: bool = False, table_id: str = "TX") -> TableSpec:
    return TableSpec(id=table_id, title_fr="Dossiers enregistrés", title_ar="الملفات المسجلة", unit="case",
                     dimensions=dimensions, period="quarter", total=total, regional=regional)


def balanced(count: int) -> Counter:
    """Three associations with near-equal shares: passes the association rule for any count."""
    return Counter({1: count - 2 * (count // 3), 2: count // 3, 3: count // 3})


def stats(count: int, key_sum: int = 0, associations: dict | None = None) -> CellStats:
    return CellStats(count, key_sum, Counter(associations) if associations is not None else balanced(count))


def half_up(a: int, b: int) -> str:
    # Independent of the implementation's integer formula.
    return str(int(Fraction(100 * a, b) + Fraction(1, 2)))


# -- D2: the rounding rule, exhaustively --------------------------------------


def test_d2_publish_exhaustively():
    for n in range(2001):
        values = [publish(n, key) for key in range(256)]
        if n < 10:
            assert set(values) == {"<10"}
            continue
        numbers = [int(value) for value in values]
        assert all(v % 5 == 0 and v >= 10 and abs(v - n) <= 4 for v in numbers), n
        if n % 5 == 0:
            assert set(numbers) == {n}
        assert abs(Fraction(sum(numbers), 256) - n) <= Fraction(2, 100), n


def test_publish_matches_the_specification_examples():
    assert publish(12, 0) == "15"  # 0 * 5 < 2 * 256: up
    assert publish(12, 255) == "10"
    assert publish(10, 200) == "10"
    assert publish(0, 0) == "<10" and publish(9, 255) == "<10"
    with pytest.raises(ValueError):
        publish(12, 256)
    with pytest.raises(ValueError):
        publish(-1, 0)


def test_parameters_are_the_published_ones():
    assert PARAMETERS == {"threshold": 10, "rounding_base": 5, "key_modulus": 256, "association_min": 3,
                          "association_top2_max": "0.90", "total_min_line": 5}


@pytest.mark.parametrize("sizes", [(1,), (4,), (7,), (5, 3), (2, 6)])
def test_d2_full_grid_row_count_is_the_product_of_the_category_counts(sizes):
    table_spec = spec(*(dimension(f"d{i}", size) for i, size in enumerate(sizes)), total=False)
    table = publish_table(table_spec, "2025-Q1", {}, None)
    expected = 1
    for size in sizes:
        expected *= size
    assert len(table.rows) == expected == table_spec.grid_size
    # Rows follow the code lists' order; empty cells are published, as "<10".
    assert [row.codes for row in table.rows] == sorted(row.codes for row in table.rows)
    assert {row.value for row in table.rows} == {"<10"}


# -- percentages ----------------------------------------------------------------


@pytest.mark.parametrize(("value", "total", "expected"), [
    ("25", "50", "50"), ("10", "80", "13"), ("15", "40", "38"), ("10", "30", "33"), ("20", "30", "67"),
    ("<10", "50", ".."), ("x", "50", ".."), ("10", "x", ".."), ("10", "<10", ".."), ("10", "0", ".."),
    ("50", "50", "100"),
])
def test_percentage(value, total, expected):
    assert percentage(value, total) == expected


# -- D1: no small values, percentages from published values only ----------------

cell_stats = st.builds(
    lambda count, key_sum: CellStats(count, key_sum, balanced(count)),
    st.integers(0, 120) | st.integers(0, 3000), st.integers(0, 10**6),
)


@st.composite
def tables(draw):
    sizes = draw(st.sampled_from([(3,), (5,), (6,), (12,), (5, 3), (3, 4)]))
    table_spec = spec(*(dimension(f"d{i}", size) for i, size in enumerate(sizes)))
    grid = list(itertools.product(*(d.codes for d in table_spec.dimensions)))
    cells = {codes: draw(cell_stats) for codes in grid if draw(st.booleans())}
    total = CellStats()
    for cell in cells.values():
        total.merge(cell)
    options = draw(st.fixed_dictionaries({"with_pct": st.booleans(), "withheld": st.booleans(),
                                          "withhold_total": st.booleans()}))
    return table_spec, cells, total, options


@PROPERTY
@given(tables())
def test_d1_no_small_values_and_honest_percentages(case):
    table_spec, cells, total, options = case
    table = publish_table(table_spec, "2025-Q3", cells, total, **options)
    assert len(table.rows) == table_spec.grid_size
    rows = table.rows + ([table.total] if table.total else [])
    assert [row.codes for row in table.rows] == list(itertools.product(*(d.codes for d in table_spec.dimensions)))
    for row in rows:
        assert COUNT.match(row.value), row.value
        if row.value not in ("<10", "x"):
            assert int(row.value) >= 10 and int(row.value) % 5 == 0
    for row in table.rows:
        true = cells.get(row.codes, CellStats()).count
        if row.value.isdigit():
            assert abs(int(row.value) - true) <= 4
    # Totals only on 1-D lines of >= 5 cells; percentages only with a total.
    assert (table.total is not None) == (len(table_spec.dimensions) == 1 and table_spec.grid_size >= 5)
    if options["with_pct"] and table.total is not None:
        for row in rows:
            if row.value.isdigit() and table.total.value.isdigit():
                assert row.pct == half_up(int(row.value), int(table.total.value))
            else:
                assert row.pct == ".."
    else:
        assert all(row.pct is None for row in rows)
    if options["withheld"]:
        assert {row.value for row in rows} == {"x"}


# -- publish_table behaviour ------------------------------------------------------


def test_totals_and_withholding():
    table_spec = spec(dimension("issue", 5))
    cells = {("issue_0",): stats(40, 7), ("issue_1",): stats(123, 98765)}
    table = publish_table(table_spec, "2025-Q1", cells, stats(163, 98772), with_pct=True)
    assert table.total.codes == ("total",) and table.total.value in {"160", "165"}
    assert table.rows[0].value == "40" and table.rows[0].pct == half_up(40, int(table.total.value))
    assert table.total.pct == "100" and table.notes == ()
    # True counts and keys never reach the published table.
    assert "123" not in repr(table.rows) and "98765" not in repr(table) and "163" not in repr(table)

    short = publish_table(spec(dimension("outcome", 4)), "2025-Q1", {}, stats(50), with_pct=True)
    assert short.total is None and all(row.pct is None for row in short.rows)
    two_d = publish_table(spec(dimension("a", 5), dimension("b", 5)), "2025", {}, stats(500))
    assert two_d.total is None  # 2-D tables carry no margins

    no_total = publish_table(table_spec, "2025-Q1", cells, stats(163, 98772), withhold_total=True, with_pct=True)
    assert no_total.total.value == "x" and no_total.rows[0].value == "40"
    assert {row.pct for row in no_total.rows} == {".."} and no_total.notes == (NOTE_TOTAL_WITHHELD,)

    held = publish_table(table_spec, "2025-Q1", cells, stats(163, 98772), withheld=True)
    assert {row.value for row in held.rows} == {"x"} and held.total.value == "x"
    assert held.notes == (NOTE_TABLE_WITHHELD,)


def test_a_code_outside_the_code_lists_is_refused():
    with pytest.raises(DisclosureError):
        publish_table(spec(dimension("issue", 5)), "2025-Q1", {("nope",): stats(12)}, None)


# -- association rule (docs/statistics.md, ST13) --------------------------------------------------------


@pytest.mark.parametrize(("contributions", "passes"), [
    ({1: 95, 2: 3, 3: 2}, False),  # one association with 95 %
    ({1: 60, 2: 40}, False),  # two associations
    ({1: 34, 2: 33, 3: 33}, True),  # three balanced
    ({1: 45, 2: 45, 3: 10}, True),  # top two exactly 90 %: allowed
    ({1: 46, 2: 45, 3: 9}, False),  # 91 %
    ({1: 98, 2: 1, 3: 1, 4: 0}, False),
    ({1: 9}, True),  # below the threshold: "<10" anyway
    ({1: 5, 2: 5, 3: 0, 4: 0}, False),  # zero contributions do not count as associations
])
def test_association_rule(contributions, passes):
    assert passes_association_rule(stats(sum(contributions.values()), 0, contributions)) is passes


def test_a_regional_table_with_a_dominated_cell_is_not_published():
    regional = spec(dimension("region", 5), regional=True)
    dominated = {("region_0",): stats(100, 0, {1: 95, 2: 3, 3: 2})}
    with pytest.raises(DisclosureError):
        publish_table(regional, "2025-Q1", dominated, None)
    # The gate's remedy (the whole table "x") needs no rule check.
    assert publish_table(regional, "2025-Q1", dominated, None, withheld=True).rows[0].value == "x"
    fine = {("region_0",): stats(100, 0, {1: 34, 2: 33, 3: 33})}
    assert publish_table(regional, "2025-Q1", fine, None).rows[0].value == "100"


# -- D7: differencing by one case ---------------------------------------------------


def test_d7_adding_one_case():
    rng = random.Random(20250814)
    changes = Counter()
    for _ in range(10_000):
        n, key_sum, new_key = rng.randint(10, 500), rng.randrange(10**6), rng.randrange(256)
        before = publish(n, key_sum % 256)
        after = publish(n + 1, (key_sum + new_key) % 256)
        changes[int(after) - int(before)] += 1
    assert set(changes) <= {-5, 0, 5}
    for change, expected in ((0, 0.64), (5, 0.28), (-5, 0.08)):
        assert abs(changes[change] / 10_000 - expected) <= 0.02, changes
