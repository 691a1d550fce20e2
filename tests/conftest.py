import sys

import pytest


def pytest_configure(config):
    # Plugins installed in the environment must not affect the suite (L-PLUG-2).
    sys._called_from_test = True


@pytest.fixture
def run():
    """``cli_helpers.run``: invoke ``datamill`` in-process (stdout and stderr kept apart)."""
    from cli_helpers import run  # imported after pytest_configure, like every test module

    return run
