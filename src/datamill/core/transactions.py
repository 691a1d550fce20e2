"""The one transaction policy for streaming writes (L-IMP-1, I-3), and error-path replay.

Without an explicit batch size a write is one unit: all of it or nothing. With one, each batch
is its own unit, committed as it completes unless the caller already holds a transaction
(``Database.atomic`` then nests a savepoint). ``replay`` re-runs statements inside a savepoint
that is always rolled back, to find which row of a failed batch is at fault (L-IMP-4.4).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from datamill.core.database import Database

Item = TypeVar("Item")


def write_in_units(
    db: Database,
    batches: Iterable[Item],
    write: Callable[[Item], object],
    each_batch_commits: bool,
    start: Callable[[], object] | None = None,
) -> None:
    """``write`` every batch per the policy; ``start`` runs once, in the first unit."""
    if not each_batch_commits:
        with db.atomic():
            if start is not None:
                start()
            for batch in batches:
                write(batch)
        return
    started = False
    for batch in batches:
        with db.atomic():
            if not started:
                started = True
                if start is not None:
                    start()
            write(batch)
    if not started and start is not None:
        with db.atomic():
            start()


@contextlib.contextmanager
def replay(db: Database) -> Iterator[None]:
    """A savepoint that is always rolled back: replay writes without keeping them."""
    conn = db.conn
    conn.execute('SAVEPOINT "datamill_replay"')
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute('ROLLBACK TO "datamill_replay"')
            conn.execute('RELEASE "datamill_replay"')
