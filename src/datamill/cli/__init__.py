"""The ``datamill`` command line tool: a thin layer over the library.

Each command group lives in its own module and registers itself on ``cli``
when imported here.
"""

from datamill.cli import (  # noqa: F401  (each module registers its commands)
    insert_files,
    inspect,
    load,
    maintenance,
    memory,
    query,
    schema,
    search,
    transform,
)
from datamill.cli.main import cli

__all__ = ["cli"]
