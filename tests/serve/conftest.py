"""Fixtures shared by the serve tests; plain helpers live in serve_helpers.py."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def client(database):
    """An in-process client for the module's ``database`` fixture, with default settings."""
    from serve_helpers import client_for

    with client_for(database) as client:
        yield client
