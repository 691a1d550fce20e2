"""Named, ordered sets of database migrations tracked in ``_sqlite_migrations`` (L-MIG)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datamill.core.database import Database

MIGRATIONS_TABLE = "_sqlite_migrations"


@dataclasses.dataclass
class PendingMigration:
    """A registered migration not yet applied to a database."""

    name: str
    fn: Callable[[Database], Any]
    transactional: bool = True


@dataclasses.dataclass
class AppliedMigration:
    """A migration recorded as applied."""

    name: str
    applied_at: str


class Migrations:
    """A named set of migrations, applied in registration order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._migrations: list[PendingMigration] = []

    def __repr__(self) -> str:
        names = ", ".join(m.name for m in self._migrations)
        return f"<Migrations {self.name!r}: [{names}]>"

    def __call__(
        self, *, name: str | None = None, transactional: bool = True
    ) -> Callable[[Callable[[Database], Any]], Callable[[Database], Any]]:
        """Decorator registering a migration function under ``name`` or its own name."""

        def register(fn: Callable[[Database], Any]) -> Callable[[Database], Any]:
            migration_name = name or fn.__name__
            if any(m.name == migration_name for m in self._migrations):
                raise ValueError(
                    f"Migration '{migration_name}' is already registered in set '{self.name}'"
                )
            self._migrations.append(PendingMigration(migration_name, fn, transactional))
            return fn

        return register

    def applied(self, db: Database) -> list[AppliedMigration]:
        """Migrations of this set already applied, in the order they were applied."""
        if MIGRATIONS_TABLE not in db.table_names():
            return []
        return [
            AppliedMigration(row["name"], row["applied_at"])
            for row in db.query(
                f'select name, applied_at from "{MIGRATIONS_TABLE}" '
                "where migration_set = ? order by rowid",
                [self.name],
            )
        ]

    def pending(self, db: Database) -> list[PendingMigration]:
        """Migrations of this set not yet applied, in registration order."""
        done = {m.name for m in self.applied(db)}
        return [m for m in self._migrations if m.name not in done]

    def apply(self, db: Database, *, stop_before: str | Iterable[str] | None = None) -> None:
        """Apply pending migrations, stopping before the first ``stop_before`` name."""
        stops = {stop_before} if isinstance(stop_before, str) else set(stop_before or ())
        applied_names = {m.name for m in self.applied(db)}
        already = sorted(stops & applied_names)
        if already:
            label = "migration" if len(already) == 1 else "migrations"
            raise ValueError(
                f"Cannot stop before {label} {', '.join(already)} in set '{self.name}' - "
                "already been applied"
            )
        ensure_migrations_table(db)
        for migration in self.pending(db):
            if migration.name in stops:
                break
            if migration.transactional:
                with db.atomic():
                    migration.fn(db)
                    self._record(db, migration.name)
            else:
                migration.fn(db)
                with db.atomic():
                    self._record(db, migration.name)

    def _record(self, db: Database, name: str) -> None:
        db.table(MIGRATIONS_TABLE).insert(
            {
                "migration_set": self.name,
                "name": name,
                "applied_at": str(datetime.datetime.now(datetime.timezone.utc)),
            }
        )


def ensure_migrations_table(db: Database) -> None:
    """Create ``_sqlite_migrations`` (or upgrade a legacy one to an ``id`` primary key)."""
    table = db.table(MIGRATIONS_TABLE)
    with db.atomic():
        if not table.exists():
            table.create({"id": int, "migration_set": str, "name": str, "applied_at": str}, pk="id")
        elif "id" not in {c.name for c in table.columns}:
            table.add_column("id", int)
            db.execute(f'UPDATE "{MIGRATIONS_TABLE}" SET id = rowid')
            table.transform(pk="id")
        if not any(index.columns == ["migration_set", "name"] for index in table.indexes):
            table.create_index(["migration_set", "name"], unique=True, if_not_exists=True)
