"""The ``datamill`` command line tool: a thin layer over the library.

Each command group lives in its own module and registers itself on ``cli``
when imported here.
"""

from datamill.cli import history as _history  # noqa: F401  (registers history)
from datamill.cli import track as _track  # noqa: F401  (registers track, track init)
from datamill.cli.main import cli

__all__ = ["cli"]
