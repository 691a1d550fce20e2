"""The git plumbing behind ``track`` and ``history``, driving the ``git`` executable.

Commits are made with a private index file (read-tree, update-index, write-tree, commit-tree)
and a compare-and-swap ``update-ref``, so the user's index, working tree and hooks are never
involved (TR-6).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from datamill.track.errors import TrackError

ZERO = "0" * 40


def git_executable() -> str:
    """The path of ``git``; TR-GEN's error when it is missing."""
    path = shutil.which("git")
    if path is None:
        raise TrackError("git executable not found on PATH")
    return path


class GitFailed(TrackError):
    """A git command exited nonzero; ``stderr`` holds its error output."""

    def __init__(self, args: list[str], stderr: str) -> None:
        self.args_ = args
        self.stderr = stderr
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        self.last_line = lines[-1] if lines else f"git {args[0]} failed"
        super().__init__(self.last_line)


def run_git(
    cwd: str,
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run ``git args`` in ``cwd`` and return the completed process (bytes output)."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    result = subprocess.run(
        [git_executable(), *args], cwd=cwd, input=input, env=full_env, capture_output=True
    )
    if check and result.returncode != 0:
        raise GitFailed(list(args), result.stderr.decode("utf-8", "replace"))
    return result


def git_text(cwd: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git and return its stdout as stripped text."""
    return run_git(cwd, *args, env=env).stdout.decode("utf-8", "replace").strip()


@dataclass
class WorkTree:
    """A non-bare git work tree with HEAD on a branch (possibly unborn)."""

    root: str
    git_dir: str
    branch: str
    tip: str | None

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"

    @classmethod
    def open(cls, directory: str) -> WorkTree:
        """Check TR-4.1's preconditions and note the branch tip."""
        if not os.path.isdir(directory):
            raise TrackError(f"Not a git repository: {directory}")
        probe = run_git(directory, "rev-parse", "--is-inside-work-tree", check=False)
        if probe.returncode != 0 or probe.stdout.strip() != b"true":
            raise TrackError(f"Not a git repository: {directory}")
        root = git_text(directory, "rev-parse", "--show-toplevel")
        git_dir = os.path.abspath(
            os.path.join(directory, git_text(directory, "rev-parse", "--git-dir"))
        )
        head = run_git(root, "symbolic-ref", "-q", "HEAD", check=False)
        if head.returncode != 0:
            raise TrackError(f"HEAD is detached in {directory}; check out a branch first")
        ref = head.stdout.decode().strip()
        branch = ref.removeprefix("refs/heads/")
        return cls(root=root, git_dir=git_dir, branch=branch, tip=resolve(root, ref))

    def entry(self, path: str) -> tuple[str, str] | None:
        """(mode, blob id) of ``path`` in the tip's tree, or None."""
        if self.tip is None:
            return None
        out = run_git(self.root, "ls-tree", "-z", self.tip, "--", path).stdout.decode()
        for record in out.split("\0"):
            if not record:
                continue
            meta, name = record.split("\t", 1)
            mode, kind, oid = meta.split()
            if name == path and kind == "blob":
                return mode, oid
        return None

    def blob_to_file(self, oid: str, handle) -> None:
        """Stream a blob into an open binary file."""
        subprocess.run(
            [git_executable(), "cat-file", "blob", oid], cwd=self.root, stdout=handle, check=True
        )

    def hash_file(self, filename: str, write: bool = False) -> str:
        """The blob id of a file's bytes, verbatim (no filters, no EOL conversion)."""
        args = ["hash-object", "--no-filters"] + (["-w"] if write else []) + ["--", filename]
        return git_text(self.root, *args)

    def commit_file(
        self, path: str, mode: str, blob: str, message: str, env: dict[str, str]
    ) -> str:
        """Commit T's tree with ``path`` set to ``blob``; move the branch only if still at T."""
        fd, index = tempfile.mkstemp(prefix="datamill-index-", dir=self.git_dir)
        os.close(fd)
        os.unlink(index)
        index_env = {"GIT_INDEX_FILE": index}
        try:
            if self.tip is None:
                run_git(self.root, "read-tree", "--empty", env=index_env)
            else:
                run_git(self.root, "read-tree", self.tip, env=index_env)
            run_git(
                self.root, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}",
                env=index_env,
            )  # fmt: skip
            tree = git_text(self.root, "write-tree", env=index_env)
        finally:
            if os.path.exists(index):
                os.unlink(index)
        parents = [] if self.tip is None else ["-p", self.tip]
        commit = run_git(
            self.root, "commit-tree", tree, *parents, "-F", "-",
            input=message.encode("utf-8"), env=env,
        ).stdout.decode().strip()  # fmt: skip
        moved = run_git(
            self.root, "update-ref", "-m", "datamill track", self.ref, commit, self.tip or ZERO,
            check=False,
        )  # fmt: skip
        if moved.returncode != 0:
            raise TrackError(f"Branch {self.branch} moved during the run; nothing was committed")
        return commit

    def config(self, name: str) -> str | None:
        result = run_git(self.root, "config", "--get", name, check=False)
        value = result.stdout.decode("utf-8", "replace").strip()
        return value if result.returncode == 0 and value else None


def resolve(cwd: str, rev: str) -> str | None:
    """The commit id ``rev`` names, or None."""
    result = run_git(cwd, "rev-parse", "-q", "--verify", f"{rev}^{{commit}}", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None
