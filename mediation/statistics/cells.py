"""The shape shared by aggregation and disclosure control: what a cell holds before it is published.

True counts, key sums and per-association contributions exist only in memory
during a build (docs/statistics.md, ST15); none of them is ever written anywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KEY_MODULUS = 256


@dataclass
class CellStats:
    """The units of one cell: how many, the sum of their stat_keys, how many per association."""

    count: int = 0
    key_sum: int = 0
    by_association: Counter = field(default_factory=Counter)

    def add(self, count: int, key_sum: int, association_id: int) -> None:
        self.count += count
        self.key_sum += key_sum
        self.by_association[association_id] += count

    def merge(self, other: CellStats) -> None:
        self.count += other.count
        self.key_sum += other.key_sum
        self.by_association.update(other.by_association)

    @property
    def cell_key(self) -> int:
        return self.key_sum % KEY_MODULUS
