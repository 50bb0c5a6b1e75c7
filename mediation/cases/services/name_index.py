"""Rebuilding the name-token index from the encrypted names (docs/security.md, S37).

Needed once after the upgrade that brought the index (people registered before it have no tokens,
and a migration cannot decrypt: it runs without the application's keys), and after a change of
MEDIATION_BLIND_INDEX_KEY, which makes every stored token unfindable. Run it with the service
stopped: an edit of a name while a batch is between its read and its commit could leave that
person with the tokens of the old name. Running it twice is safe: a person whose tokens are
already right is left alone.

The work is done with Core statements on the name columns only: a person's other encrypted
fields are never decrypted, and the person rows (their version and `updated_at`) are not touched.
Like every service, it flushes and never commits: the command commits once per batch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import LargeBinary, Table, delete, insert, select, type_coerce
from sqlalchemy.orm import Session

from mediation.cases.models import Person, PersonNameToken
from mediation.core.crypto import DecryptionError, Encrypted, decrypt, name_tokens

DEFAULT_BATCH_SIZE = 500


@dataclass
class ReindexBatch:
    """What one batch did; `failed` holds person ids whose names could not be decrypted, never a name."""

    last_id: int | None = None  # None: there was nobody after the id asked for
    people: int = 0
    reindexed: int = 0
    failed: list[int] = field(default_factory=list)


def _name(blob: bytes | None, column) -> str | None:
    if blob is None:
        return None
    return decrypt(bytes(blob), cast(Encrypted, column.type).context)


def reindex_names_after(session: Session, after_id: int, *, batch_size: int = DEFAULT_BATCH_SIZE) -> ReindexBatch:
    """Make the tokens of the people after `after_id` (at most `batch_size`, by id) those of their names."""
    table = cast(Table, Person.__table__)
    tokens = cast(Table, PersonNameToken.__table__)
    rows = session.execute(
        select(table.c.id, table.c.association_id, table.c.anonymised_at,
               type_coerce(table.c.full_name, LargeBinary), type_coerce(table.c.full_name_latin, LargeBinary))
        .where(table.c.id > after_id).order_by(table.c.id).limit(batch_size)
    ).all()
    batch = ReindexBatch()
    if not rows:
        return batch
    batch.last_id, batch.people = rows[-1][0], len(rows)
    stored: dict[int, set[bytes]] = defaultdict(set)
    for person_id, token in session.execute(
            select(tokens.c.person_id, tokens.c.token).where(tokens.c.person_id.in_([row[0] for row in rows]))):
        stored[person_id].add(bytes(token))
    for person_id, association_id, anonymised_at, full_name, full_name_latin in rows:
        try:
            wanted = set() if anonymised_at is not None else name_tokens(
                association_id, _name(full_name, table.c.full_name), _name(full_name_latin, table.c.full_name_latin))
        except DecryptionError:
            batch.failed.append(person_id)
            continue
        if wanted == stored[person_id]:
            continue
        session.execute(delete(tokens).where(tokens.c.person_id == person_id))
        if wanted:
            session.execute(insert(tokens), [{"person_id": person_id, "association_id": association_id, "token": token}
                                             for token in sorted(wanted)])
        batch.reindexed += 1
    session.flush()
    return batch
