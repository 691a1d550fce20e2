"""Loading parts of inputs in other processes (``csvs.parallel``): what a child is given,
what it hands back, and the handle on a running child.

A child runs ``datamill.csvs.part_load.main``: it reads a pickled list of ``PartSpec``
on its standard input and writes a pickled list of ``PartResult`` on its standard output.
A fresh interpreter, not a fork: the caller may hold threads and open connections.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from types import TracebackType

import datamill
from datamill.csvs.options import CsvsOptions
from datamill.csvs.plan import Source, TablePlan
from datamill.csvs.reader import Part
from datamill.csvs.table_state import TableState


class SplitFailed(Exception):
    """Loading an input in parts did not work out: load it in one process instead."""


@dataclass
class PartSpec:
    """One part to load into table ``plan.name`` of scratch database ``database``; the
    lookup tables are ``options.extract``'s. ``state`` is the table's before any row;
    ``first``: the part's rows are the first the run writes to the table."""

    database: str
    plan: TablePlan
    source: Source
    options: CsvsOptions
    part: Part
    state: TableState | None
    first: bool


@dataclass
class PartResult:
    """What a child loaded: ``outcome`` is ``loaded``, or ``failed`` with a ``message``
    (the input is then loaded in one process, which reports any error exactly).

    ``declared`` and ``kinds`` are the part's column types as written and as detected.
    Lines and rows count from the part's start; ``dates`` maps each date column's position
    to its count of values kept and the first (row, value)."""

    outcome: str
    message: str = ""
    declared: dict[str, str | None] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    lines: int = 0
    skipped: int = 0
    skipped_first: list[tuple[int, int]] = field(default_factory=list)
    dates: dict[int, tuple[int, tuple[int, str] | None]] = field(default_factory=dict)


@dataclass
class LoadedPart:
    """A part ready to merge: its rows are in ``schema``.``table``, its lookup values in
    ``lookup_tables`` (keyed by the lower-case name of the run's lookup table)."""

    schema: str
    table: str
    lookup_tables: dict[str, str]
    width: int  # cells in the input's header
    result: PartResult


class Prepared:
    """The inputs loaded in parts before the run's transaction, by input."""

    def __init__(self) -> None:
        self._parts: dict[int, list[LoadedPart]] = {}

    def add(self, source: Source, parts: list[LoadedPart]) -> None:
        self._parts[id(source)] = parts

    def parts(self, source: Source) -> list[LoadedPart] | None:
        """The loaded parts of ``source`` in order; None if it is loaded in one process."""
        return self._parts.get(id(source))


class PartProcess:
    """A child process that loads the parts it is sent; killed if still running when the
    ``with`` block ends. It starts at once, so the interpreter starts while the parts are
    being worked out."""

    def __init__(self) -> None:
        # This process's datamill, found last, so nothing there hides the standard library.
        package_root = os.path.dirname(os.path.dirname(os.path.abspath(datamill.__file__)))
        start = (
            f"import sys; sys.path.append({package_root!r}); "
            "from datamill.csvs.part_load import main; main()"
        )
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", start],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as error:
            raise SplitFailed(f"cannot start a process: {error}") from None

    def send(self, specs: list[PartSpec]) -> None:
        """The parts to load, in order."""
        stdin, self.process.stdin = self.process.stdin, None  # communicate() sends nothing
        assert stdin is not None
        try:
            with stdin:
                stdin.write(pickle.dumps(specs))
        except OSError:
            pass  # the child is gone already: results() says so

    def __enter__(self) -> PartProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()

    def results(self) -> list[PartResult]:
        """Wait for the child; one that died or printed nothing is a ``SplitFailed``."""
        output, errors = self.process.communicate()
        if self.process.returncode != 0 or not output:
            raise SplitFailed(errors.decode(errors="replace").strip())
        try:
            results = pickle.loads(output)
        except Exception as error:  # anything else the child printed
            raise SplitFailed(f"unreadable results: {error}") from None
        if not isinstance(results, list):
            raise SplitFailed("unreadable results")
        return results
