"""``datamill track init``: write a scheduled GitHub Actions workflow (TI-1..TI-4)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from datamill.track.errors import TrackError, TrackUsageError
from datamill.track.fetch import variables_in
from datamill.track.gitrepo import run_git

SECRET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SENSITIVE_HEADERS = {"authorization", "proxy-authorization", "cookie"}
SENSITIVE_WORDS = ("token", "key", "secret")
USERINFO = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@]*:[^/@]*@")
INDENT = " " * 12


@dataclass
class WorkflowSpec:
    """What goes into the workflow: the source, TR-2 options in table order, and TI options.

    ``options`` holds ``(flag, value)`` pairs, value None for a flag without argument, for the
    options the user gave (``--path`` excluded: it is always written, from ``path``).
    """

    path: str
    version: str
    source: str | None = None
    command: str | None = None
    options: list[tuple[str, str | None]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    schedule: str = "17 * * * *"
    secrets: Sequence[str] = ()
    python: str = "3.12"


def yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def check_spec(spec: WorkflowSpec) -> None:
    """TI-1/TI-3 usage checks: schedule, secret names, and no literal credentials."""
    if len(spec.schedule.split()) != 5:
        raise TrackUsageError("Invalid value for '--schedule': expected 5 cron fields")
    for name in spec.secrets:
        if not SECRET_NAME.match(name) or name.upper().startswith("GITHUB_"):
            raise TrackUsageError(
                f"Invalid value for '--secret': {name!r} must match [A-Za-z_][A-Za-z0-9_]* "
                "and not start with GITHUB_"
            )
    texts = [spec.source or "", spec.command or "", spec.path, *spec.headers]
    texts += [value for _, value in spec.options if value is not None]
    if any("${{" in text for text in texts) or (
        spec.source is not None and USERINFO.match(spec.source)
    ):
        raise TrackUsageError("Credentials must come from --secret variables, not literal text")
    for header in spec.headers:
        name, _, value = header.partition(":")
        name = name.strip()
        lowered = name.lower()
        sensitive = lowered in SENSITIVE_HEADERS or any(w in lowered for w in SENSITIVE_WORDS)
        if sensitive and not variables_in(value):
            raise TrackUsageError(
                f'--header "{name}" must take its value from a secret, e.g. '
                f"--header '{name}: Bearer ${{API_TOKEN}}' --secret API_TOKEN"
            )
    for text in texts:
        for name in variables_in(text):
            if name not in spec.secrets:
                raise TrackUsageError(f"${{{name}}} is used but not declared with --secret {name}")


def render(spec: WorkflowSpec) -> str:
    """The workflow file text, byte for byte as TI-4 lays it out."""
    group = "datamill-track-" + re.sub(r"[^A-Za-z0-9._-]", "-", spec.path)
    title = yaml_quote(f"Track {spec.path}")
    lines = [
        f"# Written by datamill track init (datamill {spec.version}).",
        "# Secrets come from GitHub Actions secrets at run time; none are stored here.",
        f"name: {title}",
        "",
        "on:",
        "  schedule:",
        f"    - cron: {yaml_quote(spec.schedule)}",
        "  workflow_dispatch:",
        "",
        "permissions:",
        "  contents: write",
        "",
        "concurrency:",
        f"  group: {yaml_quote(group)}",
        "",
        "jobs:",
        "  track:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        f"          python-version: {yaml_quote(spec.python)}",
        f"      - run: pip install 'datamill=={spec.version}'",
        f"      - name: {title}",
    ]
    if spec.secrets:
        lines.append("        env:")
        lines += [f"          {name}: ${{{{ secrets.{name} }}}}" for name in spec.secrets]
    first = (
        f"datamill track {shell_quote(spec.source)}"
        if spec.source is not None
        else f"datamill track --command {shell_quote(spec.command or '')}"
    )
    args = [f"--path {shell_quote(spec.path)}"]
    args += [
        flag if value is None else f"{flag} {shell_quote(value)}" for flag, value in spec.options
    ]
    lines += ["        run: |", f"          {first} \\"]
    lines += [f"{INDENT}{arg} \\" for arg in args]
    lines.append(f"{INDENT}--push")
    return "\n".join(lines) + "\n"


def workflow_root(repo: str) -> str:
    """The root of the work tree that receives the workflow."""
    if not os.path.isdir(repo):
        raise TrackError(f"Not a git repository: {repo}")
    probe = run_git(repo, "rev-parse", "--show-toplevel", check=False)
    if probe.returncode != 0 or not probe.stdout.strip():
        raise TrackError(f"Not a git repository: {repo}")
    return probe.stdout.decode().strip()


def write_workflow(root: str, filename: str, text: str, force: bool) -> str:
    """Write ``.github/workflows/<filename>``; returns the path relative to the root."""
    if "/" in filename or not filename.endswith((".yml", ".yaml")) or filename in {".yml", ".yaml"}:
        raise TrackUsageError(
            "Invalid value for '--workflow': expected a file name ending in .yml or .yaml"
        )
    relative = f".github/workflows/{filename}"
    target = os.path.join(root, ".github", "workflows", filename)
    if os.path.exists(target) and not force:
        raise TrackError(f"{relative} already exists; use --force to replace it")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return relative
