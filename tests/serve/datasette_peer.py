"""Datasette as a peer for the serve compatibility tests (SV-GEN-4): where it is, and a server.

``make bench-deps`` installs Datasette 1.0a41 and 0.65.5 into their own virtual environments under
``build/peers/``; ``DATAMILL_DATASETTE_1`` and ``DATAMILL_DATASETTE_065`` name other executables.
The fixture database is the cli.md 0.1 garden plus the cases the comparison needs: a searchable
table, a compound key, a rowid table, a view, foreign keys, NULLs, non-ASCII text and BLOBs.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from datamill import Database

ROOT = Path(__file__).resolve().parents[2]
PEERS = {  # version -> (environment variable, executable made by `make bench-deps`)
    "1.0a41": ("DATAMILL_DATASETTE_1", ROOT / "build" / "peers" / "datasette-1" / "bin"),
    "0.65.5": ("DATAMILL_DATASETTE_065", ROOT / "build" / "peers" / "datasette-065" / "bin"),
}

PLANTS = [
    {"id": 1, "name": "Fern", "kind": "shade", "height": 40},
    {"id": 2, "name": "Basil", "kind": "herb", "height": 25},
    {"id": 3, "name": "Tomato", "kind": "vegetable", "height": 120},
    {"id": 4, "name": "Mint", "kind": "herb", "height": 30},
]
BEDS = [(1, "North bed"), (2, "Süd-Beet"), (3, "温室")]
PLANTINGS = [  # id, plant_id, bed_id, planted, tags (JSON), note, photo
    (1, 1, 1, "2024-03-01", '["perennial", "shade"]', "under the oak", None),
    (2, 2, 2, "2024-04-15", '["annual"]', None, b"\x89PNG\r\n\x1a\n\x00"),
    (3, 3, 2, "2024-04-15", '["annual", "staked"]', "needs 50% more water", b"\x00\xff"),
    (4, 4, None, "2024-05-02", "[]", "", None),
    (5, 2, 3, None, None, "naïve café ☕", None),
    (6, 1, 1, "2024-03-01 08:30:00", '["perennial"]', "100_percent \\ ok", None),
]
READINGS = [  # site, day, value: a compound key whose parts need tilde-encoding (A6)
    ("a,b", "2024-01-01", 1.5),
    ("a,b", "2024-01-02", None),
    ("St. Mary's", "2024-01-01", 2.25),
    ("x/y z", "2024-01-03", -3.0),
    ("émile", "2024-01-01", 0.0),
]
DOCS = [  # searchable with FTS5 over title and body
    (1, "Growing basil", "Basil likes sun and warm soil; pinch the flowers."),
    (2, "Ferns in shade", "A fern wants shade, moisture and no sun at noon."),
    (3, "Tomato staking", "Stake tomato plants early; water the soil, not the leaves."),
    (4, "Mint everywhere", "Mint spreads in sun, half sun or shade: sun, sun, sun."),
    (5, "Café garden", "Un café au jardin: basilic, menthe et tomates au soleil."),
]
EVENTS = [  # a rowid table: no declared key
    ("frost", "2024-01-10", 3),
    ("rain", "2024-02-01", None),
    ("frost", "2024-02-11", 1),
    ("heat ☀", "2024-07-01", 2),
]


def compat_db(path: Path) -> str:
    """Write the comparison fixture database at ``path`` and return the path as a string."""
    db = Database(str(path))
    db["plants"].insert_all(PLANTS, pk="id")
    db.executescript(
        """
        create table beds (id integer primary key, name text);
        create table plantings (
            id integer primary key,
            plant_id integer references plants(id),
            bed_id integer references beds(id),
            planted text, tags text, note text, photo blob
        );
        create table readings (site text, day text, value real, primary key (site, day));
        create table docs (id integer primary key, title text, body text);
        create table events (kind text, day text, severity integer);
        create view herbs as select id, name, height from plants where kind = 'herb';
        create view planting_names as
            select plantings.id, plants.name, beds.name as bed
            from plantings join plants on plants.id = plantings.plant_id
            left join beds on beds.id = plantings.bed_id order by plantings.id;
        """
    )
    with db.conn:
        db.conn.executemany("insert into beds values (?, ?)", BEDS)
        db.conn.executemany("insert into plantings values (?, ?, ?, ?, ?, ?, ?)", PLANTINGS)
        db.conn.executemany("insert into readings values (?, ?, ?)", READINGS)
        db.conn.executemany("insert into docs values (?, ?, ?)", DOCS)
        db.conn.executemany("insert into events values (?, ?, ?)", EVENTS)
    db["docs"].enable_fts(["title", "body"])
    db.conn.close()
    return str(path)


BIG_ROWS = 200_000
COMPOUND_ROWS = 5_000


def big_db(path: Path) -> str:
    """Tables big enough for time limits and paging to show: ``big`` (200,000 rows, key ``id``,
    ``grp`` with 7 values) and ``ck`` (5,000 rows, compound key, ``grp`` with NULLs and 3 values).
    """
    conn = sqlite3.connect(path)
    with conn:
        conn.executescript(
            f"""
            create table big (id integer primary key, grp text, n integer);
            with recursive r(i) as (select 1 union all select i + 1 from r where i < {BIG_ROWS})
            insert into big select i, 'g' || (i % 7), i % 13 from r;
            create table ck (a text, b integer, grp text, primary key (a, b));
            with recursive r(i) as (
                select 1 union all select i + 1 from r where i < {COMPOUND_ROWS}
            )
            insert into ck select 'a' || (i % 10), i,
                case when i % 4 = 0 then null else 'g' || (i % 3) end from r;
            """
        )
    conn.close()
    return str(path)


def datasette_path(version: str) -> Path | None:
    """The ``datasette`` executable of ``version`` ("1.0a41" or "0.65.5"), or None if absent."""
    variable, folder = PEERS[version]
    path = Path(os.environ[variable]) if os.environ.get(variable) else folder / "datasette"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll ``url`` until the server answers (any HTTP status); fail if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Terminate ``proc`` and wait for it (killing it after 10 s)."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def datasette_server(
    executable: Path, *files: str, cwd: Path, settings: dict[str, str] | None = None
) -> Iterator[str]:
    """Run ``datasette serve FILES`` on 127.0.0.1 and a free port; yield its base URL."""
    options = [
        arg for name, value in (settings or {}).items() for arg in ("--setting", name, value)
    ]
    for _attempt in range(3):  # another process may take the free port before Datasette binds it
        port = free_port()
        proc = subprocess.Popen(
            [str(executable), "serve", *files, "--host", "127.0.0.1", "--port", str(port)]
            + options,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url + "/-/versions.json", proc)
        except RuntimeError:
            stop(proc)
            continue
        try:
            yield url
        finally:
            stop(proc)
        return
    raise RuntimeError(f"{executable} did not start")
