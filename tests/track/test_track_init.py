"""`datamill track init`: the workflow file, byte for byte, and its secret hygiene (TI-1..TI-4)."""

from __future__ import annotations

from importlib.metadata import version

import pytest
import yaml
from cli_helpers import run
from track_helpers import git

TI4_ARGS = [
    "track", "init", "https://data.example.org/stations.csv", "--key", "station_id",
    "--header", "Authorization: Bearer ${DEPOT_TOKEN}", "--secret", "DEPOT_TOKEN",
]  # fmt: skip

TI4_TEXT = """# Written by datamill track init (datamill {v}).
# Secrets come from GitHub Actions secrets at run time; none are stored here.
name: 'Track stations.csv'

on:
  schedule:
    - cron: '17 * * * *'
  workflow_dispatch:

permissions:
  contents: write

concurrency:
  group: 'datamill-track-stations.csv'

jobs:
  track:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: '3.12'
      - run: pip install 'datamill=={v}'
      - name: 'Track stations.csv'
        env:
          DEPOT_TOKEN: ${{{{ secrets.DEPOT_TOKEN }}}}
        run: |
          datamill track 'https://data.example.org/stations.csv' \\
            --path 'stations.csv' \\
            --key 'station_id' \\
            --header 'Authorization: Bearer ${{DEPOT_TOKEN}}' \\
            --push
"""


def workflow(repo, name="datamill-track.yml"):
    return (repo / ".github" / "workflows" / name).read_text()


def test_ti4_exact_content_and_yaml(repo, monkeypatch):
    monkeypatch.setenv("DEPOT_TOKEN", "very-secret-value")
    result = run(*TI4_ARGS, "--repo", str(repo))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Wrote .github/workflows/datamill-track.yml\n"
    text = workflow(repo)
    assert text == TI4_TEXT.format(v=version("datamill"))
    assert "very-secret-value" not in text
    parsed = yaml.safe_load(text)
    assert parsed[True]["schedule"] == [{"cron": "17 * * * *"}]  # YAML 1.1 reads `on` as True
    step = parsed["jobs"]["track"]["steps"][3]
    assert step["env"] == {"DEPOT_TOKEN": "${{ secrets.DEPOT_TOKEN }}"}
    assert step["run"].startswith("datamill track 'https://data.example.org/stations.csv' \\\n")
    assert parsed["concurrency"] == {"group": "datamill-track-stations.csv"}
    assert git(repo, "status", "--porcelain") == "?? .github/\n"  # nothing committed


def test_exists_needs_force(repo):
    assert run(*TI4_ARGS, "--repo", str(repo)).exit_code == 0
    again = run(*TI4_ARGS, "--repo", str(repo))
    assert (again.exit_code, again.stderr) == (
        1,
        "Error: .github/workflows/datamill-track.yml already exists; use --force to replace it\n",
    )
    forced = run(*TI4_ARGS, "--repo", str(repo), "--force", "--schedule", "0 6 * * 1")
    assert forced.exit_code == 0
    assert "    - cron: '0 6 * * 1'\n" in workflow(repo)


def test_command_source_all_options_and_quoting(repo):
    (repo / "sub").mkdir()
    result = run(
        "track", "init", "--command", "curl -s 'https://x.org/a b' | jq '.[]'",
        "--repo", str(repo / "sub"), "--path", "it's/data.json", "--format", "nl",
        "--key", "id", "--key", "day", "--encoding", "latin-1", "--on-duplicate", "last",
        "--singular", "bay", "--plural", "bays", "--message-max-lines", "50",
        "--author", "Bot <bot@x.org>", "--timeout", "30", "--max-bytes", "10M",
        "--allow-empty-file", "--ignore-reformat", "--workflow", "feed.yaml",
        "--python", "3.11", "--schedule", "*/5 * * * *",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Wrote .github/workflows/feed.yaml\n"
    text = workflow(repo, "feed.yaml")
    assert "name: 'Track sub/it''s/data.json'\n" in text
    assert "  group: 'datamill-track-sub-it-s-data.json'\n" in text
    assert "env:" not in text
    assert text.endswith(
        "        run: |\n"
        """          datamill track --command 'curl -s '"'"'https://x.org/a b'"'"' | jq '"'"'.[]'"'"'' \\\n"""
        """            --path 'sub/it'"'"'s/data.json' \\\n"""
        "            --format 'nl' \\\n"
        "            --key 'id' \\\n"
        "            --key 'day' \\\n"
        "            --encoding 'latin-1' \\\n"
        "            --on-duplicate 'last' \\\n"
        "            --singular 'bay' \\\n"
        "            --plural 'bays' \\\n"
        "            --message-max-lines '50' \\\n"
        "            --author 'Bot <bot@x.org>' \\\n"
        "            --timeout '30' \\\n"
        "            --max-bytes '10M' \\\n"
        "            --allow-empty-file \\\n"
        "            --ignore-reformat \\\n"
        "            --push\n"
    )
    parsed = yaml.safe_load(text)
    assert parsed["jobs"]["track"]["steps"][1]["with"] == {"python-version": "3.11"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["https://x.org/a.csv", "--header", "X-Api-Key: abc"],
         """--header "X-Api-Key" must take its value from a secret, e.g. --header 'X-Api-Key: Bearer ${API_TOKEN}' --secret API_TOKEN"""),
        (["https://x.org/a.csv", "--header", "Cookie: s=1"],
         """--header "Cookie" must take its value from a secret, e.g. --header 'Cookie: Bearer ${API_TOKEN}' --secret API_TOKEN"""),
        (["https://x.org/a.csv?k=${KEY}"], "${KEY} is used but not declared with --secret KEY"),
        (["https://bob:pw@x.org/a.csv"], "Credentials must come from --secret variables, not literal text"),
        (["https://x.org/a.csv", "--header", "X-A: ${{ secrets.A }}"],
         "Credentials must come from --secret variables, not literal text"),
        (["https://x.org/a.csv", "--schedule", "hourly"], "Invalid value for '--schedule': expected 5 cron fields"),
        (["https://x.org/a.csv", "--secret", "GITHUB_TOKEN"],
         "Invalid value for '--secret': 'GITHUB_TOKEN' must match [A-Za-z_][A-Za-z0-9_]* and not start with GITHUB_"),
        (["https://x.org/a.csv", "--workflow", "a/b.yml"],
         "Invalid value for '--workflow': expected a file name ending in .yml or .yaml"),
        (["https://x.org/", "--key", "id"], "Missing option '--path' (the URL has no file name)"),
        ([], "Give exactly one of SOURCE or --command"),
    ],
)  # fmt: skip
def test_usage_errors(repo, args, message):
    result = run("track", "init", *args, "--repo", str(repo))
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: datamill track init [OPTIONS] [SOURCE]\n")
    assert result.stderr.endswith(f"\nError: {message}\n")
    assert not (repo / ".github").exists()


def test_not_a_repository(tmp_path):
    result = run("track", "init", "https://x.org/a.csv", "--repo", str(tmp_path))
    assert (result.exit_code, result.stderr) == (1, f"Error: Not a git repository: {tmp_path}\n")
