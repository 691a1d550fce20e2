"""Loading large inputs in parts, one process per CPU, before the run's transaction (CS-PERF).

Each large uncompressed input is cut (``csvs.parts``); part ``k`` of every such input is
loaded by worker ``k`` into its own scratch database: worker 0 is this process, the others
are child processes (``csvs.part_process``), all running at once. The scratch databases are
then attached to the run's connection, before its transaction begins, as SQLite requires;
the run merges each input's parts in order where it would have read the input
(``Run._merge_parts``). An input any of whose parts failed is loaded by the run in one
process, which reports any error exactly as it always does.

The scratch databases live in a temporary folder beside the database file, removed when the
run ends: they hold a second copy of those inputs' rows until then.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.core.sqlite import sqlite3
from datamill.csvs.options import CsvsOptions, Extract, dialect_params
from datamill.csvs.part_load import load_parts
from datamill.csvs.part_process import LoadedPart, PartProcess, PartSpec, Prepared, SplitFailed
from datamill.csvs.parts import cut_points, part_count
from datamill.csvs.plan import Source, TablePlan
from datamill.csvs.reader import Part
from datamill.csvs.table_state import initial_state


@contextlib.contextmanager
def prepared_parts(
    db: Database, plans: list[TablePlan], options: CsvsOptions
) -> Iterator[Prepared]:
    """The large inputs of ``plans`` loaded in parts, their scratch databases attached to
    ``db`` until the block ends (``db`` must hold no transaction for any to be, and use
    UTF-8, as attached databases share the main one's text encoding)."""
    counts = {id(source): part_count(source) for plan in plans for source in plan.sources}
    if (
        db.conn.in_transaction
        or max(counts.values(), default=1) < 2
        or db.execute("pragma encoding").fetchone()[0] != "UTF-8"
    ):
        yield Prepared()
        return
    with (
        _terminate_as_exit(),
        tempfile.TemporaryDirectory(prefix="datamill-csvs-", dir=_folder_for(db)) as folder,
    ):
        loaded = _load_in_parts(plans, options, counts, folder)
        attached: list[str] = []
        try:
            yield _attached(db, folder, loaded, attached)
        finally:
            for schema in attached:
                db.execute(f"detach database {q(schema)}")


def _attached(
    db: Database, folder: str, loaded: list[tuple[Source, list[LoadedPart]]], attached: list[str]
) -> Prepared:
    """Attach the scratch databases holding ``loaded`` (their names added to ``attached``);
    should SQLite refuse one, every input is loaded in one process."""
    prepared = Prepared()
    try:
        for source, parts in loaded:
            for part in parts:
                if part.schema not in attached:
                    path = os.path.join(folder, f"{part.schema}.db")
                    db.execute(f"attach database ? as {q(part.schema)}", [path])
                    attached.append(part.schema)
            prepared.add(source, parts)
    except sqlite3.Error:
        return Prepared()
    return prepared


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP end the process as an exception would, so the scratch folder is
    removed and the child processes stopped (in the main thread; elsewhere signals cannot
    be caught)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    caught = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = {signum: signal.signal(signum, leave) for signum in caught}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


@dataclass
class _Job:
    """One input loaded in parts: its cuts and its scratch tables' names."""

    plan: TablePlan
    source: Source
    spans: list[tuple[int, int]]
    number: int

    @property
    def table(self) -> str:
        return f"datamill_part_input_{self.number}"

    def lookups(self, options: CsvsOptions) -> dict[str, str]:
        """The scratch name of each lookup table, by the lower-case name of the run's."""
        names: dict[str, str] = {}
        for extract in options.extract:
            key = extract.table.lower()
            names.setdefault(key, f"{self.table}_lookup_{len(names) + 1}")
        return names

    def specs(self, paths: list[str], options: CsvsOptions) -> list[PartSpec]:
        """Part ``k`` goes to ``paths[k]``; all but the first start after the header."""
        lookups = self.lookups(options)
        plan = TablePlan(self.table, [self.source], self.plan.columns, self.plan.creates)
        renamed = replace(
            options,
            extract=[
                Extract(e.column, lookups[e.table.lower()], e.value_column) for e in options.extract
            ],
        )
        state = initial_state(self.plan, options) if self.plan.creates else None
        first = self.source is self.plan.sources[0]
        return [
            PartSpec(
                path,
                plan,
                self.source,
                renamed,
                Part(span, self.source.header if k else None),
                state,
                first=first and k == 0,
            )
            for k, (path, span) in enumerate(zip(paths, self.spans))
        ]


def _load_in_parts(
    plans: list[TablePlan], options: CsvsOptions, counts: dict[int, int], folder: str
) -> list[tuple[Source, list[LoadedPart]]]:
    """Each input whose parts all loaded, with its parts; worker ``k`` writes part ``k`` of
    every input into ``folder``/``datamill_parts_<k>.db``."""
    workers = max(counts.values())
    schemas = [f"datamill_parts_{k}" for k in range(workers)]
    paths = [os.path.join(folder, f"{schema}.db") for schema in schemas]
    with contextlib.ExitStack() as stack:
        try:
            children = [stack.enter_context(PartProcess()) for _ in range(workers - 1)]
        except SplitFailed:
            return []
        jobs = _jobs(plans, options, counts)
        specs: list[list[PartSpec]] = [[] for _ in paths]
        for job in jobs:
            for k, spec in enumerate(job.specs(paths, options)):
                specs[k].append(spec)
        for child, child_specs in zip(children, specs[1:]):
            child.send(child_specs)
        own = load_parts(specs[0])
        try:
            results = [iter(own), *(iter(child.results()) for child in children)]
        except SplitFailed:
            return []  # every input in one process
    loaded = []
    for job in jobs:  # each worker's results are in the order of the jobs it had a part of
        parts = [
            LoadedPart(
                schemas[k],
                job.table,
                job.lookups(options),
                len(job.source.header),
                next(results[k]),
            )
            for k in range(len(job.spans))
        ]
        if all(part.result.outcome == "loaded" for part in parts):
            loaded.append((job.source, parts))
    return loaded


def _jobs(plans: list[TablePlan], options: CsvsOptions, counts: dict[int, int]) -> list[_Job]:
    """The inputs loaded in parts, with their cuts."""
    quoted = "quoting" not in dialect_params(options.separator, options.quoting)
    jobs: list[_Job] = []  # (QUOTE_NONE makes quote characters data)
    for plan in plans:
        for source in plan.sources:
            count = counts[id(source)]
            if count < 2:
                continue
            try:
                spans = cut_points(source.item.path, count, quoted)
            except OSError:
                continue  # one process reports it
            if spans:
                jobs.append(_Job(plan, source, spans, len(jobs) + 1))
    return jobs


def _folder_for(db: Database) -> str | None:
    """The folder of ``db``'s file (None, the system's temporary folder, for one in memory)."""
    for _, name, path in db.execute("pragma database_list"):
        if name == "main" and path:
            return os.path.dirname(path)
    return None
