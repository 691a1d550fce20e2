"""The error types of ``datamill csvs`` (EX-GEN-2)."""

from __future__ import annotations


class CsvsError(Exception):
    """A failed ``csvs`` run: the message is the one line a user sees after ``Error: ``."""


class EncodingError(CsvsError):
    """An input that does not decode in the encoding it is read with (CS-5)."""
