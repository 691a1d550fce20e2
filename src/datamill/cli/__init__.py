"""The ``datamill`` command line tool: a thin layer over the library.

Each command group lives in its own module and registers itself on ``cli``
when imported here; installed plugins then add theirs (C-PLUGINS).
"""

from datamill.cli import (  # noqa: F401  (each module registers its commands)
    analyze,
    convert,
    counts,
    diff,
    history,
    insert_files,
    inspect,
    load,
    maintenance,
    memory,
    migrate,
    plugins,
    query,
    schema,
    search,
    spatialite,
    track,
    transform,
)
from datamill.cli.main import cli

plugins.register_plugin_commands(cli)

__all__ = ["cli"]
