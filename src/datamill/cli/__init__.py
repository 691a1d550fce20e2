"""The ``datamill`` command line tool: a thin layer over the library.

Each command group lives in its own module and registers itself on ``cli``
when imported here.
"""

from datamill.cli import history, inspect, maintenance, query, schema, track, transform  # noqa: F401
from datamill.cli.main import cli

__all__ = ["cli"]
