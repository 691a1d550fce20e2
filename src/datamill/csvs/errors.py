"""The one error type of ``datamill csvs`` (EX-GEN-2)."""

from __future__ import annotations


class CsvsError(Exception):
    """A failed ``csvs`` run: the message is the one line a user sees after ``Error: ``."""
