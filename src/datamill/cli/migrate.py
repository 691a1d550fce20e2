"""``datamill migrate``: find migrations.py files and apply their pending migrations (C-MIGRATE)."""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import pathlib
import textwrap
from collections.abc import Iterator, Sequence
from typing import Any

import click

from datamill import Database, Migrations
from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import open_database

MIGRATIONS_FILE = "migrations.py"


def find_migration_files(paths: Sequence[str]) -> list[pathlib.Path]:
    """The given files plus every migrations.py under the given directories, sorted."""
    found: set[pathlib.Path] = set()
    for path in map(pathlib.Path, paths or ["."]):
        if path.is_dir():
            found.update(p for p in path.rglob(MIGRATIONS_FILE) if p.is_file())
        else:
            found.add(path)
    return sorted(found)


def is_migration_set(value: Any) -> bool:
    """A ``datamill.Migrations`` or any object shaped like one (legacy sqlite-migrate sets)."""
    return not isinstance(value, type) and all(
        hasattr(value, attribute) for attribute in ("name", "applied", "pending", "apply")
    )


def load_migration_sets(files: Sequence[pathlib.Path]) -> list[Any]:
    """Execute each file as a module and collect its module-level migration sets."""
    sets = []
    for file in files:
        digest = hashlib.sha1(str(file.resolve()).encode()).hexdigest()[:12]
        spec = importlib.util.spec_from_file_location(f"_datamill_migrations_{digest}", file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            raise click.ClickException(f"Could not load {file}: {error}") from error
        sets += [value for value in vars(module).values() if is_migration_set(value)]
    return sets


def _is_legacy(migration_set: Any) -> bool:
    return not isinstance(migration_set, Migrations)


def stop_points(
    db: Database, migration_sets: Sequence[Any], values: Sequence[str]
) -> dict[str, list[str]]:
    """Map each set name to the migration names to stop before, validating every value."""
    stops: dict[str, list[str]] = {s.name: [] for s in migration_sets}
    unmatched = []
    for value in values:
        set_name, _, name = value.rpartition(":")
        matched = False
        for migration_set in migration_sets:
            if set_name and set_name != migration_set.name:
                continue
            if name in _all_names(db, migration_set):
                stops[migration_set.name].append(name)
                matched = True
        if not matched:
            unmatched.append(value)
    if unmatched:
        raise click.ClickException(
            f"--stop-before did not match any migrations: {', '.join(unmatched)}"
        )
    for migration_set in migration_sets:
        names = stops[migration_set.name]
        if _is_legacy(migration_set) and len(names) > 1:
            raise click.ClickException(
                f"Migration set '{migration_set.name}' uses the older sqlite-migrate class, "
                f"which only supports a single --stop-before value - got: {', '.join(names)}"
            )
    return stops


def _all_names(db: Database, migration_set: Any) -> list[str]:
    applied = [m.name for m in migration_set.applied(db)]
    return applied + [m.name for m in migration_set.pending(db)]


def _check_not_applied(db: Database, migration_sets: Sequence[Any], stops: dict) -> None:
    for migration_set in migration_sets:
        applied = {m.name for m in migration_set.applied(db)}
        for name in stops[migration_set.name]:
            if name in applied:
                raise click.ClickException(
                    f"Cannot stop before migration {name} in set '{migration_set.name}' - "
                    "already been applied"
                )


def list_migrations(db: Database, migration_sets: Sequence[Any]) -> Iterator[str]:
    """The --list report: applied and pending migrations of each set."""
    for migration_set in migration_sets:
        yield f"Migrations for: {migration_set.name}"
        yield ""
        yield "  Applied:"
        for migration in migration_set.applied(db):
            yield f"    {migration.name} - {migration.applied_at}"
        yield ""
        yield "  Pending:"
        pending = migration_set.pending(db)
        for migration in pending:
            yield f"    {migration.name}"
        if not pending:
            yield "    (none)"
        yield ""


def _indented_schema(schema: str) -> str:
    return textwrap.indent(schema, "  ") if schema.strip() else "  (empty)"


def schema_report(before: str, after: str) -> Iterator[str]:
    """``-v`` output after the run: the new schema and a unified diff, or ``(unchanged)``."""
    yield "Schema after:"
    yield ""
    if after == before:
        yield "  (unchanged)"
        yield ""
        return
    yield _indented_schema(after)
    yield ""
    yield "Schema diff:"
    yield ""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
    yield from list(diff)[3:]


@cli.command()
@click.argument("db_path", type=click.Path(dir_okay=False, allow_dash=False))
@click.argument("migrations", nargs=-1, type=click.Path(exists=True, allow_dash=False))
@click.option(
    "--stop-before",
    metavar="NAME",
    multiple=True,
    help="Apply migrations up to, but not including, NAME (or SET:NAME); repeatable",
)
@click.option("--list", "list_", is_flag=True, help="Show applied and pending migrations only")
@click.option("-v", "--verbose", is_flag=True, help="Print the schema before and after, and a diff")
def migrate(
    db_path: str,
    migrations: Sequence[str],
    stop_before: Sequence[str],
    list_: bool,
    verbose: bool,
) -> None:
    """Apply the pending migrations defined in migrations.py files

    MIGRATIONS are migrations.py files or directories to search for them; the default is
    the current directory and everything below it. Each migration runs in its own
    transaction and is recorded in _sqlite_migrations once it succeeds. For example:

    \b
        datamill migrate app.db
        datamill migrate app.db db/migrations.py --stop-before 005_drop_legacy

    --list shows what has been applied and what is still pending, changing nothing.
    """
    files = find_migration_files(migrations)
    if not files:
        raise click.ClickException("No migrations.py files found")
    migration_sets = load_migration_sets(files)
    if list_:
        exists = pathlib.Path(db_path).exists()
        db = Database(db_path) if exists else Database(memory=True)
        click.get_current_context().call_on_close(db.close)
        with reported_errors():
            # Legacy sqlite-migrate sets create the tracking table from pending() and
            # applied(): list inside a transaction that is always rolled back.
            db.begin()
            try:
                lines = list(list_migrations(db, migration_sets))
            finally:
                db.rollback()
        click.echo("\n".join(lines))
        return
    db = open_database(db_path)
    with reported_errors():
        stops = stop_points(db, migration_sets, stop_before)
        _check_not_applied(db, migration_sets, stops)
        before = db.schema
    if verbose:
        click.echo(f"Migrating {db_path}\n\nSchema before:\n\n{_indented_schema(before)}\n")
    for migration_set in migration_sets:
        names = stops[migration_set.name]
        try:
            if _is_legacy(migration_set):
                migration_set.apply(db, stop_before=names[0] if names else None)
            else:
                migration_set.apply(db, stop_before=names)
        except Exception as error:
            raise click.ClickException(str(error)) from error
    if verbose:
        with reported_errors():
            after = db.schema
        for line in schema_report(before, after):
            click.echo(line)
