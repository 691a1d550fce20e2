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
import tempfile
from collections.abc import Iterator
from dataclasses import replace

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.csvs.errors import CsvsError
from datamill.csvs.load import initial_state
from datamill.csvs.options import CsvsOptions, Extract, dialect_params
from datamill.csvs.part_load import load_parts
from datamill.csvs.part_process import LoadedPart, PartProcess, PartSpec, Prepared, SplitFailed
from datamill.csvs.parts import cut_points, part_count
from datamill.csvs.plan import Source, TablePlan
from datamill.csvs.reader import Part, open_csv


@contextlib.contextmanager
def prepared_parts(
    db: Database, plans: list[TablePlan], options: CsvsOptions
) -> Iterator[Prepared]:
    """The large inputs of ``plans`` loaded in parts, their scratch databases attached to
    ``db`` until the block ends (``db`` must hold no transaction for any to be)."""
    prepared = Prepared()
    counts = {id(source): part_count(source) for plan in plans for source in plan.sources}
    if db.conn.in_transaction or max(counts.values(), default=1) < 2:
        yield prepared
        return
    with tempfile.TemporaryDirectory(prefix="datamill-csvs-", dir=_folder_for(db)) as folder:
        loaded = _load_in_parts(plans, options, counts, folder)
        attached: list[str] = []
        try:
            for source, parts in loaded:
                for part in parts:
                    if part.schema not in attached:
                        path = os.path.join(folder, f"{part.schema}.db")
                        db.execute(f"attach database ? as {q(part.schema)}", [path])
                        attached.append(part.schema)
                prepared.add(source, parts)
            yield prepared
        finally:
            for schema in attached:
                db.execute(f"detach database {q(schema)}")


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
        names = []
        places = []  # each job's parts: (worker, index in its list)
        for number, (plan, source, spans, header) in enumerate(jobs, start=1):
            table, lookups = f"input_{number}", _lookup_names(number, options)
            names.append((table, lookups))
            part_plan = TablePlan(table, [source], plan.columns, plan.creates)
            part_options = replace(
                options,
                extract=[
                    Extract(e.column, lookups[e.table.lower()], e.value_column)
                    for e in options.extract
                ],
            )
            state = initial_state(plan, options) if plan.creates else None
            places.append([(k, len(specs[k])) for k in range(len(spans))])
            for k, span in enumerate(spans):
                part = Part(span, header if k else None)
                specs[k].append(PartSpec(paths[k], part_plan, source, part_options, part, state))
        for child, child_specs in zip(children, specs[1:]):
            child.send(child_specs)
        own = load_parts(specs[0])
        try:
            results = [own, *(child.results() for child in children)]
        except SplitFailed:
            return []  # every input in one process
    loaded = []
    for (_, source, _, header), (table, lookups), place in zip(jobs, names, places):
        parts = [
            LoadedPart(schemas[k], table, lookups, len(header), results[k][index])
            for k, index in place
        ]
        if all(part.result.outcome == "loaded" for part in parts):
            loaded.append((source, parts))
    return loaded


def _jobs(
    plans: list[TablePlan], options: CsvsOptions, counts: dict[int, int]
) -> list[tuple[TablePlan, Source, list[tuple[int, int]], list[str]]]:
    """Each input loaded in parts: its table, its spans of bytes and its header."""
    params = dialect_params(options.separator, options.quoting)
    quoted = "quoting" not in params  # QUOTE_NONE: quote characters are data
    jobs = []
    for plan in plans:
        for source in plan.sources:
            count = counts[id(source)]
            if count < 2:
                continue
            try:
                spans = cut_points(source.item.path, count, quoted)
                with open_csv(source.item, source.encoding, params) as reader:
                    header = reader.columns
            except (OSError, CsvsError):
                continue  # one process reports it
            if spans:
                jobs.append((plan, source, spans, header))
    return jobs


def _lookup_names(number: int, options: CsvsOptions) -> dict[str, str]:
    """The scratch name of each lookup table (by lower-case name) for input ``number``."""
    names: dict[str, str] = {}
    for extract in options.extract:
        key = extract.table.lower()
        names.setdefault(key, f"input_{number}_lookup_{len(names) + 1}")
    return names


def _folder_for(db: Database) -> str | None:
    """The folder of ``db``'s file (None, the system's temporary folder, for one in memory)."""
    for _, name, path in db.execute("pragma database_list"):
        if name == "main" and path:
            return os.path.dirname(path)
    return None
