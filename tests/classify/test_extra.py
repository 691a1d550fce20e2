"""CL-1: without the classify extra every command fails with one clear line, and the rest of
datamill never pays for numpy."""

from __future__ import annotations

import subprocess
import sys

import pytest

BLOCK_NUMPY = """
import sys

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"numpy", "PIL"}:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Blocker())
from datamill.cli import cli
cli(sys.argv[1:], prog_name="datamill")
"""

MESSAGE = "Error: image classification needs the classify extra: pip install 'datamill[classify]'\n"


@pytest.mark.parametrize(
    "args",
    [
        ["classify", "predict", "cat.jpg"],
        ["classify", "train", ".", "-o", "model.db"],
        ["classify", "table", "photos.db", "photos", "path"],
    ],
)
def test_every_command_says_what_to_install(tmp_path, args):
    (tmp_path / "cat.jpg").write_bytes(b"not needed")
    (tmp_path / "photos.db").write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_NUMPY, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", MESSAGE)


def test_help_works_without_the_extra():
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_NUMPY, "classify", "predict", "--help"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "Usage: datamill classify predict" in result.stdout


def test_help_does_not_load_the_network_or_pillow():
    code = (
        "import sys\n"
        "from datamill.cli import cli\n"
        "try:\n"
        "    cli(['classify', 'predict', '--help'], prog_name='datamill')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('PIL', 'datamill.classify.network', 'datamill.classify.preprocess')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
