"""``datamill history``: import a file's git history into SQLite (HI-1..HI-10).

Each git commit is written in one SQLite transaction with bulk ``executemany`` statements.
Per-item state (row id, latest version, latest present full hash, removed flag) is kept in
memory and loaded from the database on incremental runs; previous column values are fetched in
batches only for items whose full hash changed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha1
from itertools import repeat
from json.encoder import encode_basestring_ascii as encode_string

from datamill import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.io.detect import column_type
from datamill.track.errors import HistoryError
from datamill.track.history import gitwalk, schema
from datamill.track.history.versions import Reader, fix_reserved, jsonify, typed

BATCH = 500


def row_hash(record: dict) -> str:
    """0.8's hash: SHA-1 of sorted-key compact JSON, ASCII-escaped, ``repr`` fallback."""
    text = json.dumps(record, separators=(",", ":"), sort_keys=True, default=repr)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class RowHasher:
    """``row_hash`` with a fast path for all-string rows (CSV): same bytes, no encoder setup."""

    def __init__(self) -> None:
        self.prefixes: dict[tuple, list[tuple[str, str]]] = {}

    def __call__(self, record: dict) -> str:
        keys = tuple(record)
        prefixes = self.prefixes.get(keys)
        if prefixes is None:
            if not all(isinstance(key, str) for key in keys):
                return row_hash(record)
            prefixes = self.prefixes[keys] = [
                (key, encode_string(key) + ":") for key in sorted(keys)
            ]
        try:
            text = (
                "{"
                + ",".join([prefix + encode_string(record[key]) for key, prefix in prefixes])
                + "}"
            )
        except TypeError:
            return row_hash(record)
        return sha1(text.encode("ascii")).hexdigest()


@dataclass
class HistoryOptions:
    """Options of ``datamill history`` after command-line checks (HI-2)."""

    database: str
    filepath: str
    repo: str = "."
    branch: str | None = None
    ids: Sequence[str] = ()
    namespace: str = "item"
    full_versions: bool = False
    ignore: Sequence[str] = ()
    reader: Reader | None = None
    detect_types: bool = False
    skip: Sequence[str] = ()
    start_at: str | None = None
    start_after: str | None = None
    ignore_duplicate_ids: bool = False
    ignore_missing_ids: bool = False
    wal: bool = False
    debug: bool = False
    progress: Callable[[int, int], None] | None = None
    warn: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))


@dataclass(slots=True)
class ItemState:
    pk: int
    version: int
    full_hash: str | None
    removed: bool


class Importer:
    """Writes commits into one namespace of a history database."""

    def __init__(self, db: Database, options: HistoryOptions) -> None:
        self.db = db
        self.options = options
        self.reader = options.reader or Reader(options.filepath)
        self.tables = schema.Tables(options.namespace)
        self.ids = [fix_reserved(name) for name in options.ids]
        self.items: dict[str, ItemState] = {}
        self.column_ids: dict[str, int] = {}
        self.types: dict[str, str] = {}
        self.next_item = 1
        self.next_version = 1
        self.namespace_id: int | None = None
        self.hash = RowHasher()
        self._link_columns: dict[tuple, list[int]] = {}
        self._load_state()

    @staticmethod
    def tables_for(options: HistoryOptions) -> schema.Tables:
        return schema.Tables(options.namespace)

    # -- state -------------------------------------------------------------------------------

    def _load_state(self) -> None:
        db, t = self.db, self.tables
        if db["namespaces"].exists():
            row = db.execute("select id from namespaces where name = ?", [t.item]).fetchone()
            self.namespace_id = row[0] if row else None
        if not db[t.item].exists():
            return
        internal = {"_id", "_item_id", "_commit", "_removed"} if self.ids else {"_commit"}
        self.types = {c.name: c.type for c in db[t.item].columns if c.name not in internal}
        if not self.ids:
            return
        versions = dict(
            db.execute(f"select _item, max(_version) from {q(t.version)} group by _item")
        )
        hashes = {
            item: full
            for item, full, _ in db.execute(
                f"select _item, _item_full_hash, max(_version) from {q(t.version)} "
                "where _item_full_hash is not null group by _item"
            )
        }
        for pk, item_id, removed in db.execute(
            f"select _id, _item_id, _removed from {q(t.item)} order by _id"
        ):
            self.items[item_id] = ItemState(pk, versions.get(pk, 0), hashes.get(pk), bool(removed))
        self.next_item = (db.execute(f"select max(_id) from {q(t.item)}").fetchone()[0] or 0) + 1
        self.next_version = (
            db.execute(f"select max(_id) from {q(t.version)}").fetchone()[0] or 0
        ) + 1
        if self.namespace_id is not None:
            self.column_ids = {
                name: cid
                for cid, name in db.execute(
                    "select id, name from columns where namespace = ?", [self.namespace_id]
                )
            }

    def recorded(self) -> list[str]:
        """Hashes already in ``commits`` for the namespace, oldest first."""
        if self.namespace_id is None or not self.db["commits"].exists():
            return []
        return [
            row[0]
            for row in self.db.execute(
                "select hash from commits where namespace = ? order by id", [self.namespace_id]
            )
        ]

    # -- one commit ----------------------------------------------------------------------------

    def import_commit(self, commit: gitwalk.CommitInfo, data: bytes) -> None:
        """Parse and write one commit in one transaction (HI-7)."""
        columns, rows = ([], []) if not data.strip() else self.reader.rows(commit.hash, data)
        with self.db.atomic():
            schema.ensure_shared(self.db)
            commit_id = self._insert_commit(commit)
            if not columns:
                return
            if not self.reader.is_csv or self.options.detect_types:
                rows = list(rows)
            if self.ids and self.reader.is_csv and not set(self.ids) <= set(columns):
                self._missing_ids(commit.hash, sum(1 for _ in rows), 1, columns)
                return
            self._ensure_columns(columns, rows)
            if self.ids:
                self._write_versions(commit.hash, commit_id, columns, rows)
            else:
                self._write_plain(commit_id, rows)

    def _insert_commit(self, commit: gitwalk.CommitInfo) -> int:
        if self.namespace_id is None:
            cursor = self.db.execute("insert into namespaces (name) values (?)", [self.tables.item])
            self.namespace_id = cursor.lastrowid
        cursor = self.db.execute(
            "insert into commits (namespace, hash, commit_at, message, author_name, "
            "author_email, parent) values (?, ?, ?, ?, ?, ?, ?)",
            [
                self.namespace_id,
                commit.hash,
                commit.commit_at,
                commit.message,
                commit.author_name,
                commit.author_email,
                commit.parent,
            ],
        )
        return cursor.lastrowid

    def _missing_ids(self, sha: str, missing: int, first: int, row_or_columns, total=None) -> None:
        """HI-10: rows without the ``--id`` columns are an error, or skipped with a warning."""
        if not missing:
            return
        total = missing if total is None else total
        if not self.options.ignore_missing_ids:
            name = next(name for name in self.ids if name not in row_or_columns)
            raise HistoryError(
                f'Commit {sha}: --id column "{name}" is missing from {missing} of '
                f"{total} rows (first: row {first})"
            )
        noun = "row" if missing == 1 else "rows"
        self.options.warn(f"Warning: Commit {sha}: {missing} {noun} without --id columns skipped")

    def _ensure_columns(self, columns: list[str], rows: Iterable[dict]) -> None:
        """Create or widen the tables for ``columns``. ``rows`` is read, once per new column,
        only to detect types or to flatten JSON: ``import_commit`` passes a list then."""
        new = [name for name in columns if name not in self.types]
        if not new:
            return
        declared = None
        if self.reader.is_csv:
            declared = {
                name: column_type([row.get(name, "") for row in rows])
                if self.options.detect_types
                else "TEXT"
                for name in new
            }
        flat = [] if declared is not None else [self._flat(row) for row in rows]
        types = schema.column_types(new, flat, declared)
        t = self.tables
        if not self.types and not self.db[t.item].exists():
            if self.ids:
                schema.create_id_tables(self.db, t, types)
            else:
                schema.create_plain_table(self.db, t.item, types)
        else:
            schema.add_columns(self.db, t.item, types)
            if self.ids:
                schema.add_columns(self.db, t.version, types)
        self.types.update(types)

    def _flat(self, row: dict) -> dict:
        return {name: jsonify(value) for name, value in row.items()}

    def _column_ids(self, row: dict) -> list[int]:
        keys = tuple(row)
        ids = self._link_columns.get(keys)
        if ids is None:
            ids = self._link_columns[keys] = [self._column_id(name) for name in keys]
        return ids

    def _stored(self, row: dict) -> dict:
        """The values as written: nested JSON as text, HI-9 conversions."""
        if self.reader.is_csv and not self.options.detect_types:
            return row
        if not self.options.detect_types or not self.reader.is_csv:
            return self._flat(row)
        return {name: typed(value, self.types.get(name, "TEXT")) for name, value in row.items()}

    def _write_plain(self, commit_id: int, rows: Iterable[dict]) -> None:
        names = list(self.types)
        sql = "insert into {} ({}, _commit) values ({}, ?)".format(
            q(self.tables.item), ", ".join(q(n) for n in names), ", ".join("?" * len(names))
        )
        stored = (self._stored(row) for row in rows)
        self.db.conn.executemany(sql, ((*[row.get(n) for n in names], commit_id) for row in stored))

    # -- versions ------------------------------------------------------------------------------

    def _column_id(self, name: str) -> int:
        cid = self.column_ids.get(name)
        if cid is None:
            cursor = self.db.execute(
                "insert into columns (namespace, name) values (?, ?)", [self.namespace_id, name]
            )
            cid = self.column_ids[name] = cursor.lastrowid
        return cid

    def _link_added(self, first_version: int, column_ids: list[int]) -> None:
        """CSV rows all hold every column, so an added version lists them all: one statement."""
        t = self.tables
        self.db.execute(
            f"insert into {q(t.changed)} (item_version, column) select v._id, c.id "
            f"from {q(t.version)} v join columns c on c.id in ({', '.join('?' * len(column_ids))}) "
            "where v._id >= ? and v._change = 'added' order by v._id, c.id",
            [*column_ids, first_version],
        )

    def _write_versions(
        self, sha: str, commit_id: int, columns: list[str], rows: Iterable[dict]
    ) -> None:
        names = list(self.types)
        ids = self.ids
        seen: dict[str, int] = {}
        batch = _Batch(self, names)
        csv_rows = self.reader.is_csv
        first_version = self.next_version
        if csv_rows:
            link_columns = self._column_ids(dict.fromkeys(columns))
        pending: list[tuple[int, ItemState, dict, str, str]] = []
        missing, first_missing, first_missing_row, number = 0, 0, None, 0
        for number, row in enumerate(rows, 1):
            if not all(name in row for name in ids):
                missing += 1
                if first_missing_row is None:
                    first_missing, first_missing_row = number, row
                continue
            item_id = self.hash({name: row[name] for name in ids})
            if item_id in seen:
                if self.options.ignore_duplicate_ids:
                    continue
                shown = ", ".join(f"{name}={json.dumps(row.get(name))}" for name in ids)
                raise HistoryError(
                    f"Commit {sha}: duplicate --id value {shown} (rows {seen[item_id]} and "
                    f"{number}); use --ignore-duplicate-ids to keep the first"
                )
            seen[item_id] = number
            full = self.hash(row)
            state = self.items.get(item_id)
            if state is not None and not state.removed and state.full_hash == full:
                continue
            stored = self._stored(row)
            version_id = self.next_version
            self.next_version += 1
            if state is None:
                state = ItemState(self.next_item, 1, full, False)
                self.next_item += 1
                self.items[item_id] = state
                values = tuple(map(stored.get, names))
                batch.new_items.append((state.pk, item_id, *values, commit_id, 0))
                batch.versions.append((version_id, state.pk, 1, commit_id, "added", *values, full))
                if not csv_rows:
                    batch.links += zip(repeat(version_id), self._column_ids(stored))
                batch.flush_if_full()
                continue
            kind = "readded" if state.removed else "changed"
            state.version += 1
            state.full_hash = full
            state.removed = False
            pending.append((version_id, state, stored, kind, full))
        self._missing_ids(sha, missing, first_missing, first_missing_row or {}, number)
        if seen:
            self._resolve_pending(commit_id, names, pending, batch)
            self._removals(seen, commit_id, names, batch)
        batch.flush()
        if csv_rows and link_columns:
            self._link_added(first_version, link_columns)
        if self.options.debug:
            self.options.warn(f"Commit {sha}: " + ", ".join(
                f"{count} {kind}" for kind, count in batch.counts.items()
            ))  # fmt: skip

    def _resolve_pending(self, commit_id, names, pending, batch: _Batch) -> None:
        """Changed and re-added items: compare with the item's stored values, in batches."""
        t = self.tables
        select = "select _id, {} from {} where _id in ({{}})".format(
            ", ".join(q(n) for n in names), q(t.item)
        )
        for start in range(0, len(pending), BATCH):
            chunk = pending[start : start + BATCH]
            pks = [state.pk for _, state, _, _, _ in chunk]
            previous = {
                row[0]: dict(zip(names, row[1:], strict=True))
                for row in self.db.execute(select.format(", ".join("?" * len(pks))), pks)
            }
            for version_id, state, stored, kind, full in chunk:
                before = previous[state.pk]
                if kind == "readded" or self.options.full_versions:
                    shown = stored
                else:
                    shown = {}
                if kind == "readded":
                    listed = list(stored)
                else:
                    listed = [
                        name
                        for name in [*stored, *(n for n in names if n not in stored)]
                        if stored.get(name) != before.get(name)
                    ]
                    if not self.options.full_versions:
                        shown = {name: stored.get(name) for name in listed}
                batch.versions.append(
                    (version_id, state.pk, state.version, commit_id, kind,
                     *[shown.get(n) for n in names], full)
                )  # fmt: skip
                batch.links += [(version_id, self._column_id(name)) for name in listed]
                merged = {**before, **stored}
                batch.updates.append((*[merged.get(n) for n in names], commit_id, state.pk))
            batch.flush_if_full()

    def _removals(self, seen, commit_id, names, batch: _Batch) -> None:
        """HI-6.3: items present before but absent now get a 'removed' version, in _id order."""
        gone = [
            (state.pk, state)
            for item_id, state in self.items.items()
            if not state.removed and item_id not in seen
        ]
        gone.sort(key=lambda pair: pair[0])
        blank = [None] * len(names)
        for pk, state in gone:
            state.version += 1
            state.removed = True
            batch.versions.append(
                (self.next_version, pk, state.version, commit_id, "removed", *blank, None)
            )
            self.next_version += 1
            batch.removals.append((commit_id, pk))
            batch.flush_if_full()


class _Batch:
    """Rows waiting for ``executemany``, flushed in chunks so memory stays bounded."""

    LIMIT = 20000

    def __init__(self, importer: Importer, names: list[str]) -> None:
        t, conn = importer.tables, importer.db.conn
        self.conn = conn
        self.counts: dict[str, int] = dict.fromkeys(("added", "changed", "removed", "readded"), 0)
        self.new_items: list[tuple] = []
        self.versions: list[tuple] = []
        self.links: list[tuple[int, int]] = []
        self.updates: list[tuple] = []
        self.removals: list[tuple[int, int]] = []
        columns = ", ".join(q(n) for n in names)
        self.sql = {
            "new_items": "insert into {} (_id, _item_id{}, _commit, _removed) values ({})".format(
                q(t.item), ", " + columns if names else "", ", ".join("?" * (len(names) + 4))
            ),
            "updates": "update {} set {}_commit = ?, _removed = 0 where _id = ?".format(
                q(t.item), "".join(f"{q(n)} = ?, " for n in names)
            ),
            "removals": f"update {q(t.item)} set _commit = ?, _removed = 1 where _id = ?",
            "versions": "insert into {} (_id, _item, _version, _commit, _change{}, "
            "_item_full_hash) values ({})".format(
                q(t.version), ", " + columns if names else "", ", ".join("?" * (len(names) + 6))
            ),
            "links": f"insert into {q(t.changed)} (item_version, column) values (?, ?)",
        }

    def flush_if_full(self) -> None:
        if len(self.versions) >= self.LIMIT or len(self.links) >= 8 * self.LIMIT:
            self.flush()

    def flush(self) -> None:
        for kind in ("added", "changed", "removed", "readded"):
            self.counts[kind] += sum(1 for version in self.versions if version[4] == kind)
        for name in ("new_items", "updates", "removals", "versions", "links"):
            rows = getattr(self, name)
            if rows:
                self.conn.executemany(self.sql[name], rows)
                rows.clear()
