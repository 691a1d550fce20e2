import sys
from pathlib import Path

# Lets test folders import the data modules kept here (e.g. stations_fixture).
sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config):
    # Plugins installed in the environment must not affect the suite (L-PLUG-2).
    sys._called_from_test = True
