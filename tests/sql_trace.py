"""Recording the SQL a ``Database`` runs, for tests that check its statements (L-TRACE)."""

from __future__ import annotations

from typing import Any


class Recorder(list):
    """A tracer keeping every ``(sql, params)``: pass it as ``tracer=``, to ``db.tracer()``,
    or use :func:`trace`. It is falsy while empty, so code must call it rather than test it."""

    def __call__(self, sql: str, params: Any = None) -> None:
        self.append((sql, params))

    @property
    def sql(self) -> list[str]:
        """The statements alone, in order."""
        return [sql for sql, _ in self]

    def starting_with(self, *verbs: str) -> list[tuple[str, Any]]:
        """The ``(sql, params)`` whose first word is one of ``verbs`` (any case)."""
        wanted = {verb.upper() for verb in verbs}
        return [(sql, params) for sql, params in self if sql.split()[0].upper() in wanted]


def trace(db: Any) -> Recorder:
    """Record every statement ``db`` runs from now on."""
    recorder = Recorder()
    db._tracer = recorder
    return recorder
