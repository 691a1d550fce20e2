"""Source databases for the import-db tests (IDB-TEST) and small helpers.

``STRUCTURE_SQL`` runs unchanged on SQLite and PostgreSQL: keyed and keyless tables, single
and compound keys and foreign keys, NOT NULL, an empty keyed table, an FK to a table a test
skips (``archive``), an FK column a test redacts (``sessions.user_id``) and a view.
``POSTGRES_SQL`` adds what only PostgreSQL has: every IDB-4 type, a materialized view, a
second schema and a partitioned table.
"""

import hashlib
import sqlite3
from pathlib import Path

STRUCTURE_SQL = """
CREATE TABLE kinds (id INTEGER PRIMARY KEY, label VARCHAR(20) NOT NULL);
CREATE TABLE plants (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
  kind_id INTEGER REFERENCES kinds(id), price NUMERIC(6,2), secret TEXT);
CREATE TABLE sites (plant_id INTEGER NOT NULL REFERENCES plants(id), site TEXT NOT NULL,
  opened DATE, PRIMARY KEY (plant_id, site));
CREATE TABLE stock (plant_id INTEGER NOT NULL, site TEXT NOT NULL, day TEXT NOT NULL,
  qty INTEGER NOT NULL, PRIMARY KEY (plant_id, site, day),
  FOREIGN KEY (plant_id, site) REFERENCES sites(plant_id, site));
CREATE TABLE archive (id INTEGER PRIMARY KEY, note TEXT);
CREATE TABLE notes (id INTEGER PRIMARY KEY, archive_id INTEGER REFERENCES archive(id), body TEXT);
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, pw TEXT);
CREATE TABLE sessions (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), token TEXT);
CREATE TABLE empty (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE log (at TEXT, message TEXT);
CREATE VIEW cheap AS SELECT id, name FROM plants WHERE price < 5;
INSERT INTO kinds VALUES (1, 'herb'), (2, 'tree');
INSERT INTO plants VALUES (2, 'Oak', 2, 120, 's2'), (1, 'Basil', 1, 3.5, 's1'),
  (3, 'Fern', NULL, NULL, NULL);
INSERT INTO sites VALUES (1, 'north', '2024-01-02'), (2, 'north', NULL), (1, 'south', NULL);
INSERT INTO stock VALUES (1, 'north', 'mon', 12), (2, 'north', 'mon', 1),
  (1, 'south', 'tue', 4);
INSERT INTO archive VALUES (1, 'old');
INSERT INTO notes VALUES (1, 1, 'see archive'), (2, NULL, 'none');
INSERT INTO users VALUES (1, 'ada', 'hunter2'), (2, 'bo', NULL);
INSERT INTO sessions VALUES (1, 1, 't1'), (2, NULL, 't2');
INSERT INTO log VALUES ('09:00', 'opened'), ('17:00', 'closed');
"""

#: Output tables of ``--all`` on STRUCTURE_SQL, sorted by name.
STRUCTURE_TABLES = [
    "archive",
    "empty",
    "kinds",
    "log",
    "notes",
    "plants",
    "sessions",
    "sites",
    "stock",
    "users",
]

POSTGRES_SQL = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE everything (
  id integer PRIMARY KEY,
  small smallint, big bigint, serial_no serial, flag boolean,
  whole numeric(10,0), wide numeric(19,0), money_num numeric(12,2), long numeric(40,9),
  free numeric, ratio real, dbl double precision,
  raw bytea, label text, code char(3), name varchar(10),
  day date, at_time time, at_timetz timetz, stamp timestamp, stamptz timestamptz,
  span interval, uid uuid, doc json, docb jsonb,
  grid integer[], tags text[], uids uuid[], blobs bytea[], amounts numeric[], days date[],
  feeling mood, feelings mood[], addr inet, cash money, span_range int4range,
  ranges int4range[], spans interval[], words tsvector, markup xml, spot point, bits bit(3)
);
INSERT INTO everything VALUES (
  1, 7, 9007199254740993, DEFAULT, true,
  1234567890, 1234567890123456789, 1234.50, 123456789012345678901234567890.123456789,
  0.1, 1.5, 2.25,
  '\\x00ff', 'text', 'abc', 'varchar',
  '2024-03-04', '05:06:07', '05:06:07+02', '2024-03-04 05:06:07.5', '2024-03-04 05:06:07+02',
  '1 day 02:03:04', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"b": 1,  "a": [1, 2]}',
  '{"b": 1,  "a": [1, 2]}',
  '{{1,2},{3,4}}', '{a,"b c",NULL}', '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', '{"\\\\x01"}',
  '{1.5,NaN}', '{2024-01-01,infinity}',
  'happy', '{sad,ok}', '192.168.0.1/24', 12.5, '[1,5)',
  '{"[1,5)","[7,9)"}', '{"1 day"}', 'a fat cat', '<a>1</a>', '(1,2)', B'101'
);
INSERT INTO everything (id) VALUES (2);
INSERT INTO everything (id, free, dbl, day, stamp, stamptz, long) VALUES
  (3, 'NaN', 'NaN', 'infinity', '-infinity', 'infinity', 'NaN'),
  (4, 'Infinity', '-Infinity', '0044-03-15 BC', '12000-01-01 00:00', NULL, NULL),
  (5, NULL, NULL, NULL, NULL, NULL, 987654321098765432109876543210);

CREATE MATERIALIZED VIEW mood_counts AS SELECT feeling, count(*) AS n FROM everything
  GROUP BY feeling;

CREATE TABLE measurements (id integer, taken date, reading double precision,
  PRIMARY KEY (id, taken)) PARTITION BY RANGE (taken);
CREATE TABLE measurements_2023 PARTITION OF measurements
  FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO measurements VALUES (1, '2023-05-01', 1.5), (2, '2024-05-01', 2.5);

CREATE SCHEMA other;
CREATE TABLE other.groups (id integer PRIMARY KEY, label text NOT NULL);
CREATE TABLE other.members (id integer PRIMARY KEY,
  group_id integer REFERENCES other.groups(id), name text);
INSERT INTO other.groups VALUES (1, 'one');
INSERT INTO other.members VALUES (1, 1, 'm');
CREATE TABLE links (id integer PRIMARY KEY, group_id integer REFERENCES other.groups(id));
INSERT INTO links VALUES (1, 1);
"""


def make_sqlite_database(path: Path, sql: str) -> str:
    """A SQLite file built with ``sql``; returns its path."""
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return str(path)


def query(path: Path, sql: str) -> list[tuple]:
    """The rows of ``sql`` run on the SQLite file at ``path``."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a file, or None when it does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
