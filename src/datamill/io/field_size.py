"""The csv module's field size limit, raised by the readers when they start (L-UTIL-9, DF-IN-3.6).

``csv.field_size_limit`` is process-wide. Nothing changes it on import: the CLI's CSV reader,
``diff`` and ``track``/``history`` call ``maximize_csv_field_size_limit`` when they begin to
read, and the library's ``rows_from_file`` keeps whatever limit the caller has set.
"""

from __future__ import annotations

import csv

#: The limit when datamill was imported, for restoring it.
ORIGINAL_CSV_FIELD_SIZE_LIMIT = csv.field_size_limit()


def maximize_csv_field_size_limit() -> None:
    """Raise ``csv.field_size_limit`` to the largest value the platform accepts (L-UTIL-9)."""
    limit = 2**63 - 1
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10
