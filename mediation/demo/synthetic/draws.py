"""A seeded stream of pseudo-random draws for the synthetic population; never for secrets.

docs/security.md, S25 keeps the `random` module out of the application (tokens and keys come
from `secrets`). Synthetic data need the opposite: the same seed must give the same
population. SHAKE-256 over (seed, stream name, block counter) gives that without
`random`, and is fast enough read 4,096 words at a time.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import uuid
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")
BLOCK_WORDS = 4096
_UNPACK = struct.Struct(f">{BLOCK_WORDS}Q").unpack
_UNIT = 2.0 ** -53


class Draws:
    """Deterministic draws for one seed and one named stream (separate streams stay independent)."""

    def __init__(self, seed: int, stream: str):
        self._key = hashlib.sha256(f"synthetic:{seed}:{stream}".encode()).digest()
        self._block = 0
        self._words: tuple[int, ...] = ()
        self._next = BLOCK_WORDS

    def word(self) -> int:
        """A 64-bit unsigned integer."""
        if self._next >= BLOCK_WORDS:
            digest = hashlib.shake_256(self._key + self._block.to_bytes(8, "big")).digest(8 * BLOCK_WORDS)
            self._words, self._next, self._block = _UNPACK(digest), 0, self._block + 1
        word = self._words[self._next]
        self._next += 1
        return word

    def random(self) -> float:
        """A float in [0, 1)."""
        return (self.word() >> 11) * _UNIT

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high], both included."""
        return low + self.below(high - low + 1)

    def chance(self, probability: float) -> bool:
        return self.random() < probability

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """k distinct items, in draw order."""
        pool = list(items)
        for i in range(min(k, len(pool))):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

    def uuid(self) -> uuid.UUID:
        """A version-4-shaped UUID, reproducible from the seed (public ids of synthetic rows)."""
        raw = self.word().to_bytes(8, "big") + self.word().to_bytes(8, "big")
        return uuid.UUID(bytes=raw, version=4)


class Weighted:
    """Choose among items with fixed weights (cumulative table built once)."""

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        self.items = [item for item, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))

    def pick(self, draws: Draws) -> T:
        return self.items[bisect_right(self.cumulative, draws.random() * self.cumulative[-1])]


def stat_key(seed: int, kind: str, index: int) -> int:
    """The permanent statistical record key (0-255) of synthetic row `index` of a kind.

    Real rows take `secrets.randbelow(256)` (docs/statistics.md, ST9); synthetic ones must be the same
    for the same seed yet spread uniformly, so they are the first byte of HMAC(seed, kind:index).
    """
    message = f"{kind}:{index}".encode()
    return hmac.new(f"synthetic-stat-key:{seed}".encode(), message, hashlib.sha256).digest()[0]
