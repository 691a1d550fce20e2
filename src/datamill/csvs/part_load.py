"""Loading parts of inputs into a scratch database (``csvs.parallel``), in this process or
in a child process (``csvs.part_process`` runs ``main``).

A part of an input the run creates a table for is loaded exactly as one process would load
the table, from the table's state before any row: types detected, the scratch table created
and widened, dates rewritten, lookup ids handed out. The run reconciles the parts' types
when it merges them; where they agree, SQLite copies the rows as they are stored. A part of
an input for an existing table goes into a table without declared types, which keeps every
value as it was bound, so the existing table's own affinity applies at the merge.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.core.sqlite import sqlite3
from datamill.csvs.errors import CsvsError
from datamill.csvs.layout import Layout
from datamill.csvs.load import Restart, Run
from datamill.csvs.part_process import PartResult, PartSpec
from datamill.load.gc_pause import gc_paused


class PartRun(Run):
    """A ``Run`` over one part of one input, into a scratch table."""

    later = False  # the table has rows before this part's

    def _check_rows(self, rows: list[list[Any]], layout: Layout) -> None:
        """An empty cell of a one-column key gets the next rowid of an INTEGER PRIMARY KEY,
        counted in the whole table: a part after its first rows cannot know it."""
        keys = self.options.primary_key
        if self.later and len(keys) == 1 and keys[0].lower() in layout.keys:
            index = layout.keys.index(keys[0].lower())
            if any(row[index] in ("", None) for row in rows):
                raise CsvsError("an empty primary key after the first part")

    def load(self, spec: PartSpec) -> PartResult:
        """Load the part; a column it stores as numbers that turns TEXT is loaded again after
        a detection pass over the part, as a table is (CS-4)."""
        plan, state = spec.plan, spec.state
        self.later = not spec.first
        if state is None:
            self.db.execute(f"create table {q(plan.name)} ({', '.join(map(q, plan.columns))})")
        self._open_lookups()
        snapshot = state.snapshot() if state is not None else None
        try:
            try:
                with self.db.atomic():
                    written = self._write_rows(plan, spec.source, state, spec.part)
            except Restart:
                assert state is not None and snapshot is not None
                state.restore(snapshot)
                self._open_lookups()
                state.final = self._detect_input(spec.source, state, spec.part)
                with self.db.atomic():
                    written = self._write_rows(plan, spec.source, state, spec.part)
        except (CsvsError, Restart) as error:
            return PartResult("failed", str(error))
        return PartResult(
            "loaded",
            declared=dict(state.declared) if state is not None else {},
            kinds=dict(state.final or state.kinds) if state is not None else {},
            rows=written.rows,
            lines=written.lines,
            skipped=written.skip.skipped,
            skipped_first=written.skip.first,
            dates={
                index: (rewriter.kept, rewriter.first_kept)
                for index, rewriter in written.layout.dates
            },
        )


def load_parts(specs: list[PartSpec]) -> list[PartResult]:
    """Load each part into its scratch database (created as needed), in order."""
    results = []
    databases: dict[str, Database] = {}
    try:
        with gc_paused():
            for spec in specs:
                try:
                    db = databases.get(spec.database)
                    if db is None:
                        db = databases[spec.database] = Database(spec.database)
                        db.execute("pragma journal_mode = off")
                        db.execute("pragma synchronous = off")
                    run = PartRun(db, [spec.plan], spec.options, lambda message: None)
                    results.append(run.load(spec))
                except (sqlite3.Error, OSError) as error:  # the scratch database: a full disk
                    results.append(PartResult("failed", str(error)))
    finally:
        for db in databases.values():
            db.close()
    return results


def main() -> None:
    """A child's work: the pickled specs on standard input, the results on standard output."""
    specs = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(load_parts(specs)))
