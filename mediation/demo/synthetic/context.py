"""What every part of a synthetic case needs: the writer, the draws, the dates, and the diary
that keeps anybody and any room from being booked twice at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from mediation.core.clock import to_utc
from mediation.demo.synthetic.draws import Draws
from mediation.demo.synthetic.writer import BulkWriter

# One-hour slots of a working day (Monday to Friday); sessions last at most an hour.
SLOTS = (time(9, 0), time(10, 0), time(11, 0), time(12, 0), time(14, 0), time(15, 0), time(16, 0))
SEARCH_DAYS = 30


@dataclass
class Context:
    writer: BulkWriter
    draws: Draws
    ids: Draws  # public ids, a stream of their own so that they do not shift the plan
    seed: int
    today: date
    now: datetime
    zone: object
    zone_name: str
    # Agreements, post-closure follow-ups and referrals out draw from a stream of their own (synthetic/outcomes.py).
    outcomes: Draws = None  # type: ignore[assignment]
    _instants: dict = field(default_factory=dict)

    def instant(self, day: date, slot: int | time) -> datetime:
        """The UTC instant of a local day and slot (or wall time), cached: a few thousand distinct ones."""
        wall = SLOTS[slot] if isinstance(slot, int) else slot
        key = (day, wall)
        value = self._instants.get(key)
        if value is None:
            value = self._instants[key] = to_utc(day, wall, in_zone=self.zone)
        return value

    def clamp_now(self, value: datetime) -> datetime:
        return min(value, self.now)


class Diary:
    """Busy (person or room, day, slot) triples of one association."""

    def __init__(self):
        self.busy: set[tuple[str, int, int, int]] = set()

    def book(self, draws: Draws, people: list[int], rooms: list[int], earliest: date, latest: date,
             ) -> tuple[date, int, int | None] | None:
        """The first day from `earliest` with a slot free for all `people`, and a free room if any.

        Returns (day, slot, room id or None), or None when nothing is free before `latest`.
        """
        day = earliest
        for _ in range(SEARCH_DAYS):
            if day > latest:
                return None
            if day.weekday() < 5:
                ordinal = day.toordinal()
                first = draws.below(len(SLOTS))
                for step in range(len(SLOTS)):
                    slot = (first + step) % len(SLOTS)
                    if any(("u", person, ordinal, slot) in self.busy for person in people):
                        continue
                    room = next((r for r in rooms if ("r", r, ordinal, slot) not in self.busy), None)
                    for person in people:
                        self.busy.add(("u", person, ordinal, slot))
                    if room is not None:
                        self.busy.add(("r", room, ordinal, slot))
                    return day, slot, room
            day += timedelta(days=1)
        return None


def utc(day: date, hour: int = 12) -> datetime:
    """A plain UTC instant on a day, for creation times that need no local meaning."""
    return datetime.combine(day, time(hour), tzinfo=UTC)
