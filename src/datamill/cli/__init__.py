"""The ``datamill`` command line tool: a thin layer over the library.

Each command group lives in its own module and registers its commands on ``cli``; the root
group (``main.py``) imports a module when one of its commands is first used, and installed
plugins add theirs (C-PLUGINS).
"""

from datamill.cli.main import cli

__all__ = ["cli"]
