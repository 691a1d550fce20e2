"""The streaming load engine: batches, transactions, table creation and widening, errors.

``Loader`` loads reader batches into a table (``insert``, ``upsert``, ``memory``);
``bulk_load`` runs a statement per record (``bulk``). Errors are ``LoadError``s whose
``row_number``, ``line`` and ``column`` say where in the input the load failed.
"""

from datamill.load.bulk import bulk_load
from datamill.load.engine import Loader
from datamill.load.errors import LoadError
from datamill.load.record_writer import prepare_records
from datamill.load.settings import LoadResult, LoadSettings

__all__ = ["LoadError", "LoadResult", "LoadSettings", "Loader", "bulk_load", "prepare_records"]
