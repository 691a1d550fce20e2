"""`datamill track` end to end: real HTTP server, real git repositories (track.md TR-1..TR-12)."""

from __future__ import annotations

import subprocess

import pytest
from cli_helpers import run
from track_helpers import git, snapshot

from datamill.track.errors import TrackError
from datamill.track.gitrepo import WorkTree
from stations_fixture import STATIONS_V1, STATIONS_V2


def head_message(repo) -> str:
    return git(repo, "log", "-1", "--format=%B")


def commit_count(repo) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD").strip())


def seed(server, repo, text=STATIONS_V1):
    """Commit the first version with plain git, so a test needs no diff library."""
    (repo / "stations.csv").write_text(text)
    git(repo, "add", "stations.csv")
    git(repo, "commit", "-qm", "seed")
    return server.serve("/data/stations.csv", text)


def track_v1(server, repo, *extra):
    url = server.serve("/data/stations.csv", STATIONS_V1)
    result = run("track", url, "--repo", str(repo), "--key", "station_id", *extra)
    assert result.exit_code == 0, result.stderr
    return url, result


# TR-7.1, TR-4.9, TR-10: first version on an unborn branch
def test_first_version_from_url(server, repo):
    url, result = track_v1(server, repo)
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert result.stdout == ""
    assert result.stderr == f"Committed {sha[:12]}: Initial version: 4 rows\n"
    assert head_message(repo) == "Initial version: 4 rows\n\n"  # %B adds one newline
    assert git(repo, "cat-file", "-p", "HEAD:stations.csv") == STATIONS_V1
    assert (repo / "stations.csv").read_text() == STATIONS_V1
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%P%n%an <%ae>").split("\n")[:2] == [
        "",
        "Ada Tracker <ada@example.org>",
    ]
    path, headers = server.requests[-1]
    assert path == "/data/stations.csv"
    assert headers["Accept-Encoding"] == "gzip"
    assert headers["User-Agent"].startswith("datamill/")


def test_singular_noun_and_gzip_body(server, repo):
    url = server.serve("/one.csv", "id,name\n1,x\n", gzip=True)
    result = run("track", url, "--repo", str(repo), "--singular", "bay", "--plural", "bays")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(": Initial version: 1 bay\n")
    assert (repo / "one.csv").read_text() == "id,name\n1,x\n"


# TR-4.3: identical bytes -> "No changes", even when the working copy differs
def test_no_changes_leaves_everything(server, repo):
    url = seed(server, repo)
    (repo / "stations.csv").write_text("edited locally\n")
    before = snapshot(repo)
    result = run("track", url, "--repo", str(repo), "--key", "station_id")
    assert result.exit_code == 0
    assert result.stderr == "No changes\n"
    assert snapshot(repo) == before


def test_change_message_is_the_keyed_diff(server, repo):
    url, _ = track_v1(server, repo)
    server.serve("/data/stations.csv", STATIONS_V2)
    result = run("track", url, "--repo", str(repo), "--key", "station_id")
    assert result.exit_code == 0, result.stderr
    title = "1 column added, 1 column removed, 2 rows changed, 1 row added, 1 row removed"
    assert result.stderr.endswith(f": {title}\n")
    message = head_message(repo)
    assert message.startswith(title + "\n\nChanges by column\n\n  docks: 2 rows\n")
    assert len(message.rstrip("\n").split("\n")) == 39
    stat = git(repo, "show", "--stat", "--format=", "HEAD").strip().splitlines()
    assert stat[-1].strip() == "1 file changed, 5 insertions(+), 5 deletions(-)"


def test_change_message_truncated_as_tr7_example(server, repo):
    url, _ = track_v1(server, repo)
    server.serve("/data/stations.csv", STATIONS_V2)
    result = run(
        "track", url, "--repo", str(repo), "--key", "station_id", "--message-max-lines", "30"
    )
    assert result.exit_code == 0, result.stderr
    assert head_message(repo) == (
        "1 column added, 1 column removed, 2 rows changed, 1 row added, 1 row removed\n\n"
        "Changes by column\n\n  docks: 2 rows\n  district: 1 row\n\n"
        "1 column added\n\n  operator\n\n1 column removed\n\n  zone\n\n"
        "2 rows changed\n\n  ... and 2 more\n\n1 row added\n\n  ... and 1 more\n\n"
        "1 row removed\n\n  ... and 1 more\n\n"
    )


def test_reformat_commits_or_is_ignored(server, repo):
    url, _ = track_v1(server, repo)
    server.serve("/data/stations.csv", STATIONS_V1.replace("\n", "\r\n"))
    before = snapshot(repo)
    ignored = run("track", url, "--repo", str(repo), "--key", "station_id", "--ignore-reformat")
    assert (ignored.exit_code, ignored.stderr) == (0, "No row changes\n")
    assert snapshot(repo) == before
    result = run("track", url, "--repo", str(repo), "--key", "station_id")
    assert result.exit_code == 0
    assert head_message(repo) == "No row changes (file reformatted)\n\n"


# TR-7.2
def test_unparseable_previous_version_is_replaced(server, repo):
    url = server.serve("/s.json", "not json at all")
    (repo / "s.json").write_text("not json at all")
    git(repo, "add", "s.json")
    git(repo, "commit", "-qm", "broken")
    server.serve("/s.json", '[{"id": 1}, {"id": 2}]')
    result = run("track", url, "--repo", str(repo), "--key", "id")
    assert result.exit_code == 0, result.stderr
    assert head_message(repo) == (
        "Replaced s.json: 2 rows (previous version could not be parsed as json)\n\n"
    )


def test_dry_run_prints_message_and_changes_nothing(server, repo):
    url = server.serve("/stations.csv", STATIONS_V1)
    before = snapshot(repo)
    result = run("track", url, "--repo", str(repo), "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == "Initial version: 4 rows\n"
    assert result.stderr == ""
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    "route, extra, error",
    [
        (dict(status=500, body=b"boom"), [], "returned HTTP 500 Internal Server Error"),
        (dict(body=STATIONS_V1.encode(), delay=1.5), ["--timeout", "0.3"], "timed out after 0.3 seconds"),
        (dict(body=b"x" * 3000), ["--max-bytes", "2K"], "is larger than --max-bytes (2048 bytes)"),
    ],
)  # fmt: skip
def test_fetch_failures_change_nothing(server, repo, route, extra, error):
    seed(server, repo)
    before = snapshot(repo)
    server.serve("/data/stations.csv", **route)
    url = server.url("/data/stations.csv")
    result = run("track", url, "--repo", str(repo), "--key", "station_id", *extra)
    assert result.exit_code == 1
    prefix = "Error: " if "larger" in error else f"Error: GET {url} "
    assert result.stderr == f"{prefix}{url + ' ' if 'larger' in error else ''}{error}\n"
    assert snapshot(repo) == before


def test_oversize_gzip_counts_decompressed_bytes(server, repo):
    url = server.serve("/big.csv", "id\n" + "1\n" * 5000, gzip=True)
    result = run("track", url, "--repo", str(repo), "--max-bytes", "4K")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {url} is larger than --max-bytes (4096 bytes)\n"


def test_oversize_content_length_fails_before_reading(server, repo):
    url = server.serve("/big.csv", "id\n1\n", headers={"Content-Length": "999999"})
    result = run("track", url, "--repo", str(repo), "--max-bytes", "1K")
    assert result.stderr == f"Error: {url} is larger than --max-bytes (1024 bytes)\n"


def test_network_failure(repo):
    result = run("track", "http://127.0.0.1:9/x.csv", "--repo", str(repo))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: GET http://127.0.0.1:9/x.csv failed: ")
    assert "\n" not in result.stderr.rstrip("\n")


# TR-5: an HTML error page served with status 200 never replaces the data
def test_html_error_page_is_refused(server, repo):
    track_v1(server, repo)
    before = snapshot(repo)
    page = (
        "<!DOCTYPE html>\n<html><head><title>Error</title></head>\n<body>Try later</body></html>\n"
    )
    url = server.serve("/data/stations.csv", page)
    keyed = run("track", url, "--repo", str(repo), "--key", "station_id")
    assert keyed.exit_code == 1
    assert keyed.stderr == (
        f'Error: {url}: key column "station_id" not found; columns are: "<!DOCTYPE html>"\n'
    )
    server.serve("/data/stations.csv", "<html>\n<p>a, b, c</p>\n</html>\n")
    unkeyed = run("track", url, "--repo", str(repo))
    assert unkeyed.stderr == f"Error: {url}, line 2: expected 1 fields, found 3\n"
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    "body, fmt, error",
    [
        ("a,b\n1,2,3\n", [], "{src}, line 2: expected 2 fields, found 3"),
        ("a,b,a\n1,2,3\n", [], '{src}, line 1: duplicate column name "a" (columns 1 and 3)'),
        ('[{"a": 1}, 3]', ["--format", "json"], "{src}: element 2 is not an object (found number)"),
        ('{"a": 1}', ["--format", "json"], "{src}: expected a JSON array of objects, found object"),
        ('[{"a": 1}, {"a": }]', ["--format", "json"], "{src}, line 1, column 18: invalid JSON: Expecting value"),
        ('[{"a": 1, "a": 2}]', ["--format", "json"], '{src}: element 1 has duplicate key "a"'),
        ('{"a": 1}\n[2]\n', ["--format", "nl"], "{src}, line 2: expected a JSON object, found array"),
        ("a,b\n1,\"open\n", [], "{src}, line 2: unterminated quoted field"),
        ('[{"a": 1}]', ["--format", "csv"], "{src}: looks like JSON; use --format json or --format nl"),
        ("a\n\xe9\n", ["--encoding", "ascii"], "{src}, line 2: cannot decode byte 0xc3 at offset 2 as ascii; use --encoding, e.g. --encoding latin-1"),
    ],
)  # fmt: skip
def test_invalid_content_dfval_messages(server, repo, body, fmt, error):
    url = server.serve("/feed", body)
    before = snapshot(repo)
    result = run("track", url, "--repo", str(repo), "--path", "feed.csv", *fmt)
    assert result.exit_code == 1
    assert result.stderr == "Error: " + error.format(src=url) + "\n"
    assert snapshot(repo) == before


def test_duplicate_keys_error_or_policy(server, repo):
    url = server.serve("/d.csv", "id,v\n1,a\n2,b\n1,c\n")
    result = run("track", url, "--repo", str(repo), "--key", "id")
    assert result.stderr == (
        f'Error: {url}: duplicate key id="1" on lines 2 and 4; '
        "use --on-duplicate first or --on-duplicate last to keep one\n"
    )
    ok = run("track", url, "--repo", str(repo), "--key", "id", "--on-duplicate", "last")
    assert ok.exit_code == 0
    assert ok.stderr.splitlines() == [
        f"Warning: {url}: 1 rows with duplicate keys dropped (--on-duplicate last)",
        ok.stderr.splitlines()[1],
    ]
    assert ok.stderr.splitlines()[1].endswith(": Initial version: 2 rows")


@pytest.mark.parametrize("body", ["", "  \n\n", "id,name\n", "[]"])
def test_empty_content_refused_unless_allowed(server, repo, body):
    url = server.serve("/e.csv", body)
    fmt = ["--format", "json"] if body == "[]" else []
    before = snapshot(repo)
    result = run("track", url, "--repo", str(repo), *fmt)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {url} returned no rows; refusing to replace e.csv (use --allow-empty-file)\n"
    )
    assert snapshot(repo) == before
    allowed = run("track", url, "--repo", str(repo), "--allow-empty-file", *fmt)
    assert allowed.exit_code == 0
    assert head_message(repo) == "Initial version: 0 rows\n\n"


# TR-6: only the tracked path goes into the commit; the user's index and files are kept
def test_commit_scope_leaves_other_paths_alone(server, repo):
    (repo / "notes.txt").write_text("one\n")
    (repo / ".gitignore").write_text("*.csv\n")
    git(repo, "add", "notes.txt", ".gitignore")
    git(repo, "commit", "-qm", "start")
    (repo / "notes.txt").write_text("two\n")
    git(repo, "add", "notes.txt")
    (repo / "notes.txt").write_text("three\n")
    (repo / "untracked.txt").write_text("u\n")
    staged_before = git(repo, "diff", "--cached", "--name-status")
    url = server.serve("/data/stations.csv", STATIONS_V1.replace("\n", "\r\n"))
    result = run("track", url, "--repo", str(repo))
    assert result.exit_code == 0, result.stderr
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["stations.csv"]
    assert git(repo, "cat-file", "-p", "HEAD:notes.txt") == "one\n"
    assert git(repo, "cat-file", "blob", "HEAD:stations.csv") == STATIONS_V1.replace("\n", "\r\n")
    assert git(repo, "diff", "--cached", "--name-status") == staged_before
    assert (repo / "notes.txt").read_text() == "three\n"
    assert (repo / "untracked.txt").read_text() == "u\n"
    assert git(repo, "status", "--porcelain", "--", "stations.csv") == ""


def test_commit_message_verbatim_and_no_hooks(server, repo):
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    url = server.serve("/x.csv", "# not a comment\n1\n")
    result = run("track", url, "--repo", str(repo), "--path", "sub/dir/x.csv")
    assert result.exit_code == 0, result.stderr
    assert (repo / "sub" / "dir" / "x.csv").read_text() == "# not a comment\n1\n"
    raw = git(repo, "cat-file", "commit", "HEAD")
    assert raw.endswith("\n\nInitial version: 1 row\n")


def test_push_to_bare_remote(server, repo, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    url = server.serve("/stations.csv", STATIONS_V1)
    result = run("track", url, "--repo", str(repo), "--push")
    assert result.exit_code == 0, result.stderr
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert (
        result.stderr == f"Committed {sha[:12]}: Initial version: 4 rows\nPushed main to origin\n"
    )
    assert git(remote, "rev-parse", "refs/heads/main").strip() == sha


def test_rejected_push_keeps_local_commit(server, repo, tmp_path):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(remote), str(other)], check=True)
    (other / "README").write_text("elsewhere\n")
    git(other, "add", "README")
    git(other, "commit", "-qm", "diverge")
    git(other, "push", "-q", "origin", "HEAD:refs/heads/main")
    git(repo, "remote", "add", "mirror", str(remote))
    url = server.serve("/stations.csv", STATIONS_V1)
    result = run("track", url, "--repo", str(repo), "--push", "mirror")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Push to mirror failed: ")
    assert "rejected" in result.stderr or "failed to push" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert commit_count(repo) == 1
    assert head_message(repo) == "Initial version: 4 rows\n\n"


# TR-3.2/3.3: ${NAME} substitution; secrets never printed
def test_header_substitution_and_secret_hygiene(server, repo, monkeypatch):
    monkeypatch.setenv("API_TOKEN", "s3cr3t-value")
    url = server.serve("/stations.csv", STATIONS_V1)
    result = run(
        "track", url + "?t=${API_TOKEN}", "--repo", str(repo),
        "--header", "Authorization: Bearer ${API_TOKEN}",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    path, headers = server.requests[-1]
    assert path == "/stations.csv?t=s3cr3t-value"
    assert headers["Authorization"] == "Bearer s3cr3t-value"
    assert "s3cr3t" not in result.stderr + git(repo, "log", "--format=%B")
    server.serve("/stations.csv", "", status=503)
    failed = run("track", url + "?t=${API_TOKEN}", "--repo", str(repo))
    assert failed.stderr == (
        f"Error: GET {url}?t=${{API_TOKEN}} returned HTTP 503 Service Unavailable\n"
    )


def test_unset_variable_fails_before_network(server, repo, monkeypatch):
    monkeypatch.delenv("NOPE", raising=False)
    url = server.serve("/stations.csv", STATIONS_V1)
    result = run("track", url, "--repo", str(repo), "--header", "X-Api-Key: ${NOPE}")
    assert (result.exit_code, result.stderr) == (1, "Error: ${NOPE} is not set\n")
    assert server.requests == []


def test_userinfo_is_masked(server, repo):
    port = server.httpd.server_address[1]
    server.serve("/gone.csv", "", status=404)
    result = run("track", f"http://bob:hunter2@127.0.0.1:{port}/gone.csv", "--repo", str(repo))
    assert result.stderr == (
        f"Error: GET http://***@127.0.0.1:{port}/gone.csv returned HTTP 404 Not Found\n"
    )


def test_redirect_to_other_host_drops_credentials(server, repo):
    port = server.httpd.server_address[1]
    server.serve("/feed.csv", STATIONS_V1)
    server.serve("/hop", "", status=302, headers={"Location": f"http://localhost:{port}/feed.csv"})
    url = server.url("/hop")
    result = run(
        "track", url, "--repo", str(repo), "--path", "feed.csv",
        "--header", "Authorization: Bearer x", "--header", "Cookie: c=1", "--header", "X-Keep: 1",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (first_path, first), (second_path, second) = server.requests[-2:]
    assert first["Authorization"] == "Bearer x"
    assert second_path == "/feed.csv"
    assert "Authorization" not in second and "Cookie" not in second
    assert second["X-Keep"] == "1"


# TR-1: local files and commands
def test_local_file_and_in_place_file(repo, tmp_path):
    source = tmp_path / "stations.csv"
    source.write_text(STATIONS_V1)
    assert run("track", str(source), "--repo", str(repo)).exit_code == 0
    (repo / "fresh.csv").write_text("a\n1\n2\n")
    in_place = run("track", str(repo / "fresh.csv"), "--repo", str(repo))
    assert in_place.exit_code == 0, in_place.stderr
    assert git(repo, "show", "--name-only", "--format=%s", "HEAD").split("\n")[:3] == [
        "Initial version: 2 rows",
        "",
        "fresh.csv",
    ]
    missing = run("track", str(tmp_path / "nope.csv"), "--repo", str(repo))
    assert (missing.exit_code, missing.stderr) == (
        1,
        f"Error: Source file not found: {tmp_path / 'nope.csv'}\n",
    )


def test_command_source(repo):
    result = run(
        "track", "--command", "printf 'a,b\\n1,2\\n'", "--repo", str(repo), "--path", "c.csv"
    )
    assert result.exit_code == 0, result.stderr
    assert (repo / "c.csv").read_text() == "a,b\n1,2\n"
    failed = run("track", "--command", "echo a,b; exit 3", "--repo", str(repo), "--path", "c.csv")
    assert (failed.exit_code, failed.stderr) == (1, "Error: Command exited with status 3\n")
    slow = run(
        "track", "--command", "sleep 5", "--repo", str(repo), "--path", "c.csv", "--timeout", "0.3"
    )
    assert slow.stderr == "Error: Command timed out after 0.3 seconds\n"
    big = run(
        "track", "--command", "yes a", "--repo", str(repo), "--path", "c.csv", "--max-bytes", "10K"
    )
    assert big.stderr == "Error: command output is larger than --max-bytes (10240 bytes)\n"
    bad = run("track", "--command", "printf 'a\\n1,2\\n'", "--repo", str(repo), "--path", "c.csv")
    assert bad.stderr == "Error: command output, line 2: expected 1 fields, found 2\n"


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "Give exactly one of SOURCE or --command"),
        (["x.csv", "--command", "true"], "Give exactly one of SOURCE or --command"),
        (["x.csv", "--header", "A: b"], "--header needs a URL source"),
        (["x.csv", "--message-max-lines", "2"], "Invalid value for '--message-max-lines': must be at least 3"),
        (["x.csv", "--author", "nobody"], """Invalid value for '--author': expected "Name <email>\""""),
        (["x.csv", "--path", "../x.csv"], "Invalid value for '--path': must be inside the repository"),
        (["x.csv", "--max-bytes", "lots"], "Invalid value for '--max-bytes': expected an integer with an optional K, M or G suffix"),
    ],
)  # fmt: skip
def test_usage_errors(repo, tmp_path, args, message):
    (tmp_path / "x.csv").write_text("a\n1\n")
    args = [str(tmp_path / "x.csv") if a == "x.csv" else a for a in args]
    result = run("track", *args, "--repo", str(repo))
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: datamill track [OPTIONS] [SOURCE]\n")
    assert result.stderr.endswith(f"\nError: {message}\n")


def test_repository_errors(tmp_path, repo, server):
    url = server.serve("/stations.csv", STATIONS_V1)
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run("track", url, "--repo", str(plain))
    assert (result.exit_code, result.stderr) == (1, f"Error: Not a git repository: {plain}\n")
    seed(server, repo)
    git(repo, "checkout", "-q", "--detach")
    detached = run("track", url, "--repo", str(repo))
    assert detached.stderr == (f"Error: HEAD is detached in {repo}; check out a branch first\n")


def test_author_option_and_fallback_identity(server, repo, monkeypatch):
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(repo.parent))
    url = server.serve("/a.csv", "a\n1\n")
    assert run("track", url, "--repo", str(repo)).exit_code == 0
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "datamill <datamill@localhost>|datamill <datamill@localhost>"
    )
    args = ["--path", "b.csv", "--author", "Bo <bo@x.org>"]
    assert run("track", url, "--repo", str(repo), *args).exit_code == 0
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Bo <bo@x.org>"


# TR-4.7: the ref is moved only if it still points at T
def test_branch_moved_during_run(repo):
    (repo / "f").write_text("1\n")
    git(repo, "add", "f")
    git(repo, "commit", "-qm", "one")
    tree = WorkTree.open(str(repo))
    git(repo, "commit", "-q", "--allow-empty", "-m", "two")
    moved = git(repo, "rev-parse", "HEAD")
    blob = git(repo, "hash-object", "-w", "--stdin", input=b"x\n").strip()
    with pytest.raises(
        TrackError, match="^Branch main moved during the run; nothing was committed$"
    ):
        tree.commit_file("f", "100644", blob, "m\n", {})
    assert git(repo, "rev-parse", "HEAD") == moved
