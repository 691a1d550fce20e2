"""``datamill track``: fetch, validate, and commit a file only when it changed (TR-4)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from datamill.track import content, message
from datamill.track.errors import TrackError, TrackUsageError
from datamill.track.fetch import (
    Limits,
    copy_file,
    display_url,
    fetch_url,
    run_command,
    secret_values,
    substitute,
    variables_in,
)
from datamill.track.gitrepo import GitFailed, WorkTree, run_git

AUTHOR = re.compile(r"^\s*([^<>]*[^<>\s])\s*<([^<>\s]+)>\s*$")
DEFAULT_IDENTITY = ("datamill", "datamill@localhost")


@dataclass
class TrackOptions:
    """Every TR-2 option, already checked for type by the command line."""

    source: str | None = None
    command: str | None = None
    repo: str = "."
    path: str | None = None
    format: str | None = None
    key: tuple[str, ...] = ()
    encoding: str = "utf-8"
    on_duplicate: str = "error"
    singular: str = "row"
    plural: str = "rows"
    message_max_lines: int = 200
    author: str | None = None
    push: str | None = None
    headers: list[str] = field(default_factory=list)
    timeout: float = 60.0
    max_bytes: int = 256 * 1024**2
    allow_empty_file: bool = False
    ignore_reformat: bool = False
    dry_run: bool = False


@dataclass
class TrackResult:
    """What happened: ``status`` is one of unchanged, reformat, dry-run, committed."""

    status: str
    message: str | None = None
    commit: str | None = None
    pushed_branch: str | None = None
    warnings: list[str] = field(default_factory=list)


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def default_path(options: TrackOptions) -> str:
    """TR-2's ``--path`` default."""
    if options.path:
        return options.path
    if options.command is not None:
        raise TrackUsageError("Missing option '--path' (required with --command)")
    assert options.source is not None
    if is_url(options.source):
        name = urlsplit(options.source).path.rsplit("/", 1)[-1]
        if not name:
            raise TrackUsageError("Missing option '--path' (the URL has no file name)")
        return name
    return os.path.basename(options.source.rstrip("/"))


def parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise TrackUsageError(f"Invalid value for '--header': expected 'Name: value', got {name!r}")
    return name.strip(), value.strip()


def parse_author(text: str) -> tuple[str, str]:
    match = AUTHOR.match(text)
    if not match:
        raise TrackUsageError("""Invalid value for '--author': expected "Name <email>\"""")
    return match.group(1), match.group(2)


def check_options(options: TrackOptions) -> None:
    """The usage checks of TR-1/TR-2 that need no repository."""
    if (options.source is None) == (options.command is None):
        raise TrackUsageError("Give exactly one of SOURCE or --command")
    if options.headers and not (options.source and is_url(options.source)):
        raise TrackUsageError("--header needs a URL source")
    if options.source and is_url(options.source):
        try:
            urlsplit(options.source)
        except ValueError as err:
            raise TrackUsageError(f"Invalid value for 'SOURCE': {err}") from None
    content.check_encoding(options.encoding)
    if options.message_max_lines < 3:
        raise TrackUsageError("Invalid value for '--message-max-lines': must be at least 3")
    if options.author is not None:
        parse_author(options.author)
    for header in options.headers:
        parse_header(header)


def resolve_path(root: str, repo: str, path: str) -> str:
    """``--path`` relative to ``--repo``, as a path relative to the work tree ``root``."""
    full = os.path.realpath(os.path.join(os.path.abspath(repo), path))
    root = os.path.realpath(root)
    relative = os.path.relpath(full, root)
    if (
        relative == "."
        or relative.startswith(".." + os.sep)
        or relative == ".."
        or (relative.split(os.sep)[0] == ".git")
    ):
        raise TrackUsageError("Invalid value for '--path': must be inside the repository")
    return relative.replace(os.sep, "/")


def identity_env(tree: WorkTree, author: str | None) -> dict[str, str]:
    """TR-8: author and committer for commit-tree."""
    if author is not None:
        name, email = parse_author(author)
    else:
        found_name = os.environ.get("GIT_AUTHOR_NAME") or tree.config("user.name")
        found_email = os.environ.get("GIT_AUTHOR_EMAIL") or tree.config("user.email")
        if found_name and found_email:
            name, email = found_name, found_email
        else:
            name, email = DEFAULT_IDENTITY
    committer_name = os.environ.get("GIT_COMMITTER_NAME") or tree.config("user.name")
    committer_email = os.environ.get("GIT_COMMITTER_EMAIL") or tree.config("user.email")
    if not committer_name or not committer_email:
        committer_name, committer_email = name, email
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": committer_name,
        "GIT_COMMITTER_EMAIL": committer_email,
    }


def source_label(options: TrackOptions) -> str:
    """How the source appears in messages (TR-3.3, TR-5)."""
    if options.command is not None:
        return "command output"
    assert options.source is not None
    return display_url(options.source) if is_url(options.source) else options.source


def acquire(options: TrackOptions, tree: WorkTree, out) -> None:
    """TR-4.2: write the content to the open temporary file ``out``."""
    limits = Limits(timeout=options.timeout, max_bytes=options.max_bytes)
    label = source_label(options)
    if options.command is not None:
        run_command(options.command, tree.root, limits, out)
    elif is_url(options.source or ""):
        url = substitute(options.source or "")
        headers = [parse_header(substitute(header)) for header in options.headers]
        hidden = secret_values([options.source or "", *options.headers])
        fetch_url(url, label, headers, limits, out, hidden)
    else:
        copy_file(options.source or "", label, limits, out)
    out.flush()


def check_variables(options: TrackOptions) -> None:
    """TR-3.2: every ``${NAME}`` must be set before any network access."""
    for text in [options.source or "", *options.headers]:
        for name in variables_in(text):
            if name not in os.environ:
                raise TrackError(f"${{{name}}} is not set")


def track(options: TrackOptions, emit: Callable[[str], None] = lambda line: None) -> TrackResult:
    """Run TR-4 end to end. ``emit`` receives DF-KEY-4 warning lines as they occur.

    Validation and the keyed diff come from ``datamill.diff`` (diff.md DF-LIB, DF-VAL).
    """
    check_options(options)
    tree = WorkTree.open(options.repo)
    path = resolve_path(tree.root, options.repo, default_path(options))
    fmt = options.format or content.infer_format(path)
    check_variables(options)
    label = source_label(options)
    env = identity_env(tree, options.author)
    fd, temp = tempfile.mkstemp(prefix="datamill-track-", dir=tree.git_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            acquire(options, tree, out)
        return _track_content(options, tree, path, fmt, label, temp, env, emit)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _track_content(options, tree, path, fmt, label, temp, env, emit) -> TrackResult:
    entry = tree.entry(path)
    mode = entry[0] if entry else "100644"
    if entry is not None and tree.hash_file(temp) == entry[1]:
        return TrackResult("unchanged")
    warnings: list[str] = []

    def warn(line: str) -> None:
        warnings.append(f"Warning: {line.replace(temp, label)}")
        emit(warnings[-1])

    text = _evaluate(options, tree, entry, path, fmt, label, temp, warn)
    if text == message.REFORMATTED and options.ignore_reformat:
        return TrackResult("reformat", warnings=warnings)
    if options.dry_run:
        return TrackResult("dry-run", message=text, warnings=warnings)
    blob = tree.hash_file(temp, write=True)
    commit = tree.commit_file(path, mode, blob, text + "\n", env)
    _update_work_tree(tree, path, mode, blob, temp, commit)
    result = TrackResult("committed", message=text, commit=commit, warnings=warnings)
    if options.push is not None:
        push(tree, options.push)
        result.pushed_branch = tree.branch
    return result


def _evaluate(options, tree, entry, path, fmt, label, temp, warn) -> str:
    """TR-5 and TR-7: validate the new content while diffing it, and build the message."""
    from datamill.diff import DiffInputError, diff_sources

    def diff(previous: str) -> dict:
        return diff_sources(
            previous, temp, key=options.key or None, format=fmt, encoding=options.encoding,
            on_duplicate=options.on_duplicate, on_warning=warn,
        )  # fmt: skip

    def refuse_empty() -> None:
        if not options.allow_empty_file:
            raise TrackError(
                f"{label} returned no rows; refusing to replace {path} (use --allow-empty-file)"
            )

    with _scratch(tree) as empty, _scratch(tree, entry[1] if entry else None) as prev:
        try:
            if entry is None:
                rows = len(diff(empty)["added"])
                if not rows:
                    refuse_empty()
                return message.initial_message(rows, options.singular, options.plural)
            try:
                result = diff(prev)
            except DiffInputError as err:
                if err.source != prev:
                    raise
                rows = len(diff(empty)["added"])
                if not rows:
                    refuse_empty()
                shown = fmt or "csv"
                return message.replaced_message(path, rows, shown, options.singular, options.plural)
        except DiffInputError as err:
            raise TrackError(_relabel(err, temp, label)) from None
    if not content.has_rows(temp, fmt, options.encoding):
        refuse_empty()
    if message.is_empty(result):
        return message.REFORMATTED
    return message.change_message(
        result, options.key, options.singular, options.plural, options.message_max_lines
    )


@contextmanager
def _scratch(tree: WorkTree, blob: str | None = None) -> Iterator[str]:
    """A temporary file in the git directory (empty, or holding a blob), removed afterwards."""
    fd, name = tempfile.mkstemp(prefix="datamill-track-", dir=tree.git_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            if blob is not None:
                tree.blob_to_file(blob, handle)
        yield name
    finally:
        os.unlink(name)


def _relabel(err, temp: str, label: str) -> str:
    """The DF-VAL message with the temporary file's name replaced by the source as shown."""
    if err.source != temp:
        return str(err)
    where = label
    if err.line is not None:
        where += f", line {err.line}"
        if err.column is not None:
            where += f", column {err.column}"
    return f"{where}: {err.detail}"


def _update_work_tree(tree: WorkTree, path: str, mode: str, blob: str, temp: str, commit: str):
    """TR-4.8: the index entry and the file, written to a temporary name then renamed."""
    target = os.path.join(tree.root, *path.split("/"))
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, staged = tempfile.mkstemp(prefix=".datamill-", dir=os.path.dirname(target))
        os.close(fd)
        try:
            os.replace(temp, staged)
            os.chmod(staged, 0o755 if mode == "100755" else 0o644)
            os.replace(staged, target)
        finally:
            if os.path.exists(staged):
                os.unlink(staged)
        run_git(tree.root, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}")
    except (OSError, GitFailed) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise TrackError(
            f"Committed {commit} but could not update {path} in the working tree: {reason}; "
            f"run git checkout -- {path}"
        ) from None


def push(tree: WorkTree, remote: str) -> None:
    """TR-9: push the new commit; never forced."""
    try:
        run_git(
            tree.root, "-c", "advice.pushUpdateRejected=false", "-c", "advice.pushNonFFCurrent=false",
            "-c", "advice.pushNonFFMatching=false", "-c", "advice.pushFetchFirst=false",
            "-c", "advice.pushNeedsForce=false",
            "push", "--quiet", remote, f"HEAD:refs/heads/{tree.branch}",
        )  # fmt: skip
    except GitFailed as err:
        raise TrackError(f"Push to {remote} failed: {err.last_line}") from None
