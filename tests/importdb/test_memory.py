"""Flat memory (IDB-7, IDB-TEST): copying 500k rows peaks within 30 MB of copying 50k.

Rows come from PostgreSQL through a server-side cursor; the table mixes columns stored as
the driver returns them with columns that go through the type map.
"""

import os
import subprocess
import sys

BIG, SMALL = 500_000, 50_000
SLACK_MB = 30

TABLE_SQL = """
CREATE TABLE {name} (id bigint PRIMARY KEY, label text, amount numeric(12,2),
  seen timestamptz, tags text[]);
INSERT INTO {name} SELECT g, md5(g::text) || repeat('x', 40), g / 100.0,
  timestamptz '2024-01-01' + g * interval '1 second', array[md5(g::text), 'tag']
  FROM generate_series(1, {rows}) AS g;
"""


def peak_rss_mb(command):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, process.stderr.read().decode()
    return usage.ru_maxrss / 1024


def test_peak_memory_does_not_grow_with_rows(make_pg_database, tmp_path):
    url = make_pg_database(
        TABLE_SQL.format(name="big", rows=BIG) + TABLE_SQL.format(name="small", rows=SMALL)
    )
    datamill = [sys.executable, "-m", "datamill", "import-db", url]
    small = peak_rss_mb([*datamill, str(tmp_path / "small.db"), "--table", "small"])
    big = peak_rss_mb([*datamill, str(tmp_path / "big.db"), "--table", "big"])
    assert big <= small + SLACK_MB, (small, big)
