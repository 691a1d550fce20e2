import sys


def pytest_configure(config):
    # Plugins installed in the environment must not affect the suite (L-PLUG-2).
    sys._called_from_test = True
