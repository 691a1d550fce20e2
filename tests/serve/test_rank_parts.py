"""A large ranked search is ranked in parts on helper threads, with the same pages (SV-FTS-2).

``rank_parts`` splits the matching FTS5 rowids into ranges ranked at the same time and
merges them by (rank, rowid): every page, followed by ``next`` to the end, must equal the
single statement's, with filters, page sizes and raw queries; a part that reads another
version of the database sends the page back to one statement.
"""

from __future__ import annotations

import random
from concurrent.futures import Future

import pytest
from serve_helpers import client_for

from datamill import Database
from datamill.serve import executor, rank_parts
from datamill.serve.connection import ReadConnection
from datamill.serve.rank_parts import Helpers, rank_in_parts

WORDS = ["cherry", "plum", "oak", "elm", "maple", "pine", "ash", "birch"]
ROWS = 3000


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("rank") / "trees.db"
    db = Database(str(path))
    rows = []
    for i in range(1, ROWS + 1):
        words = rng.choices(WORDS, weights=[8, 4, 3, 2, 2, 1, 1, 1], k=rng.randint(1, 9))
        rows.append(
            {
                "id": i * 3 - 50,  # gaps and negative keys: ranges must not assume 1..n
                "name": " ".join(words),
                "note": " ".join(rng.choices(WORDS, k=rng.randint(0, 4))),
                "kind": rng.choice(["street", "park", "yard"]),
            }
        )
    db["trees"].insert_all(rows, pk="id")
    db["trees"].enable_fts(["name", "note"], fts_version="FTS5")
    return str(path)


def _client(database, monkeypatch, cpus: int):
    monkeypatch.setattr(executor.os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(rank_parts, "MIN_MATCHES", 100)
    return client_for(database)


def _walk(client, url: str) -> tuple[list[list], list[int]]:
    """Every row of every page from ``url`` on, and each page's statement count."""
    rows, statements = [], []
    while url:
        body = client.get(url).json()
        assert body["ok"], body
        rows += body["rows"]
        statements.append(body["timing"]["statements"])
        url = body.get("next_url")
    return rows, statements


URLS = [
    "/trees/trees.json?_search=cherry&_extra=timing",
    "/trees/trees.json?_search=cherry&_size=7&_extra=timing",
    "/trees/trees.json?_search=oak+elm&_size=33&_extra=timing",
    "/trees/trees.json?_search=cherry&kind=park&_size=40&_extra=timing",
    "/trees/trees.json?_search=plum+OR+pine&_searchmode=raw&_size=max&_extra=timing",
    "/trees/trees.json?_search=cherry&_shape=arrays&_col=name&_extra=timing",
]


@pytest.mark.parametrize("url", URLS)
def test_pages_ranked_in_parts_equal_one_statement(database, monkeypatch, url):
    with _client(database, monkeypatch, cpus=1) as client:
        expected, serial = _walk(client, url)
    with _client(database, monkeypatch, cpus=4) as client:
        got, parted = _walk(client, url)
    assert got == expected
    assert len(got) > 100
    keys = [row[0] if isinstance(row, list) else row["id"] for row in got]
    if "_col=" not in url:
        assert len(set(keys)) == len(keys)  # each matching row exactly once
    # parts: a count check and both ends of the rowid range, the request's own part (instead
    # of the one statement), then the page's rows for the winning matches
    assert [p - s for p, s in zip(parted, serial)] == [4] * len(serial)


def test_small_searches_stay_one_statement(database, monkeypatch):
    url = "/trees/trees.json?_search=birch+pine+ash+elm&_extra=timing,count"
    with _client(database, monkeypatch, cpus=1) as client:
        serial = client.get(url).json()
    with _client(database, monkeypatch, cpus=4) as client:
        body = client.get(url).json()
    assert 0 < body["count"] < 100
    assert body["rows"] == serial["rows"]
    # only the bounded count check is added: no range ends, no parts
    assert body["timing"]["statements"] == serial["timing"]["statements"] + 1


class _Recorder:
    """Helpers that run parts inline and report a new database version after ``changes``."""

    def __init__(
        self, conn: ReadConnection, changes_after: int | None, helper_version: tuple = ("v", 1)
    ) -> None:
        self.conn = conn
        self.calls = 0
        self.changes_after = changes_after
        self.helper_version = helper_version

    def submit(self, fn) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(self.conn, _State(self.helper_version)))
        except Exception as error:  # as a pool thread hands it over
            future.set_exception(error)
        return future

    def version(self) -> tuple:
        self.calls += 1
        if self.changes_after is not None and self.calls > self.changes_after:
            return ("v", 2)
        return ("v", 1)


class _State:
    def __init__(self, version: tuple) -> None:
        self.version = version


@pytest.mark.parametrize(
    ("changes_after", "helper_version"),
    [(None, ("v", 1)), (1, ("v", 1)), (None, ("v", 0))],
    ids=["same version", "file changed meanwhile", "helper reads another version"],
)
def test_a_version_change_during_the_parts_falls_back(
    database, changes_after, helper_version, monkeypatch
):
    from datamill.serve.schema import read_schema
    from datamill.serve.settings import Settings
    from datamill.serve.table_query import TableQuery

    monkeypatch.setattr(rank_parts, "MIN_MATCHES", 100)
    conn = ReadConnection(database, immutable=False)
    try:
        relation = read_schema(conn, frozenset()).get("trees")
        query = TableQuery(conn, relation, [("_search", "cherry")], Settings(), {})
        recorder = _Recorder(conn, changes_after, helper_version)
        result = rank_in_parts(query, conn, 1000, Helpers(2, recorder.submit, recorder.version))
        if changes_after is None and helper_version == ("v", 1):
            assert result is not None
            rows, offset = result
            assert offset == 0 and len(rows) == query.size + 1
        else:
            assert result is None  # one statement reads the page instead
    finally:
        conn.close()


def test_helpers_only_while_a_request_runs_alone():
    import asyncio
    import threading

    pool = executor.SqlExecutor(threads=2, busy_timeout_s=1, helpers=2)
    first_in, release = threading.Event(), threading.Event()

    def blocking() -> int:
        first_in.set()
        release.wait(5)
        return pool.idle_helpers

    def alone() -> int:
        return pool.idle_helpers

    async def scenario() -> tuple[int, int, int]:
        solo = await pool.run(alone)
        blocked = asyncio.ensure_future(pool.run(blocking))
        await asyncio.get_running_loop().run_in_executor(None, first_in.wait, 5)
        beside = await pool.run(alone)
        release.set()
        return solo, beside, await blocked

    try:
        solo, beside, after = asyncio.run(scenario())
    finally:
        pool.shutdown()
    assert (solo, beside, after) == (2, 0, 2)


@pytest.mark.parametrize(
    ("low", "high", "parts", "expected"),
    [
        (1, 10, 2, [(1, 5), (6, 10)]),
        (-5, 4, 3, [(-5, -3), (-2, 0), (1, 4)]),
        (7, 8, 4, [(7, 7), (8, 8)]),  # never more parts than rowids
        (3, 3, 2, [(3, 3)]),
    ],
)
def test_rowid_ranges_cover_the_matches_once(low, high, parts, expected):
    assert rank_parts._split(low, high, parts) == expected
