"""The one exception ``import-db`` raises for anything a user should read (EX-GEN-2)."""

from __future__ import annotations


class ImportDbError(Exception):
    """A failed import; the message is the complete ``Error: ...`` text, without the prefix."""
