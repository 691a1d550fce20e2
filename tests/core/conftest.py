"""Fixtures shared by the core library tests."""

import pytest

from datamill import Database


@pytest.fixture
def db():
    """An empty in-memory database, closed after the test."""
    database = Database(memory=True)
    yield database
    database.close()
