"""A throw-away PostgreSQL cluster for the import-db tests and benchmark (IDB-TEST).

``initdb -A trust`` into a new temporary folder, a server listening only on a Unix socket in
that folder (``listen_addresses=''``), ``pg_isready`` to wait for it and ``pg_ctl stop -m fast``
at the end; the system cluster is never touched. PostgreSQL refuses to run as root, so under
root the folder is handed to an unprivileged user (``postgres``, or ``datamill-pg``, created
when missing) and every server command runs through ``runuser``.

Binaries are found through ``pg_config --bindir``, then ``PATH``, then Debian's
``/usr/lib/postgresql/<version>/bin`` (highest version first).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pathlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

SERVER_PROGRAMS = ("initdb", "pg_ctl", "pg_isready")
SUPERUSER = "postgres"
UNPRIVILEGED_USERS = ("postgres", "datamill-pg")


def find_bindir() -> pathlib.Path | None:
    """The folder holding initdb, pg_ctl and pg_isready, or None when PostgreSQL is missing."""
    candidates: list[pathlib.Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            bindir = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
            candidates.append(pathlib.Path(bindir))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(pathlib.Path(os.path.realpath(initdb)).parent)
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    debian.sort(key=lambda path: _version_key(pathlib.Path(path).parent.name), reverse=True)
    candidates.extend(pathlib.Path(path) for path in debian)
    for bindir in candidates:
        if all((bindir / program).is_file() for program in SERVER_PROGRAMS):
            return bindir
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


class PgCluster:
    """One running cluster; ``url(dbname)`` gives a SQLAlchemy URL over its socket."""

    def __init__(self, bindir: pathlib.Path, root: pathlib.Path, run_as: str | None) -> None:
        self.bindir = bindir
        self.root = root
        self.run_as = run_as
        self.data = root / "data"
        self.log = root / "server.log"

    def url(self, dbname: str = "postgres", driver: str = "postgresql") -> str:
        return f"{driver}://{SUPERUSER}@/{dbname}?host={self.root}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """A libpq connection string, for psycopg."""
        return f"host={self.root} user={SUPERUSER} dbname={dbname}"

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bindir / program), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return command

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(self._command(program, *args), capture_output=True, text=True)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}{log}")

    def start(self) -> None:
        self._run(
            "initdb",
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--no-sync",
            "-D",
            str(self.data),
        )
        options = f"-k {self.root} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        self._run("pg_isready", "-q", "-h", str(self.root), "-t", "30")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def _unprivileged_user() -> str:
    """An existing unprivileged user to run the server as, created when there is none."""
    for name in UNPRIVILEGED_USERS:
        if subprocess.run(["id", "-u", name], capture_output=True).returncode == 0:
            return name
    name = UNPRIVILEGED_USERS[-1]
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    return name


@contextlib.contextmanager
def running_cluster(bindir: pathlib.Path) -> Iterator[PgCluster]:
    """Start a cluster in a new temporary folder; always stop it and remove the folder."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="datamill-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = _unprivileged_user()
        shutil.chown(root, user=run_as)
    cluster = PgCluster(bindir, root, run_as)
    try:
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
