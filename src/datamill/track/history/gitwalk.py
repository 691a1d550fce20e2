"""Walking the git history of one file: commits oldest first, and their blobs (HI-3)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from datamill.track.errors import HistoryError
from datamill.track.gitrepo import git_executable, resolve, run_git

FIELD = "\x1f"
RECORD = "\x1e"
LOG_FORMAT = FIELD.join(["%H", "%P", "%an", "%ae", "%cI", "%B"]) + RECORD


@dataclass(frozen=True)
class CommitInfo:
    """The metadata HI-5 stores for a commit."""

    hash: str
    parent: str | None
    author_name: str
    author_email: str
    commit_at: str
    message: str


def is_repo_url(repo: str) -> bool:
    return repo.startswith(("http://", "https://")) or (repo.startswith("git@") and ":" in repo)


class Checkout:
    """A repository to read: a local work tree or bare repo, or a temporary clone of a URL."""

    def __init__(self, repo: str) -> None:
        self.temp: str | None = None
        if is_repo_url(repo):
            self.temp = tempfile.mkdtemp(prefix="datamill-history-")
            result = run_git(
                self.temp, "clone", "--quiet", "--no-checkout", repo, "repo", check=False
            )
            if result.returncode != 0:
                self.close()
                lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
                raise HistoryError(f"Could not clone {repo}: {lines[-1] if lines else 'failed'}")
            self.path = os.path.join(self.temp, "repo")
        else:
            if not os.path.isdir(repo):
                raise HistoryError(f"Not a git repository: {repo}")
            probe = run_git(repo, "rev-parse", "--git-dir", check=False)
            if probe.returncode != 0:
                raise HistoryError(f"Not a git repository: {repo}")
            self.path = repo

    def close(self) -> None:
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.temp = None

    def __enter__(self) -> Checkout:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def pick_branch(repo: str, branch: str | None) -> str:
    """``--branch``, else ``main``, else the checked-out branch (HI-FIX-8)."""
    if branch is not None:
        if resolve(repo, f"refs/heads/{branch}") or resolve(repo, f"refs/remotes/origin/{branch}"):
            return branch
        raise HistoryError(f'Branch "{branch}" not found in {repo}')
    if resolve(repo, "refs/heads/main") or resolve(repo, "refs/remotes/origin/main"):
        return "main"
    head = run_git(repo, "symbolic-ref", "-q", "--short", "HEAD", check=False)
    name = head.stdout.decode().strip()
    if head.returncode == 0 and resolve(repo, f"refs/heads/{name}"):
        return name
    raise HistoryError(f'Branch "main" not found in {repo}')


def branch_rev(repo: str, branch: str) -> str:
    """The ref to walk: the local branch, else the clone's remote-tracking branch."""
    if resolve(repo, f"refs/heads/{branch}"):
        return f"refs/heads/{branch}"
    return f"refs/remotes/origin/{branch}"


def file_commits(repo: str, rev: str, filepath: str) -> list[CommitInfo]:
    """``git rev-list <branch> -- FILEPATH``, oldest first, with metadata."""
    out = run_git(repo, "log", f"--format={LOG_FORMAT}", rev, "--", filepath).stdout
    commits = []
    for record in out.decode("utf-8", "replace").split(RECORD):
        record = record.lstrip("\n")
        if not record:
            continue
        sha, parents, name, email, date, body = record.split(FIELD, 5)
        commits.append(
            CommitInfo(
                hash=sha,
                parent=parents.split()[0] if parents.strip() else None,
                author_name=name,
                author_email=email,
                commit_at=date,
                message=body.rstrip("\n"),
            )
        )
    commits.reverse()
    return commits


def commit_info(repo: str, hashes: list[str]) -> dict[str, CommitInfo]:
    """Metadata for the given commits that still exist in ``repo`` (HI-8 backfill)."""
    found: dict[str, CommitInfo] = {}
    for sha in hashes:
        result = run_git(repo, "log", "-1", f"--format={LOG_FORMAT}", sha, "--", check=False)
        if result.returncode != 0:
            continue
        sha_, parents, name, email, date, body = (
            result.stdout.decode("utf-8", "replace").rstrip("\n").rstrip(RECORD).split(FIELD, 5)
        )
        parent = parents.split()[0] if parents.strip() else None
        found[sha] = CommitInfo(sha_, parent, name, email, date, body.rstrip("\n"))
    return found


def is_ancestor(repo: str, ancestor: str, rev: str) -> bool:
    result = run_git(repo, "merge-base", "--is-ancestor", ancestor, rev, check=False)
    return result.returncode == 0


class BlobReader:
    """Reads ``<commit>:<path>`` blobs through one ``git cat-file --batch`` process."""

    def __init__(self, repo: str) -> None:
        self.process = subprocess.Popen(
            [git_executable(), "cat-file", "--batch"],
            cwd=repo,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def read(self, commit: str, path: str) -> bytes | None:
        """The file's bytes at ``commit``, or None when the tree lacks it."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{commit}:{path}\n".encode())
        self.process.stdin.flush()
        header = self.process.stdout.readline().decode().split()
        if len(header) < 3 or header[1] != "blob":
            return None
        size = int(header[2])
        data = self.process.stdout.read(size)
        self.process.stdout.read(1)
        return data

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def resolve_prefix(commits: list[CommitInfo], prefix: str, option: str, filepath: str) -> str:
    """A full hash from a unique prefix of 7+ hex digits among ``commits`` (HI-2, HI-10)."""
    lowered = prefix.lower()
    matches = [c.hash for c in commits if c.hash.startswith(lowered)]
    if len(matches) > 1:
        raise HistoryError(f"{option} {prefix} matches more than one commit")
    if not matches or (len(prefix) < 7 and matches[0] != lowered):
        raise HistoryError(f"{option} {prefix} does not match a commit that changed {filepath}")
    return matches[0]


def iter_blobs(
    repo: str, commits: list[CommitInfo], path: str
) -> Iterator[tuple[CommitInfo, bytes | None]]:
    with BlobReader(repo) as reader:
        for commit in commits:
            yield commit, reader.read(commit.hash, path)
